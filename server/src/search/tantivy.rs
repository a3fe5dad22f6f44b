//! The embedded search index: Tantivy under `DATA_DIR/search`.
//!
//! Each build is a directory `index-<ulid>`; the symlink `current` names the live one and is
//! replaced atomically (a new link renamed over it) when a rebuild finishes, so a search never
//! sees a half-built index. Another process sharing `DATA_DIR` follows the link on its next
//! search (it looks at most once a second) and sees commits through Tantivy's reload policy.
//!
//! Text matching is Tantivy's (words folded by the same analyzer at index and query time);
//! filters, facet counts and orders are read from fast fields by one collector, with the
//! domain's own `CatalogQuery` and `FacetCounts` rules, so they agree with browse exactly.

use app::domain::{
    synonyms_of, typo_budget, AgeBand, App, CatalogQuery, Category, FacetCounts, FilterFields, Platform, SearchQuery,
    SearchSort, SortOrder, MAX_QUERY_WORDS, MAX_RATING,
};
use app::ports::{Catalog, SearchError, SearchIndex, SearchMatches};
use async_trait::async_trait;
use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, ColumnIndex, ColumnValues};
use tantivy::query::{
    AllQuery, AutomatonWeight, BooleanQuery, BoostQuery, DfaWrapper, EnableScoring, FuzzyTermQuery, Query, TermQuery,
    Weight,
};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term,
};

const TOKENIZER: &str = "famigo";
const CURRENT: &str = "current";
/// Field boosts, in the order parents recognise an app by.
const BOOSTS: [(&str, Score); 4] = [("name", 8.0), ("developer", 3.0), ("categories", 2.0), ("description", 1.0)];
/// An exact word outranks the same word found by typo tolerance or as a prefix.
const EXACT: Score = 2.0;
const PREFIX: Score = 0.8;
const FUZZY: Score = 0.5;
const SYNONYM: Score = 1.5;
const WRITER_BUDGET: usize = 20_000_000;
const REBUILD_BUDGET: usize = 200_000_000;
const REBUILD_BATCH: usize = 2_000;
const LINK_CHECK: Duration = Duration::from_secs(1);

#[derive(Clone, Copy)]
struct Fields {
    slug: Field,
    text: [Field; 4],
    /// Every field filters and facets read, packed (`pack_filters`).
    filters: Field,
    learning: Field,
    rating: Field,
    rating_count: Field,
    released: Field,
    name_key: Field,
    /// The first 8 bytes of the slug and of the lowercase name, big-endian: they order hits
    /// without reading strings; only ties on them read the stored strings.
    slug_prefix: Field,
    name_prefix: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqs),
    );
    let slug = b.add_text_field("slug", STRING | STORED);
    let text = BOOSTS.map(|(name, _)| b.add_text_field(name, text.clone()));
    let fields = Fields {
        slug,
        text,
        filters: b.add_u64_field("filters", FAST),
        learning: b.add_u64_field("learning", FAST),
        rating: b.add_f64_field("rating", FAST),
        rating_count: b.add_u64_field("rating_count", FAST),
        released: b.add_u64_field("released", FAST),
        name_key: b.add_text_field("name_key", STRING | STORED),
        slug_prefix: b.add_u64_field("slug_prefix", FAST),
        name_prefix: b.add_u64_field("name_prefix", FAST),
    };
    (b.build(), fields)
}

/// An app's filter fields in one number, so a match costs one read for them, not six: price in
/// cents (bits 0–31), categories (32–43), platforms (44–51), age band (52–54), ads, in-app
/// purchases and data collection (55–57), learning rating (58–61).
fn pack_filters(f: &FilterFields) -> u64 {
    const _: () =
        assert!(Category::ALL.len() <= 12 && Platform::ALL.len() <= 8 && AgeBand::ALL.len() <= 8 && MAX_RATING < 16);
    let age = AgeBand::ALL.iter().position(|b| *b == f.age_band).unwrap_or(0) as u64;
    f.price_cents as u64
        | (f.categories as u64 & 0xfff) << 32
        | (f.platforms as u64 & 0xff) << 44
        | age << 52
        | (f.ads as u64) << 55
        | (f.in_app_purchases as u64) << 56
        | (f.collects_data as u64) << 57
        | (f.learning_rating as u64 & 0xf) << 58
}

