//! The index's schema: its fields, how an app becomes a document, and the analyzer words go
//! through at index and query time.

use app::domain::{Accessibility, AgeBand, App, Category, Chat, FilterFields, Language, Platform, Subject, MAX_RATING};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{Score, TantivyDocument};

pub(super) const TOKENIZER: &str = "famigo";
/// Field boosts, in the order parents recognise an app by.
pub(super) const BOOSTS: [(&str, Score); 4] =
    [("name", 8.0), ("developer", 3.0), ("categories", 2.0), ("description", 1.0)];

#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub(super) slug: Field,
    pub(super) text: [Field; 4],
    /// Every field filters and facets read, packed in two numbers (`pack_filters`).
    pub(super) filters: Field,
    pub(super) fact_filters: Field,
    /// `App::learning_key`, what "best for learning" sorts by.
    pub(super) learning: Field,
    pub(super) rating: Field,
    pub(super) rating_count: Field,
    pub(super) released: Field,
    pub(super) name_key: Field,
    /// The first 8 bytes of the slug and of the lowercase name, big-endian: they order hits
    /// without reading strings; only ties on them read the stored strings.
    pub(super) slug_prefix: Field,
    pub(super) name_prefix: Field,
}

pub(super) fn schema() -> (Schema, Fields) {
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
        fact_filters: b.add_u64_field("fact_filters", FAST),
        learning: b.add_u64_field("learning_key", FAST),
        rating: b.add_f64_field("rating", FAST),
        rating_count: b.add_u64_field("rating_count", FAST),
        released: b.add_u64_field("released", FAST),
        name_key: b.add_text_field("name_key", STRING | STORED),
        slug_prefix: b.add_u64_field("slug_prefix", FAST),
        name_prefix: b.add_u64_field("name_prefix", FAST),
    };
    (b.build(), fields)
}

/// An app's filter fields in two numbers, so a match costs two reads for them, not eleven.
/// The first: price in cents (bits 0–31), categories (32–43), platforms (44–51), age band
/// (52–54), ads, in-app purchases and data collection (55–57), learning rating (58–61). The
/// second: chat (bits 0–1), the checks passed (2–9), languages (10–25), accessibility
/// (26–37), subjects (38–53).
pub(super) fn pack_filters(f: &FilterFields) -> [u64; 2] {
    const _: () = assert!(
        Category::ALL.len() <= 12
            && Platform::ALL.len() <= 8
            && AgeBand::ALL.len() <= 8
            && MAX_RATING < 16
            && Chat::ALL.len() <= 4
            && app::domain::SafetyCheck::ALL.len() <= 8
            && Language::ALL.len() <= 16
            && Accessibility::ALL.len() <= 12
            && Subject::ALL.len() <= 16
    );
    let age = AgeBand::ALL.iter().position(|b| *b == f.age_band).unwrap_or(0) as u64;
    let chat = Chat::ALL.iter().position(|c| *c == f.chat).unwrap_or(0) as u64;
    [
        f.price_cents as u64
            | (f.categories as u64 & 0xfff) << 32
            | (f.platforms as u64 & 0xff) << 44
            | age << 52
            | (f.ads as u64) << 55
            | (f.in_app_purchases as u64) << 56
            | (f.collects_data as u64) << 57
            | (f.learning_rating as u64 & 0xf) << 58,
        chat | (f.checks as u64 & 0xff) << 2
            | (f.languages as u64) << 10
            | (f.accessibility as u64 & 0xfff) << 26
            | (f.subjects as u64) << 38,
    ]
}

pub(super) fn unpack_filters([v, w]: [u64; 2]) -> FilterFields {
    FilterFields {
        age_band: AgeBand::ALL.get((v >> 52 & 0x7) as usize).copied().unwrap_or(AgeBand::Teen),
        platforms: (v >> 44 & 0xff) as u16,
        categories: (v >> 32 & 0xfff) as u16,
        price_cents: v as u32,
        ads: v >> 55 & 1 == 1,
        in_app_purchases: v >> 56 & 1 == 1,
        collects_data: v >> 57 & 1 == 1,
        learning_rating: (v >> 58 & 0xf) as u8,
        chat: Chat::ALL.get((w & 0x3) as usize).copied().unwrap_or_default(),
        checks: (w >> 2 & 0xff) as u16,
        languages: (w >> 10 & 0xffff) as u16,
        accessibility: (w >> 26 & 0xfff) as u16,
        subjects: (w >> 38 & 0xffff) as u16,
    }
}

pub(super) fn document(f: &Fields, app: &App) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.slug, &app.slug);
    doc.add_text(f.text[0], &app.name);
    doc.add_text(f.text[1], &app.developer);
    let labels: Vec<&str> = app.categories.iter().map(|c| c.label()).collect();
    doc.add_text(f.text[2], labels.join(" "));
    doc.add_text(f.text[3], &app.description);
    let [filters, fact_filters] = pack_filters(&FilterFields::of(app));
    doc.add_u64(f.filters, filters);
    doc.add_u64(f.fact_filters, fact_filters);
    doc.add_u64(f.learning, u64::from(app.learning_key()));
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
pub(super) fn prefix_key(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (slot, b) in bytes.iter_mut().zip(text.bytes()) {
        *slot = b;
    }
    u64::from_be_bytes(bytes)
}

pub(super) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
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
            chat: Chat::Open,
            checks: app::domain::SafetyCheck::mask_of(app::domain::SafetyCheck::ALL),
            languages: Language::mask_of(Language::ALL),
            accessibility: Accessibility::mask_of(Accessibility::ALL),
            subjects: Subject::mask_of(Subject::ALL),
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
            chat: Chat::None,
            checks: 0,
            languages: Language::Es.bit(),
            accessibility: 0,
            subjects: Subject::Art.bit(),
        };
        for fields in [widest, narrowest] {
            assert_eq!(unpack_filters(pack_filters(&fields)), fields);
        }
    }
}
