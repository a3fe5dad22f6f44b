//! A parent's words as a Tantivy query: every word (or any, for suggestions) in any text field,
//! exact, with a typo, as a prefix or as a synonym, ranked by field.

use super::errors::backend;
use super::live::Live;
use super::schema::BOOSTS;
use app::domain::{synonyms_of, typo_budget, MAX_QUERY_WORDS};
use app::ports::SearchError;
use std::sync::Arc;
use tantivy::query::{
    AllQuery, AutomatonWeight, BooleanQuery, BoostQuery, DfaWrapper, EnableScoring, FuzzyTermQuery, Query, TermQuery,
    Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Score, Term};

/// An exact word outranks the same word found by typo tolerance or as a prefix.
pub(super) const EXACT: Score = 2.0;
pub(super) const PREFIX: Score = 0.8;
pub(super) const FUZZY: Score = 0.5;
pub(super) const SYNONYM: Score = 1.5;

/// The query for `words`: every word must match (or, with `any_word`, at least one).
pub(super) fn text_query(live: &Live, text: &str, any_word: bool) -> Result<Box<dyn Query>, SearchError> {
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
pub(super) struct SharedAutomatonQuery {
    pub(super) field: Field,
    pub(super) automaton: Arc<DfaWrapper>,
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