fn unpack_filters(v: u64) -> FilterFields {
    FilterFields {
        age_band: AgeBand::ALL.get((v >> 52 & 0x7) as usize).copied().unwrap_or(AgeBand::Teen),
        platforms: (v >> 44 & 0xff) as u16,
        categories: (v >> 32 & 0xfff) as u16,
        price_cents: v as u32,
        ads: v >> 55 & 1 == 1,
        in_app_purchases: v >> 56 & 1 == 1,
        collects_data: v >> 57 & 1 == 1,
        learning_rating: (v >> 58 & 0xf) as u8,
    }
}

fn document(f: &Fields, app: &App) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.slug, &app.slug);
    doc.add_text(f.text[0], &app.name);
    doc.add_text(f.text[1], &app.developer);
    let labels: Vec<&str> = app.categories.iter().map(|c| c.label()).collect();
    doc.add_text(f.text[2], labels.join(" "));
    doc.add_text(f.text[3], &app.description);
    doc.add_u64(f.filters, pack_filters(&FilterFields::of(app)));
    doc.add_u64(f.learning, app.learning_rating as u64);
    doc.add_f64(f.rating, app.rating_avg as f64);
    doc.add_u64(f.rating_count, app.rating_count as u64);
    doc.add_u64(f.released, chrono::Datelike::num_days_from_ce(&app.released) as u64);
    let name_key = app.name.to_lowercase();
    doc.add_u64(f.slug_prefix, prefix_key(&app.slug));
    doc.add_u64(f.name_prefix, prefix_key(&name_key));
    doc.add_text(f.name_key, name_key);
    doc
}

/// The first 8 bytes of `text` as a number that sorts like the text (shorter pads with 0).
fn prefix_key(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (slot, b) in bytes.iter_mut().zip(text.bytes()) {
        *slot = b;
    }
    u64::from_be_bytes(bytes)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// One open index: the directory the link pointed at when it was opened.
struct Live {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl Live {
    /// Opens an index built by this version; one with another schema is an error (the
    /// caller starts an empty one, and a rebuild fills it).
    fn open(dir: &Path) -> tantivy::Result<Live> {
        let index = Index::open_in_dir(dir)?;
        let same = |s: &Schema| serde_json::to_string(s).ok();
        if same(&index.schema()) != same(&schema().0) {
            return Err(tantivy::TantivyError::SchemaError("built by another version of famigo".into()));
        }
        Self::with_index(dir, index)
    }

    fn create(dir: &Path) -> tantivy::Result<Live> {
        std::fs::create_dir_all(dir)?;
        let index = Index::create_in_dir(dir, schema().0)?;
        Self::with_index(dir, index)
    }

    fn with_index(dir: &Path, index: Index) -> tantivy::Result<Live> {
        index.tokenizers().register(TOKENIZER, analyzer());
        let (_, fields) = schema();
        let reader = index.reader_builder().reload_policy(ReloadPolicy::OnCommitWithDelay).try_into()?;
        Ok(Live { dir: dir.to_path_buf(), index, reader, fields })
    }

    /// A writer, waiting a little if another process holds the index's lock.
    fn writer(&self, budget: usize) -> Result<IndexWriter, SearchError> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.index.writer_with_num_threads(1, budget) {
                Ok(w) => return Ok(w),
                Err(tantivy::TantivyError::LockFailure(..)) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                Err(tantivy::TantivyError::LockFailure(..)) => {
                    return Err(SearchError::Unavailable("the search index is locked by another process".into()))
                }
                Err(e) => return Err(backend(e)),
            }
        }
    }
}

fn backend(e: impl std::fmt::Display) -> SearchError {
    SearchError::Backend(e.to_string())
}

