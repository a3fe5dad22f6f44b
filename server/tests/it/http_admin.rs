//! Admin sign-in and the job server functions over HTTP: who may call them, and from where.

use crate::common;

use app::api::admin::AdminSignIn;
use app::api::jobs::{CancelJob, EnqueueJob, ListJobs};
use common::browser::{post_with_only as post_form, session_cookie, HOST, ORIGIN};
use common::{Response, TestApp};
use leptos::server_fn::ServerFn;

const TOKEN: &str = "test-admin-token-0123456789";

async fn admin_app() -> TestApp {
    TestApp::with_env(20, &[("ADMIN_TOKEN", TOKEN)]).await
}

async fn sign_in(app: &TestApp) -> String {
    let response = post_form(app, AdminSignIn::PATH, &format!("token={TOKEN}"), &[ORIGIN, HOST]).await;
    assert!(response.status < 400, "{} {}", response.status, response.body);
    session_cookie(&response)
}

#[tokio::test]
async fn job_functions_need_an_administrator() {
    let app = admin_app().await;
    let anonymous = post_form(&app, EnqueueJob::PATH, "kind=noop&args=%7B%7D", &[ORIGIN, HOST]).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    let listed = app.post_json(ListJobs::PATH, r#"{"filter":{"state":null,"kind":null},"page":1}"#).await;
    assert_eq!(listed.status, 401);

    let wrong = post_form(&app, AdminSignIn::PATH, "token=not-the-token-at-all", &[ORIGIN, HOST]).await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.headers.get("set-cookie").is_none(), "a wrong token gets no session");

    let page = app.get("/admin/jobs").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Sign in to Famigo admin"), "the dashboard asks for the token");
}

/// Whether `cookie`'s session gets the job dashboard (not its sign-in form) from `app`.
async fn dashboard_for(app: &TestApp, cookie: &str) -> bool {
    let page = app.get_with("/admin/jobs", &[("cookie", cookie)]).await;
    assert_eq!(page.status, 200);
    !page.body.contains("Sign in to Famigo admin")
}

#[tokio::test]
async fn a_new_admin_token_ends_the_sessions_signed_in_with_the_old_one() {
    let app = admin_app().await;
    let cookie = sign_in(&app).await;
    assert!(dashboard_for(&app, &cookie).await);
    let data_dir = app.data_dir().to_str().unwrap().to_string();
    // Other processes on the same sessions (the same DATA_DIR): one still on the token, one
    // restarted with a new token.
    let same = TestApp::with_env(0, &[("DATA_DIR", &data_dir), ("ADMIN_TOKEN", TOKEN)]).await;
    assert!(dashboard_for(&same, &cookie).await, "the session is shared and still valid under its token");
    let rotated =
        TestApp::with_env(0, &[("DATA_DIR", &data_dir), ("ADMIN_TOKEN", "rotated-admin-token-9876543210")]).await;
    assert!(!dashboard_for(&rotated, &cookie).await, "signed in with the old token: no longer an administrator");
    let refused =
        post_form(&rotated, EnqueueJob::PATH, "kind=noop&args=%7B%7D", &[ORIGIN, HOST, ("cookie", &cookie)]).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
}

#[tokio::test]
async fn without_admin_token_one_is_made_and_kept_in_a_file_only_its_user_reads() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::seeded(0).await;
    for name in ["admin-token", "secret-key"] {
        let path = app.data_dir().join(name);
        let mode = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{name}: {e}")).permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{name} is readable by its owner only");
        assert!(std::fs::read_to_string(&path).unwrap().trim().len() >= 32, "{name} holds a secret");
    }
    let token = std::fs::read_to_string(app.data_dir().join("admin-token")).unwrap();
    let signed_in = post_form(&app, AdminSignIn::PATH, &format!("token={}", token.trim()), &[ORIGIN, HOST]).await;
    assert!(signed_in.status < 400, "{} {}", signed_in.status, signed_in.body);
    let cookie = session_cookie(&signed_in);
    assert!(dashboard_for(&app, &cookie).await);
    // A restart on the same DATA_DIR keeps the token (and so the session).
    let data_dir = app.data_dir().to_str().unwrap().to_string();
    let restarted = TestApp::with_env(0, &[("DATA_DIR", &data_dir)]).await;
    assert_eq!(std::fs::read_to_string(app.data_dir().join("admin-token")).unwrap(), token, "the same file, unchanged");
    assert!(dashboard_for(&restarted, &cookie).await);
}

