//! Background jobs as the admin pages and the job server functions see them.

use serde::{Deserialize, Serialize};

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $slug:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        super::named::slug_methods!($name { $($variant => $slug, $label;)+ });

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.slug())
            }
        }
    };
}

named_enum!(
    /// What a job does; each kind has one handler in `server/src/jobs/`.
    JobKind {
        ReindexSearch => "reindex_search", "Rebuild the search index";
        IndexApp => "index_app", "Index one app";
        RecomputeRatings => "recompute_ratings", "Recompute ratings";
        RefreshTrending => "refresh_trending", "Refresh trending";
        ImportCatalog => "import_catalog", "Import a catalog file";
        WarmCache => "warm_cache", "Warm the page cache";
        SendDigest => "send_digest", "Send the weekly digest";
        Noop => "noop", "No-op (for tests and benchmarks)";
    }
);

named_enum!(
    /// Where a job is in its life. `Failed` will be retried; `Dead` will not (it keeps the last
    /// error).
    JobState {
        Queued => "queued", "Queued";
        Running => "running", "Running";
        Done => "done", "Done";
        Failed => "failed", "Failed, will retry";
        Dead => "dead", "Dead";
        Cancelled => "cancelled", "Cancelled";
    }
);

impl JobState {
    pub fn is_finished(self) -> bool {
        matches!(self, JobState::Done | JobState::Dead | JobState::Cancelled)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobProgress {
    pub done: u64,
    pub total: u64,
    pub message: String,
}

impl JobProgress {
    /// 0–100, for a progress bar.
    pub fn percent(&self) -> u8 {
        if self.total == 0 {
            return 0;
        }
        ((self.done.min(self.total) * 100) / self.total) as u8
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobInfo {
    pub id: String,
    pub kind: JobKind,
    pub state: JobState,
    /// Arguments as JSON text.
    pub args: String,
    pub attempts: u32,
    pub max_attempts: u32,
    pub progress: JobProgress,
    /// The handler's result as JSON text, once done.
    pub result: Option<String>,
    pub last_error: Option<String>,
    pub cancel_requested: bool,
    /// Unix milliseconds.
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCounts {
    pub queued: u64,
    pub running: u64,
    pub done: u64,
    pub failed: u64,
    pub dead: u64,
    pub cancelled: u64,
}

impl JobCounts {
    pub fn of(&self, state: JobState) -> u64 {
        *self.slot(state)
    }

    pub fn set(&mut self, state: JobState, count: u64) {
        *self.slot_mut(state) = count;
    }

    fn slot(&self, state: JobState) -> &u64 {
        match state {
            JobState::Queued => &self.queued,
            JobState::Running => &self.running,
            JobState::Done => &self.done,
            JobState::Failed => &self.failed,
            JobState::Dead => &self.dead,
            JobState::Cancelled => &self.cancelled,
        }
    }

    fn slot_mut(&mut self, state: JobState) -> &mut u64 {
        match state {
            JobState::Queued => &mut self.queued,
            JobState::Running => &mut self.running,
            JobState::Done => &mut self.done,
            JobState::Failed => &mut self.failed,
            JobState::Dead => &mut self.dead,
            JobState::Cancelled => &mut self.cancelled,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobFilter {
    pub state: Option<JobState>,
    pub kind: Option<JobKind>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobList {
    /// Newest first.
    pub jobs: Vec<JobInfo>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub counts: JobCounts,
    /// Jobs finished in each of the last 60 minutes, oldest first.
    pub finished_per_minute: Vec<u32>,
}