pub struct TantivySearch {
    root: PathBuf,
    live: RwLock<Arc<Live>>,
    link_checked: Mutex<Instant>,
    /// One writer at a time from this process (Tantivy's lock covers other processes).
    writing: tokio::sync::Mutex<()>,
}

impl TantivySearch {
    /// Opens the index under `data_dir/search`, creating an empty one if there is none (or if
    /// the one there cannot be read: a rebuild fills it again).
    pub fn open(data_dir: &Path) -> Result<TantivySearch, SearchError> {
        let root = data_dir.join("search");
        std::fs::create_dir_all(&root).map_err(backend)?;
        let live = match std::fs::read_link(root.join(CURRENT)) {
            Ok(target) => match Live::open(&root.join(&target)) {
                Ok(live) => live,
                Err(e) => {
                    tracing::warn!("search index {} unreadable ({e}); starting an empty one", target.display());
                    Self::fresh(&root)?
                }
            },
            Err(_) => Self::fresh(&root)?,
        };
        Ok(TantivySearch {
            root,
            live: RwLock::new(Arc::new(live)),
            link_checked: Mutex::new(Instant::now()),
            writing: tokio::sync::Mutex::new(()),
        })
    }

    fn fresh(root: &Path) -> Result<Live, SearchError> {
        let name = format!("index-{}", ulid::Ulid::new());
        let live = Live::create(&root.join(&name)).map_err(backend)?;
        point_current_at(root, &name)?;
        Ok(live)
    }

    /// The live index, first following the link if another process swapped it.
    fn live(&self) -> Arc<Live> {
        let current = self.live.read().unwrap_or_else(|e| e.into_inner()).clone();
        let due = {
            let mut checked = self.link_checked.lock().unwrap_or_else(|e| e.into_inner());
            let due = checked.elapsed() >= LINK_CHECK;
            if due {
                *checked = Instant::now();
            }
            due
        };
        if !due {
            return current;
        }
        let Ok(target) = std::fs::read_link(self.root.join(CURRENT)) else { return current };
        let dir = self.root.join(target);
        if dir == current.dir {
            return current;
        }
        match Live::open(&dir) {
            Ok(live) => {
                let live = Arc::new(live);
                *self.live.write().unwrap_or_else(|e| e.into_inner()) = live.clone();
                live
            }
            Err(e) => {
                tracing::warn!("cannot open the swapped-in search index {}: {e}", dir.display());
                current
            }
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(Arc<Live>) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, SearchError> {
        let live = self.live();
        tokio::task::spawn_blocking(move || work(live)).await.map_err(backend)?
    }
}

/// Replaces the `current` link atomically: a new link, renamed over the old one.
fn point_current_at(root: &Path, name: &str) -> Result<(), SearchError> {
    let tmp = root.join(format!("{CURRENT}.{}", ulid::Ulid::new()));
    std::os::unix::fs::symlink(name, &tmp).map_err(backend)?;
    std::fs::rename(&tmp, root.join(CURRENT)).map_err(backend)?;
    if let Ok(dir) = std::fs::File::open(root) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// The query for `words`: every word must match (or, with `any_word`, at least one).
fn text_query(live: &Live, text: &str, any_word: bool) -> Result<Box<dyn Query>, SearchError> {
    let mut analyzer = live.index.tokenizer_for_field(live.fields.text[0]).map_err(backend)?;
    let mut words = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        if words.len() < MAX_QUERY_WORDS {
            words.push(stream.token().text.clone());
        }
    }
    if words.is_empty() {
        return Ok(Box::new(AllQuery));
    }
    let last = words.len() - 1;
    let mut per_word: Vec<Box<dyn Query>> = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        let budget = typo_budget(word);
        // A word may have typos when it is long enough, and the last one may be unfinished (a
        // prefix, typed as it is: as in Meilisearch, typos and completion do not combine, or
        // "brave" would find every "travels"). One automaton each, shared by the fields.
        let term = || Term::from_field_text(live.fields.text[0], word);
        let mut automata = Vec::new();
        if budget > 0 {
            automata.push((FuzzyTermQuery::new(term(), budget, true), FUZZY));
        }
        if i == last {
            automata.push((FuzzyTermQuery::new_prefix(term(), 0, true), PREFIX));
        }
        let automata = automata
            .into_iter()
            .map(|(query, weight)| Ok((Arc::new(query.automaton().map_err(backend)?), weight)))
            .collect::<Result<Vec<_>, SearchError>>()?;
        let mut clauses: Vec<Box<dyn Query>> = Vec::new();
        for (field, (_, boost)) in live.fields.text.iter().zip(BOOSTS) {
            let exact = TermQuery::new(Term::from_field_text(*field, word), IndexRecordOption::WithFreqs);
            clauses.push(Box::new(BoostQuery::new(Box::new(exact), boost * EXACT)));
            for synonym in synonyms_of(word) {
                let same = TermQuery::new(Term::from_field_text(*field, synonym), IndexRecordOption::WithFreqs);
                clauses.push(Box::new(BoostQuery::new(Box::new(same), boost * SYNONYM)));
            }
            for (automaton, weight) in &automata {
                let near = SharedAutomatonQuery { field: *field, automaton: automaton.clone() };
                clauses.push(Box::new(BoostQuery::new(Box::new(near), boost * weight)));
            }
        }
        per_word.push(Box::new(BooleanQuery::union(clauses)));
    }
    Ok(Box::new(if any_word { BooleanQuery::union(per_word) } else { BooleanQuery::intersection(per_word) }))
}

/// The terms of `field` a (typo-tolerant) automaton accepts, matched with a constant score
/// as Tantivy's `FuzzyTermQuery` does; the automaton is built once per word, not per field.
#[derive(Clone)]
struct SharedAutomatonQuery {
    field: Field,
    automaton: Arc<DfaWrapper>,
}

impl std::fmt::Debug for SharedAutomatonQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedAutomatonQuery").field("field", &self.field).finish_non_exhaustive()
    }
}

