//! Parents' reviews on an app's page: the signed-in parent's own review (write, edit,
//! delete), then the published reviews, newest first, a page at a time, with "helpful"
//! votes. Every form is a plain post that works without JavaScript.

use crate::api::accounts::ViewerResource;
use crate::api::reviews::{app_reviews, my_review, DeleteReview, SaveReview, VoteHelpful};
use crate::domain::{PublicReview, Review, ReviewPage, ReviewStatus, MAX_REVIEW_CHARS, MIN_REVIEW_CHARS};
use crate::pages::account::{field_message, form_message};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// "★★★★☆": stars out of five, for reading; the label says it in words.
fn star_line(stars: u8) -> String {
    let stars = usize::from(stars.min(5));
    format!("{}{}", "★".repeat(stars), "☆".repeat(5 - stars))
}

type MyReviewResource = Resource<Result<Option<Review>, crate::api::ApiError>>;

fn written_on(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|d| d.format("%B %-d, %Y").to_string()).unwrap_or_default()
}

/// The reviews' data and actions for the app page. Made by the page itself, outside its
/// `<Transition>`: a resource made inside one is made again each time the server re-renders
/// that Transition's children, and the browser then hydrates with the first copy's data (an
/// error, when its owner was gone before the data came).
#[derive(Clone, Copy)]
pub struct ReviewResources {
    mine: MyReviewResource,
    list: Resource<Result<ReviewPage, crate::api::ApiError>>,
    save: ServerAction<SaveReview>,
    delete: ServerAction<DeleteReview>,
    vote: ServerAction<VoteHelpful>,
}

impl ReviewResources {
    pub fn new(slug: impl Fn() -> String + Copy + Send + Sync + 'static) -> ReviewResources {
        let query = use_query_map();
        let page = move || query.read().get("reviews").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1);
        let save = ServerAction::<SaveReview>::new();
        let delete = ServerAction::<DeleteReview>::new();
        let vote = ServerAction::<VoteHelpful>::new();
        let mine =
            Resource::new(move || (slug(), save.version().get(), delete.version().get()), |(slug, ..)| my_review(slug));
        let list = Resource::new(
            move || (slug(), page(), save.version().get(), delete.version().get(), vote.version().get()),
            |(slug, page, ..)| app_reviews(slug, page),
        );
        ReviewResources { mine, list, save, delete, vote }
    }
}

