//! Parents' accounts over HTTP, as a browser without JavaScript uses them (form posts to the
//! server functions): sign up, sessions, throttling, cross-site refusals, escaping, the
//! account page, admin by role.

use crate::common;

use app::api::accounts::{AddKid, ChangePassword, DeleteAccount, RemoveKid, SignIn, SignOut, SignUp};
use app::api::jobs::ListJobs;
use common::browser::{form, post, session_cookie, sign_up, HOST, ORIGIN, PASSWORD};
use common::{Response, TestApp};
use leptos::server_fn::ServerFn;

async fn sign_in(app: &TestApp, email: &str, password: &str, headers: &[(&str, &str)]) -> Response {
    post(app, SignIn::PATH, &form(&[("email", email), ("password", password)]), headers).await
}

async fn account_page(app: &TestApp, cookie: &str) -> Response {
    app.get_with("/account", &[("cookie", cookie)]).await
}

#[tokio::test]
async fn a_parent_signs_up_sees_the_account_and_signs_out() {
    let app = TestApp::seeded(10).await;
    let cookie = sign_up(&app, " Maya.Parent@Example.com ", "Maya's mum").await;
    let page = account_page(&app, &cookie).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("maya.parent@example.com"), "the email, normalized");
    assert!(page.body.contains("Maya&#x27;s mum") || page.body.contains("Maya's mum"));
    assert_eq!(page.headers["x-cache"], "bypass", "a signed-in page is never cached");
    let home = app.get_with("/", &[("cookie", cookie.as_str())]).await;
    assert!(home.body.contains("class=\"user-name\""), "the header names the parent");
    let anonymous = app.get("/").await;
    assert!(anonymous.body.contains("href=\"/signin\"") && !anonymous.body.contains("user-name"));

    let out = post(&app, SignOut::PATH, "", &[("cookie", cookie.as_str())]).await;
    assert!(out.status < 400, "{}", out.status);
    let page = account_page(&app, &cookie).await;
    assert!(page.body.contains("Please sign in"), "the old cookie is signed out");

    let again = sign_in(&app, "MAYA.PARENT@example.com", PASSWORD, &[]).await;
    assert!(again.status < 400, "{} {}", again.status, again.body);
    assert!(account_page(&app, &session_cookie(&again)).await.body.contains("Your account"));
}

