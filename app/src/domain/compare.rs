//! Side-by-side comparison of 2–4 apps (`/compare?apps=a,b,c`): one row per fact, each row
//! knowing whether the apps differ on it and which of them does best.

use super::alternatives::Risk;
use super::app::{format_rating, is_valid_slug, App};
use super::facts::{format_cents, ContentKind, DataType};
use super::query::QueryError;
use serde::{Deserialize, Serialize};

pub const COMPARE_MIN: usize = 2;
pub const COMPARE_MAX: usize = 4;

/// The slugs of `apps=`: comma-separated, spaces and repeats ignored, 2–4 of them.
pub fn parse_compare_list(text: &str) -> Result<Vec<String>, QueryError> {
    let bad = |value: &str, expected: &str| QueryError {
        param: "apps".into(),
        value: value.into(),
        expected: expected.into(),
    };
    let mut slugs: Vec<String> = Vec::new();
    for slug in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !is_valid_slug(slug) {
            return Err(bad(slug, "expected the names of apps as in their addresses (/apps/<name>)"));
        }
        if !slugs.iter().any(|s| s == slug) {
            slugs.push(slug.to_string());
        }
    }
    if !(COMPARE_MIN..=COMPARE_MAX).contains(&slugs.len()) {
        return Err(bad(text, &format!("expected {COMPARE_MIN} to {COMPARE_MAX} apps, separated by commas")));
    }
    Ok(slugs)
}

/// The address comparing `slugs` (in that order).
pub fn compare_href(slugs: &[String]) -> String {
    format!("/compare?apps={}", slugs.join(","))
}

/// What the compare page shows: the apps, in column order, and apps a parent might add.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub apps: Vec<App>,
    pub suggestions: Vec<super::listing::AppSummary>,
}

/// One fact across the compared apps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareRow {
    pub group: String,
    pub label: String,
    /// One per app, in column order.
    pub values: Vec<String>,
    /// True when the values are not all the same.
    pub differs: bool,
    /// True for the app(s) with the best value, when the row has a best and they differ.
    pub best: Vec<bool>,
}

/// A fact's text for one app, and how good it is (higher is better; None: no better or worse).
type Cell = (String, Option<i64>);

fn row(group: &str, label: &str, apps: &[App], cell: impl Fn(&App) -> Cell) -> CompareRow {
    let cells: Vec<Cell> = apps.iter().map(cell).collect();
    let differs = cells.iter().any(|(v, _)| *v != cells[0].0);
    let scores: Vec<i64> = cells.iter().filter_map(|(_, s)| *s).collect();
    let top = scores.iter().copied().max();
    let ranked = differs && scores.len() > 1 && scores.iter().any(|s| Some(*s) != top);
    CompareRow {
        group: group.to_string(),
        label: label.to_string(),
        best: cells.iter().map(|(_, s)| ranked && *s == top).collect(),
        values: cells.into_iter().map(|(v, _)| v).collect(),
        differs,
    }
}

fn yes_no(on: bool) -> Cell {
    (if on { "Yes" } else { "No" }.to_string(), Some(-i64::from(on)))
}

fn risk_cell(risk: Risk, app: &App, text: String) -> Cell {
    (text, Some(-i64::from(risk.level(app))))
}

/// Every row of the comparison, in page order.
pub fn compare_rows(apps: &[App]) -> Vec<CompareRow> {
    let mut rows = Vec::new();
    let glance = "At a glance";
    rows.push(row(glance, "Ages", apps, |a| (a.age_label(), None)));
    rows.push(row(glance, "Our verdict", apps, |a| match &a.facts.review {
        Some(r) => (format!("{}/5", r.verdict), Some(i64::from(r.verdict))),
        None => ("Not reviewed yet".into(), None),
    }));
    rows.push(row(glance, "Parents' stars", apps, |a| match a.rating_count {
        0 => ("No ratings yet".into(), None),
        n => (
            format!("★ {} ({n} {})", format_rating(a.rating_avg), if n == 1 { "rating" } else { "ratings" }),
            Some((a.rating_score() * 1000.0) as i64),
        ),
    }));
    rows.push(row(glance, "Learning", apps, |a| {
        (format!("{}/5", a.learning_rating), Some(i64::from(a.learning_key())))
    }));
    rows.push(row(glance, "What kids learn", apps, |a| {
        let subjects: Vec<&str> = a.facts.learning.subjects.iter().map(|s| s.label()).collect();
        (if subjects.is_empty() { "—".into() } else { subjects.join(", ") }, None)
    }));

    let money = "Money";
    rows.push(row(money, "What it really costs", apps, |a| (a.money_line(), None)));
    rows.push(row(money, "Price to download", apps, |a| match a.price_cents {
        0 => ("Free".into(), Some(0)),
        c => (format_cents(c), Some(-i64::from(c))),
    }));
    rows.push(row(money, "Subscription", apps, |a| match a.facts.money.subscription_cents {
        Some(c) => (format!("{} a month", format_cents(c)), Some(-i64::from(c))),
        None => ("None".into(), Some(0)),
    }));
    rows.push(row(money, "In-app purchases", apps, |a| {
        let m = &a.facts.money;
        let text = match (m.has_purchases(), m.loot_boxes) {
            (_, true) => "Yes, with loot boxes".to_string(),
            (true, false) => "Yes".to_string(),
            (false, false) => "None".to_string(),
        };
        risk_cell(Risk::Purchases, a, text)
    }));
    rows.push(row(money, "Ads", apps, |a| risk_cell(Risk::Ads, a, a.facts.money.ads.label().into())));

    let privacy = "Privacy";
    rows.push(row(privacy, "In short", apps, |a| {
        let text = match Risk::Tracking.level(a) {
            0 => "Collects no personal data",
            1 => "Collects data linked to your child",
            _ => "Tracks your child",
        };
        risk_cell(Risk::Tracking, a, text.into())
    }));
    for &data in DataType::ALL {
        rows.push(row(privacy, data.label(), apps, |a| match a.facts.privacy.use_of(data) {
            Some(usage) => (usage.label().into(), Some(-(usage as i64))),
            None => ("Not checked yet".into(), None),
        }));
    }

    let interaction = "Interaction";
    rows.push(row(interaction, "Chat", apps, |a| risk_cell(Risk::Chat, a, a.facts.interaction.chat.label().into())));
    rows.push(row(interaction, "Players interact", apps, |a| yes_no(a.facts.interaction.users_interact)));
    rows.push(row(interaction, "Shares location", apps, |a| yes_no(a.facts.interaction.shares_location)));
    rows.push(row(interaction, "Unrestricted internet", apps, |a| yes_no(a.facts.interaction.unrestricted_internet)));
    rows.push(row(interaction, "Content made by other users", apps, |a| yes_no(a.facts.interaction.user_content)));
    rows.push(row(interaction, "Links out of the app", apps, |a| {
        let gate = a.facts.interaction.external_links;
        (gate.label().into(), Some(-(gate as i64)))
    }));
    rows.push(row(interaction, "Needs an account", apps, |a| yes_no(a.facts.interaction.account_required)));

    let content = "Content";
    for &kind in ContentKind::ALL {
        rows.push(row(content, kind.label(), apps, |a| {
            let score = a.facts.content.get(kind).score;
            let goodness = if kind.is_positive() { i64::from(score) } else { -i64::from(score) };
            (format!("{score}/5"), Some(goodness))
        }));
    }
    rows
}