impl Query for SharedAutomatonQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<DfaWrapper>::new(self.field, self.automaton.clone())))
    }
}

/// A match that passed the filters: its place in the order as numbers compared left to right
/// (smaller first, see `order_key`), so collecting thousands of matches reads no strings.
struct Hit {
    key: [u64; 4],
    address: DocAddress,
}

/// Orders floats as `total_cmp` does.
fn ascending_f64(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

fn descending_f64(x: f64) -> u64 {
    !ascending_f64(x)
}

/// Sorts `hits` and returns the slugs of `offset..offset + limit`. Only the hits before the
/// window's end are sorted, and only those tied on their key with the window's edges (or
/// inside it) have their strings read: equal keys are settled by whole name (name order) and
/// slug.
fn page_of(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    sort: SearchSort,
    mut hits: Vec<Hit>,
    offset: usize,
    limit: usize,
) -> Result<Vec<String>, SearchError> {
    let end = (offset + limit).min(hits.len());
    if offset >= end {
        return Ok(Vec::new());
    }
    let mut sorted = end;
    if end < hits.len() {
        hits.select_nth_unstable_by_key(end - 1, |h| h.key);
        // Ties with the last hit of the window may sit anywhere after it: bring them next to it.
        let edge = hits[end - 1].key;
        for i in end..hits.len() {
            if hits[i].key == edge {
                hits.swap(i, sorted);
                sorted += 1;
            }
        }
    }
    let hits = &mut hits[..sorted];
    hits.sort_unstable_by_key(|h| h.key);
    let mut lo = offset;
    while lo > 0 && hits[lo - 1].key == hits[offset].key {
        lo -= 1;
    }
    let mut window = hits[lo..]
        .iter()
        .map(|h| Ok((h.key, stored_strings(searcher, fields, h.address)?)))
        .collect::<Result<Vec<_>, SearchError>>()?;
    let by_name = sort == SearchSort::By(SortOrder::Name);
    window.sort_by(|(key_a, (name_a, slug_a)), (key_b, (name_b, slug_b))| {
        let names = if by_name { name_a.cmp(name_b) } else { Ordering::Equal };
        key_a.cmp(key_b).then(names).then_with(|| slug_a.cmp(slug_b))
    });
    Ok(window.into_iter().skip(offset - lo).take(end - offset).map(|(_, (_, slug))| slug).collect())
}

fn stored_strings(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    address: DocAddress,
) -> Result<(String, String), SearchError> {
    use tantivy::schema::Value;
    let doc: TantivyDocument = searcher.doc(address).map_err(backend)?;
    let text = |f: Field| doc.get_first(f).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    Ok((text(fields.name_key), text(fields.slug)))
}

/// Filters and counts facets over the text matches, keeping those that pass every filter.
struct MatchCollector {
    filters: CatalogQuery,
    sort: SearchSort,
    fields: Fields,
    schema: Schema,
}

type Values<T = u64> = Arc<dyn ColumnValues<T>>;

/// A column's values by document: its values as they are when every document has one (rows
/// are documents then), else its first value or `default`.
fn by_row<T: PartialOrd + Copy + std::fmt::Debug + Send + Sync + 'static>(column: Column<T>, default: T) -> Values<T> {
    match column.index {
        ColumnIndex::Full => column.values,
        _ => column.first_or_default_col(default),
    }
}

