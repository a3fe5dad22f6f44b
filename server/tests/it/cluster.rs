//! The cluster on loopback, as deployed: redis-server, two `famigo serve` nodes sharing one
//! catalog (SQLite in WAL mode) and Redis, one `famigo worker`, and Debian's nginx with the
//! shipped `deploy/nginx/famigo.conf.template`. Bounded in time; every process is stopped on
//! drop. Needs `nginx` and `redis-server` (installed by `scripts/test-deps.sh`).

use crate::common;

use common::redis::RedisServer;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const ADMIN_TOKEN: &str = "cluster-admin-token-0123456789";

/// A process killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    /// SIGTERM first (nginx's master then stops its workers), SIGKILL after 3 s.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).stderr(Stdio::null()).status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    for _ in 0..50 {
        let port = 20_000 + rand::random::<u16>() % 12_000;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port below 32768");
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    /// The slug of every app card on the page, in order.
    fn card_slugs(&self) -> Vec<String> {
        self.body.split("data-card=\"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_string).collect()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    }
}

fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut text = format!(
        "{method} {path} HTTP/1.1\r\nHost: famigo.test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    stream.write_all(text.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    // Chunk sizes count bytes, and a chunk may end inside a character: decode after joining.
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw.get(split + 4..).unwrap_or_default();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body =
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_vec() };
    Ok(Reply { status, head, body: String::from_utf8_lossy(&body).into_owned() })
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") {
        let Ok(size) = usize::from_str_radix(String::from_utf8_lossy(&rest[..line_end]).trim(), 16) else { break };
        let after = &rest[line_end + 2..];
        if size == 0 || after.len() < size {
            break;
        }
        body.extend_from_slice(&after[..size]);
        rest = after[size..].strip_prefix(b"\r\n").unwrap_or(&after[size..]);
    }
    body
}

fn get(port: u16, path: &str) -> Reply {
    request(port, "GET", path, &[], "").unwrap_or_else(|e| panic!("GET {path} on {port}: {e}"))
}

fn wait_until(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn node_command(data: &Path, site: &Path, redis: &str, node: &str) -> Command {
    let mut cmd = common::famigo_command(data, "warn");
    cmd.env("LEPTOS_SITE_ROOT", site)
        .env("REDIS_URL", redis)
        .env("REDIS_PREFIX", "cluster")
        .env("FAMIGO_NODE", node)
        .env("FAMIGO_WORKER", "off")
        .env("ADMIN_TOKEN", ADMIN_TOKEN)
        .env("SCHEDULE_WARM_CACHE", "off")
        .env("SHUTDOWN_DRAIN_SECONDS", "0")
        .stdout(Stdio::null());
    cmd
}

/// The shipped template with this run's ports and paths, inside a minimal nginx.conf.
fn nginx_config(dir: &Path, listen: u16, nodes: [u16; 2], site: &Path) -> std::path::PathBuf {
    let template = include_str!("../../../deploy/nginx/famigo.conf.template");
    let server = template
        .replace("${FAMIGO_NODE_A}", &format!("127.0.0.1:{}", nodes[0]))
        .replace("${FAMIGO_NODE_B}", &format!("127.0.0.1:{}", nodes[1]))
        .replace("${NGINX_LISTEN}", &format!("127.0.0.1:{listen}"))
        .replace("${FAMIGO_SITE_ROOT}", &site.display().to_string())
        .replace("${NGINX_CACHE_DIR}", &dir.join("media-cache").display().to_string());
    assert!(!server.contains("${"), "every placeholder is filled");
    std::fs::write(dir.join("famigo.conf"), server).unwrap();
    // Workers run as the test's user (when that is root, nginx would otherwise switch them to
    // nobody, who cannot read the temporary directory); as another user the line is ignored.
    let main = format!(
        "user root;\ndaemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n  access_log off;\n  types {{ text/html html; application/javascript js; application/wasm wasm; text/css css; image/svg+xml svg; }}\n\
           client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
           include {d}/famigo.conf;\n}}\n",
        d = dir.display()
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, main).unwrap();
    path
}

