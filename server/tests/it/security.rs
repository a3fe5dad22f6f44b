//! Hardening of the public surface: each test here failed on the code before its fix.

use crate::common;

use app::api::accounts::SignIn;
use app::api::admin::AdminSignIn;
use common::browser::{form, post, sign_up};
use common::TestApp;
use futures::StreamExt;
use leptos::server_fn::ServerFn;
use std::sync::{Arc, Mutex};

const TOKEN: &str = "security-suite-token-8c1f2e7a";

/// Log lines written on this thread (a `#[tokio::test]` runs its tasks on it) while the guard lives.
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn capture() -> (Logs, tracing::subscriber::DefaultGuard) {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = {
            let buffer = buffer.clone();
            move || LogWriter(buffer.clone())
        };
        let subscriber = tracing_subscriber::fmt().with_writer(writer).with_ansi(false).finish();
        (Logs(buffer), tracing::subscriber::set_default(subscriber))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn admin_sign_in(app: &TestApp, token: &str, address: &str) -> u16 {
    post(app, AdminSignIn::PATH, &form(&[("token", token)]), &[("x-forwarded-for", address)]).await.status
}

#[tokio::test]
async fn admin_sign_in_is_throttled_per_address_and_refusals_name_the_address() {
    let (logs, _guard) = Logs::capture();
    let app = TestApp::with_env(0, &[("ADMIN_TOKEN", TOKEN)]).await;
    let mut statuses = Vec::new();
    for n in 0..8 {
        statuses.push(admin_sign_in(&app, &format!("guess-number-{n}-of-many"), "203.0.113.9").await);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429], "five guesses, then a wait");
    assert_eq!(admin_sign_in(&app, TOKEN, "203.0.113.9").await, 429, "even the right token waits there");
    assert_eq!(
        admin_sign_in(&app, "another-wrong-guess-x", "203.0.113.10").await,
        401,
        "other addresses are not blocked"
    );
    assert!(admin_sign_in(&app, TOKEN, "203.0.113.10").await < 400);
    let logs = logs.text();
    assert!(
        logs.lines().any(|l| l.contains("admin sign-in with a wrong token") && l.contains("203.0.113.9")),
        "a refused attempt is logged with its address:\n{logs}"
    );
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_gets_no_more_checks_than_the_free_budget() {
    let app = TestApp::with_env(0, &[("ADMIN_TOKEN", TOKEN)]).await;
    sign_up(&app, "burst@example.com", "Burst").await;
    let guesses = (0..50).map(|n| {
        let body = form(&[("email", "burst@example.com"), ("password", &format!("wrong guess {n}"))]);
        let app = &app;
        async move { post(app, SignIn::PATH, &body, &[("x-forwarded-for", "198.51.100.44")]).await.status }
    });
    let statuses = futures::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    assert!(checked <= 5, "at most the account's 5 free attempts reach the password check: {statuses:?}");
    assert!(statuses.iter().all(|&s| s == 401 || s == 429), "{statuses:?}");

    let admin_guesses = (0..50).map(|n| {
        let app = &app;
        async move { admin_sign_in(app, &format!("parallel-guess-{n}-zz"), "198.51.100.45").await }
    });
    let statuses = futures::future::join_all(admin_guesses).await;
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    assert!(checked <= 5, "at most 5 admin tokens are compared: {statuses:?}");
}

#[test]
fn the_shipped_compose_file_has_no_default_secrets() {
    let compose =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/docker-compose.yml")).unwrap();
    assert!(compose.contains("FAMIGO_PROFILE: production"), "the shipped stack runs the production profile");
    let secrets = [
        "ADMIN_TOKEN",
        "SECRET_KEY",
        "MEILI_MASTER_KEY",
        "MEILI_API_KEY",
        "REDIS_PASSWORD",
        "MONGO_PASSWORD",
        "MONGO_ROOT_PASSWORD",
    ];
    for secret in secrets {
        let uses: Vec<&str> = compose
            .lines()
            .filter(|l| l.contains(&format!("${{{secret}}}")) || l.contains(&format!("${{{secret}:")))
            .collect();
        assert!(!uses.is_empty(), "{secret} is passed to the services");
        for line in uses {
            assert!(line.contains(&format!("${{{secret}:?")), "{secret} must be required, not defaulted: {line}");
        }
    }
}

/// Each service gets only what it needs: famigo a scoped Meilisearch key (the master key stays
/// with Meilisearch), Redis only with its password, MongoDB only as the `famigo` user, and the
/// monitor's page on the host's loopback.
#[test]
fn the_shipped_compose_file_gives_each_service_its_own_credentials() {
    let deploy = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy");
    let cluster = std::fs::read_to_string(format!("{deploy}/docker-compose.redis-cluster.yml")).unwrap();
    assert_eq!(
        cluster.matches("redis+cluster://").count(),
        cluster.matches("redis+cluster://:${REDIS_PASSWORD:?").count()
    );
    for line in cluster.lines().filter(|l| l.contains("\"redis-server\"")) {
        assert!(
            line.contains("\"--requirepass\", \"${REDIS_PASSWORD:?"),
            "every cluster node asks for the password: {line}"
        );
        assert!(line.contains("\"--masterauth\", \"${REDIS_PASSWORD:?"), "and gives it to its primary: {line}");
    }
    let compose = std::fs::read_to_string(format!("{deploy}/docker-compose.yml")).unwrap();
    let service_of = |line_no: usize| {
        compose
            .lines()
            .take(line_no + 1)
            .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
            .last()
    };
    for (no, line) in compose.lines().enumerate() {
        if line.contains("${MEILI_MASTER_KEY") {
            assert_eq!(service_of(no), Some("  meilisearch:"), "the master key is Meilisearch's alone: {line}");
        }
        if line.contains("redis://") {
            assert_eq!(line.matches("redis://").count(), line.matches("redis://:${REDIS_PASSWORD:?").count(), "{line}");
        }
        if line.contains("mongodb://") {
            assert!(
                line.contains("mongodb://famigo:${MONGO_PASSWORD:?") && line.contains("authSource=famigo"),
                "{line}"
            );
        }
        if line.contains("redis-server") {
            assert!(
                line.contains("\"--requirepass\", \"${REDIS_PASSWORD:?"),
                "every Redis asks for the password: {line}"
            );
        }
        if line.trim_start().starts_with("ports:") && service_of(no) != Some("  nginx:") {
            assert!(line.contains("[\"127.0.0.1:"), "only nginx is published beyond this host: {line}");
        }
    }
    assert!(compose.contains("MEILI_KEY: ${MEILI_API_KEY:?"));
    let init = std::fs::read_to_string(format!("{deploy}/mongo-init.js")).unwrap();
    assert!(init.contains("pwd: process.env.MONGO_PASSWORD"), "{init}");
    let roles: Vec<&str> = init.matches("role: '").collect();
    assert_eq!(roles.len(), 1, "one role: {init}");
    assert!(init.contains("roles: [{ role: 'readWrite', db: 'famigo' }]"), "{init}");
}

#[tokio::test]
async fn a_session_cookie_with_a_space_before_the_equals_sign_still_bypasses_the_page_cache() {
    let app = TestApp::seeded(5).await;
    let cookie = sign_up(&app, "spaced@example.com", "Spaced Parent").await;
    let id = cookie.split_once('=').map(|(_, id)| id).expect("name=id");
    let spaced = format!("famigo_session ={id}");
    let personal = app.get_with("/", &[("cookie", spaced.as_str())]).await;
    assert!(personal.body.contains("Spaced Parent"), "the session layer reads the spaced cookie: signed in");
    assert_eq!(personal.headers["x-cache"], "bypass", "so the page is personal and never cached");
    for _ in 0..2 {
        let anonymous = app.get("/").await;
        assert!(!anonymous.body.contains("Spaced Parent"), "a visitor never gets the parent's page");
    }
}

#[tokio::test]
async fn sign_in_never_redirects_off_the_site_nor_fails_on_a_hostile_next() {
    let app = TestApp::seeded(0).await;
    sign_up(&app, "next@example.com", "Next").await;
    for next in ["/\t/evil.example", "/\u{1}", "//evil.example", "/\\evil.example", "/ok?x=1"] {
        let body = form(&[("email", "next@example.com"), ("password", common::browser::PASSWORD), ("next", next)]);
        let signed_in = post(&app, SignIn::PATH, &body, &[]).await;
        assert!(signed_in.status < 400, "{next:?}: {} {}", signed_in.status, signed_in.body);
        let location = signed_in.headers.get("location").map(|l| l.to_str().unwrap().to_string());
        let expected = if next == "/ok?x=1" { "/ok?x=1" } else { "/account" };
        assert_eq!(location.as_deref(), Some(expected), "{next:?}");
    }
}

#[tokio::test]
async fn ten_thousand_junk_parameters_make_no_new_cache_entries() {
    let app = TestApp::seeded(20).await;
    for (page, junk) in [("/", "/?x="), ("/apps?age=5-7", "/apps?age=5&x=")] {
        assert_eq!(app.get(page).await.headers["x-cache"], "miss", "{page}: the first visit renders");
        let mut rendered = Vec::new();
        for n in 0..5_000 {
            let response = app.get(&format!("{junk}{n}")).await;
            assert_eq!(response.status, 200);
            if response.headers["x-cache"] != "hit" {
                rendered.push(n);
            }
        }
        assert!(
            rendered.is_empty(),
            "{page}: {} junk variants rendered and stored again: {:?}…",
            rendered.len(),
            &rendered[..rendered.len().min(5)]
        );
    }
}

#[tokio::test]
async fn pages_go_to_their_own_redis_when_one_is_given() {
    let Some(shared) = common::redis::RedisServer::start() else { return };
    let Some(pages) = common::redis::RedisServer::start() else { return };
    let env = [("REDIS_URL", shared.url()), ("PAGE_CACHE_REDIS_URL", pages.url()), ("PAGE_CACHE_MB", "0".into())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = TestApp::with_env(10, &env).await;
    let mut cached = app.get("/").await;
    for _ in 0..50 {
        if cached.headers["x-cache"] == "hit" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        cached = app.get("/").await;
    }
    assert_eq!(cached.headers["x-cache"], "hit", "the page cache works on its own Redis");
    let page_keys = |url: String| async move {
        let mut redis = redis::Client::open(url).unwrap().get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> = redis::cmd("KEYS").arg("famigo:page:*").query_async(&mut redis).await.unwrap();
        keys.len()
    };
    assert!(page_keys(pages.url()).await >= 1, "pages are stored in the cache's Redis");
    assert_eq!(page_keys(shared.url()).await, 0, "and never in the one sessions and jobs live in");
}

#[tokio::test]
async fn a_sitemap_part_number_past_any_catalog_is_a_404_not_wrapped_arithmetic() {
    let app = TestApp::with_env(30, &[("SITEMAP_URL_LIMIT", "10")]).await;
    assert_eq!(app.get("/sitemaps/2.xml").await.status, 200);
    // (2^63 + 1) · 10 wraps to 10 in 64 bits: the arithmetic of part 2.
    for part in ["9223372036854775810", "18446744073709551615", "99999999999999999999999"] {
        assert_eq!(app.get(&format!("/sitemaps/{part}.xml")).await.status, 404, "part {part}");
    }
}

#[tokio::test]
async fn a_two_megabyte_server_function_body_is_refused_with_413() {
    let app = TestApp::seeded(0).await;
    let huge = form(&[("email", "big@example.com"), ("password", &"x".repeat(2 * 1024 * 1024))]);
    let length = huge.len().to_string();
    let refused = post(&app, SignIn::PATH, &huge, &[("content-length", length.as_str())]).await;
    assert_eq!(refused.status, 413, "{}", &refused.body[..refused.body.len().min(200)]);
    // Sent without a length (chunked), it is cut off at the limit as it is read: still a 4xx.
    let chunked = post(&app, SignIn::PATH, &huge, &[]).await;
    assert_eq!(chunked.status, 400, "{}", &chunked.body[..chunked.body.len().min(200)]);
    assert!(chunked.body.contains("length limit exceeded"), "{}", chunked.body);
    let small = form(&[("email", "big@example.com"), ("password", "not the password")]);
    assert_eq!(post(&app, SignIn::PATH, &small, &[]).await.status, 401, "a form-sized body is read as before");
}

#[tokio::test]
async fn a_request_that_stalls_mid_body_is_cut_off() {
    let app = TestApp::with_env(0, &[("REQUEST_TIMEOUT", "1")]).await;
    // Ten bytes of a promised hundred, then nothing.
    let stalled =
        futures::stream::once(async { Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"email=stal")) })
            .chain(futures::stream::pending());
    let request = axum::http::Request::post(SignIn::PATH)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("content-length", "100")
        .header(common::browser::ORIGIN.0, common::browser::ORIGIN.1)
        .header(common::browser::HOST.0, common::browser::HOST.1)
        .body(axum::body::Body::from_stream(stalled))
        .unwrap();
    let started = std::time::Instant::now();
    let response = tokio::time::timeout(std::time::Duration::from_secs(10), app.send(request)).await;
    let response = response.expect("the server gives up on the request, the client does not have to");
    assert_eq!(response.status, 408);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn many_right_sign_ins_from_one_address_are_never_throttled() {
    let app = TestApp::seeded(0).await;
    sign_up(&app, "school@example.com", "School").await;
    for n in 0..30 {
        let body = form(&[("email", "school@example.com"), ("password", common::browser::PASSWORD)]);
        let signed_in = post(&app, SignIn::PATH, &body, &[("x-forwarded-for", "192.0.2.30")]).await;
        assert!(signed_in.status < 400, "sign-in {n} from the school's address: {}", signed_in.status);
    }
}

#[tokio::test]
async fn an_import_job_reads_only_files_uploaded_to_the_site() {
    let app = TestApp::seeded(0).await;
    let outside = app.data_dir().join("secrets.env");
    std::fs::write(&outside, "SMTP_URL=smtp://famigo:hunter2-password@mail\n").unwrap();
    let uploads = app.data_dir().join("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    std::fs::write(
        uploads.join("apps.jsonl"),
        serde_json::to_string(&famigo::catalog::seed::generate(1, 3).next().unwrap()).unwrap(),
    )
    .unwrap();
    let outside = outside.to_str().unwrap().to_string();
    let sneaky = format!("{}/../secrets.env", uploads.display());
    let mut refused = Vec::new();
    for path in ["/proc/self/environ", "/etc/passwd", outside.as_str(), sneaky.as_str(), "../secrets.env"] {
        let args = serde_json::json!({ "path": path, "format": "csv" }).to_string();
        refused.push(app.state.jobs.enqueue(app::domain::JobKind::ImportCatalog, &args, 1).await.unwrap().id);
    }
    let args = serde_json::json!({ "path": "apps.jsonl" }).to_string();
    let allowed = app.state.jobs.enqueue(app::domain::JobKind::ImportCatalog, &args, 1).await.unwrap().id;
    app.run_jobs().await;
    for id in refused {
        let job = app.state.jobs.get(&id).await.unwrap().unwrap();
        let error = job.last_error.unwrap_or_default();
        assert_eq!(job.state, app::domain::JobState::Dead, "{error}");
        assert!(error.contains("not an uploaded file"), "{error}");
        assert!(!error.contains("hunter2") && !error.contains("root:"), "nothing of the file is told: {error}");
    }
    let job = app.state.jobs.get(&allowed).await.unwrap().unwrap();
    assert_eq!(job.state, app::domain::JobState::Done, "a file in the upload folder is imported: {:?}", job.last_error);
}

#[tokio::test]
async fn a_post_from_an_opaque_origin_is_refused_even_without_a_cookie() {
    let app = TestApp::seeded(0).await;
    sign_up(&app, "csrf@example.com", "Csrf").await;
    let body = form(&[("email", "csrf@example.com"), ("password", common::browser::PASSWORD)]);
    let sandboxed =
        common::browser::post_with_only(&app, SignIn::PATH, &body, &[("origin", "null"), common::browser::HOST]).await;
    assert_eq!(sandboxed.status, 403, "a sandboxed frame cannot sign a visitor in to the attacker's account");
    assert!(sandboxed.headers.get("set-cookie").is_none());
}

#[tokio::test]
async fn the_admin_mail_view_never_shows_a_link_that_acts_for_a_parent() {
    use app::api::accounts::RequestPasswordReset;
    let app = TestApp::with_env(0, &[("ADMIN_TOKEN", TOKEN), ("CANONICAL_URL", "https://famigo.example")]).await;
    sign_up(&app, "reset@example.com", "Reset").await;
    let asked = post(&app, RequestPasswordReset::PATH, &form(&[("email", "reset@example.com")]), &[]).await;
    assert!(asked.status < 400, "{}", asked.status);
    let mails = app.state.outbox.recent(10).await.unwrap();
    let token =
        mails[0].body.split("token=").nth(1).and_then(|t| t.split_whitespace().next()).expect("a link").to_string();
    assert_eq!(token.len(), 64);

    let signed_in = post(&app, AdminSignIn::PATH, &form(&[("token", TOKEN)]), &[]).await;
    let cookie = common::browser::session_cookie(&signed_in);
    let page = app.get_with("/admin/mail", &[("cookie", cookie.as_str())]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("reset@example.com") && page.body.contains("token=(hidden)"), "the mail is listed");
    assert!(!page.body.contains(&token), "but its link cannot be followed from there");
}

#[tokio::test]
async fn without_canonical_url_a_page_names_only_the_host_it_was_asked_on_and_a_bad_host_is_a_400() {
    let app = TestApp::seeded(5).await;
    for path in ["/", "/apps?age=5-7", "/sitemap.xml", "/feeds/new.atom"] {
        let poisoned = app.get_with(path, &[("host", "evil.example")]).await;
        assert_eq!(poisoned.status, 200, "{path}");
        assert!(poisoned.body.contains("http://evil.example"), "{path}: written for the host it was asked on");
        for _ in 0..2 {
            let visitor = app.get_with(path, &[("host", "famigo.test")]).await;
            assert!(!visitor.body.contains("evil.example"), "{path}: another host's copy is never served");
            assert!(visitor.body.contains("http://famigo.test"), "{path}");
        }
    }
    for host in ["famigo.test\"><script>alert(1)</script>", "famigo.test/evil", "a b", "famigo.test:99999x"] {
        let refused = app.get_with("/", &[("host", host)]).await;
        assert_eq!(refused.status, 400, "{host:?}");
        assert!(refused.body.contains("Host"), "{}", refused.body);
        assert!(!refused.body.contains("<script>"));
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_media_keeps_its_stricter_policy() {
    let app = TestApp::seeded(5).await;
    let page = app.get("/").await;
    let header = |r: &crate::common::Response, name: &str| {
        r.headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    };
    assert!(header(&page, "content-security-policy").contains("frame-ancestors 'none'"), "{:?}", page.headers);
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert_eq!(header(&page, "referrer-policy"), "strict-origin-when-cross-origin");
    assert_eq!(header(&page, "strict-transport-security"), "", "no HSTS without an https origin");
    let missing = app.get("/no-such-page").await;
    assert!(header(&missing, "content-security-policy").contains("frame-ancestors"), "errors too");
    let image = page.body.split("/media/").nth(1).and_then(|rest| rest.split('"').next()).expect("an image on /");
    let image = app.get(&format!("/media/{image}")).await;
    assert_eq!(image.status, 200);
    assert!(header(&image, "content-security-policy").starts_with("default-src 'none'"), "its own, stricter one");

    let https = TestApp::with_env(0, &[("CANONICAL_URL", "https://famigo.example")]).await;
    let page = https.get("/").await;
    assert_eq!(header(&page, "strict-transport-security"), "max-age=31536000; includeSubDomains");
}

/// Every inline script of a page carries the nonce its policy names, a cached copy replays the
/// policy with the page it belongs to, and each render draws a new nonce.
#[tokio::test]
async fn pages_allow_only_scripts_carrying_the_nonce_of_their_render() {
    let app = TestApp::seeded(5).await;
    let nonce_of = |r: &crate::common::Response| {
        let policy = r.headers["content-security-policy"].to_str().unwrap().to_string();
        assert!(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"), "{policy}");
        let script_src = policy.split(';').map(str::trim).find(|d| d.starts_with("script-src")).expect(&policy);
        let nonce = script_src.split("'nonce-").nth(1).and_then(|n| n.split('\'').next()).expect(script_src);
        let inline: Vec<&str> =
            r.body.split("<script").skip(1).filter(|tag| !tag.starts_with(" type=\"application/ld+json\"")).collect();
        assert!(!inline.is_empty(), "the hydration script is inline");
        for tag in inline {
            let open = tag.split('>').next().unwrap();
            assert!(open.contains(&format!("nonce=\"{nonce}\"")), "<script{open}> lacks the nonce {nonce}");
        }
        nonce.to_string()
    };
    let first = app.get("/apps?age=5-7").await;
    let hit = app.get("/apps?age=5-7").await;
    assert_eq!(hit.headers["x-cache"], "hit");
    assert_eq!(nonce_of(&first), nonce_of(&hit), "a cached page keeps the policy of its render");
    let other = app.get("/apps?age=8-12").await;
    assert_ne!(nonce_of(&other), nonce_of(&first), "each render draws its own nonce");

    let cookie = sign_up(&app, "nonce@example.com", "Nonce Parent").await;
    let personal = [
        app.get_with("/", &[("cookie", cookie.as_str())]).await,
        app.get_with("/", &[("cookie", cookie.as_str())]).await,
    ];
    assert_ne!(
        nonce_of(&personal[0]),
        nonce_of(&personal[1]),
        "a personal page is rendered, with a new nonce, each time"
    );
    let robots = app.get("/robots.txt").await;
    assert!(robots.headers["content-security-policy"].to_str().unwrap().ends_with("script-src 'self'"));
}