#[tokio::test]
async fn bad_sign_ups_name_every_field_and_write_nothing() {
    let app = TestApp::seeded(0).await;
    let body = form(&[("form[email]", "not-an-email"), ("form[display_name]", " "), ("form[password]", "short")]);
    let refused = post(&app, SignUp::PATH, &body, &[]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    for field in ["\"email\"", "\"display_name\"", "\"password\""] {
        assert!(refused.body.contains(field), "{field} in {}", refused.body);
    }
    assert!(!refused.body.contains("short"), "the password never comes back");
    assert!(refused.headers.get("set-cookie").is_none());

    sign_up(&app, "lee@example.com", "Lee").await;
    let body =
        form(&[("form[email]", "LEE@example.com"), ("form[display_name]", "Lee 2"), ("form[password]", PASSWORD)]);
    let taken = post(&app, SignUp::PATH, &body, &[("x-forwarded-for", "198.51.100.2")]).await;
    assert_eq!(taken.status, 422, "{}", taken.body);
    assert!(taken.body.contains("sign in instead"));
    let record = app.state.accounts.user_by_email("lee@example.com").await.unwrap().expect("stored");
    assert_eq!(record.user.display_name, "Lee", "the first account is untouched");
    assert!(record.password_hash.0.starts_with("$argon2id$"), "stored hashed");
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in() {
    let app = TestApp::with_env(0, &[("ADMIN_TOKEN", "planted-session-token-0123456789")]).await;
    sign_up(&app, "sam@example.com", "Sam").await;
    // A session that exists before sign-in (here: one an attacker could have planted).
    let planted = post(&app, app::api::admin::AdminSignIn::PATH, "token=planted-session-token-0123456789", &[]).await;
    let planted = session_cookie(&planted);
    let signed_in = sign_in(&app, "sam@example.com", PASSWORD, &[("cookie", planted.as_str())]).await;
    let fresh = session_cookie(&signed_in);
    assert_ne!(fresh, planted, "a new session id at sign-in");
    assert!(account_page(&app, &fresh).await.body.contains("Your account"));
    assert!(account_page(&app, &planted).await.body.contains("Please sign in"), "the planted id is worthless");
}

/// The statuses of 24 sign-ins, each at a different unknown account, the `n`th from `address(n)`.
async fn guesses_at_many_accounts(app: &TestApp, address: impl Fn(usize) -> String) -> Vec<u16> {
    let mut statuses = Vec::new();
    for n in 0..24 {
        let from = address(n);
        let response =
            sign_in(app, &format!("nobody{n}@example.com"), "whatever it is", &[("x-forwarded-for", from.as_str())])
                .await;
        statuses.push(response.status);
    }
    statuses
}

#[tokio::test]
async fn twenty_wrong_passwords_are_throttled_per_account_and_per_address() {
    let app = TestApp::seeded(0).await;
    sign_up(&app, "kim@example.com", "Kim").await;
    let mut statuses = Vec::new();
    for n in 0..20 {
        let response =
            sign_in(&app, "kim@example.com", &format!("wrong password {n}"), &[("x-forwarded-for", "203.0.113.5")])
                .await;
        if response.status == 429 {
            let retry_after: u64 = response.headers["retry-after"].to_str().unwrap().parse().unwrap();
            assert!(retry_after >= 1, "{retry_after}");
            assert!(response.body.contains("TooManyAttempts"), "{}", response.body);
        }
        statuses.push(response.status);
    }
    assert_eq!(&statuses[..5], &[401; 5], "five free mistakes: {statuses:?}");
    assert!(statuses[5..].iter().all(|&s| s == 429), "then refused without trying: {statuses:?}");
    let right = sign_in(&app, "kim@example.com", PASSWORD, &[("x-forwarded-for", "203.0.113.6")]).await;
    assert_eq!(right.status, 429, "even the right password waits while the account is blocked");

    // Per address: many accounts tried from one address.
    let statuses = guesses_at_many_accounts(&app, |_| "203.0.113.77".to_string()).await;
    assert!(statuses[..20].iter().all(|&s| s == 401), "{statuses:?}");
    assert!(statuses[21..].iter().all(|&s| s == 429), "{statuses:?}");
    let elsewhere =
        sign_in(&app, "nobody0@example.com", "whatever it is", &[("x-forwarded-for", "203.0.113.78")]).await;
    assert_eq!(elsewhere.status, 401, "another address is not blocked");
}

#[tokio::test]
async fn unknown_and_known_emails_get_the_same_refusal() {
    let app = TestApp::seeded(0).await;
    sign_up(&app, "ana@example.com", "Ana").await;
    let known = sign_in(&app, "ana@example.com", "not her password", &[]).await;
    let unknown = sign_in(&app, "nobody@example.com", "not her password", &[]).await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert_eq!(known.status, 401);
}

#[tokio::test]
async fn cross_site_posts_and_operator_injection_are_refused() {
    let app = TestApp::seeded(0).await;
    sign_up(&app, "jo@example.com", "Jo").await;
    let evil = [("origin", "https://evil.example"), HOST];
    let mut request =
        axum::http::Request::post(SignIn::PATH).header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in evil {
        request = request.header(name, value);
    }
    let body = form(&[("email", "jo@example.com"), ("password", PASSWORD)]);
    let refused = app.send(request.body(axum::body::Body::from(body)).unwrap()).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.headers.get("set-cookie").is_none());

    let operator = post(&app, SignIn::PATH, "email[$ne]=x&password[$gt]=", &[]).await;
    assert_eq!(operator.status, 400, "{}", operator.body);
    let json = app
        .send(
            axum::http::Request::post(SignIn::PATH)
                .header("content-type", "application/json")
                .header("origin", ORIGIN.1)
                .header("host", HOST.1)
                .body(axum::body::Body::from(r#"{"email":{"$ne":""},"password":{"$ne":""}}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(json.status, 400, "{}", json.body);
}

#[tokio::test]
async fn user_text_is_shown_as_text() {
    let app = TestApp::seeded(0).await;
    let cookie = sign_up(&app, "x@example.com", "<script>alert(1)</script>\" onmouseover=\"").await;
    let page = account_page(&app, &cookie).await;
    assert!(!page.body.contains("<script>alert(1)"), "raw script in the page");
    let in_a_tag =
        page.body.split('<').skip(1).filter_map(|tag| tag.split('>').next()).any(|tag| tag.contains("onmouseover"));
    assert!(!in_a_tag, "the name broke into a tag's attributes");
    assert!(page.body.contains("onmouseover"), "the name is on the page, as text");
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "shown escaped");
}

#[tokio::test]
async fn kids_are_added_validated_and_only_removed_by_their_parent() {
    let app = TestApp::seeded(0).await;
    let cookie = sign_up(&app, "pat@example.com", "Pat").await;
    let auth = [("cookie", cookie.as_str())];
    let added = post(&app, AddKid::PATH, &form(&[("form[nickname]", "Maya"), ("form[age]", "5")]), &auth).await;
    assert_eq!(added.status, 200, "{}", added.body);
    let page = account_page(&app, &cookie).await;
    assert!(page.body.contains("Maya, 5"), "listed with her age");
    let bad = post(&app, AddKid::PATH, &form(&[("form[nickname]", "Old"), ("form[age]", "42")]), &auth).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("\"age\""));
    let anonymous = post(&app, AddKid::PATH, &form(&[("form[age]", "5")]), &[]).await;
    assert_eq!(anonymous.status, 401);

    let user = app.state.accounts.user_by_email("pat@example.com").await.unwrap().unwrap().user;
    let maya = app.state.accounts.kids(&user.id).await.unwrap().remove(0);
    let other = sign_up(&app, "other@example.com", "Other").await;
    let stolen = post(&app, RemoveKid::PATH, &form(&[("id", &maya.id)]), &[("cookie", other.as_str())]).await;
    assert_eq!(stolen.status, 404, "another parent's child: {}", stolen.body);
    let removed = post(&app, RemoveKid::PATH, &form(&[("id", &maya.id)]), &auth).await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert!(app.state.accounts.kids(&user.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_new_password_signs_out_other_browsers() {
    let app = TestApp::seeded(0).await;
    let laptop = sign_up(&app, "dee@example.com", "Dee").await;
    let phone = session_cookie(&sign_in(&app, "dee@example.com", PASSWORD, &[]).await);
    let wrong = post(
        &app,
        ChangePassword::PATH,
        &form(&[("form[current]", "not it at all"), ("form[new]", "a brand new password")]),
        &[("cookie", laptop.as_str())],
    )
    .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    let short = post(
        &app,
        ChangePassword::PATH,
        &form(&[("form[current]", PASSWORD), ("form[new]", "short")]),
        &[("cookie", laptop.as_str())],
    )
    .await;
    assert_eq!(short.status, 422, "{}", short.body);
    let changed = post(
        &app,
        ChangePassword::PATH,
        &form(&[("form[current]", PASSWORD), ("form[new]", "a brand new password")]),
        &[("cookie", laptop.as_str())],
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let laptop = changed.headers.get("set-cookie").map(|_| session_cookie(&changed)).unwrap_or(laptop);
    assert!(account_page(&app, &laptop).await.body.contains("Your account"), "this browser stays in");
    assert!(account_page(&app, &phone).await.body.contains("Please sign in"), "the other is signed out");
    assert_eq!(sign_in(&app, "dee@example.com", PASSWORD, &[]).await.status, 401, "the old password is gone");
    assert!(sign_in(&app, "dee@example.com", "a brand new password", &[]).await.status < 400);
}

#[tokio::test]
async fn deleting_an_account_deletes_its_data() {
    let app = TestApp::seeded(0).await;
    let cookie = sign_up(&app, "del@example.com", "Del").await;
    let auth = [("cookie", cookie.as_str())];
    post(&app, AddKid::PATH, &form(&[("form[age]", "7")]), &auth).await;
    let id = app.state.accounts.user_by_email("del@example.com").await.unwrap().unwrap().user.id;
    app.state.accounts.add_favorite(&id, "some-app").await.unwrap();

    let wrong = post(&app, DeleteAccount::PATH, &form(&[("password", "not my password")]), &auth).await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(app.state.accounts.user(&id).await.unwrap().is_some(), "nothing deleted");

    let deleted = post(&app, DeleteAccount::PATH, &form(&[("password", PASSWORD)]), &auth).await;
    assert!(deleted.status < 400, "{} {}", deleted.status, deleted.body);
    assert!(app.state.accounts.user(&id).await.unwrap().is_none());
    assert!(app.state.accounts.kids(&id).await.unwrap().is_empty());
    assert!(app.state.accounts.favorites(&id).await.unwrap().is_empty());
    assert!(account_page(&app, &cookie).await.body.contains("Please sign in"));
    assert_eq!(sign_in(&app, "del@example.com", PASSWORD, &[]).await.status, 401);
}

#[tokio::test]
async fn admin_functions_refuse_parents_with_403_and_admit_the_admin_role() {
    let app = TestApp::seeded(5).await;
    let cookie = sign_up(&app, "boss@example.com", "Boss").await;
    let list = |cookie: String| {
        let app = &app;
        async move {
            app.send(
                axum::http::Request::post(ListJobs::PATH)
                    .header("content-type", "application/json")
                    .header("cookie", cookie)
                    .header("origin", ORIGIN.1)
                    .header("host", HOST.1)
                    .body(axum::body::Body::from(r#"{"filter":{"state":null,"kind":null},"page":1}"#))
                    .unwrap(),
            )
            .await
        }
    };
    assert_eq!(list(cookie.clone()).await.status, 403);
    let page = app.get_with("/admin/jobs", &[("cookie", cookie.as_str())]).await;
    assert!(page.body.contains("only administrators"), "the dashboard refuses a parent");

    app.make_admin("boss@example.com").await;
    let listed = list(cookie.clone()).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let page = app.get_with("/admin/jobs", &[("cookie", cookie.as_str())]).await;
    assert!(!page.body.contains("only administrators") && !page.body.contains("Sign in to Famigo admin"));
}

#[tokio::test]
async fn hearts_keep_favorites_and_my_apps_lists_them_filtered() {
    use app::api::favorites::SetFavorite;
    let app = TestApp::seeded(30).await;
    let listing = app.get("/apps").await;
    let slugs = listing.card_slugs();
    assert!(listing.body.contains("href=\"/signin?next=%2Fapps%2F"), "a visitor's heart asks to sign in");
    assert!(app.get("/my-apps").await.body.contains("Please sign in"), "My apps asks a visitor to sign in");

    let cookie = sign_up(&app, "fav@example.com", "Fav").await;
    let auth = [("cookie", cookie.as_str())];
    for slug in &slugs[..3] {
        let saved = post(&app, SetFavorite::PATH, &form(&[("slug", slug), ("on", "true")]), &auth).await;
        assert_eq!((saved.status, saved.body.as_str()), (200, "true"));
    }
    let unknown = post(&app, SetFavorite::PATH, &form(&[("slug", "no-such-app"), ("on", "true")]), &auth).await;
    assert_eq!(unknown.status, 404);
    let anonymous = post(&app, SetFavorite::PATH, &form(&[("slug", &slugs[0]), ("on", "true")]), &[]).await;
    assert_eq!(anonymous.status, 401);

    let page = app.get_with(&format!("/apps/{}", slugs[0]), &[("cookie", cookie.as_str())]).await;
    assert!(page.body.contains("aria-pressed=\"true\""), "the app page's heart is on");
    let name = app.catalog.get(&slugs[0]).await.unwrap().unwrap().name;
    let search = app.get_with(&format!("/search?q={}", name.replace(' ', "+")), &[("cookie", cookie.as_str())]).await;
    let row = search
        .body
        .split(&format!("data-card=\"{}\"", slugs[0]))
        .nth(1)
        .expect("the app among the results")
        .split("</li>")
        .next()
        .unwrap();
    assert!(row.contains("aria-pressed=\"true\""), "its heart in the search results is on");
    let mine = app.get_with("/my-apps", &[("cookie", cookie.as_str())]).await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.card_slugs(), [slugs[2].clone(), slugs[1].clone(), slugs[0].clone()], "newest favorite first");

    // Filtered like browse: the same query parameters.
    let first = app.catalog.get(&slugs[0]).await.unwrap().unwrap();
    let band = app::domain::AgeBand::of_age(first.min_age).expect("a band").slug();
    let filtered = app.get_with(&format!("/my-apps?age={band}"), &[("cookie", cookie.as_str())]).await;
    let expected: Vec<String> = {
        let mut kept = Vec::new();
        for slug in [&slugs[2], &slugs[1], &slugs[0]] {
            let app = app.catalog.get(slug).await.unwrap().unwrap();
            if app::domain::AgeBand::of_age(app.min_age).map(|b| b.slug()) == Some(band) {
                kept.push(slug.clone());
            }
        }
        kept
    };
    assert_eq!(filtered.card_slugs(), expected);

    let removed = post(&app, SetFavorite::PATH, &form(&[("slug", &slugs[1]), ("on", "false")]), &auth).await;
    assert_eq!((removed.status, removed.body.as_str()), (200, "false"));
    let mine = app.get_with("/my-apps", &[("cookie", cookie.as_str())]).await;
    assert_eq!(mine.card_slugs(), [slugs[2].clone(), slugs[0].clone()]);
}

#[tokio::test]
async fn a_password_reset_link_works_once_and_tells_no_one_who_has_an_account() {
    use app::api::accounts::{RequestPasswordReset, ResetPassword};
    let app = TestApp::with_env(0, &[("CANONICAL_URL", "https://famigo.example")]).await;
    let old_session = sign_up(&app, "rae@example.com", "Rae").await;

    let known = post(&app, RequestPasswordReset::PATH, &form(&[("email", "Rae@Example.com")]), &[]).await;
    let unknown = post(&app, RequestPasswordReset::PATH, &form(&[("email", "nobody@example.com")]), &[]).await;
    assert!(known.status < 400, "{} {}", known.status, known.body);
    assert_eq!(
        (known.status, &known.body, known.headers.get("location")),
        (unknown.status, &unknown.body, unknown.headers.get("location")),
        "the same answer"
    );
    let mails = app.state.outbox.recent(10).await.unwrap();
    assert_eq!(mails.len(), 1, "one mail, to the account that exists: {mails:?}");
    assert_eq!(mails[0].to, "rae@example.com");
    let link = mails[0]
        .body
        .lines()
        .find(|l| l.starts_with("https://famigo.example/reset-password?token="))
        .expect("a link to the site");
    let token = link.split("token=").nth(1).unwrap().to_string();
    assert_eq!(token.len(), 64);

    let short = post(&app, ResetPassword::PATH, &form(&[("token", &token), ("password", "short")]), &[]).await;
    assert_eq!(short.status, 422, "{}", short.body);
    let reset =
        post(&app, ResetPassword::PATH, &form(&[("token", &token), ("password", "a fresh new password")]), &[]).await;
    assert!(reset.status < 400, "a refused password does not use the link up: {} {}", reset.status, reset.body);
    assert!(account_page(&app, &session_cookie(&reset)).await.body.contains("Your account"), "signed in");
    assert!(
        account_page(&app, &old_session).await.body.contains("Please sign in"),
        "every other browser is signed out"
    );
    assert_eq!(sign_in(&app, "rae@example.com", PASSWORD, &[]).await.status, 401);
    assert!(sign_in(&app, "rae@example.com", "a fresh new password", &[]).await.status < 400);

    let again =
        post(&app, ResetPassword::PATH, &form(&[("token", &token), ("password", "yet another password")]), &[]).await;
    assert_eq!(again.status, 422, "{}", again.body);
    assert!(again.body.contains("expired or was used"), "{}", again.body);
    let forged = post(
        &app,
        ResetPassword::PATH,
        &form(&[("token", &"0".repeat(64)), ("password", "yet another password")]),
        &[],
    )
    .await;
    assert_eq!(forged.status, 422);
}

#[tokio::test]
async fn a_reset_link_never_points_at_a_host_the_request_named() {
    use app::api::accounts::RequestPasswordReset;
    let app = TestApp::seeded(0).await;
    sign_up(&app, "vic@example.com", "Vic").await;
    let mut request = axum::http::Request::post(RequestPasswordReset::PATH)
        .header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in [("host", "evil.example"), ("origin", "http://evil.example")] {
        request = request.header(name, value);
    }
    let answered = app.send(request.body(axum::body::Body::from(form(&[("email", "vic@example.com")]))).unwrap()).await;
    assert!(answered.status < 400, "the usual answer: {}", answered.status);
    assert!(app.state.outbox.recent(10).await.unwrap().is_empty(), "no mail with a link to evil.example");

    let local = axum::http::Request::post(RequestPasswordReset::PATH)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "127.0.0.1:3000")
        .header("origin", "http://127.0.0.1:3000")
        .body(axum::body::Body::from(form(&[("email", "vic@example.com")])))
        .unwrap();
    assert!(app.send(local).await.status < 400);
    let mails = app.state.outbox.recent(10).await.unwrap();
    assert!(mails[0].body.contains("http://127.0.0.1:3000/reset-password?token="), "this machine, for `make run`");
}

#[tokio::test]
async fn the_home_page_picks_apps_for_each_child() {
    use app::api::favorites::SetFavorite;
    use chrono::Datelike;
    let app = TestApp::seeded(120).await;
    let year = chrono::Utc::now().year();
    let parent = sign_up(&app, "maya.mum@example.com", "Maya's mum").await;
    let home = app.get_with("/", &[("cookie", parent.as_str())]).await;
    assert!(home.body.contains("picks-invite"), "no kids yet: an invitation");
    assert!(!app.get("/").await.body.contains("picks"), "a visitor gets the generic home");

    post(&app, AddKid::PATH, &form(&[("form[nickname]", "Maya"), ("form[age]", "5")]), &[("cookie", parent.as_str())])
        .await;
    // Another family with a child born the same year favorited an early-reader app that is
    // not among the band's best for learning.
    let band = app::domain::CatalogQuery {
        age: Some(app::domain::AgeBand::EarlyReader),
        sort: app::domain::SortOrder::Learning,
        per_page: 100,
        ..Default::default()
    };
    let listed = app.catalog.list(&band).await.unwrap().apps;
    let loved = listed.last().expect("early-reader apps").slug.clone();
    let other = sign_up(&app, "other.family@example.com", "Other").await;
    post(&app, AddKid::PATH, &form(&[("form[age]", &(year - 5).to_string())]), &[("cookie", other.as_str())]).await;
    let saved =
        post(&app, SetFavorite::PATH, &form(&[("slug", &loved), ("on", "true")]), &[("cookie", other.as_str())]).await;
    assert_eq!(saved.status, 200);

    let home = app.get_with("/", &[("cookie", parent.as_str())]).await;
    assert!(home.body.contains("For Maya, 5"), "a shelf named for her");
    let shelf =
        home.body.split("data-picks=\"5-7\"").nth(1).expect("the 5–7 picks").split("</section>").next().unwrap();
    let picked: Vec<&str> = shelf.split("data-card=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
    assert_eq!(picked.len(), app::api::picks::PICKS_PER_KID);
    assert_eq!(picked[0], loved, "what a similar family favorited comes first");
    let best: Vec<&str> =
        listed.iter().map(|a| a.slug.as_str()).filter(|s| *s != loved).take(picked.len() - 1).collect();
    assert_eq!(&picked[1..], &best[..], "then the best for learning");
    assert_eq!(home.headers["x-cache"], "bypass");
}

#[tokio::test]
async fn the_weekly_digest_lists_new_apps_for_each_childs_age_once() {
    use app::domain::JobKind;
    let app = TestApp::seeded(20).await;
    let cookie = sign_up(&app, "digest@example.com", "Dana").await;
    let added = post(
        &app,
        AddKid::PATH,
        &form(&[("form[nickname]", "Maya"), ("form[age]", "5")]),
        &[("cookie", cookie.as_str())],
    )
    .await;
    assert!(added.status < 400, "{} {}", added.status, added.body);
    sign_up(&app, "nokids@example.com", "Nadia").await;

    // Two apps released today: one for Maya's age, one for teenagers.
    let today = chrono::Utc::now().date_naive();
    let template = app.state.catalog.scan(None, 1).await.unwrap().remove(0);
    let new_app = |slug: &str, name: &str, min_age: u8| app::domain::App {
        slug: slug.into(),
        name: name.into(),
        min_age,
        released: today,
        updated: today,
        ..template.clone()
    };
    let fresh = [new_app("puddle-counting", "Puddle Counting", 5), new_app("teen-chess-club", "Teen Chess Club", 13)];
    app.state.catalog.upsert_many(&fresh).await.unwrap();

    for _ in 0..2 {
        app.state.jobs.enqueue(JobKind::SendDigest, "{}", 1).await.unwrap();
        app.run_jobs().await;
    }
    let digests: Vec<_> =
        app.state.outbox.recent(50).await.unwrap().into_iter().filter(|m| m.key.starts_with("digest:")).collect();
    assert_eq!(digests.len(), 1, "one digest, for the family with a child, once a week: {digests:?}");
    let digest = &digests[0];
    assert_eq!((digest.to.as_str(), digest.subject.as_str()), ("digest@example.com", "New apps for Maya this week"));
    assert!(
        digest.body.contains("Puddle Counting") && digest.body.contains("http://famigo.test/apps/puddle-counting"),
        "{}",
        digest.body
    );
    assert!(!digest.body.contains("Teen Chess Club"), "only apps for her age: {}", digest.body);
}

/// A digest ends with a link that stops it without a sign-in: opening the link changes
/// nothing (mail scanners open links), its button does; a link with a wrong token is refused
/// and changes nothing. The account page turns the digest off and on.
#[tokio::test]
async fn the_digest_stops_from_its_link_or_the_account_page() {
    use app::api::digest::{SetDigest, UnsubscribeDigest};
    use app::domain::JobKind;
    let app = TestApp::seeded(20).await;
    let mut families = Vec::new();
    for (email, name) in [("ana@example.com", "Ana"), ("ben@example.com", "Ben")] {
        let cookie = sign_up(&app, email, name).await;
        let added = post(&app, AddKid::PATH, &form(&[("form[age]", "5")]), &[("cookie", cookie.as_str())]).await;
        assert!(added.status < 400, "{} {}", added.status, added.body);
        families.push(cookie);
    }
    let today = chrono::Utc::now().date_naive();
    let template = app.state.catalog.scan(None, 1).await.unwrap().remove(0);
    let fresh = app::domain::App {
        slug: "puddle-counting".into(),
        name: "Puddle Counting".into(),
        min_age: 5,
        released: today,
        updated: today,
        ..template
    };
    app.state.catalog.upsert_many(&[fresh]).await.unwrap();
    let digest_on = |email: &'static str| {
        let accounts = app.state.accounts.clone();
        async move { accounts.user_by_email(email).await.unwrap().unwrap().user.digest }
    };

    // Ana turns it off on her account page: only Ben gets this week's digest.
    let off = post(&app, SetDigest::PATH, &form(&[("on", "false")]), &[("cookie", families[0].as_str())]).await;
    assert!(off.status < 400, "{} {}", off.status, off.body);
    assert!(!digest_on("ana@example.com").await);
    let account = app.get_with("/account", &[("cookie", families[0].as_str())]).await;
    assert!(account.body.contains("Send me the weekly digest"), "the page says it is off and offers it again");
    app.state.jobs.enqueue(JobKind::SendDigest, "{}", 1).await.unwrap();
    app.run_jobs().await;
    let digests: Vec<_> =
        app.state.outbox.recent(50).await.unwrap().into_iter().filter(|m| m.key.starts_with("digest:")).collect();
    assert_eq!(
        digests.iter().map(|m| m.to.as_str()).collect::<Vec<_>>(),
        ["ben@example.com"],
        "no digest for a family that turned it off"
    );

    // Ben's digest ends with his link.
    let body = &digests[0].body;
    let link = body
        .split("http://famigo.test/unsubscribe?")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no unsubscribe link in {body}"));
    let params: std::collections::HashMap<String, String> =
        form_urlencoded::parse(link.as_bytes()).into_owned().collect();
    let (user, token) = (params["user"].as_str(), params["token"].as_str());
    let page = app.get_with(&format!("/unsubscribe?{link}"), &[("accept", "text/html")]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Stop the weekly digest"), "the link shows a button");
    assert!(digest_on("ben@example.com").await, "opening the link changes nothing");

    let mut wrong = token.to_string();
    wrong.replace_range(0..1, if token.starts_with('0') { "1" } else { "0" });
    let long = "x".repeat(10_000);
    // What the link used to carry: an unkeyed hash of the user and the session stamp, which
    // anyone who can guess the stamp can make.
    let stamp = app.state.accounts.user(user).await.unwrap().unwrap().session_stamp;
    let unkeyed: String = {
        use sha2::Digest;
        let digest = sha2::Sha256::new()
            .chain_update(b"famigo digest unsubscribe\0")
            .chain_update(user.as_bytes())
            .chain_update(b"\0")
            .chain_update(stamp.as_bytes())
            .finalize();
        digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
    };
    assert_ne!(unkeyed, token);
    assert!(stamp.len() == 32 && stamp.chars().all(|c| c.is_ascii_hexdigit()), "a random stamp: {stamp}");
    for (user, token) in
        [(user, wrong.as_str()), (user, ""), (user, unkeyed.as_str()), ("no-such-user", token), (long.as_str(), token)]
    {
        let refused = post(&app, UnsubscribeDigest::PATH, &form(&[("user", user), ("token", token)]), &[]).await;
        assert!((400..500).contains(&refused.status), "{} {}", refused.status, refused.body);
        assert!(
            refused.body.contains("this link is not valid any more")
                || refused.headers.get("location").is_some_and(|l| l.to_str().unwrap().contains("not+valid")),
            "{}",
            refused.body
        );
        assert!(digest_on("ben@example.com").await, "a refused link changes nothing");
    }
    let stopped = post(&app, UnsubscribeDigest::PATH, &form(&[("user", user), ("token", token)]), &[]).await;
    assert!(stopped.status < 400, "{} {}", stopped.status, stopped.body);
    assert_eq!(stopped.headers.get("location").map(|l| l.to_str().unwrap()), Some("/unsubscribe?done=1"));
    assert!(!digest_on("ben@example.com").await, "the link's button stopped it, with no sign-in");
    assert!(app.get("/unsubscribe?done=1").await.body.contains("no more weekly digests"));

    // Back on from the account page.
    let on = post(&app, SetDigest::PATH, &form(&[("on", "true")]), &[("cookie", families[1].as_str())]).await;
    assert!(on.status < 400, "{} {}", on.status, on.body);
    assert!(digest_on("ben@example.com").await);
    let anonymous = post(&app, SetDigest::PATH, &form(&[("on", "false")]), &[]).await;
    assert_eq!(anonymous.status, 401, "only a signed-in parent sets their own");
}

#[tokio::test]
async fn an_ipv6_client_is_throttled_by_its_64_network_not_by_each_address() {
    let app = TestApp::seeded(0).await;
    // A new address of the same /64 for every guess.
    let statuses = guesses_at_many_accounts(&app, |n| format!("2001:db8:5:6::{:x}", n + 1)).await;
    assert!(statuses[..20].iter().all(|&s| s == 401), "{statuses:?}");
    assert!(statuses[21..].iter().all(|&s| s == 429), "one /64 is one client: {statuses:?}");
    let next_network =
        sign_in(&app, "nobody0@example.com", "whatever it is", &[("x-forwarded-for", "2001:db8:5:7::1")]).await;
    assert_eq!(next_network.status, 401, "another /64 is not blocked");
}