/// A segment's fast fields (every document has each one), read by row.
struct Columns {
    filters: Values,
    learning: Values,
    rating: Values<f64>,
    rating_count: Values,
    released: Values,
    name_prefix: Values,
    slug_prefix: Values,
}

impl Columns {
    /// The hit's place in `sort`: the domain's orders, with 8-byte prefixes for name and slug.
    fn order_key(&self, sort: SearchSort, doc: DocId, score: Score) -> [u64; 4] {
        let slug = self.slug_prefix.get_val(doc);
        let count = || self.rating_count.get_val(doc);
        let rating =
            |count: u64| descending_f64(app::domain::rating_score(self.rating.get_val(doc) as f32, count as u32));
        match sort {
            SearchSort::Relevance => {
                let count = count();
                [descending_f64(score as f64), rating(count), !count, slug]
            }
            SearchSort::By(SortOrder::TopRated) => {
                let count = count();
                [rating(count), !count, slug, 0]
            }
            SearchSort::By(SortOrder::Newest) => [!self.released.get_val(doc), slug, 0, 0],
            SearchSort::By(SortOrder::Name) => [self.name_prefix.get_val(doc), slug, 0, 0],
            SearchSort::By(SortOrder::Learning) => [!self.learning.get_val(doc), rating(count()), slug, 0],
        }
    }
}

struct MatchSegment {
    segment: SegmentOrdinal,
    filters: CatalogQuery,
    sort: SearchSort,
    columns: Columns,
    hits: Vec<Hit>,
    facets: FacetCounts,
}

impl Collector for MatchCollector {
    type Fruit = (Vec<Hit>, FacetCounts);
    type Child = MatchSegment;

