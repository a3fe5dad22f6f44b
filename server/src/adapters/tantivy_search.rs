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

use app::domain::{synonyms_of, typo_budget, App, CatalogQuery, Category, FacetCounts, FilterFields, SearchQuery, SearchSort, SortOrder, AgeBand, MAX_QUERY_WORDS};
use app::ports::{Catalog, SearchError, SearchIndex, SearchMatches};
use async_trait::async_trait;
use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

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
    age_band: Field,
    platforms: Field,
    categories_mask: Field,
    price_cents: Field,
    flags: Field,
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
    let text = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqs));
    let slug = b.add_text_field("slug", STRING | STORED);
    let text = BOOSTS.map(|(name, _)| b.add_text_field(name, text.clone()));
    let fields = Fields {
        slug,
        text,
        age_band: b.add_u64_field("age_band", FAST),
        platforms: b.add_u64_field("platforms", FAST),
        categories_mask: b.add_u64_field("categories_mask", FAST),
        price_cents: b.add_u64_field("price_cents", FAST),
        flags: b.add_u64_field("flags", FAST),
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

const ADS: u64 = 1;
const IN_APP_PURCHASES: u64 = 2;
const COLLECTS_DATA: u64 = 4;

fn document(f: &Fields, app: &App) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.slug, &app.slug);
    doc.add_text(f.text[0], &app.name);
    doc.add_text(f.text[1], &app.developer);
    let labels: Vec<&str> = app.categories.iter().map(|c| c.label()).collect();
    doc.add_text(f.text[2], labels.join(" "));
    doc.add_text(f.text[3], &app.description);
    let age = AgeBand::ALL.iter().position(|b| *b == app.age_band()).unwrap_or(0);
    doc.add_u64(f.age_band, age as u64);
    doc.add_u64(f.platforms, app_platforms(app));
    doc.add_u64(f.categories_mask, Category::mask_of(&app.categories) as u64);
    doc.add_u64(f.price_cents, app.price_cents as u64);
    let p = &app.privacy;
    doc.add_u64(f.flags, (p.ads as u64 * ADS) | (p.in_app_purchases as u64 * IN_APP_PURCHASES) | (p.collects_data as u64 * COLLECTS_DATA));
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

fn app_platforms(app: &App) -> u64 {
    app::domain::Platform::mask_of(&app.platforms) as u64
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
    let per_word: Vec<Box<dyn Query>> = words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let budget = typo_budget(word);
            let mut clauses: Vec<Box<dyn Query>> = Vec::new();
            for (field, (_, boost)) in live.fields.text.iter().zip(BOOSTS) {
                let term = Term::from_field_text(*field, word);
                let exact = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                clauses.push(Box::new(BoostQuery::new(Box::new(exact), boost * EXACT)));
                for synonym in synonyms_of(word) {
                    let same = TermQuery::new(Term::from_field_text(*field, synonym), IndexRecordOption::WithFreqs);
                    clauses.push(Box::new(BoostQuery::new(Box::new(same), boost * SYNONYM)));
                }
                // For the last word the fuzzy prefix below finds these terms too.
                if budget > 0 && i != last {
                    let fuzzy = FuzzyTermQuery::new(term.clone(), budget, true);
                    clauses.push(Box::new(BoostQuery::new(Box::new(fuzzy), boost * FUZZY)));
                }
                if i == last {
                    let prefix = FuzzyTermQuery::new_prefix(term, budget, true);
                    clauses.push(Box::new(BoostQuery::new(Box::new(prefix), boost * PREFIX)));
                }
            }
            Box::new(BooleanQuery::union(clauses)) as Box<dyn Query>
        })
        .collect();
    Ok(Box::new(if any_word { BooleanQuery::union(per_word) } else { BooleanQuery::intersection(per_word) }))
}

/// What the collector keeps of a match that passed the filters: numbers only, so collecting
/// thousands of matches reads no strings.
struct Hit {
    score: Score,
    address: DocAddress,
    rating: f64,
    rating_count: u64,
    released: u64,
    learning: u64,
    name_prefix: u64,
    slug_prefix: u64,
    /// Read from the stored document only for hits whose order the prefixes cannot settle.
    exact: Option<(String, String)>,
}

/// The order on everything but whole strings (prefixes stand in for name and slug).
fn compare_coarse(sort: SearchSort, a: &Hit, b: &Hit) -> Ordering {
    let by_rating = || b.rating.total_cmp(&a.rating).then(b.rating_count.cmp(&a.rating_count));
    let by_slug = || a.slug_prefix.cmp(&b.slug_prefix);
    match sort {
        SearchSort::Relevance => b.score.total_cmp(&a.score).then_with(by_rating).then_with(by_slug),
        SearchSort::By(SortOrder::TopRated) => by_rating().then_with(by_slug),
        SearchSort::By(SortOrder::Newest) => b.released.cmp(&a.released).then_with(by_slug),
        SearchSort::By(SortOrder::Name) => a.name_prefix.cmp(&b.name_prefix).then_with(by_slug),
        SearchSort::By(SortOrder::Learning) => {
            b.learning.cmp(&a.learning).then(b.rating.total_cmp(&a.rating)).then_with(by_slug)
        }
    }
}

/// The full order: the coarse one, then whole names (for the name order) and slugs.
fn compare_exact(sort: SearchSort, a: &Hit, b: &Hit) -> Ordering {
    compare_coarse(sort, a, b).then_with(|| match (&a.exact, &b.exact) {
        (Some((name_a, slug_a)), Some((name_b, slug_b))) => {
            let names = if sort == SearchSort::By(SortOrder::Name) { name_a.cmp(name_b) } else { Ordering::Equal };
            names.then_with(|| slug_a.cmp(slug_b))
        }
        _ => Ordering::Equal,
    })
}

