//! Admin sign-in and the job server functions over HTTP: who may call them, and from where.

mod common;

use app::api::admin::AdminSignIn;
use app::api::jobs::{CancelJob, EnqueueJob, ListJobs};
use common::{Response, TestApp};
use leptos::server_fn::ServerFn;

const TOKEN: &str = "test-admin-token-0123456789";
const ORIGIN: (&str, &str) = ("origin", "http://famigo.test");
const HOST: (&str, &str) = ("host", "famigo.test");

async fn admin_app() -> TestApp {
    TestApp::with_env(20, &[("ADMIN_TOKEN", TOKEN)]).await
}

async fn post_form(app: &TestApp, uri: &str, form: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = axum::http::Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(axum::body::Body::from(form.to_string())).unwrap()).await
}

fn session_cookie(response: &Response) -> String {
    let set_cookie = response.headers.get("set-cookie").expect("a session cookie").to_str().unwrap();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    set_cookie.split(';').next().unwrap().to_string()
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
    let sign_in_elsewhere = post_form(&app, AdminSignIn::PATH, &format!("token={TOKEN}"), &[("origin", "https://evil.example"), HOST]).await;
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
    let lines: Vec<String> = famigo::seed::generate(3, 5).map(|a| serde_json::to_string(&a).unwrap()).collect();
    let content = lines.join("\n");

    let anonymous = upload(&app, "apps.jsonl", &content, &[ORIGIN, HOST]).await;
    assert_eq!(anonymous.status, 401);

    let cookie = sign_in(&app).await;
    let auth = [ORIGIN, HOST, ("cookie", cookie.as_str())];
    let wrong_type = upload(&app, "apps.exe", &content, &auth).await;
    assert_eq!(wrong_type.status, 400, "{}", wrong_type.body);
    let cross_site = upload(&app, "apps.jsonl", &content, &[("origin", "https://evil.example"), HOST, ("cookie", cookie.as_str())]).await;
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
