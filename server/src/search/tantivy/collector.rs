//! The collector that filters the text matches, counts their facets and orders them by numbers
//! read from fast fields; and the page read out of the ordered hits.

use super::errors::backend;
use super::schema::{unpack_filters, Fields};
use app::domain::{CatalogQuery, FacetCounts, SearchSort, SortOrder};
use app::ports::SearchError;
use std::cmp::Ordering;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, ColumnIndex, ColumnValues};
use tantivy::schema::{Field, Schema};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyDocument};

/// A match that passed the filters: its place in the order as numbers compared left to right
/// (smaller first, see `order_key`), so collecting thousands of matches reads no strings.
pub(super) struct Hit {
    pub(super) key: [u64; 4],
    pub(super) address: DocAddress,
}

/// Orders floats as `total_cmp` does.
pub(super) fn ascending_f64(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

pub(super) fn descending_f64(x: f64) -> u64 {
    !ascending_f64(x)
}

/// Sorts `hits` and returns the slugs of `offset..offset + limit`. Only the hits before the
/// window's end are sorted, and only those tied on their key with the window's edges (or
/// inside it) have their strings read: equal keys are settled by whole name (name order) and
/// slug.
pub(super) fn page_of(
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

pub(super) fn stored_strings(
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
pub(super) struct MatchCollector {
    pub(super) filters: CatalogQuery,
    pub(super) sort: SearchSort,
    pub(super) fields: Fields,
    pub(super) schema: Schema,
}

pub(super) type Values<T = u64> = Arc<dyn ColumnValues<T>>;

/// A column's values by document: its values as they are when every document has one (rows
/// are documents then), else its first value or `default`.
pub(super) fn by_row<T: PartialOrd + Copy + std::fmt::Debug + Send + Sync + 'static>(
    column: Column<T>,
    default: T,
) -> Values<T> {
    match column.index {
        ColumnIndex::Full => column.values,
        _ => column.first_or_default_col(default),
    }
}

/// A segment's fast fields (every document has each one), read by row.
pub(super) struct Columns {
    pub(super) filters: Values,
    pub(super) fact_filters: Values,
    pub(super) learning: Values,
    pub(super) rating: Values<f64>,
    pub(super) rating_count: Values,
    pub(super) released: Values,
    pub(super) name_prefix: Values,
    pub(super) slug_prefix: Values,
}

impl Columns {
    /// The hit's place in `sort`: the domain's orders, with 8-byte prefixes for name and slug.
    pub(super) fn order_key(&self, sort: SearchSort, doc: DocId, score: Score) -> [u64; 4] {
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

pub(super) struct MatchSegment {
    pub(super) segment: SegmentOrdinal,
    pub(super) filters: CatalogQuery,
    pub(super) sort: SearchSort,
    pub(super) columns: Columns,
    pub(super) hits: Vec<Hit>,
    pub(super) facets: FacetCounts,
}

impl Collector for MatchCollector {
    type Fruit = (Vec<Hit>, FacetCounts);
    type Child = MatchSegment;

    fn for_segment(&self, segment_ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<MatchSegment> {
        let ff = segment.fast_fields();
        let u = |f: Field| Ok::<_, tantivy::TantivyError>(by_row(ff.u64(self.schema.get_field_name(f))?, 0));
        let columns = Columns {
            filters: u(self.fields.filters)?,
            fact_filters: u(self.fields.fact_filters)?,
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
        let fields = unpack_filters([self.columns.filters.get_val(doc), self.columns.fact_filters.get_val(doc)]);
        if self.facets.add_fields(&self.filters, &fields) {
            let key = self.columns.order_key(self.sort, doc, score);
            self.hits.push(Hit { key, address: DocAddress::new(self.segment, doc) });
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.hits, self.facets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