#[tokio::test]
async fn a_signed_in_administrator_starts_lists_and_cancels_jobs() {
    let app = admin_app().await;
    let cookie = sign_in(&app).await;
    let auth = [ORIGIN, HOST, ("cookie", cookie.as_str())];
    let started = post_form(&app, EnqueueJob::PATH, "kind=noop&args=%7B%22steps%22%3A3%7D", &auth).await;
    assert_eq!(started.status, 200, "{}", started.body);
    let job: serde_json::Value = serde_json::from_str(&started.body).unwrap();
    let id = job["id"].as_str().unwrap().to_string();

    let bad = post_form(&app, EnqueueJob::PATH, "kind=noop&args=%5B1%5D", &auth).await;
    assert_eq!(bad.status, 400, "arguments must be an object: {}", bad.body);
    let unknown = post_form(&app, EnqueueJob::PATH, "kind=launch_rockets&args=", &auth).await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);

    let page = app.get_with("/admin/jobs", &[("cookie", cookie.as_str())]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("data-job=\"{id}\"")), "the new job is listed");
    assert_eq!(page.headers["x-cache"], "bypass", "admin pages are never cached");

    let cancelled = post_form(&app, CancelJob::PATH, &format!("id={id}"), &auth).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert!(cancelled.body.contains("\"cancelled\"") || cancelled.body.contains("\"done\""), "{}", cancelled.body);
}

#[tokio::test]
async fn state_changing_requests_from_other_sites_are_refused() {
    let app = admin_app().await;
    let cookie = sign_in(&app).await;
    let evil = [("origin", "https://evil.example"), HOST, ("cookie", cookie.as_str())];
    let refused = post_form(&app, EnqueueJob::PATH, "kind=noop&args=", &evil).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let no_origin = post_form(&app, EnqueueJob::PATH, "kind=noop&args=", &[HOST, ("cookie", cookie.as_str())]).await;
    assert_eq!(no_origin.status, 403, "a browser request with a session must say where it comes from");
    let sign_in_elsewhere =
        post_form(&app, AdminSignIn::PATH, &format!("token={TOKEN}"), &[("origin", "https://evil.example"), HOST])
            .await;
    assert_eq!(sign_in_elsewhere.status, 403);
}

