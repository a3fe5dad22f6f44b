//! What is rising: app page views per day are tallied, and `refresh_trending` ranks, per age
//! band, the apps with the most extra views this week over last week.

use super::AgeBand;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Days in "this week" (and in "last week", the days before it).
pub const TRENDING_WINDOW_DAYS: u64 = 7;
/// Views this week an app needs before it can be rising (a handful of views is noise).
pub const TRENDING_MIN_VIEWS: u64 = 3;
pub const TRENDING_PER_BAND: usize = 8;

/// The rising apps per age band, as `refresh_trending` last computed them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendingLists {
    /// Unix milliseconds.
    pub computed_at: i64,
    pub by_age: Vec<(AgeBand, Vec<String>)>,
}

/// Slugs with more views in `recent` than in `prior` (and at least `TRENDING_MIN_VIEWS`), by
/// gain (recent − prior), then recent views, then slug; with their gain.
pub fn rising(recent: &HashMap<String, u64>, prior: &HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut gains: Vec<(String, u64, u64)> = recent
        .iter()
        .filter(|(_, &views)| views >= TRENDING_MIN_VIEWS)
        .filter_map(|(slug, &views)| {
            let before = prior.get(slug).copied().unwrap_or(0);
            (views > before).then(|| (slug.clone(), views - before, views))
        })
        .collect();
    gains.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    gains.into_iter().map(|(slug, gain, _)| (slug, gain)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rising_ranks_by_gain_and_leaves_out_noise_and_falling_apps() {
        let map = |pairs: &[(&str, u64)]| pairs.iter().map(|(s, n)| (s.to_string(), *n)).collect::<HashMap<_, _>>();
        let recent = map(&[
            ("steady", 50),
            ("new-hit", 30),
            ("climber", 40),
            ("falling", 5),
            ("tiny", 2),
            ("tie-b", 12),
            ("tie-a", 12),
        ]);
        let prior = map(&[("steady", 50), ("climber", 20), ("falling", 9), ("tie-b", 2), ("tie-a", 2)]);
        let names: Vec<String> = rising(&recent, &prior).iter().map(|(s, g)| format!("{s}:{g}")).collect();
        assert_eq!(names, ["new-hit:30", "climber:20", "tie-a:10", "tie-b:10"]);
    }
}
