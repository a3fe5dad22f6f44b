//! What a browser without JavaScript sends: form posts to server functions from this site's
//! pages (same origin), with the session cookie the site set.

use super::{Response, TestApp};
use app::api::accounts::SignUp;
use leptos::server_fn::ServerFn;

pub const ORIGIN: (&str, &str) = ("origin", "http://famigo.test");
pub const HOST: (&str, &str) = ("host", "famigo.test");
pub const PASSWORD: &str = "correct horse battery";

pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut body = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        body.append_pair(name, value);
    }
    body.finish()
}

/// A form post from a page of this site (`ORIGIN`, `HOST`), with more headers.
pub async fn post(app: &TestApp, uri: &str, body: &str, headers: &[(&str, &str)]) -> Response {
    let from_this_site: Vec<(&str, &str)> = [ORIGIN, HOST].iter().chain(headers).copied().collect();
    post_with_only(app, uri, body, &from_this_site).await
}

/// A form post carrying only these headers: from another site, or from no page at all.
pub async fn post_with_only(app: &TestApp, uri: &str, body: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = axum::http::Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(axum::body::Body::from(body.to_string())).unwrap()).await
}

/// A JSON post to a server function taking JSON, from this site.
pub async fn post_json(app: &TestApp, uri: &str, json: &str, cookie: &str) -> Response {
    let request = axum::http::Request::post(uri)
        .header("content-type", "application/json")
        .header("cookie", cookie)
        .header(ORIGIN.0, ORIGIN.1)
        .header(HOST.0, HOST.1)
        .body(axum::body::Body::from(json.to_string()))
        .unwrap();
    app.send(request).await
}

/// The `famigo_session=…` pair a response set, checking the cookie's flags.
pub fn session_cookie(response: &Response) -> String {
    let set_cookie = response
        .headers
        .get("set-cookie")
        .unwrap_or_else(|| panic!("no cookie set: {} {}", response.status, response.body));
    let set_cookie = set_cookie.to_str().unwrap();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    set_cookie.split(';').next().unwrap().to_string()
}

/// Signs up a parent (five at most per test app: sign-ups are limited per address); returns
/// the session cookie.
pub async fn sign_up(app: &TestApp, email: &str, name: &str) -> String {
    let body = form(&[("form[email]", email), ("form[display_name]", name), ("form[password]", PASSWORD)]);
    let response = post(app, SignUp::PATH, &body, &[]).await;
    assert!(response.status < 400, "{} {}", response.status, response.body);
    session_cookie(&response)
}
