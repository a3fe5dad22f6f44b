//! `/admin/reviews`: moderation. Reviews held for a link or a flagged word wait here
//! (`?status=pending`, the default); published ones can be hidden and hidden ones restored.
//! Hiding asks for a reason, which the author sees.

use super::admin_refusal;
use crate::api::reviews::{review_queue, ModerateReview};
use crate::domain::{page_count, Review, ReviewStatus};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminReviewsPage() -> impl IntoView {
    let query = use_query_map();
    let status =
        move || query.read().get("status").and_then(|s| ReviewStatus::from_slug(&s)).unwrap_or(ReviewStatus::Pending);
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1);
    let moderate = ServerAction::<ModerateReview>::new();
    let list = Resource::new(
        move || (status(), page(), moderate.version().get()),
        |(status, page, _)| review_queue(status, page),
    );
    let error = move || moderate.value().get().and_then(Result::err);
    view! {
        <Title text="Reviews · Famigo admin"/>
        <Meta name="robots" content="noindex"/>
        <section class="admin admin-reviews">
            <h1>"Reviews"</h1>
            <p><a href="/admin/jobs">"Jobs"</a>" · "<a href="/admin/apps">"Apps"</a>" · "<a href="/admin/mail">"Mail"</a></p>
            <nav class="tabs" aria-label="Review status">
                {ReviewStatus::ALL.iter().map(|&s| {
                    let label = match s { ReviewStatus::Pending => "Waiting", ReviewStatus::Published => "Published", ReviewStatus::Hidden => "Hidden" };
                    view! { <a href=format!("/admin/reviews?status={}", s.slug()) aria-current=move || (status() == s).then_some("page")>{label}</a> }
                }).collect_view()}
            </nav>
            {move || error().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) if list.reviews.is_empty() => view! { <p class="empty">"Nothing here."</p> }.into_any(),
                        Ok(list) => {
                            let pages = page_count(list.total, list.per_page).max(1);
                            let next = (list.page < pages).then(|| format!("/admin/reviews?status={}&page={}", list.status.slug(), list.page + 1));
                            view! {
                                <p>{format!("{} reviews", list.total)}</p>
                                <ol class="moderation">
                                    {list.reviews.into_iter().map(|review| view! { <ModerationItem review moderate/> }).collect_view()}
                                </ol>
                                {next.map(|href| view! { <p><a href=href>"More →"</a></p> })}
                            }.into_any()
                        }
                        Err(error) => admin_refusal(error),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ModerationItem(review: Review, moderate: ServerAction<ModerateReview>) -> impl IntoView {
    let Review { id, app_slug, author, stars, text, status, reason, .. } = review;
    let (approve_id, hide_id) = (id.clone(), id.clone());
    view! {
        <li class="moderation-item" data-review=id>
            <p>
                <a href=format!("/apps/{app_slug}#reviews")>{app_slug.clone()}</a>
                {format!(" · {author} · {stars}★ · {}", status.slug())}
                {reason.map(|r| view! { <span class="review-reason">{format!(" · {r}")}</span> })}
            </p>
            <blockquote class="review-text">{text}</blockquote>
            {(status != ReviewStatus::Published).then(|| view! {
                <ActionForm action=moderate attr:class="inline-form">
                    <input type="hidden" name="id" value=approve_id/>
                    <input type="hidden" name="decision" value="approve"/>
                    <input type="hidden" name="reason" value=""/>
                    <button type="submit">"Approve"</button>
                </ActionForm>
            })}
            {(status != ReviewStatus::Hidden).then(|| view! {
                <ActionForm action=moderate attr:class="hide-form">
                    <input type="hidden" name="id" value=hide_id/>
                    <input type="hidden" name="decision" value="hide"/>
                    <label>"Reason " <input type="text" name="reason" required maxlength="200" placeholder="e.g. advertising"/></label>
                    <button type="submit">"Hide"</button>
                </ActionForm>
            })}
        </li>
    }
}
