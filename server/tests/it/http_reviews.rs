//! Parents' reviews over HTTP, as a browser without JavaScript sends them: writing and editing
//! one, the job that sets the app's average, helpful votes, who may delete what, escaping,
//! bad input, and moderation by an administrator.

use crate::common;

use app::api::accounts::DeleteAccount;
use app::api::reviews::{DeleteReview, ModerateReview, ReviewQueue, SaveReview, VoteHelpful};
use app::domain::ReviewStatus;
use common::browser::{form, post, post_json, sign_up, PASSWORD};
use common::{Response, TestApp};
use leptos::server_fn::ServerFn;

async fn review(app: &TestApp, cookie: &str, slug: &str, stars: &str, text: &str) -> Response {
    post(
        app,
        SaveReview::PATH,
        &form(&[("slug", slug), ("form[stars]", stars), ("form[text]", text)]),
        &[("cookie", cookie)],
    )
    .await
}

async fn rating(app: &TestApp, slug: &str) -> (f32, u32) {
    let stored = app.state.catalog.get(slug).await.unwrap().expect("app");
    (stored.rating_avg, stored.rating_count)
}

/// The first app of the seeded catalog, by slug.
async fn an_app(app: &TestApp) -> String {
    app.get("/apps").await.card_slugs().into_iter().next().expect("a seeded app")
}