/// The running cluster; every process stops when it is dropped.
struct Cluster {
    dir: TempDir,
    redis: RedisServer,
    ports: [u16; 2],
    listen: u16,
    nodes: Vec<Option<Running>>,
    webhook: Option<u16>,
    _worker: Running,
    _nginx: Running,
}

impl Cluster {
    /// None (with the reason printed) when nginx or redis-server is missing. With `webhook`,
    /// the nodes' watchdogs check every second and send their alerts there.
    fn start(webhook: Option<u16>) -> Option<Cluster> {
        let Some(nginx) = ["/usr/sbin/nginx", "/usr/bin/nginx"].into_iter().find(|p| Path::new(p).exists()) else {
            return common::skip("nginx", "nginx is not installed (scripts/test-deps.sh nginx installs it)");
        };
        let redis = RedisServer::start()?;
        let dir = TempDir::new().unwrap();
        let (data, site) = (dir.path().join("data"), dir.path().join("site"));
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        // A stand-in bundle: nginx serves /pkg itself, with the precompressed twin.
        let bundle = "console.log('famigo');\n".repeat(50);
        std::fs::write(site.join("pkg/famigo.js"), &bundle).unwrap();
        let mut gz = Vec::new();
        Command::new("gzip")
            .arg("-c")
            .arg(site.join("pkg/famigo.js"))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap()
            .stdout
            .unwrap()
            .read_to_end(&mut gz)
            .unwrap();
        std::fs::write(site.join("pkg/famigo.js.gz"), &gz).unwrap();

        let seeded = node_command(&data, &site, &redis.url(), "seed").args(["seed", "--apps", "200"]).status().unwrap();
        assert!(seeded.success());
        let ports = [free_port(), free_port()];
        let worker = Running(node_command(&data, &site, &redis.url(), "worker").arg("worker").spawn().unwrap());
        let listen = free_port();
        let conf = nginx_config(dir.path(), listen, ports, &site);
        let nginx = Running(
            Command::new(nginx)
                .args(["-c", conf.to_str().unwrap(), "-p", dir.path().to_str().unwrap()])
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let mut cluster =
            Cluster { dir, redis, ports, listen, nodes: vec![None, None], webhook, _worker: worker, _nginx: nginx };
        cluster.start_node(0);
        cluster.start_node(1);
        wait_until("nginx up", Duration::from_secs(15), || {
            request(listen, "GET", "/healthz", &[], "").is_ok_and(|r| r.status == 200)
        });
        eprintln!("cluster: nginx on {listen}, nodes on {ports:?}");
        Some(cluster)
    }

    /// Starts node `i` (`node-a`, `node-b`) on its port and waits until it is ready.
    fn start_node(&mut self, i: usize) {
        let (data, site) = (self.dir.path().join("data"), self.dir.path().join("site"));
        let (name, port) = (["node-a", "node-b"][i], self.ports[i]);
        let mut node = node_command(&data, &site, &self.redis.url(), name);
        if let Some(webhook) = self.webhook {
            node.env("ALERT_WEBHOOK_URL", format!("http://127.0.0.1:{webhook}/alerts")).env("WATCHDOG_SECONDS", "1");
        }
        let child = node.env("FAMIGO_ADDR", format!("127.0.0.1:{port}")).arg("serve").spawn().unwrap();
        self.nodes[i] = Some(Running(child));
        wait_until("node ready", Duration::from_secs(30), || {
            request(port, "GET", "/readyz", &[], "").is_ok_and(|r| r.status == 200)
        });
    }

    /// SIGKILL, as a crash or an OOM kill would.
    fn kill_node(&mut self, i: usize) {
        if let Some(mut node) = self.nodes[i].take() {
            let _ = node.0.kill();
            let _ = node.0.wait();
        }
    }
}

/// Requests through nginx from `connections` threads for `length`; at each `(after, action)`
/// the action runs. Returns every request's (time since start, status; 0 = no answer).
fn under_load(
    listen: u16,
    connections: usize,
    length: Duration,
    mut actions: Vec<(Duration, Box<dyn FnOnce() + '_>)>,
) -> Vec<(Duration, u16)> {
    let paths: Vec<String> = ["/", "/apps", "/apps?age=5-7", "/apps?sort=new&page=2", "/search?q=math"]
        .into_iter()
        .map(str::to_string)
        .chain(famigo::catalog::seed::generate(200, 1).map(|app| format!("/apps/{}", app.slug)))
        .collect();
    let started = Instant::now();
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..connections)
            .map(|t| {
                let (paths, stop) = (&paths, &stop);
                scope.spawn(move || {
                    let mut seen = Vec::new();
                    let mut i = t * 7;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let status = request(listen, "GET", &paths[i % paths.len()], &[], "").map_or(0, |r| r.status);
                        seen.push((started.elapsed(), status));
                        i += 1;
                    }
                    seen
                })
            })
            .collect();
        actions.sort_by_key(|(at, _)| *at);
        for (at, action) in actions {
            std::thread::sleep(at.saturating_sub(started.elapsed()));
            action();
        }
        std::thread::sleep(length.saturating_sub(started.elapsed()));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    })
}

