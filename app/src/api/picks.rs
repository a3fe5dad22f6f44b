//! Picks for a signed-in parent's children on the home page: per child, apps for the child's
//! age band that families with a child of about the same age favorited (most families first),
//! then the band's best learning apps; never the parent's own favorites.

use super::ApiError;
use crate::domain::{AgeBand, AppSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Apps shown per child.
pub const PICKS_PER_KID: usize = 6;
/// Children given a shelf on the home page.
pub const PICK_SHELVES: usize = 4;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KidPicks {
    /// "Maya, 5".
    pub label: String,
    pub band: AgeBand,
    pub apps: Vec<AppSummary>,
}

/// None for a visitor; a signed-in parent without children gets an empty list.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn home_picks() -> Result<Option<Vec<KidPicks>>, ApiError> {
    use crate::domain::{summaries, CatalogQuery, SortOrder, MAX_AGE, MIN_AGE};
    let Some(user) = super::auth::signed_in_user().await? else { return Ok(None) };
    let state = super::state()?;
    let kids = state.accounts.kids(&user.id).await?;
    let mine = state.accounts.favorites(&user.id).await?;
    let year = super::this_year();
    let mut shelves = Vec::new();
    for kid in kids.iter().take(PICK_SHELVES) {
        let age = kid.age_in(year).clamp(u16::from(MIN_AGE), u16::from(MAX_AGE)) as u8;
        let Some(band) = AgeBand::of_age(age) else { continue };
        let families =
            state.accounts.family_favorites(kid.birth_year.saturating_sub(1), kid.birth_year + 1, 60).await?;
        let slugs: Vec<String> = families.into_iter().map(|(slug, _)| slug).collect();
        let favorited = state.catalog.get_many(&slugs).await?;
        let learning = CatalogQuery { age: Some(band), sort: SortOrder::Learning, per_page: 24, ..Default::default() };
        let best = state.catalog.list(&learning).await?.apps;
        let mut picked = Vec::new();
        for app in favorited.into_iter().filter(|a| AgeBand::of_age(a.min_age) == Some(band)).chain(best) {
            if picked.len() == PICKS_PER_KID {
                break;
            }
            if !mine.contains(&app.slug) && !picked.iter().any(|p: &crate::domain::App| p.slug == app.slug) {
                picked.push(app);
            }
        }
        let label = match &kid.nickname {
            Some(_) => kid.label(year),
            None => format!("your {}-year-old", kid.age_in(year)),
        };
        shelves.push(KidPicks { label, band, apps: summaries(picked) });
    }
    Ok(Some(shelves))
}
