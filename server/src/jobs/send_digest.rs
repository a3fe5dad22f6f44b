//! `send_digest` (periodic, weekly): for each family with children, the apps released in the
//! last week that suit each child's age, as one mail into the outbox (delivered by SMTP when
//! `SMTP_URL` is set, kept there otherwise). A family with nothing new gets no mail, nor does
//! one that turned the digest off (on the account page, or by the link each digest ends with).
//! The mail's key is `digest:<ISO week>:<user>`, so a second run in the same week composes
//! nothing more.

use super::{JobContext, JobError};
use app::domain::{AgeBand, App, CatalogQuery, Kid, NewMail, SortOrder};
use app::ports::{SecretKey, UserRecord};
use chrono::{Datelike, Days, NaiveDate};

/// Apps per child in one digest.
pub const DIGEST_APPS_PER_KID: usize = 5;
const USERS_PER_PAGE: usize = 200;
/// How far back "new" reaches: the week since the last digest.
const NEW_WITHIN_DAYS: u64 = 7;

pub async fn run(ctx: &JobContext) -> Result<String, JobError> {
    let failed = |e: &dyn std::fmt::Display| JobError::Failed(e.to_string());
    let (accounts, outbox) = (&ctx.services.accounts, &ctx.services.outbox);
    let today = chrono::Utc::now().date_naive();
    let since = today
        .checked_sub_days(Days::new(NEW_WITHIN_DAYS))
        .ok_or_else(|| JobError::Failed("date out of range".into()))?;
    let new_by_band = new_apps_by_band(ctx, since).await?;
    let week = today.iso_week();
    let (mut families, mut composed, mut already, mut opted_out) = (0u64, 0u64, 0u64, 0u64);
    let mut after: Option<String> = None;
    loop {
        let page = accounts.users_page(after.as_deref(), USERS_PER_PAGE).await.map_err(|e| failed(&e))?;
        let Some((last, _)) = page.last() else { break };
        after = Some(last.user.id.clone());
        for (record, kids) in page {
            if kids.is_empty() {
                continue;
            }
            families += 1;
            if !record.user.digest {
                opted_out += 1;
                continue;
            }
            let link = Links { site: ctx.services.site_url.as_deref(), key: &ctx.services.secret_key };
            let Some(mail) = compose(&record, &kids, &new_by_band, today, link) else {
                continue;
            };
            let mail =
                NewMail { key: format!("digest:{}-W{:02}:{}", week.year(), week.week(), record.user.id), ..mail };
            if outbox.put(&mail).await.map_err(|e| failed(&e))? {
                composed += 1;
            } else {
                already += 1;
            }
        }
        ctx.progress(families, 0, format!("{families} families, {composed} digests")).await?;
    }
    Ok(serde_json::json!({ "families": families, "composed": composed, "already_sent": already, "opted_out": opted_out }).to_string())
}

/// Apps released on or after `since`, newest first, per age band.
async fn new_apps_by_band(ctx: &JobContext, since: NaiveDate) -> Result<Vec<(AgeBand, Vec<App>)>, JobError> {
    let mut by_band = Vec::new();
    for &band in AgeBand::ALL {
        let query = CatalogQuery {
            age: Some(band),
            sort: SortOrder::Newest,
            per_page: DIGEST_APPS_PER_KID as u32,
            ..Default::default()
        };
        let page = ctx.services.catalog.list(&query).await.map_err(|e| JobError::Failed(e.to_string()))?;
        by_band.push((band, page.apps.into_iter().filter(|app| app.released >= since).collect()));
    }
    Ok(by_band)
}

/// What the links in a digest need: where the site is, and the key its unsubscribe link is
/// signed with.
struct Links<'a> {
    site: Option<&'a str>,
    key: &'a SecretKey,
}

/// The digest for one family; None when nothing is new for any of its children.
fn compose(
    record: &UserRecord,
    kids: &[Kid],
    new_by_band: &[(AgeBand, Vec<App>)],
    today: NaiveDate,
    links: Links<'_>,
) -> Option<NewMail> {
    let user = &record.user;
    let year = today.year();
    let site = links.site.unwrap_or("").trim_end_matches('/');
    let mut sections = Vec::new();
    let mut names = Vec::new();
    for kid in kids {
        let age = u8::try_from(kid.age_in(year)).unwrap_or(u8::MAX);
        let Some((_, apps)) = AgeBand::of_age(age).and_then(|band| new_by_band.iter().find(|(b, _)| *b == band)) else {
            continue;
        };
        if apps.is_empty() {
            continue;
        }
        let lines: Vec<String> = apps
            .iter()
            .map(|app| {
                format!("  • {} ({}, ages {}+): {site}/apps/{}", app.name, app.price_label(), app.min_age, app.slug)
            })
            .collect();
        sections.push(format!("For {}:\n{}", kid.label(year), lines.join("\n")));
        names.push(kid.nickname.clone().unwrap_or_else(|| kid.label(year)));
    }
    if sections.is_empty() {
        return None;
    }
    let body = format!(
        "Hello {},\n\nNew on Famigo this week for your family:\n\n{}\n\nYou get this weekly mail because your Famigo account lists your kids' ages.\n\
         Stop it here: {site}/unsubscribe?user={}&token={}\n\
         (or on your account page: {site}/account)\n",
        user.display_name,
        sections.join("\n\n"),
        user.id,
        record.unsubscribe_token(links.key),
    );
    Some(NewMail {
        key: String::new(),
        to: user.email.clone(),
        subject: format!("New apps for {} this week", names.join(" and ")),
        body,
    })
}