#[test]
fn two_nodes_behind_nginx_share_the_work() {
    let Some(cluster) = Cluster::start(None) else { return };
    let (dir, ports, listen) = (&cluster.dir, cluster.ports, cluster.listen);

    // 1. Requests are spread over both nodes.
    let mut served_by = std::collections::BTreeMap::<String, u32>::new();
    for page in 1..=40 {
        let reply = get(listen, &format!("/apps?page={}", page % 8 + 1));
        assert_eq!(reply.status, 200);
        *served_by.entry(reply.header("x-famigo-node").expect("x-famigo-node")).or_default() += 1;
    }
    println!("requests per node: {served_by:?}");
    assert_eq!(served_by.len(), 2, "both nodes served: {served_by:?}");
    assert!(served_by.values().all(|&n| n >= 8), "least_conn spreads sequential requests: {served_by:?}");

    // Static files come from nginx, precompressed, cacheable forever.
    let js = request(listen, "GET", "/pkg/famigo.js", &[("Accept-Encoding", "gzip")], "").unwrap();
    assert_eq!(js.status, 200);
    assert_eq!(js.header("content-encoding").as_deref(), Some("gzip"));
    assert_eq!(js.header("x-served-by").as_deref(), Some("nginx"));
    assert!(js.header("cache-control").is_some_and(|c| c.contains("immutable")));
    assert!(js.header("x-famigo-node").is_none(), "no node was asked");

    // What the operators' tools read stays inside: nginx does not pass it on, the nodes answer it.
    for path in ["/metrics", "/readyz"] {
        assert_eq!(get(listen, path).status, 404, "{path} through nginx");
        assert_eq!(get(ports[0], path).status, 200, "{path} on the node itself");
    }
    assert_eq!(get(listen, "/healthz").status, 200, "liveness stays public (it says only \"ok\")");

    // App images are asked of a node once, then kept by nginx under their immutable names.
    let home = get(listen, "/");
    let image = home.body.split("/media/").nth(1).and_then(|rest| rest.split('"').next()).expect("an image on /");
    let image = format!("/media/{image}");
    let first = get(listen, &image);
    assert_eq!((first.status, first.header("x-cache-status").as_deref()), (200, Some("MISS")), "{image}");
    assert!(first.header("x-famigo-node").is_some(), "a node drew it");
    let again = get(listen, &image);
    assert_eq!((again.status, again.header("x-cache-status").as_deref()), (200, Some("HIT")), "{image} again");
    assert_eq!(again.body, first.body);
    assert!(again.header("cache-control").is_some_and(|c| c.contains("immutable")));

    // 3. A job enqueued through node A runs once, on the worker.
    let signed_in = request(
        ports[0],
        "POST",
        app_path::ADMIN_SIGN_IN,
        &[("Content-Type", "application/x-www-form-urlencoded"), ("Origin", "http://famigo.test")],
        &format!("token={ADMIN_TOKEN}"),
    )
    .unwrap();
    assert!(signed_in.status < 400, "{} {}", signed_in.status, signed_in.body);
    let cookie = signed_in.header("set-cookie").expect("session cookie");
    let cookie = cookie.split(';').next().unwrap().to_string();
    let marker = dir.path().join("ran.txt");
    let args = format!(r#"{{"marker":"{}","steps":3,"step_ms":50}}"#, marker.display());
    let form: String =
        form_urlencoded::Serializer::new(String::new()).append_pair("kind", "noop").append_pair("args", &args).finish();
    let enqueued = request(
        ports[0],
        "POST",
        app_path::ENQUEUE_JOB,
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "http://famigo.test"),
            ("Cookie", &cookie),
            ("Accept", "application/json"),
        ],
        &form,
    )
    .unwrap();
    assert!(enqueued.status < 400, "{} {}", enqueued.status, enqueued.body);
    wait_until("the job ran", Duration::from_secs(20), || {
        std::fs::read_to_string(&marker).is_ok_and(|t| !t.is_empty())
    });
    std::thread::sleep(Duration::from_millis(1500));
    let runs = std::fs::read_to_string(&marker).unwrap().lines().count();
    assert_eq!(runs, 1, "the job ran exactly once");

    // 2. An edit made through node A (an import it queues; the worker writes) shows through
    // node B as soon as the job is done: B's cached page is dropped and its browse index
    // follows the write.
    let first_on_b = |path: &str| get(ports[1], path).card_slugs().first().cloned();
    let before = first_on_b("/apps?sort=name").expect("cards on node B");
    let mut edited = famigo::catalog::seed::generate(200, 1).last().expect("seeded app");
    edited.name = "Aaa Renamed Through Node A".into();
    assert_ne!(before, edited.slug);
    let uploads = dir.path().join("data").join("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    let import = uploads.join("edit.jsonl");
    std::fs::write(&import, serde_json::to_string(&edited).unwrap() + "\n").unwrap();
    let args = format!(r#"{{"path":"{}"}}"#, import.display());
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("kind", "import_catalog")
        .append_pair("args", &args)
        .finish();
    let admin = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Origin", "http://famigo.test"),
        ("Cookie", cookie.as_str()),
        ("Accept", "application/json"),
    ];
    let enqueued = request(ports[0], "POST", app_path::ENQUEUE_JOB, &admin, &form).unwrap();
    assert!(enqueued.status < 400, "{} {}", enqueued.status, enqueued.body);
    let id = serde_json::from_str::<serde_json::Value>(&enqueued.body).unwrap()["id"].as_str().unwrap().to_string();
    let status_body = serde_json::json!({ "id": id }).to_string();
    let json_admin = [
        ("Content-Type", "application/json"),
        ("Origin", "http://famigo.test"),
        ("Cookie", cookie.as_str()),
        ("Accept", "application/json"),
    ];
    wait_until("the import is done", Duration::from_secs(20), || {
        request(ports[0], "POST", app_path::JOB_STATUS, &json_admin, &status_body)
            .is_ok_and(|r| r.body.contains("\"state\":\"done\""))
    });
    assert_eq!(
        first_on_b("/apps?sort=name").as_deref(),
        Some(edited.slug.as_str()),
        "node B's listing right after the job"
    );
    assert!(
        get(ports[1], &format!("/apps/{}", edited.slug)).body.contains("Aaa Renamed Through Node A"),
        "node B's app page"
    );
    assert_eq!(
        first_on_b("/apps?sort=name").as_deref(),
        get(ports[0], "/apps?sort=name").card_slugs().first().map(String::as_str)
    );

    println!("| check | result |\n|---|---|\n| requests spread | {served_by:?} |\n| static from nginx | gzip, immutable |\n| job via node A | ran {runs}× |\n| edit via A seen on B | at once |");
}