/// Sorts `hits` and returns the slugs of `offset..offset + limit`. Only the hits tied with the
/// window's edges (or inside it) have their strings read.
fn page_of(searcher: &tantivy::Searcher, fields: &Fields, sort: SearchSort, mut hits: Vec<Hit>, offset: usize, limit: usize) -> Result<Vec<String>, SearchError> {
    let end = (offset + limit).min(hits.len());
    if offset >= end {
        return Ok(Vec::new());
    }
    hits.sort_unstable_by(|a, b| compare_coarse(sort, a, b));
    let mut lo = offset;
    while lo > 0 && compare_coarse(sort, &hits[lo - 1], &hits[offset]) == Ordering::Equal {
        lo -= 1;
    }
    let mut hi = end;
    while hi < hits.len() && compare_coarse(sort, &hits[hi], &hits[end - 1]) == Ordering::Equal {
        hi += 1;
    }
    for hit in &mut hits[lo..hi] {
        hit.exact = Some(stored_strings(searcher, fields, hit.address)?);
    }
    hits[lo..hi].sort_by(|a, b| compare_exact(sort, a, b));
    Ok(hits.drain(offset..end).filter_map(|h| h.exact.map(|(_, slug)| slug)).collect())
}

fn stored_strings(searcher: &tantivy::Searcher, fields: &Fields, address: DocAddress) -> Result<(String, String), SearchError> {
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

struct Columns {
    age_band: Column<u64>,
    platforms: Column<u64>,
    categories: Column<u64>,
    price_cents: Column<u64>,
    flags: Column<u64>,
    learning: Column<u64>,
    rating: Column<f64>,
    rating_count: Column<u64>,
    released: Column<u64>,
    name_prefix: Column<u64>,
    slug_prefix: Column<u64>,
}

struct MatchSegment {
    segment: SegmentOrdinal,
    filters: CatalogQuery,
    columns: Columns,
    hits: Vec<Hit>,
    facets: FacetCounts,
}

impl Collector for MatchCollector {
    type Fruit = (Vec<Hit>, FacetCounts);
    type Child = MatchSegment;

    fn for_segment(&self, segment_ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<MatchSegment> {
        let ff = segment.fast_fields();
        let name = |f: Field| self.schema.get_field_name(f).to_string();
        let columns = Columns {
            age_band: ff.u64(&name(self.fields.age_band))?,
            platforms: ff.u64(&name(self.fields.platforms))?,
            categories: ff.u64(&name(self.fields.categories_mask))?,
            price_cents: ff.u64(&name(self.fields.price_cents))?,
            flags: ff.u64(&name(self.fields.flags))?,
            learning: ff.u64(&name(self.fields.learning))?,
            rating: ff.f64(&name(self.fields.rating))?,
            rating_count: ff.u64(&name(self.fields.rating_count))?,
            released: ff.u64(&name(self.fields.released))?,
            name_prefix: ff.u64(&name(self.fields.name_prefix))?,
            slug_prefix: ff.u64(&name(self.fields.slug_prefix))?,
        };
        Ok(MatchSegment { segment: segment_ord, filters: self.filters.clone(), columns, hits: Vec::new(), facets: FacetCounts::zeroed() })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == SearchSort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<Hit>, FacetCounts)>) -> tantivy::Result<(Vec<Hit>, FacetCounts)> {
        let mut all = Vec::new();
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
        let c = &self.columns;
        let u = |col: &Column<u64>| col.first(doc).unwrap_or(0);
        let flags = u(&c.flags);
        let fields = FilterFields {
            age_band: AgeBand::ALL.get(u(&c.age_band) as usize).copied().unwrap_or(AgeBand::Teen),
            platforms: u(&c.platforms) as u16,
            categories: u(&c.categories) as u16,
            price_cents: u(&c.price_cents) as u32,
            ads: flags & ADS != 0,
            in_app_purchases: flags & IN_APP_PURCHASES != 0,
            collects_data: flags & COLLECTS_DATA != 0,
            learning_rating: u(&c.learning) as u8,
        };
        self.facets.add_fields(&self.filters, &fields);
        if !self.filters.fields_match_except(&fields, None) {
            return;
        }
        self.hits.push(Hit {
            score,
            address: DocAddress::new(self.segment, doc),
            rating: c.rating.first(doc).unwrap_or(0.0),
            rating_count: u(&c.rating_count),
            released: u(&c.released),
            learning: u(&c.learning),
            name_prefix: u(&c.name_prefix),
            slug_prefix: u(&c.slug_prefix),
            exact: None,
        });
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
            let slugs = page_of(&searcher, &live.fields, query.sort, hits, query.filters.offset() as usize, query.filters.per_page as usize)?;
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

    async fn rebuild(&self, catalog: &dyn Catalog, progress: &(dyn Fn(u64, u64) + Send + Sync)) -> Result<u64, SearchError> {
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
            let batch = catalog.scan(after.as_deref(), REBUILD_BATCH).await.map_err(|e| SearchError::Backend(e.to_string()))?;
            let Some(last) = batch.last() else { break };
            after = Some(last.slug.clone());
            let count = batch.len();
            let (w, fields) = (writer.clone(), fresh.fields);
            tokio::task::spawn_blocking(move || batch.iter().try_for_each(|app| w.add_document(document(&fields, app)).map(drop)))
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
