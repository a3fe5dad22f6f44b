//! The `famigo` binary as an operator runs it: exit codes, configuration errors, seeding,
//! serving and a graceful stop on SIGTERM.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

#[test]
fn bad_configuration_is_one_line_and_exit_2() {
    let data = TempDir::new().unwrap();
    for (var, value) in [
        ("FAMIGO_ADDR", "localhost"),
        ("RUST_LOG", "info,[="),
        ("LEPTOS_RELOAD_PORT", "x"),
        ("MONGODB_URL", "localhost:27017"),
        ("SMTP_URL", "mail.example.org:25"),
        ("ALERT_EMAIL", "ops"),
        ("JOB_LEASE_SECONDS", "0"),
    ] {
        let out = common::famigo_command(&data, "info").env(var, value).arg("serve").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(var), "names {var}: {stderr}");
    }
}

#[test]
fn production_without_a_secret_or_origin_exits_2_naming_it() {
    let data = TempDir::new().unwrap();
    let complete = [
        ("FAMIGO_PROFILE", "production"),
        ("ADMIN_TOKEN", "q8Vn2kLm5Rt7Wx1Zc4Hb"),
        ("SECRET_KEY", "Jf3kd9QpL2mZx8Vb7Nc1Rt5Wy6Hs4Ga0Ue"),
        ("CANONICAL_URL", "https://famigo.example"),
    ];
    for missing in ["ADMIN_TOKEN", "SECRET_KEY", "CANONICAL_URL"] {
        let mut cmd = common::famigo_command(&data, "info");
        cmd.env_remove("ADMIN_TOKEN").env_remove("SECRET_KEY").env_remove("CANONICAL_URL");
        for (var, value) in complete.iter().filter(|(var, _)| *var != missing) {
            cmd.env(var, value);
        }
        let out = cmd.arg("serve").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{missing}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(missing) && stderr.contains("production"), "names {missing}: {stderr}");
    }
    assert!(!data.path().join("admin-token").exists() && !data.path().join("secret-key").exists(), "nothing made up");
}

#[test]
fn malformed_dotenv_is_a_configuration_error() {
    let data = TempDir::new().unwrap();
    let cwd = TempDir::new().unwrap();
    std::fs::write(cwd.path().join(".env"), "FAMIGO_ADDR='unterminated\n").unwrap();
    let out = common::famigo_command(&data, "info").current_dir(cwd.path()).arg("serve").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".env"));
}

#[test]
fn bad_arguments_exit_2() {
    let data = TempDir::new().unwrap();
    for args in [&["seed", "--apps", "0"][..], &["seed", "--apps", "many"], &["frobnicate"]] {
        let out = common::famigo_command(&data, "info").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[tokio::test]
async fn seed_if_empty_seeds_once() {
    use app::ports::Catalog;
    let data = TempDir::new().unwrap();
    let ok = common::famigo_command(&data, "info").args(["seed", "--apps", "120", "--if-empty"]).status().unwrap();
    assert!(ok.success());
    let again = common::famigo_command(&data, "info")
        .args(["seed", "--apps", "50", "--seed", "9", "--if-empty"])
        .status()
        .unwrap();
    assert!(again.success());
    let store = famigo::sqlite::Sqlite::open(data.path()).await.unwrap().catalog();
    assert_eq!(store.count().await.unwrap(), 120, "the second run must not add apps");
}

#[tokio::test]
async fn outbox_lists_the_newest_mail() {
    use app::ports::Outbox;
    let data = TempDir::new().unwrap();
    let outbox = famigo::sqlite::outbox::SqliteOutbox::open(data.path()).await.unwrap();
    for (key, subject) in [("a", "Older alert"), ("b", "Newest alert")] {
        let mail = app::domain::NewMail {
            key: key.into(),
            to: "ops@famigo.test".into(),
            subject: subject.into(),
            body: "…".into(),
        };
        outbox.put(&mail).await.unwrap();
    }
    let out = common::famigo_command(&data, "info").args(["outbox", "--limit", "5"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].contains("outbox (sqlite, kept here: SMTP_URL is not set): 2 newest"), "{stdout}");
    assert!(
        lines[1].contains("pending") && lines[1].contains("ops@famigo.test") && lines[1].ends_with("Newest alert"),
        "{stdout}"
    );
    assert!(lines[2].ends_with("Older alert"), "{stdout}");
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serves_then_stops_cleanly_on_sigterm() {
    let data = TempDir::new().unwrap();
    let mut child = common::famigo_command(&data, "info")
        .env("FAMIGO_ADDR", "127.0.0.1:0")
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("server exited before listening").unwrap();
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.trim().to_string();
        }
    };
    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.to_lowercase().contains("x-request-id:"), "{health}");

    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "server did not stop within 10 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
}

#[tokio::test]
async fn createadmin_makes_or_promotes_an_administrator() {
    use app::ports::Accounts;
    let data = TempDir::new().unwrap();
    let run = |args: &[&str], stdin: &str| {
        let mut child = common::famigo_command(&data, "info")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let bad_email = run(&["createadmin", "--email", "not-an-email"], "");
    assert_eq!(bad_email.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad_email.stderr));
    let short = run(&["createadmin", "--email", "ops@famigo.test"], "short\n");
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));

    let made = run(&["createadmin", "--email", "Ops@Famigo.test", "--name", "Ops"], "a long admin password\n");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(!String::from_utf8_lossy(&made.stdout).contains("a long admin password"), "a given password is not echoed");
    let store = famigo::sqlite::Sqlite::open(data.path()).await.unwrap();
    let accounts = store.accounts();
    let ops = accounts.user_by_email("ops@famigo.test").await.unwrap().expect("created");
    assert_eq!((ops.user.role, ops.user.display_name.as_str()), (app::domain::Role::Admin, "Ops"));
    let hash = ops.password_hash.clone();

    let parent = accounts
        .create_user(&app::ports::NewUser {
            email: "dad@famigo.test".into(),
            display_name: "Dad".into(),
            password_hash: hash.clone(),
            role: app::domain::Role::Parent,
        })
        .await
        .unwrap();
    let promoted = run(&["createadmin", "--email", "dad@famigo.test"], "");
    assert!(promoted.status.success(), "{}", String::from_utf8_lossy(&promoted.stderr));
    let dad = accounts.user(&parent.id).await.unwrap().unwrap();
    assert_eq!(dad.user.role, app::domain::Role::Admin);
    assert_eq!(dad.password_hash, hash, "promotion keeps the password");
}