/// A webhook receiver on a loopback port: every POST body (JSON) is kept, and answered 200.
fn alert_receiver() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = std::io::BufReader::new(stream);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if std::io::BufRead::read_line(&mut reader, &mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_ok() {
                if let Ok(alert) = serde_json::from_slice(&body) {
                    keep.lock().unwrap().push(alert);
                }
            }
            let _ = reader.into_inner().write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (port, received)
}

/// Failed requests (no answer or a status of 500 and above) among those started in `window`.
fn failures(seen: &[(Duration, u16)], window: std::ops::Range<Duration>) -> (usize, usize) {
    let inside: Vec<u16> = seen.iter().filter(|(at, _)| window.contains(at)).map(|(_, s)| *s).collect();
    (inside.iter().filter(|&&s| s == 0 || s >= 500).count(), inside.len())
}

#[test]
fn the_cluster_keeps_answering_when_a_node_dies_and_when_redis_dies() {
    let (webhook, alerts) = alert_receiver();
    let Some(mut cluster) = Cluster::start(Some(webhook)) else { return };
    let listen = cluster.listen;
    let status_port = free_port();
    let node_urls = cluster.ports.map(|p| format!("http://127.0.0.1:{p}")).join(",");
    // The monitor also mails its alerts: into the cluster's outbox (Redis), delivered by its own
    // delivery loop to an SMTP server.
    let smtp = common::smtp::SmtpServer::start();
    let mut monitor = node_command(
        &cluster.dir.path().join("data"),
        &cluster.dir.path().join("site"),
        &cluster.redis.url(),
        "monitor",
    );
    if let Some(smtp) = &smtp {
        monitor.env("ALERT_EMAIL", "ops@famigo.test").env("SMTP_URL", smtp.url());
    }
    let _monitor = Running(
        monitor
            .env("ALERT_WEBHOOK_URL", format!("http://127.0.0.1:{webhook}/alerts"))
            .args([
                "monitor",
                "--nodes",
                &node_urls,
                "--every",
                "1",
                "--down-after",
                "2",
                "--listen",
                &format!("127.0.0.1:{status_port}"),
            ])
            .spawn()
            .unwrap(),
    );
    wait_until("monitor up", Duration::from_secs(10), || {
        request(status_port, "GET", "/status.json", &[], "").is_ok_and(|r| r.body.contains("\"up\""))
    });

    // 4. Node A is killed under load (32 connections, 20 s): nginx passes its requests to B.
    let kill_at = Duration::from_secs(4);
    let seen = under_load(listen, 32, Duration::from_secs(20), vec![(kill_at, Box::new(|| cluster.kill_node(0)))]);
    // nginx marks a node down after max_fails=2 failed attempts; allow it one second.
    let marked_down = kill_at + Duration::from_secs(1);
    let (failed_before, total_before) = failures(&seen, Duration::ZERO..marked_down);
    let (failed_after, total_after) = failures(&seen, marked_down..Duration::from_secs(3600));
    println!("| node A killed at {kill_at:?} | requests | failed |\n|---|---:|---:|\n| before it was marked down | {total_before} | {failed_before} |\n| after | {total_after} | {failed_after} |");
    assert!(total_after > 100, "the load kept going: {total_after} requests");
    assert_eq!(failed_after, 0, "no failure once nginx marked node A down");
    assert!((failed_before as f64) < 0.005 * total_before as f64, "{failed_before} of {total_before} failed before");

    // 5. The monitor saw node A go down (one alert), and come back (one recovery).
    // (The monitor's alerts; the nodes' watchdogs send theirs, which name a dependency, too.)
    let received = |alerts: &std::sync::Mutex<Vec<serde_json::Value>>| -> Vec<(String, String)> {
        alerts
            .lock()
            .unwrap()
            .iter()
            .filter(|a| a.get("dependency").is_none())
            .map(|a| (a["name"].as_str().unwrap_or("?").to_string(), a["state"].as_str().unwrap_or("?").to_string()))
            .collect()
    };
    wait_until("the down alert", Duration::from_secs(10), || !received(&alerts).is_empty());
    cluster.start_node(0);
    wait_until("the recovery alert", Duration::from_secs(10), || received(&alerts).len() >= 2);
    std::thread::sleep(Duration::from_secs(2)); // no further alert may follow
    let status = get(status_port, "/status");
    let alerts_seen = received(&alerts);
    println!("| monitor | alerts |\n|---|---|\n| node A killed, then restarted | {alerts_seen:?} |");
    assert_eq!(alerts_seen, vec![("node-a".to_string(), "down".to_string()), ("node-a".to_string(), "up".to_string())]);
    assert!(
        status.status == 200
            && status.body.contains("node-a")
            && status.body.contains("node-b")
            && status.body.contains("<svg"),
        "{}",
        status.body
    );
    if let Some(smtp) = &smtp {
        let mails = smtp.wait_for(2, Duration::from_secs(10));
        let subjects: Vec<&str> = mails.iter().filter_map(|m| m.lines().find(|l| l.starts_with("Subject: "))).collect();
        println!("| monitor | alert mails |\n|---|---|\n| delivered over SMTP | {subjects:?} |");
        assert_eq!(subjects.len(), 2, "{subjects:?}");
        assert!(subjects[0].contains("node-a") && subjects[0].contains("is Down"), "{subjects:?}");
        assert!(subjects[1].contains("node-a") && subjects[1].contains("is Up"), "{subjects:?}");
        assert!(mails.iter().all(|m| m.contains("X-RcptTo: ops@famigo.test")));
    }

    // 6. Redis is killed under load: pages are served uncached, listings from the store; no 5xx.
    let redis_dies = Duration::from_secs(3);
    let seen = under_load(listen, 32, Duration::from_secs(10), vec![(redis_dies, Box::new(|| cluster.redis.stop()))]);
    let (failed, total) = failures(&seen, Duration::ZERO..Duration::from_secs(3600));
    let (failed_without, total_without) = failures(&seen, redis_dies..Duration::from_secs(3600));
    println!("| Redis killed at {redis_dies:?} | requests | 5xx or no answer |\n|---|---:|---:|\n| whole run | {total} | {failed} |\n| without Redis | {total_without} | {failed_without} |");
    assert!(total_without > 50, "the load kept going: {total_without} requests");
    assert_eq!(failed, 0, "no response ≥ 500 while Redis died");

    // Each node's watchdog raised one alert for its page cache going down (not one per check).
    let page_cache_down = |node: &str| {
        alerts
            .lock()
            .unwrap()
            .iter()
            .filter(|a| a["node"] == node && a["dependency"] == "page_cache" && a["state"] == "down")
            .count()
    };
    wait_until("the watchdogs' alerts", Duration::from_secs(10), || {
        page_cache_down("node-a") > 0 && page_cache_down("node-b") > 0
    });
    std::thread::sleep(Duration::from_secs(2));
    println!(
        "| watchdog | page cache down alerts |\n|---|---:|\n| node-a | {} |\n| node-b | {} |",
        page_cache_down("node-a"),
        page_cache_down("node-b")
    );
    assert_eq!((page_cache_down("node-a"), page_cache_down("node-b")), (1, 1));
}

mod app_path {
    use leptos::server_fn::ServerFn;
    pub const ADMIN_SIGN_IN: &str = <app::api::admin::AdminSignIn as ServerFn>::PATH;
    pub const ENQUEUE_JOB: &str = <app::api::jobs::EnqueueJob as ServerFn>::PATH;
    pub const JOB_STATUS: &str = <app::api::jobs::JobStatus as ServerFn>::PATH;
}