#[tokio::test]
async fn a_review_shows_on_the_app_page_at_once_and_the_job_sets_the_average() {
    let app = TestApp::seeded(10).await;
    let slug = an_app(&app).await;
    let page_path = format!("/apps/{slug}");
    let before = app.get(&page_path).await;
    assert!(before.body.contains("No reviews yet"), "an app with no review says so");
    assert_eq!(app.get(&page_path).await.headers["x-cache"], "hit", "the anonymous page is cached");

    let ana = sign_up(&app, "ana@example.com", "Ana").await;
    let saved = review(&app, &ana, &slug, "4", "  My daughter practises counting with it every day.  ").await;
    assert!(saved.status < 400, "{} {}", saved.status, saved.body);
    let page = app.get(&page_path).await;
    assert!(
        page.body.contains("My daughter practises counting with it every day."),
        "trimmed and shown at once (cache dropped)"
    );
    assert!(page.body.contains("Ana"), "with its author");
    let own_page = app.get_with(&page_path, &[("cookie", ana.as_str())]).await;
    assert!(own_page.body.contains("Update review"), "the author gets an edit form");

    app.run_jobs().await;
    assert_eq!(rating(&app, &slug).await, (4.0, 1), "recompute_ratings set the average from the one review");
    let page = app.get(&page_path).await;
    assert!(page.body.contains("★ 4.0 (1 rating)"), "the page shows the new average");
    assert!(
        page.body.contains(r#""ratingValue":"4.0""#) && page.body.contains(r#""ratingCount":1"#),
        "and so does the JSON-LD"
    );

    let ben = sign_up(&app, "ben@example.com", "Ben").await;
    assert!(review(&app, &ben, &slug, "1", "Too many adverts between levels.").await.status < 400);
    // Editing replaces Ana's review: still one per parent.
    assert!(review(&app, &ana, &slug, "5", "Even better after the update: no more ads.").await.status < 400);
    app.run_jobs().await;
    assert_eq!(rating(&app, &slug).await, (3.0, 2));
    let page = app.get(&page_path).await;
    assert!(!page.body.contains("every day."), "the edit replaced the first text");
    assert!(page.body.contains("(edited)"));
    let ben_at = page.body.find("Too many adverts").expect("ben's review");
    let ana_at = page.body.find("no more ads").expect("ana's review");
    assert!(ben_at < ana_at, "newest first (by when each was first written)");
}

/// The browser hydrates a page with the data the server sent for each resource, by the order
/// the resources were made in. A resource made inside a `<Transition>`'s children is made
/// again each time the server renders them, and its first copy (an error when its owner was
/// gone before the data came) is the one the browser reads: the page then breaks in the browser
/// now and then. So every page sends each resource once, and none of them as an error.
#[tokio::test]
async fn pages_send_each_resource_once_and_none_as_an_error() {
    let app = TestApp::seeded(10).await;
    let slug = an_app(&app).await;
    let ana = sign_up(&app, "ana@example.com", "Ana").await;
    assert!(review(&app, &ana, &slug, "4", "We play it together on rainy afternoons.").await.status < 400);
    let public = [
        format!("/apps/{slug}"),
        format!("/apps/{slug}?reviews=1"),
        "/".into(),
        "/apps".into(),
        "/search?q=dino".into(),
    ];
    let signed_in_only = ["/account".to_string(), "/my-apps".into()];
    let visits = public
        .iter()
        .flat_map(|path| [(path, ana.as_str()), (path, "")])
        .chain(signed_in_only.iter().map(|path| (path, ana.as_str())));
    for (path, cookie) in visits {
        let page = app.get_with(path, &[("cookie", cookie), ("accept", "text/html")]).await;
        assert_eq!(page.status, 200, "{path}");
        let who = if cookie.is_empty() { "a visitor" } else { "Ana" };
        let resources = page.resolved_resources();
        assert!(!resources.is_empty(), "{path} for {who}: the page hands its data to the browser");
        for (i, data) in resources.iter().enumerate() {
            assert!(!data.starts_with("{\\\"Err\\\""), "{path} for {who}: resource {i} is an error: {data}");
            // Short answers ("none", an empty list) may well be the same for two resources.
            assert!(
                data.len() < 40 || !resources[..i].contains(data),
                "{path} for {who}: resource {i} sent twice: {data}"
            );
        }
    }
}

#[tokio::test]
async fn reviews_are_paged_newest_first() {
    let app = TestApp::seeded(3).await;
    let slug = an_app(&app).await;
    // Twelve parents' reviews, written straight to the store (sign-ups are limited per address).
    for n in 0..12 {
        let account = famigo_account(&app, n).await;
        let draft = app::ports::ReviewDraft {
            app_slug: slug.clone(),
            user_id: account,
            author: format!("Parent {n}"),
            review: app::domain::NewReview { stars: 3, text: format!("Review number {n:02} of this app.") },
            status: ReviewStatus::Published,
            reason: None,
        };
        app.state.reviews.put_review(&draft).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let first = app.get(&format!("/apps/{slug}")).await;
    assert!(
        first.body.contains("Review number 11")
            && first.body.contains("Review number 02")
            && !first.body.contains("Review number 01")
    );
    assert!(first.body.contains("Page 1 of 2 · 12 reviews"));
    assert!(first.body.contains(&format!("href=\"/apps/{slug}?reviews=2#reviews\"")));
    let second = app.get(&format!("/apps/{slug}?reviews=2")).await;
    assert!(
        second.body.contains("Review number 01")
            && second.body.contains("Review number 00")
            && !second.body.contains("Review number 02")
    );
}

async fn famigo_account(app: &TestApp, n: usize) -> String {
    let new = app::ports::NewUser {
        email: format!("parent{n}@example.com"),
        display_name: format!("Parent {n}"),
        password_hash: app::ports::PasswordHash("$argon2id$unused".into()),
        role: app::domain::Role::Parent,
    };
    app.state.accounts.create_user(&new).await.unwrap().id
}

#[tokio::test]
async fn bad_reviews_are_refused_with_reasons_and_write_nothing() {
    let app = TestApp::seeded(5).await;
    let slug = an_app(&app).await;
    let anonymous = post(
        &app,
        SaveReview::PATH,
        &form(&[("slug", &slug), ("form[stars]", "4"), ("form[text]", "A fine app for us.")]),
        &[],
    )
    .await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);

    let cookie = sign_up(&app, "cy@example.com", "Cy").await;
    let bad = review(&app, &cookie, &slug, "9", " meh ").await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("\"stars\"") && bad.body.contains("\"text\""), "both fields named: {}", bad.body);
    let long = review(&app, &cookie, &slug, "3", &"x".repeat(2001)).await;
    assert_eq!(long.status, 422);
    assert!(long.body.contains("at most 2000 characters"), "{}", long.body);
    assert_eq!(review(&app, &cookie, "no-such-app", "3", "Nice enough for a rainy day.").await.status, 404);
    let operator = post(
        &app,
        SaveReview::PATH,
        &format!("slug={slug}&form[stars][$ne]=1&form[text]=hello+there+world"),
        &[("cookie", cookie.as_str())],
    )
    .await;
    assert_eq!(operator.status, 400, "{}", operator.body);
    let cross_site = {
        let body = form(&[("slug", &slug), ("form[stars]", "5"), ("form[text]", "Posted from another site.")]);
        let request = axum::http::Request::post(SaveReview::PATH)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", "https://evil.example")
            .header("host", "famigo.test")
            .header("cookie", cookie.as_str())
            .body(axum::body::Body::from(body))
            .unwrap();
        app.send(request).await
    };
    assert_eq!(cross_site.status, 403, "{}", cross_site.body);
    let user = app.user_id("cy@example.com").await;
    assert_eq!(app.state.reviews.user_review(&user, &slug).await.unwrap(), None, "nothing was written");
}

