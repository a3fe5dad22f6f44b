//! `FAMIGO_WORKER`, `WORKER_CONCURRENCY`, `JOB_LEASE_SECONDS`, `SCHEDULE_<KIND>`: background jobs.

use super::{ConfigError, Env};

/// Kinds that run on a schedule unless configured otherwise; the others need theirs set.
pub const DEFAULT_SCHEDULES: &[(app::domain::JobKind, &str)] = &[
    (app::domain::JobKind::WarmCache, "0 */5 * * * *"),
    (app::domain::JobKind::RefreshTrending, "0 7 * * * *"),
    // Mondays at 08:00 UTC.
    (app::domain::JobKind::SendDigest, "0 0 8 * * Mon"),
];

/// `SCHEDULE_WARM_CACHE` for `warm_cache`, and so on.
pub fn schedule_var(kind: app::domain::JobKind) -> &'static str {
    use app::domain::JobKind::*;
    match kind {
        ReindexSearch => "SCHEDULE_REINDEX_SEARCH",
        IndexApp => "SCHEDULE_INDEX_APP",
        RecomputeRatings => "SCHEDULE_RECOMPUTE_RATINGS",
        RefreshTrending => "SCHEDULE_REFRESH_TRENDING",
        ImportCatalog => "SCHEDULE_IMPORT_CATALOG",
        WarmCache => "SCHEDULE_WARM_CACHE",
        SendDigest => "SCHEDULE_SEND_DIGEST",
        Noop => "SCHEDULE_NOOP",
    }
}

impl Env {
    pub(super) fn schedules(&self) -> Result<Vec<(app::domain::JobKind, cron::Schedule)>, ConfigError> {
        let mut schedules = Vec::new();
        for &kind in app::domain::JobKind::ALL {
            let var = schedule_var(kind);
            let default = DEFAULT_SCHEDULES.iter().find(|(k, _)| *k == kind).map(|(_, e)| *e);
            let Some(expression) = self.get(var).or(default) else { continue };
            let expression = expression.trim();
            if expression.eq_ignore_ascii_case("off") {
                continue;
            }
            let schedule = expression.parse::<cron::Schedule>().map_err(|e| ConfigError {
                var,
                value: expression.to_string(),
                reason: format!("expected a cron expression with seconds, like \"0 */5 * * * *\", or off: {e}"),
            })?;
            schedules.push((kind, schedule));
        }
        Ok(schedules)
    }
}