fn multipart(file_name: &str, content: &str) -> (String, String) {
    let boundary = "famigo-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, file_name: &str, content: &str, headers: &[(&str, &str)]) -> Response {
    let (content_type, body) = multipart(file_name, content);
    let mut request = axum::http::Request::post("/admin/uploads").header("content-type", content_type);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(axum::body::Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn an_uploaded_catalog_file_is_saved_and_queued_for_import() {
    let app = admin_app().await;
    let lines: Vec<String> =
        famigo::catalog::seed::generate(3, 5).map(|a| serde_json::to_string(&a).unwrap()).collect();
    let content = lines.join("\n");

    let anonymous = upload(&app, "apps.jsonl", &content, &[ORIGIN, HOST]).await;
    assert_eq!(anonymous.status, 401);

    let cookie = sign_in(&app).await;
    let auth = [ORIGIN, HOST, ("cookie", cookie.as_str())];
    let wrong_type = upload(&app, "apps.exe", &content, &auth).await;
    assert_eq!(wrong_type.status, 400, "{}", wrong_type.body);
    let cross_site =
        upload(&app, "apps.jsonl", &content, &[("origin", "https://evil.example"), HOST, ("cookie", cookie.as_str())])
            .await;
    assert_eq!(cross_site.status, 403);

    let accepted = upload(&app, "apps.jsonl", &content, &auth).await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let location = accepted.headers["location"].to_str().unwrap();
    let id = location.strip_prefix("/admin/jobs?queued=").expect("back to the jobs page");
    let job = app.post_json(app::api::jobs::JobStatus::PATH, &format!("{{\"id\":\"{id}\"}}")).await;
    assert_eq!(job.status, 401, "job_status needs the session too");
    let job = app
        .send(
            axum::http::Request::post(app::api::jobs::JobStatus::PATH)
                .header("content-type", "application/json")
                .header("cookie", cookie.as_str())
                .header("origin", ORIGIN.1)
                .header("host", HOST.1)
                .body(axum::body::Body::from(format!("{{\"id\":\"{id}\"}}")))
                .unwrap(),
        )
        .await;
    assert_eq!(job.status, 200, "{}", job.body);
    let job: serde_json::Value = serde_json::from_str(&job.body).unwrap();
    assert_eq!(job["kind"], "import_catalog");
    let args: serde_json::Value = serde_json::from_str(job["args"].as_str().unwrap()).unwrap();
    let saved = std::fs::read_to_string(args["path"].as_str().unwrap()).expect("the upload was saved");
    assert_eq!(saved, content);
}

/// An upload cut off halfway (the connection dropped) or an empty file is refused with a 4xx
/// and leaves nothing behind: no file under `DATA_DIR/uploads`, no import queued.
#[tokio::test]
async fn a_broken_or_empty_upload_leaves_no_file_and_queues_nothing() {
    use app::domain::{JobFilter, JobKind};
    let app = admin_app().await;
    let cookie = sign_in(&app).await;
    let auth = [ORIGIN, HOST, ("cookie", cookie.as_str())];
    let (content_type, body) = multipart("apps.jsonl", &"{\"slug\": \"half-sent\"}\n".repeat(20_000));
    let mut request = axum::http::Request::post("/admin/uploads").header("content-type", content_type);
    for (name, value) in auth {
        request = request.header(name, value);
    }
    let cut = body[..body.len() / 2].to_string();
    let truncated = app.send(request.body(axum::body::Body::from(cut)).unwrap()).await;
    assert!((400..500).contains(&truncated.status), "{} {}", truncated.status, truncated.body);
    let empty = upload(&app, "apps.jsonl", "", &auth).await;
    assert_eq!(empty.status, 400, "{}", empty.body);

    let left: Vec<_> = std::fs::read_dir(app.data_dir().join("uploads"))
        .map(|dir| dir.flatten().map(|entry| entry.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "nothing of a refused upload is kept: {left:?}");
    let imports = JobFilter { kind: Some(JobKind::ImportCatalog), state: None };
    assert_eq!(app.state.jobs.list(&imports, 1, 10).await.unwrap().total, 0, "no import queued");
}

/// A form body for `save_app`: `fields` as (name inside `form[…]`, value).
fn app_form(original_slug: &str, fields: &[(&str, &str)]) -> String {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("original_slug", original_slug);
    for (name, value) in fields {
        body.append_pair(&format!("form[{name}]"), value);
    }
    body.finish()
}

const NEW_APP: &[(&str, &str)] = &[
    ("slug", "puddle-jump"),
    ("name", "Puddle Jump"),
    ("developer", "Rainy Day Games"),
    ("description", "Jump in puddles and count the splashes."),
    ("platforms][", "ios"),
    ("platforms][", "web"),
    ("categories][", "math"),
    ("price", "1.99"),
    ("min_age", "4"),
    ("learning_rating", "3"),
    ("scores][violence", "0"),
    ("scores][scariness", "1"),
    ("notes][scariness", "A thunderstorm level."),
    ("chat", "none"),
    ("external_links", "gated"),
    ("model", "paid-once"),
    ("purchases", "on"),
    ("ads", "none"),
    ("data][identifiers", "not-linked"),
    ("sources][privacy", "store-label"),
    ("verified", "privacy"),
    ("released", "2026-10-01"),
    ("updated", "2026-11-20"),
];

#[tokio::test]
async fn an_administrator_creates_and_edits_apps_and_bad_fields_are_named_with_nothing_written() {
    use app::api::admin_apps::SaveApp;
    use app::domain::{JobFilter, JobKind};
    let app = admin_app().await;
    let before = app.catalog.count().await.unwrap();

    let anonymous = post_form(&app, SaveApp::PATH, &app_form("", NEW_APP), &[ORIGIN, HOST]).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);

    let cookie = sign_in(&app).await;
    let auth = [ORIGIN, HOST, ("cookie", cookie.as_str())];
    let bad: Vec<(&str, &str)> = NEW_APP
        .iter()
        .map(|&(k, v)| match k {
            "slug" => (k, "Puddle Jump!"),
            "price" => (k, "cheap"),
            "scores][violence" => (k, "9"),
            _ => (k, v),
        })
        .filter(|&(k, _)| k != "categories][")
        .collect();
    let refused = post_form(&app, SaveApp::PATH, &app_form("", &bad), &auth).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let error: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    let fields: Vec<&str> =
        error["InvalidApp"]["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["slug", "categories", "price", "violence"]);
    assert_eq!(error["InvalidApp"]["form"]["name"], "Puddle Jump", "the form comes back as posted");
    assert_eq!(app.catalog.count().await.unwrap(), before, "nothing written");

    // Without JavaScript the browser is sent back to the form, which shows each error.
    let mut no_js = auth.to_vec();
    no_js.extend([("accept", "text/html"), ("referer", "http://famigo.test/admin/apps/new")]);
    let back = post_form(&app, SaveApp::PATH, &app_form("", &bad), &no_js).await;
    assert!((300..400).contains(&back.status), "{} {}", back.status, back.body);
    let location = back.headers["location"].to_str().unwrap().replace("http://famigo.test", "");
    assert!(location.starts_with("/admin/apps/new?") && location.contains("__err="), "{location}");
    let page = app.get_with(&location, &[("cookie", cookie.as_str())]).await;
    assert_eq!(page.status, 200);
    for id in ["error-slug", "error-categories", "error-price", "error-violence"] {
        assert!(page.body.contains(&format!("id=\"{id}\"")), "{id} shown");
    }
    assert!(!page.body.contains("id=\"error-name\""), "good fields carry no error");
    assert!(page.body.contains("value=\"cheap\"") && page.body.contains("Rainy Day Games"), "typed values kept");

    let created = post_form(&app, SaveApp::PATH, &app_form("", NEW_APP), &auth).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let stored = app.catalog.get("puddle-jump").await.unwrap().expect("created");
    assert_eq!((stored.price_cents, stored.min_age, stored.rating_count), (199, 4, 0));
    assert!(stored.privacy().in_app_purchases && !stored.privacy().ads);
    assert_eq!(stored.facts.content.scariness.note, "A thunderstorm level.");
    let today = chrono::Utc::now().date_naive();
    assert_eq!(stored.facts.sources.privacy.checked, Some(today), "\"verified today\" dated the privacy label");
    let shown = app.get("/apps/puddle-jump").await;
    assert!(shown.status == 200 && shown.body.contains("Puddle Jump"), "{}", shown.status);
    let again = post_form(&app, SaveApp::PATH, &app_form("", NEW_APP), &auth).await;
    assert_eq!(again.status, 422, "a taken slug: {}", again.body);
    assert!(again.body.contains("exists already"), "{}", again.body);

    // Editing: a cached page shows the change at once; ratings (from reviews) stay.
    let seeded = app.catalog.scan(None, 1).await.unwrap().remove(0);
    let cached = format!("/apps/{}", seeded.slug);
    app.get(&cached).await;
    assert_eq!(app.get(&cached).await.headers["x-cache"], "hit");
    let mut edit = app::domain::AppForm::from_app(&seeded);
    edit.name = "Renamed By The Admin".into();
    let new_ads = if seeded.facts.money.ads == app::domain::Ads::ThirdParty { "none" } else { "third-party" };
    edit.ads = new_ads.into();
    edit.sources.insert("money".into(), "famigo-test".into());
    edit.slug = "ignored-on-edit".into();
    edit.description = format!("{} Ends with </textarea><script>alert(9)</script>", seeded.description);
    let body = serde_urlencoded_form(&seeded.slug, &edit);
    let saved = post_form(&app, SaveApp::PATH, &body, &auth).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let edited = app.catalog.get(&seeded.slug).await.unwrap().unwrap();
    assert_eq!(edited.name, "Renamed By The Admin");
    assert_eq!((edited.rating_avg, edited.rating_count), (seeded.rating_avg, seeded.rating_count));
    assert!(app.catalog.get("ignored-on-edit").await.unwrap().is_none(), "an app's address does not change");
    let page = app.get(&cached).await;
    assert!(page.body.contains("Renamed By The Admin"), "no stale page (x-cache {:?})", page.headers.get("x-cache"));
    let ads_label = app::domain::Ads::from_slug(new_ads).unwrap().label();
    let changed =
        format!("Ads changed from “{}” to “{ads_label}” (famigo&#39;s own test)", seeded.facts.money.ads.label());
    assert!(
        page.body.contains(&changed.replace("&#39;", "'")) || page.body.contains(&changed),
        "what changed: {changed}"
    );
    assert_eq!(edited.facts.money.ads.slug(), new_ads);

    let unknown = post_form(&app, SaveApp::PATH, &serde_urlencoded_form("no-such-app", &edit), &auth).await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);

    let queued = app.state.jobs.list(&JobFilter { kind: Some(JobKind::IndexApp), state: None }, 1, 10).await.unwrap();
    assert!(queued.total >= 2, "each save queues index_app: {}", queued.total);
    let list = app.get_with("/admin/apps", &[("cookie", cookie.as_str())]).await;
    assert!(list.body.contains("href=\"/admin/apps/puddle-jump/edit\""), "the new app is listed to edit");
    let form = app.get_with(&format!("/admin/apps/{}/edit", seeded.slug), &[("cookie", cookie.as_str())]).await;
    assert!(form.body.contains("Renamed By The Admin") && form.body.contains("readonly"), "the edit form, slug fixed");
    assert!(!form.body.contains("<script>alert(9)"), "a description cannot close its textarea");
    assert!(
        form.body.contains("Ends with &lt;/textarea>&lt;script>alert(9)&lt;/script></textarea>"),
        "it is inside, as text"
    );
}

/// An `AppForm` as the browser's form would post it: `form[name]`, `form[scores][violence]`,
/// `form[platforms][]`, and nothing for an unticked checkbox.
fn serde_urlencoded_form(original_slug: &str, form: &app::domain::AppForm) -> String {
    fn flatten(name: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::String(text) => out.push((name.to_string(), text.clone())),
            serde_json::Value::Array(items) => {
                items.iter().for_each(|item| flatten(&format!("{name}]["), item, out));
            }
            serde_json::Value::Object(fields) => {
                fields.iter().for_each(|(key, item)| flatten(&format!("{name}][{key}"), item, out));
            }
            _ => {}
        }
    }
    let mut fields = Vec::new();
    if let serde_json::Value::Object(all) = serde_json::to_value(form).unwrap() {
        all.iter().for_each(|(key, value)| flatten(key, value, &mut fields));
    }
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app_form(original_slug, &borrowed)
}

#[tokio::test]
async fn the_mail_outbox_is_shown_to_administrators_only_and_escaped() {
    let app = admin_app().await;
    let mail = app::domain::NewMail {
        key: "alert:test".into(),
        to: "ops@famigo.test".into(),
        subject: "node-a is Down <script>alert(1)</script>".into(),
        body: "page_cache (redis) is down".into(),
    };
    app.state.outbox.put(&mail).await.unwrap();
    let anonymous = app.get("/admin/mail").await;
    assert!(anonymous.body.contains("Sign in to Famigo admin") && !anonymous.body.contains("ops@famigo.test"));
    let cookie = sign_in(&app).await;
    let page = app.get_with("/admin/mail", &[("cookie", cookie.as_str())]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ops@famigo.test") && page.body.contains("data-state=\"pending\""), "{}", page.body);
    assert!(page.body.contains("&lt;script&gt;") && !page.body.contains("<script>alert(1)"), "user text is escaped");
}
