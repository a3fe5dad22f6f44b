//! What a parent types into the search box: its one URL form, and how its words are compared
//! with an app's (for highlighting; the search backends have their own matching, tuned alike).

use super::listing::{AppSummary, FacetCounts};
use super::query::{CatalogQuery, QueryError, SortOrder};
use serde::{Deserialize, Serialize};

/// Longest search text accepted; longer is a 400 naming the parameter.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words of a query used for matching; the rest are ignored.
pub const MAX_QUERY_WORDS: usize = 10;
pub const SUGGESTION_COUNT: usize = 6;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SearchSort {
    /// Best match first (the default for a search).
    #[default]
    Relevance,
    By(SortOrder),
}

impl SearchSort {
    pub const ALL: &'static [SearchSort] = &[
        SearchSort::Relevance,
        SearchSort::By(SortOrder::TopRated),
        SearchSort::By(SortOrder::Newest),
        SearchSort::By(SortOrder::Name),
        SearchSort::By(SortOrder::Learning),
    ];

    pub fn slug(self) -> &'static str {
        match self {
            SearchSort::Relevance => "relevance",
            SearchSort::By(order) => order.slug(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SearchSort::Relevance => "Best match",
            SearchSort::By(order) => order.label(),
        }
    }
}

/// A search: text, the browse filters, an order and a page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SearchQuery {
    /// What was typed, trimmed, with runs of whitespace collapsed.
    pub text: String,
    /// Filters, page and page size; its `sort` is unused (see `sort`).
    pub filters: CatalogQuery,
    pub sort: SearchSort,
}

impl SearchQuery {
    pub fn new(text: &str) -> SearchQuery {
        SearchQuery { text: clean_text(text), ..Default::default() }
    }

    /// Parses `/search`'s query string: `q`, `sort` (`relevance` or a browse order) and every
    /// browse parameter, with the same rules as `CatalogQuery::from_query_str`.
    pub fn from_query_str(query: &str) -> Result<SearchQuery, QueryError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut text: Option<String> = None;
        let mut sort_given = false;
        let mut rest = Vec::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "q" => {
                    if text.is_some() {
                        return Err(QueryError {
                            param: "q".into(),
                            value: preview(&value),
                            expected: "given more than once".into(),
                        });
                    }
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(QueryError {
                            param: "q".into(),
                            value: preview(&value),
                            expected: format!("expected at most {MAX_QUERY_CHARS} characters"),
                        });
                    }
                    text = Some(clean_text(&value));
                }
                "sort" if value.trim() == "relevance" => {}
                _ => {
                    sort_given |= key == "sort" && !value.trim().is_empty();
                    rest.push((key.into_owned(), value.into_owned()))
                }
            }
        }
        let filters = CatalogQuery::from_pairs(rest)?;
        let sort = if sort_given { SearchSort::By(filters.sort) } else { SearchSort::Relevance };
        Ok(SearchQuery {
            text: text.unwrap_or_default(),
            filters: CatalogQuery { sort: SortOrder::default(), ..filters },
            sort,
        })
    }

    /// The canonical query string: `q` first, then the filters, the order and the page, each
    /// only when it is not the default.
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.text.is_empty() {
            out.append_pair("q", &self.text);
        }
        let mut qs = out.finish();
        let filters = CatalogQuery { sort: SortOrder::default(), page: 1, ..self.filters.clone() }.to_query_string();
        let mut tail = form_urlencoded::Serializer::new(String::new());
        if let SearchSort::By(order) = self.sort {
            tail.append_pair("sort", order.slug());
        }
        if self.filters.page != 1 {
            tail.append_pair("page", &self.filters.page.to_string());
        }
        for part in [filters, tail.finish()] {
            if !part.is_empty() {
                if !qs.is_empty() {
                    qs.push('&');
                }
                qs.push_str(&part);
            }
        }
        qs
    }

    pub fn href(&self) -> String {
        let qs = self.to_query_string();
        if qs.is_empty() {
            "/search".to_string()
        } else {
            format!("/search?{qs}")
        }
    }

    pub fn with_page(&self, page: u32) -> SearchQuery {
        SearchQuery { filters: self.filters.with_page(page), ..self.clone() }
    }

    /// The same search with its filters changed (back to page 1).
    pub fn with_filters(&self, change: impl FnOnce(&mut CatalogQuery)) -> SearchQuery {
        SearchQuery { filters: self.filters.with(change), ..self.clone() }
    }

    /// The words matched against apps (folded, at most `MAX_QUERY_WORDS`).
    pub fn words(&self) -> Vec<String> {
        words(&self.text)
    }
}