#[tokio::test]
async fn review_text_is_shown_as_text() {
    let app = TestApp::seeded(5).await;
    let slug = an_app(&app).await;
    let cookie = sign_up(&app, "x@example.com", "X").await;
    let text = "</textarea><script>alert(1)</script>\" onmouseover=\"alert(2)";
    assert!(review(&app, &cookie, &slug, "2", text).await.status < 400);
    for page in [
        app.get(&format!("/apps/{slug}")).await,
        app.get_with(&format!("/apps/{slug}"), &[("cookie", cookie.as_str())]).await,
    ] {
        if let Some(at) = page.body.find("<script>alert(1)") {
            panic!("raw script in the page: …{}…", &page.body[at.saturating_sub(300)..(at + 100).min(page.body.len())]);
        }
        let in_a_tag =
            page.body.split('<').skip(1).filter_map(|tag| tag.split('>').next()).any(|tag| tag.contains("onmouseover"));
        assert!(!in_a_tag, "the review broke into a tag's attributes");
        assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "shown escaped");
    }
}

#[tokio::test]
async fn only_the_author_deletes_a_review_and_votes_count_once() {
    let app = TestApp::seeded(5).await;
    let slug = an_app(&app).await;
    let ana = sign_up(&app, "ana@example.com", "Ana").await;
    let ben = sign_up(&app, "ben@example.com", "Ben").await;
    assert!(review(&app, &ana, &slug, "5", "Wonderful for early readers.").await.status < 400);
    let id =
        app.state.reviews.user_review(&app.user_id("ana@example.com").await, &slug).await.unwrap().expect("stored").id;

    let vote = |cookie: String| {
        let (app, id) = (&app, id.clone());
        async move { post(app, VoteHelpful::PATH, &form(&[("id", &id)]), &[("cookie", cookie.as_str())]).await }
    };
    let first = vote(ben.clone()).await;
    assert_eq!((first.status, first.body.as_str()), (200, "1"));
    assert_eq!(vote(ben.clone()).await.body, "1", "a second vote from the same parent counts once");
    let own = vote(ana.clone()).await;
    assert_eq!(own.status, 400, "no vote for one's own review: {}", own.body);
    assert!(app.get(&format!("/apps/{slug}")).await.body.contains("1 parent found this helpful"));

    let theirs = post(&app, DeleteReview::PATH, &form(&[("id", &id)]), &[("cookie", ben.as_str())]).await;
    assert_eq!(theirs.status, 404, "someone else's review is not found: {}", theirs.body);
    assert!(app.state.reviews.review(&id).await.unwrap().is_some(), "and stays");
    let mine = post(&app, DeleteReview::PATH, &form(&[("id", &id)]), &[("cookie", ana.as_str())]).await;
    assert!(mine.status < 400, "{} {}", mine.status, mine.body);
    assert_eq!(app.state.reviews.review(&id).await.unwrap(), None);
    assert!(app.get(&format!("/apps/{slug}")).await.body.contains("No reviews yet"));
}

