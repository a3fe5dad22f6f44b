//! A MongoDB for the tests of the MongoDB adapter: the real one when `MONGODB_URL` is set,
//! otherwise nx-27017 (a MongoDB wire-protocol server from PyPI, backed by SQLite files in a
//! temp dir) started on a loopback port. Each test gets its own database, dropped when it ends.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct MongoServer {
    pub url: String,
    pub database: String,
    /// "mongodb" for a configured server, "nx-27017" for the stand-in.
    pub kind: &'static str,
    child: Option<Child>,
    nx: Option<(PathBuf, u16, tempfile::TempDir)>,
}

/// Where `scripts/test-deps.sh` installs nx-27017 (or `NX_27017`, a path to its executable).
fn nx_executable() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("NX_27017") {
        return Some(PathBuf::from(path));
    }
    super::cached_tool("nx-27017/bin/nx-27017")
}

impl MongoServer {
    /// None (with the reason printed) when neither `MONGODB_URL` nor nx-27017 is there.
    pub fn start() -> Option<MongoServer> {
        let database = format!("famigo_test_{}", ulid::Ulid::new().to_string().to_lowercase());
        if let Ok(url) = std::env::var("MONGODB_URL") {
            if !url.trim().is_empty() {
                return Some(MongoServer { url, database, kind: "mongodb", child: None, nx: None });
            }
        }
        let Some(nx) = nx_executable() else {
            return super::skip(
                "mongodb",
                "MONGODB_URL not set and nx-27017 not installed (scripts/test-deps.sh installs it)",
            );
        };
        let mut dir = tempfile::TempDir::new().expect("temp dir");
        for _ in 0..20 {
            let port = 20_000 + rand::random::<u16>() % 12_000;
            if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
                continue;
            }
            let url = format!("mongodb://127.0.0.1:{port}/");
            let mut server = MongoServer {
                url,
                database: database.clone(),
                kind: "nx-27017",
                child: None,
                nx: Some((nx.clone(), port, dir)),
            };
            if server.restart() {
                return Some(server);
            }
            dir = server.nx.take().expect("nx").2;
        }
        panic!("could not start nx-27017 on any of 20 ports");
    }

    /// Whether the tests may stop and restart this server (nx-27017 only: a configured MongoDB
    /// is not ours to stop).
    pub fn can_restart(&self) -> bool {
        self.nx.is_some()
    }

    /// (Re)starts nx-27017 on its port, keeping its data (files in its temp dir); true once it
    /// accepts connections.
    pub fn restart(&mut self) -> bool {
        let Some((nx, port, dir)) = &self.nx else { return false };
        let mut child = Command::new(nx)
            .args(["--host", "127.0.0.1", "-p", &port.to_string()])
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .arg("--log-file")
            .arg(dir.path().join("nx.log"))
            .arg("--pid-file")
            .arg(dir.path().join("nx.pid"))
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn nx-27017");
        if wait_until_listening(&mut child, *port) {
            self.child = Some(child);
            true
        } else {
            let _ = child.kill();
            let _ = child.wait();
            false
        }
    }

    /// Stops the server (nx-27017 only: a configured MongoDB is not ours to stop).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn drop_database(&self) {
        let (url, database) = (self.url.clone(), self.database.clone());
        // Drop runs inside a test's runtime; a thread with its own runtime may block on I/O.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let client = mongodb::Client::with_uri_str(&url).await.ok()?;
                client.database(&database).drop().await.ok()
            })
        })
        .join();
    }
}

/// True once `port` accepts connections; false if the server exited first (port taken).
fn wait_until_listening(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

impl Drop for MongoServer {
    fn drop(&mut self) {
        if self.kind == "mongodb" {
            self.drop_database();
        }
        self.stop();
    }
}