    fn for_segment(&self, segment_ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<MatchSegment> {
        let ff = segment.fast_fields();
        let u = |f: Field| Ok::<_, tantivy::TantivyError>(by_row(ff.u64(self.schema.get_field_name(f))?, 0));
        let columns = Columns {
            filters: u(self.fields.filters)?,
            learning: u(self.fields.learning)?,
            rating: by_row(ff.f64(self.schema.get_field_name(self.fields.rating))?, 0.0),
            rating_count: u(self.fields.rating_count)?,
            released: u(self.fields.released)?,
            name_prefix: u(self.fields.name_prefix)?,
            slug_prefix: u(self.fields.slug_prefix)?,
        };
        Ok(MatchSegment {
            segment: segment_ord,
            filters: self.filters.clone(),
            sort: self.sort,
            columns,
            hits: Vec::new(),
            facets: FacetCounts::zeroed(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == SearchSort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<Hit>, FacetCounts)>) -> tantivy::Result<(Vec<Hit>, FacetCounts)> {
        let mut all = Vec::with_capacity(fruits.iter().map(|(hits, _)| hits.len()).sum());
        let mut facets = FacetCounts::zeroed();
        for (hits, counts) in fruits {
            all.extend(hits);
            facets.merge(&counts);
        }
        Ok((all, facets))
    }
}

impl SegmentCollector for MatchSegment {
    type Fruit = (Vec<Hit>, FacetCounts);

    fn collect(&mut self, doc: DocId, score: Score) {
        let fields = unpack_filters(self.columns.filters.get_val(doc));
        if self.facets.add_fields(&self.filters, &fields) {
            let key = self.columns.order_key(self.sort, doc, score);
            self.hits.push(Hit { key, address: DocAddress::new(self.segment, doc) });
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.hits, self.facets)
    }
}

fn write_apps(live: &Live, apps: &[App], deletes: &[String]) -> Result<(), SearchError> {
    let mut writer = live.writer(WRITER_BUDGET)?;
    for slug in deletes.iter().map(String::as_str).chain(apps.iter().map(|a| a.slug.as_str())) {
        writer.delete_term(Term::from_field_text(live.fields.slug, slug));
    }
    for app in apps {
        writer.add_document(document(&live.fields, app)).map_err(backend)?;
    }
    writer.commit().map_err(backend)?;
    writer.wait_merging_threads().map_err(backend)?;
    live.reader.reload().map_err(backend)
}

#[async_trait]
impl SearchIndex for TantivySearch {
    fn backend(&self) -> &'static str {
        "tantivy"
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchMatches, SearchError> {
        let query = SearchQuery { filters: query.filters.clone().sanitized(), ..query.clone() };
        self.blocking(move |live| {
            let text = text_query(&live, &query.text, false)?;
            let collector = MatchCollector {
                filters: query.filters.clone(),
                sort: query.sort,
                fields: live.fields,
                schema: live.index.schema(),
            };
            let searcher = live.reader.searcher();
            let (hits, facets) = searcher.search(&*text, &collector).map_err(backend)?;
            let total = hits.len() as u64;
            let slugs = page_of(
                &searcher,
                &live.fields,
                query.sort,
                hits,
                query.filters.offset() as usize,
                query.filters.per_page as usize,
            )?;
            Ok(SearchMatches { slugs, total, facets })
        })
        .await
    }

    async fn suggest(&self, text: &str, limit: usize) -> Result<Vec<String>, SearchError> {
        let text = text.to_string();
        self.blocking(move |live| {
            let searcher = live.reader.searcher();
            let mut slugs: Vec<String> = Vec::new();
            for any_word in [false, true] {
                let query = text_query(&live, &text, any_word)?;
                let top = searcher
                    .search(&*query, &tantivy::collector::TopDocs::with_limit(limit).order_by_score())
                    .map_err(backend)?;
                for (_, address) in top {
                    let (_, slug) = stored_strings(&searcher, &live.fields, address)?;
                    if !slugs.contains(&slug) && slugs.len() < limit {
                        slugs.push(slug);
                    }
                }
                if slugs.len() >= limit {
                    break;
                }
            }
            Ok(slugs)
        })
        .await
    }

    async fn upsert(&self, apps: &[App]) -> Result<(), SearchError> {
        if apps.is_empty() {
            return Ok(());
        }
        let _writing = self.writing.lock().await;
        let apps = apps.to_vec();
        self.blocking(move |live| write_apps(&live, &apps, &[])).await
    }

    async fn delete(&self, slugs: &[String]) -> Result<(), SearchError> {
        if slugs.is_empty() {
            return Ok(());
        }
        let _writing = self.writing.lock().await;
        let slugs = slugs.to_vec();
        self.blocking(move |live| write_apps(&live, &[], &slugs)).await
    }

    async fn rebuild(
        &self,
        catalog: &dyn Catalog,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<u64, SearchError> {
        let _writing = self.writing.lock().await;
        let total = catalog.count().await.map_err(|e| SearchError::Backend(e.to_string()))?;
        let name = format!("index-{}", ulid::Ulid::new());
        let dir = self.root.join(&name);
        let fresh = {
            let dir = dir.clone();
            tokio::task::spawn_blocking(move || Live::create(&dir)).await.map_err(backend)?.map_err(backend)?
        };
        let writer = Arc::new(fresh.writer(REBUILD_BUDGET)?);
        let mut after: Option<String> = None;
        let mut done = 0u64;
        progress(0, total);
        loop {
            let batch =
                catalog.scan(after.as_deref(), REBUILD_BATCH).await.map_err(|e| SearchError::Backend(e.to_string()))?;
            let Some(last) = batch.last() else { break };
            after = Some(last.slug.clone());
            let count = batch.len();
            let (w, fields) = (writer.clone(), fresh.fields);
            tokio::task::spawn_blocking(move || {
                batch.iter().try_for_each(|app| w.add_document(document(&fields, app)).map(drop))
            })
            .await
            .map_err(backend)?
            .map_err(backend)?;
            done += count as u64;
            progress(done, total.max(done));
            if count < REBUILD_BATCH {
                break;
            }
        }
        let mut writer = Arc::try_unwrap(writer).map_err(|_| backend("the rebuild writer is still shared"))?;
        let root = self.root.clone();
        let live = tokio::task::spawn_blocking(move || -> Result<Live, SearchError> {
            writer.commit().map_err(backend)?;
            writer.wait_merging_threads().map_err(backend)?;
            fresh.reader.reload().map_err(backend)?;
            point_current_at(&root, &name)?;
            Ok(fresh)
        })
        .await
        .map_err(backend)??;
        let old = std::mem::replace(&mut *self.live.write().unwrap_or_else(|e| e.into_inner()), Arc::new(live));
        // Searches still holding the old index keep their open files; the directory goes.
        if let Err(e) = std::fs::remove_dir_all(&old.dir) {
            tracing::warn!("cannot remove the old search index {}: {e}", old.dir.display());
        }
        remove_stray_builds(&self.root, &dir);
        Ok(done)
    }

    async fn count(&self) -> Result<u64, SearchError> {
        Ok(self.live().reader.searcher().num_docs())
    }

    async fn ping(&self) -> Result<(), SearchError> {
        let live = self.live();
        if live.dir.is_dir() {
            Ok(())
        } else {
            Err(SearchError::Unavailable(format!("{} is gone", live.dir.display())))
        }
    }
}

/// Builds left by a rebuild that did not finish (a crash), never the live one.
fn remove_stray_builds(root: &Path, live: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_build = entry.file_name().to_string_lossy().starts_with("index-");
        if is_build && path != live && path.is_dir() {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_filter_fields_read_back_as_written() {
        let widest = FilterFields {
            age_band: AgeBand::Teen,
            platforms: Platform::mask_of(Platform::ALL),
            categories: Category::mask_of(Category::ALL),
            price_cents: u32::MAX,
            ads: true,
            in_app_purchases: false,
            collects_data: true,
            learning_rating: MAX_RATING,
        };
        let narrowest = FilterFields {
            age_band: AgeBand::Toddler,
            platforms: 0,
            categories: Category::Coding.bit(),
            price_cents: 0,
            ads: false,
            in_app_purchases: true,
            collects_data: false,
            learning_rating: 0,
        };
        for fields in [widest, narrowest] {
            assert_eq!(unpack_filters(pack_filters(&fields)), fields);
        }
    }

    #[test]
    fn float_keys_order_like_total_cmp() {
        let values = [-1.5, -0.0, 0.0, 0.25, 3.0, 4.5, f64::INFINITY];
        for a in values {
            for b in values {
                assert_eq!(ascending_f64(a).cmp(&ascending_f64(b)), a.total_cmp(&b), "{a} vs {b}");
                assert_eq!(descending_f64(a).cmp(&descending_f64(b)), b.total_cmp(&a), "{a} vs {b}");
            }
        }
    }
}
