//! A search index answers only once it is built. An empty index over a catalog with apps (a
//! fresh `DATA_DIR`, a new Meilisearch, a node whose worker runs elsewhere) or one an older
//! version wrote would answer "no results" with no word of why; while it is so, this gate makes
//! every search and suggestion fail as "unavailable", so pages answer from the catalog with the
//! "Search is limited right now" notice, and `ping` (so `/readyz`) says the index is being built.
//! The check is a count on each side, made at most every few seconds.

use app::domain::{App, SearchQuery};
use app::ports::{BackendError, Catalog, SearchError, SearchIndex, SearchMatches};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a finding holds while the index is being built, and once it is built (an index can
/// still be emptied under a node: a Meilisearch index deleted).
const RECHECK_WHILE_BUILDING: Duration = Duration::from_secs(2);
const RECHECK_WHEN_BUILT: Duration = Duration::from_secs(30);

pub struct ReadyGate {
    index: Arc<dyn SearchIndex>,
    catalog: Arc<dyn Catalog>,
    finding: Mutex<Option<(Instant, Finding)>>,
    /// Held by the one caller that checks again; the others go by the last finding.
    checking: tokio::sync::Mutex<()>,
}

#[derive(Clone, Debug, PartialEq)]
enum Finding {
    Built,
    /// Why searches cannot use the index yet.
    Building(String),
}

impl ReadyGate {
    pub fn new(index: Arc<dyn SearchIndex>, catalog: Arc<dyn Catalog>) -> ReadyGate {
        ReadyGate { index, catalog, finding: Mutex::new(None), checking: tokio::sync::Mutex::new(()) }
    }

    fn last(&self) -> Option<(Instant, Finding)> {
        self.finding.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn note(&self, finding: Finding) {
        *self.finding.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), finding));
    }

    async fn finding(&self) -> Finding {
        let stale = |(at, finding): &(Instant, Finding)| {
            let every = if *finding == Finding::Built { RECHECK_WHEN_BUILT } else { RECHECK_WHILE_BUILDING };
            at.elapsed() >= every
        };
        let last = self.last();
        if let Some((_, finding)) = last.as_ref().filter(|last| !stale(last)) {
            return finding.clone();
        }
        let _checking = match (self.checking.try_lock(), last) {
            (Ok(checking), _) => checking,
            (Err(_), Some((_, finding))) => return finding,
            // The first search: wait for the first finding rather than guess one.
            (Err(_), None) => self.checking.lock().await,
        };
        if let Some(last) = self.last().filter(|last| !stale(last)) {
            return last.1;
        }
        let finding = self.check().await;
        self.note(finding.clone());
        finding
    }

    /// A backend that does not answer is not "being built": its own errors say what is wrong,
    /// and the next check looks again.
    async fn check(&self) -> Finding {
        let (indexed, apps) = match (self.index.count().await, self.catalog.count().await) {
            (Ok(indexed), Ok(apps)) => (indexed, apps),
            _ => return Finding::Built,
        };
        if indexed == 0 && apps > 0 {
            return Finding::Building(format!("the search index is being built (0 of {apps} apps indexed)"));
        }
        if indexed > 0 && self.index.outdated().await.unwrap_or(false) {
            return Finding::Building("the search index is being rebuilt for this version of the site".into());
        }
        Finding::Built
    }

    /// After a write to the index: a "being built" finding is checked afresh on the next search
    /// rather than held for its few seconds.
    fn forget_unless_built(&self) {
        let mut finding = self.finding.lock().unwrap_or_else(|e| e.into_inner());
        if finding.as_ref().is_some_and(|(_, f)| *f != Finding::Built) {
            *finding = None;
        }
    }

    async fn usable(&self) -> Result<(), SearchError> {
        match self.finding().await {
            Finding::Built => Ok(()),
            Finding::Building(why) => Err(SearchError::Unavailable(BackendError::unavailable(why))),
        }
    }
}

#[async_trait]
impl SearchIndex for ReadyGate {
    fn backend(&self) -> &'static str {
        self.index.backend()
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchMatches, SearchError> {
        self.usable().await?;
        self.index.search(query).await
    }

    async fn suggest(&self, text: &str, limit: usize) -> Result<Vec<String>, SearchError> {
        self.usable().await?;
        self.index.suggest(text, limit).await
    }

    async fn upsert(&self, apps: &[App]) -> Result<(), SearchError> {
        self.index.upsert(apps).await?;
        self.forget_unless_built();
        Ok(())
    }

    async fn delete(&self, slugs: &[String]) -> Result<(), SearchError> {
        self.index.delete(slugs).await
    }

    async fn rebuild(
        &self,
        catalog: &dyn Catalog,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<u64, SearchError> {
        let indexed = self.index.rebuild(catalog, progress).await?;
        self.forget_unless_built();
        Ok(indexed)
    }

    async fn count(&self) -> Result<u64, SearchError> {
        self.index.count().await
    }

    async fn ping(&self) -> Result<(), SearchError> {
        self.index.ping().await?;
        self.usable().await
    }

    async fn outdated(&self) -> Result<bool, SearchError> {
        self.index.outdated().await
    }
}