#[tokio::test]
async fn held_reviews_wait_for_a_moderator_and_hidden_ones_leave_the_average() {
    let app = TestApp::seeded(5).await;
    let slug = an_app(&app).await;
    let page_path = format!("/apps/{slug}");
    let ana = sign_up(&app, "ana@example.com", "Ana").await;
    let spam = sign_up(&app, "spam@example.com", "Gems").await;
    assert!(review(&app, &ana, &slug, "4", "Good puzzles, gentle music.").await.status < 400);
    assert!(review(&app, &spam, &slug, "5", "Free gems at free-gems.com/win click now").await.status < 400);
    app.run_jobs().await;
    assert!(!app.get(&page_path).await.body.contains("Free gems"), "a review with a link waits");
    assert_eq!(rating(&app, &slug).await, (4.0, 1), "and is not counted");
    let author_view = app.get_with(&page_path, &[("cookie", spam.as_str())]).await;
    assert!(author_view.body.contains("waits for a moderator (contains a link)"), "its author is told why");

    // A parent is no moderator; an administrator is.
    let queue = r#"{"status":"pending","page":1}"#;
    assert_eq!(post_json(&app, ReviewQueue::PATH, queue, &ana).await.status, 403);
    app.make_admin("ana@example.com").await;
    let listed = post_json(&app, ReviewQueue::PATH, queue, &ana).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(listed.body.contains("Free gems") && !listed.body.contains("Good puzzles"), "{}", listed.body);
    let admin_page = app.get_with("/admin/reviews", &[("cookie", ana.as_str())]).await;
    assert!(admin_page.body.contains("Free gems") && admin_page.body.contains("contains a link"));
    let spam_id =
        app.state.reviews.user_review(&app.user_id("spam@example.com").await, &slug).await.unwrap().unwrap().id;

    let moderate = |decision: &'static str, reason: &'static str| {
        let (app, id, cookie) = (&app, spam_id.clone(), ana.clone());
        async move {
            post(
                app,
                ModerateReview::PATH,
                &form(&[("id", &id), ("decision", decision), ("reason", reason)]),
                &[("cookie", cookie.as_str())],
            )
            .await
        }
    };
    let no_reason = moderate("hide", " ").await;
    assert_eq!(no_reason.status, 422, "hiding needs a reason: {}", no_reason.body);
    assert!(moderate("approve", "").await.status < 400);
    app.run_jobs().await;
    assert!(app.get(&page_path).await.body.contains("Free gems"), "approved: shown");
    assert_eq!(rating(&app, &slug).await, (4.5, 2), "and counted");
    assert!(moderate("hide", "advertising").await.status < 400);
    app.run_jobs().await;
    assert!(!app.get(&page_path).await.body.contains("Free gems"), "hidden: gone");
    assert_eq!(rating(&app, &slug).await, (4.0, 1), "and out of the average");
    let author_view = app.get_with(&page_path, &[("cookie", spam.as_str())]).await;
    assert!(author_view.body.contains("A moderator hid your review: advertising"), "its author sees why");

    // Editing a hidden review does not publish it again.
    assert!(review(&app, &spam, &slug, "5", "Lovely app, I promise.").await.status < 400);
    let stored = app.state.reviews.review(&spam_id).await.unwrap().unwrap();
    assert_eq!(
        (stored.status, stored.reason.as_deref()),
        (ReviewStatus::Pending, Some("edited after a moderator hid it"))
    );
}

#[tokio::test]
async fn deleting_an_account_takes_its_reviews_and_recomputes_the_average() {
    let app = TestApp::seeded(5).await;
    let slug = an_app(&app).await;
    let ana = sign_up(&app, "ana@example.com", "Ana").await;
    let ben = sign_up(&app, "ben@example.com", "Ben").await;
    assert!(review(&app, &ana, &slug, "2", "Crashes on our old tablet.").await.status < 400);
    assert!(review(&app, &ben, &slug, "4", "Works well on our phone.").await.status < 400);
    app.run_jobs().await;
    assert_eq!(rating(&app, &slug).await, (3.0, 2));
    let deleted = post(&app, DeleteAccount::PATH, &form(&[("password", PASSWORD)]), &[("cookie", ana.as_str())]).await;
    assert!(deleted.status < 400, "{} {}", deleted.status, deleted.body);
    app.run_jobs().await;
    assert_eq!(rating(&app, &slug).await, (4.0, 1));
    assert!(!app.get(&format!("/apps/{slug}")).await.body.contains("old tablet"));
}
