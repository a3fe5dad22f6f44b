//! `refresh_trending` (periodic): ranks, per age band, the apps with the most extra page views
//! this week over last week (`domain::rising`), saves the lists, and drops the cached pages that
//! show them. Rerunning it recomputes the same lists from the same views.

use super::{JobContext, JobError};
use app::domain::{rising, AgeBand, TrendingLists, TRENDING_PER_BAND, TRENDING_WINDOW_DAYS};
use app::ports::cache_tags;
use chrono::{Days, NaiveDate};

pub async fn run(ctx: &JobContext) -> Result<String, JobError> {
    let today = chrono::Utc::now().date_naive();
    let lists = compute(ctx, today).await?;
    let counts: Vec<String> =
        lists.by_age.iter().map(|(band, apps)| format!("{}: {}", band.slug(), apps.len())).collect();
    Ok(serde_json::json!({ "rising": counts }).to_string())
}

/// The lists for the week ending `today`, saved.
pub async fn compute(ctx: &JobContext, today: NaiveDate) -> Result<TrendingLists, JobError> {
    let trends = &ctx.services.trends;
    let failed = |e: &dyn std::fmt::Display| JobError::Failed(e.to_string());
    let day =
        |back: u64| today.checked_sub_days(Days::new(back)).ok_or_else(|| JobError::Failed("date out of range".into()));
    let recent = trends.views_between(day(TRENDING_WINDOW_DAYS - 1)?, today).await.map_err(|e| failed(&e))?;
    let prior = trends
        .views_between(day(2 * TRENDING_WINDOW_DAYS - 1)?, day(TRENDING_WINDOW_DAYS)?)
        .await
        .map_err(|e| failed(&e))?;
    let ranked = rising(&recent, &prior);
    ctx.progress(1, 3, format!("{} apps rising", ranked.len())).await?;

    let mut by_age: Vec<(AgeBand, Vec<String>)> = AgeBand::ALL.iter().map(|&band| (band, Vec::new())).collect();
    for chunk in ranked.chunks(500) {
        let slugs: Vec<String> = chunk.iter().map(|(slug, _)| slug.clone()).collect();
        // Apps deleted since they were viewed drop out here.
        for app in ctx.services.catalog.get_many(&slugs).await.map_err(|e| failed(&e))? {
            if let Some((_, list)) = by_age.iter_mut().find(|(band, _)| *band == app.age_band()) {
                if list.len() < TRENDING_PER_BAND {
                    list.push(app.slug);
                }
            }
        }
        if by_age.iter().all(|(_, list)| list.len() == TRENDING_PER_BAND) {
            break;
        }
    }
    by_age.retain(|(_, list)| !list.is_empty());
    ctx.progress(2, 3, "saving the lists").await?;
    let lists = TrendingLists { computed_at: chrono::Utc::now().timestamp_millis(), by_age };
    trends.save_trending(&lists).await.map_err(|e| failed(&e))?;
    if let Err(e) = ctx.services.page_cache.invalidate(&[cache_tags::TRENDING.to_string()]).await {
        tracing::warn!("{}", app::ports::Causes(&e));
    }
    Ok(lists)
}