#[component]
pub fn ReviewsSection(slug: String, name: String, reviews: ReviewResources) -> impl IntoView {
    let ReviewResources { mine, list, save, delete, vote } = reviews;
    let base = format!("/apps/{slug}");
    view! {
        <section class="reviews" id="reviews">
            <h2>"Parents' reviews"</h2>
            <MyReview slug=slug.clone() name=name mine save delete/>
            <Transition fallback=|| view! { <p class="loading">"Loading reviews…"</p> }>
                {move || {
                    let base = base.clone();
                    Suspend::new(async move {
                        match list.await {
                            Ok(page) if page.total == 0 => view! { <p class="no-reviews">"No reviews yet. Be the first parent to review it."</p> }.into_any(),
                            Ok(page) => {
                                let (current, pages) = (page.page, page.pages());
                                let older = (current < pages).then(|| format!("{base}?reviews={}#reviews", current + 1));
                                let newer = (current > 1).then(|| format!("{base}?reviews={}#reviews", current - 1));
                                view! {
                                    <ol class="review-list">
                                        {page.reviews.into_iter().map(|review| view! { <ReviewItem review mine vote/> }).collect_view()}
                                    </ol>
                                    <nav class="pager" aria-label="Review pages">
                                        {newer.map(|href| view! { <a rel="prev" href=href>"← Newer"</a> })}
                                        <span class="pager-pos">{format!("Page {current} of {pages} · {} reviews", page.total)}</span>
                                        {older.map(|href| view! { <a rel="next" href=href>"Older →"</a> })}
                                    </nav>
                                }.into_any()
                            }
                            Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn ReviewItem(review: PublicReview, mine: MyReviewResource, vote: ServerAction<VoteHelpful>) -> impl IntoView {
    let viewer = ViewerResource::from_context();
    let PublicReview { id, author, stars, text, helpful, created_at, edited } = review;
    let vote_id = id.clone();
    view! {
        <li class="review" data-review=id.clone()>
            <p class="review-head">
                <span class="stars" aria-label=format!("{stars} out of 5 stars")>{star_line(stars)}</span>
                " "<strong class="review-author">{author}</strong>
                <span class="review-date">{format!(" · {}{}", written_on(created_at), if edited { " (edited)" } else { "" })}</span>
            </p>
            <p class="review-text">{text}</p>
            <Suspense fallback=|| ()>
                {
                    let vote_id = vote_id.clone();
                    move || {
                        let id = vote_id.clone();
                        Suspend::new(async move {
                            let viewer = match viewer {
                                Some(viewer) => viewer.0.await.ok().flatten(),
                                None => None,
                            };
                            // A parent does not vote for their own review.
                            let own = viewer.is_some() && mine.await.ok().flatten().is_some_and(|r| r.id == id);
                            let counted = if helpful == 1 { "1 parent found this helpful".to_string() } else { format!("{helpful} parents found this helpful") };
                            match viewer {
                                Some(_) if !own => view! {
                                    <ActionForm action=vote attr:class="helpful-form">
                                        <input type="hidden" name="id" value=id/>
                                        <span class="helpful-count">{counted}</span>" "
                                        <button type="submit" class="link-button">"Helpful"</button>
                                    </ActionForm>
                                }.into_any(),
                                _ => view! { <p class="helpful-count">{counted}</p> }.into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </li>
    }
}

/// The signed-in parent's review form (filled with their review if they wrote one), or an
/// invitation to sign in.
#[component]
fn MyReview(
    slug: String,
    name: String,
    mine: MyReviewResource,
    save: ServerAction<SaveReview>,
    delete: ServerAction<DeleteReview>,
) -> impl IntoView {
    let viewer = ViewerResource::from_context();
    let sign_in = format!("/signin?next=%2Fapps%2F{slug}%23reviews");
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (slug, name, sign_in) = (slug.clone(), name.clone(), sign_in.clone());
                Suspend::new(async move {
                    let signed_in = match viewer {
                        Some(viewer) => viewer.0.await.ok().flatten().is_some(),
                        None => false,
                    };
                    if !signed_in {
                        return view! { <p class="review-invite"><a href=sign_in>"Sign in to review "{name}</a></p> }.into_any();
                    }
                    let existing = mine.await.ok().flatten();
                    view! { <ReviewForm slug existing save delete/> }.into_any()
                })
            }}
        </Suspense>
    }
}

#[component]
fn ReviewForm(
    slug: String,
    existing: Option<Review>,
    save: ServerAction<SaveReview>,
    delete: ServerAction<DeleteReview>,
) -> impl IntoView {
    let error = move || save.value().get().and_then(Result::err);
    let typed = move |field: &'static str| error().and_then(|e| e.typed_value(field));
    let (stars, text) = existing.as_ref().map(|r| (r.stars.to_string(), r.text.clone())).unwrap_or_default();
    let stars = StoredValue::new(stars);
    let text = StoredValue::new(text);
    let chosen = move || typed("stars").unwrap_or_else(|| stars.get_value());
    let status_note = existing.as_ref().and_then(|review| match review.status {
        ReviewStatus::Published => None,
        ReviewStatus::Pending => Some(format!(
            "Your review waits for a moderator ({}); other parents see it once it is approved.",
            review.reason.clone().unwrap_or_else(|| "a check".into())
        )),
        ReviewStatus::Hidden => Some(format!(
            "A moderator hid your review: {}. Edit it and a moderator looks at it again.",
            review.reason.clone().unwrap_or_default()
        )),
    });
    let heading = if existing.is_some() { "Your review" } else { "Write a review" };
    let button = if existing.is_some() { "Update review" } else { "Post review" };
    let delete_id = existing.as_ref().map(|r| r.id.clone());
    let saved = move || matches!(save.value().get(), Some(Ok(ref r)) if r.status == ReviewStatus::Published);
    view! {
        <div class="my-review">
            <h3>{heading}</h3>
            {status_note.map(|note| view! { <p class="review-status" role="status">{note}</p> })}
            <ActionForm action=save attr:class="review-form">
                <input type="hidden" name="slug" value=slug/>
                <label for="review-stars">"Stars"</label>
                <select id="review-stars" name="form[stars]" required>
                    <option value="" selected=move || chosen().is_empty()>"Choose…"</option>
                    {[5u8, 4, 3, 2, 1].into_iter().map(|n| {
                        let value = n.to_string();
                        let words = ["", "1 — poor", "2 — fair", "3 — good", "4 — very good", "5 — excellent"][usize::from(n)];
                        view! { <option value=value.clone() selected=move || chosen() == value>{words}</option> }
                    }).collect_view()}
                </select>
                {move || field_message(error(), "stars")}
                <label for="review-text">{format!("Your review ({MIN_REVIEW_CHARS}–{MAX_REVIEW_CHARS} characters)")}</label>
                <textarea id="review-text" name="form[text]" rows="4" required maxlength=MAX_REVIEW_CHARS.to_string()>
                    {move || crate::components::textarea_text(typed("text").unwrap_or_else(|| text.get_value()))}
                </textarea>
                {move || field_message(error(), "text")}
                <button type="submit">{button}</button>
            </ActionForm>
            {move || form_message(error())}
            {move || saved().then(|| view! { <p class="review-saved" role="status">"Thanks! Your review is up."</p> })}
            {delete_id.map(|id| view! {
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="link-button">"Delete my review"</button>
                </ActionForm>
            })}
        </div>
    }
}