fn clean_text(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The start of a long value, for an error message.
fn preview(value: &str) -> String {
    let mut short: String = value.chars().take(40).collect();
    if short.len() < value.len() {
        short.push('…');
    }
    short
}

/// Lowercase without accents: "Écoute" → "ecoute".
pub fn fold(text: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    text.nfkd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// The folded words of `text`, split wherever a character is not a letter or digit.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_QUERY_WORDS)
        .map(str::to_string)
        .collect()
}

/// Words parents use for the same thing: a query word finds apps with any word of its group
/// (folded words; the search backends are configured from this one table).
pub const SYNONYM_GROUPS: &[&[&str]] = &[
    &["math", "maths", "mathematics", "arithmetic"],
    &["toddler", "toddlers", "preschool", "preschooler", "preschoolers"],
    &["abc", "abcs", "alphabet"],
    &["coding", "programming", "code"],
    &["dino", "dinos", "dinosaur", "dinosaurs"],
    &["game", "games"],
    &["puzzle", "puzzles"],
    &["story", "stories", "storybook"],
    &["draw", "drawing", "paint", "painting"],
    &["music", "musical", "song", "songs"],
    &["spanish", "espanol"],
];

/// The other words of `word`'s synonym group.
pub fn synonyms_of(word: &str) -> impl Iterator<Item = &'static str> + '_ {
    SYNONYM_GROUPS
        .iter()
        .filter(move |group| group.contains(&word))
        .flat_map(|group| group.iter().copied())
        .filter(move |w| *w != word)
}

/// Typos forgiven in a query word of this many characters (Meilisearch's defaults: one from
/// five characters, two from nine).
pub fn typo_budget(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Whether a folded word of an app's text answers a folded query word: equal, within the
/// word's typo budget, or (for the word being typed) starting with it. Typos and completion
/// do not combine, as in Meilisearch: "brave" does not find "travels".
pub fn word_matches(query_word: &str, text_word: &str, as_prefix: bool) -> bool {
    if text_word == query_word || (as_prefix && text_word.starts_with(query_word)) {
        return true;
    }
    if synonyms_of(query_word).any(|s| s == text_word) {
        return true;
    }
    let budget = typo_budget(query_word) as usize;
    if budget == 0 {
        return false;
    }
    strsim::damerau_levenshtein(query_word, text_word) <= budget
}

/// A run of text, marked when it matched a query word.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marked {
    pub text: String,
    pub hit: bool,
}

/// `text` cut into runs, the words matching `query_words` marked (the last query word also
/// as a prefix, since it may still be being typed).
pub fn highlight(text: &str, query_words: &[String]) -> Vec<Marked> {
    let tokens = tokens(text);
    mark(&tokens, query_words)
}

/// Up to `max_words` words of `text` around its first match, marked like `highlight`, with
/// "…" where text was cut.
pub fn snippet(text: &str, query_words: &[String], max_words: usize) -> Vec<Marked> {
    let tokens = tokens(text);
    let word_positions: Vec<usize> = (0..tokens.len()).filter(|&i| tokens[i].1).collect();
    if word_positions.len() <= max_words {
        return mark(&tokens, query_words);
    }
    let first_hit = word_positions.iter().position(|&i| is_hit(tokens[i].0, query_words)).unwrap_or(0);
    let start_word = first_hit.saturating_sub(max_words / 4).min(word_positions.len() - max_words);
    let end_word = start_word + max_words;
    let from = word_positions[start_word];
    let to = word_positions.get(end_word).copied().unwrap_or(tokens.len());
    let mut marked = mark(&tokens[from..to], query_words);
    if let Some(last) = marked.last_mut().filter(|m| !m.hit) {
        last.text = last.text.trim_end().to_string();
    }
    if from > 0 {
        marked.insert(0, Marked { text: "…".into(), hit: false });
    }
    if to < tokens.len() {
        marked.push(Marked { text: "…".into(), hit: false });
    }
    marked
}

/// `text` as (run, is_word) pairs that concatenate back to it.
fn tokens(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = None;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric();
        match in_word {
            Some(w) if w == word => {}
            Some(w) => {
                out.push((&text[start..i], w));
                start = i;
            }
            None => {}
        }
        in_word = Some(word);
    }
    if let Some(w) = in_word {
        out.push((&text[start..], w));
    }
    out
}

fn is_hit(word: &str, query_words: &[String]) -> bool {
    let folded = fold(word);
    let last = query_words.len().saturating_sub(1);
    query_words.iter().enumerate().any(|(i, q)| word_matches(q, &folded, i == last))
}

fn mark(tokens: &[(&str, bool)], query_words: &[String]) -> Vec<Marked> {
    let mut out: Vec<Marked> = Vec::new();
    for &(text, is_word) in tokens {
        let hit = is_word && is_hit(text, query_words);
        match out.last_mut() {
            Some(prev) if prev.hit == hit && !hit => prev.text.push_str(text),
            _ => out.push(Marked { text: text.to_string(), hit }),
        }
    }
    out
}

/// One search result as a page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub app: AppSummary,
    pub name: Vec<Marked>,
    pub snippet: Vec<Marked>,
}

/// A page of search results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub facets: FacetCounts,
    /// The search backend failed and these results are a plain text match from the catalog.
    pub limited: bool,
    /// With no results: apps close to what was typed.
    pub did_you_mean: Vec<AppSummary>,
    /// With no results: the top-rated apps for the chosen filters.
    pub popular: Vec<AppSummary>,
}

impl SearchPage {
    pub fn page_count(&self) -> u32 {
        super::listing::page_count(self.total, self.per_page)
    }
}

/// An as-you-type suggestion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub slug: String,
    pub name: String,
    pub min_age: u8,
}
