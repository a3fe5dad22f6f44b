//! A throwaway redis-server on a loopback port, or a Redis Cluster of three, for tests of the
//! Redis adapters.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    pub port: u16,
    child: Option<Child>,
    /// `redis-server` flags beyond port and persistence (a cluster node's).
    flags: Vec<String>,
    /// A cluster's other primaries (this one is the first); empty for one server.
    others: Vec<RedisServer>,
    /// Where a cluster keeps its nodes' files.
    _dir: Option<tempfile::TempDir>,
}

fn installed() -> bool {
    Command::new("redis-server").arg("--version").stdout(Stdio::null()).status().is_ok()
}

/// Free loopback ports below the ephemeral range; a cluster node also needs port + 10000 (its bus).
fn free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}

impl RedisServer {
    /// Starts redis-server on a free port below the ephemeral range. None (with the reason
    /// printed) when redis-server is not installed; `make test` installs it.
    pub fn start() -> Option<RedisServer> {
        if !installed() {
            return super::skip("redis", "redis-server not installed (scripts/test-deps.sh installs it)");
        }
        for _ in 0..20 {
            let port = 20_000 + rand::random::<u16>() % 12_000;
            if !free(port) {
                continue;
            }
            let mut server = RedisServer { port, child: None, flags: Vec::new(), others: Vec::new(), _dir: None };
            if server.restart() {
                return Some(server);
            }
        }
        panic!("could not start redis-server on any of 20 ports");
    }

    /// Starts a Redis Cluster of three primaries (no replicas) with `redis-cli --cluster create`,
    /// and waits until every node says the cluster is ok. `url()` lists all three.
    pub fn start_cluster() -> Option<RedisServer> {
        if !installed() {
            return super::skip("redis", "redis-server not installed (scripts/test-deps.sh installs it)");
        }
        let dir = tempfile::TempDir::new().unwrap();
        for _ in 0..20 {
            let base = 12_000 + rand::random::<u16>() % 9_000;
            let ports = [base, base + 1, base + 2];
            if !ports.iter().all(|&p| free(p) && free(p + 10_000)) {
                continue;
            }
            let mut nodes = Vec::new();
            for port in ports {
                let config = dir.path().join(format!("nodes-{port}.conf"));
                let flags = ["--cluster-enabled", "yes", "--cluster-node-timeout", "2000", "--cluster-config-file"];
                let mut flags: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
                flags.push(config.to_str().unwrap().to_string());
                let mut node = RedisServer { port, child: None, flags, others: Vec::new(), _dir: None };
                if !node.restart() {
                    break;
                }
                nodes.push(node);
            }
            if nodes.len() < 3 {
                continue;
            }
            let addresses: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
            let created = Command::new("redis-cli")
                .arg("--cluster")
                .arg("create")
                .args(&addresses)
                .arg("--cluster-yes")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("redis-cli (installed with redis-server)");
            assert!(created.success(), "redis-cli --cluster create failed on {addresses:?}");
            let deadline = Instant::now() + Duration::from_secs(20);
            while !ports.iter().all(|&p| cluster_is_ok(p)) {
                assert!(Instant::now() < deadline, "the cluster on {addresses:?} never became ok");
                std::thread::sleep(Duration::from_millis(50));
            }
            let mut first = nodes.remove(0);
            first.others = nodes;
            first._dir = Some(dir);
            return Some(first);
        }
        panic!("could not find three free ports (and their bus ports) for a cluster");
    }

    pub fn url(&self) -> String {
        if self.others.is_empty() {
            return format!("redis://127.0.0.1:{}/0", self.port);
        }
        let nodes: Vec<String> = std::iter::once(self.port)
            .chain(self.others.iter().map(|o| o.port))
            .map(|p| format!("127.0.0.1:{p}"))
            .collect();
        format!("redis+cluster://{}", nodes.join(","))
    }

    /// (Re)starts the server on its port; true once it answers.
    pub fn restart(&mut self) -> bool {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(&self.flags)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.answers() {
                return true;
            }
            if let Some(Ok(Some(_))) = self.child.as_mut().map(|c| c.try_wait()) {
                return false; // exited: port taken
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    fn answers(&self) -> bool {
        use std::io::{Read, Write};
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else { return false };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
        let mut reply = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok() && stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
    }

    /// Stops this server (a cluster's first node: the others keep running).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn cluster_is_ok(port: u16) -> bool {
    Command::new("redis-cli")
        .args(["-p", &port.to_string(), "cluster", "info"])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("cluster_state:ok"))
}

fn redis_cli(port: u16, args: &[&str]) -> String {
    let out = Command::new("redis-cli").arg("-p").arg(port.to_string()).args(args).output().expect("redis-cli");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A primary, one replica of it and three sentinels watching them under `SERVICE` (quorum 2,
/// the primary deemed down after 500 ms), on loopback.
pub struct SentinelGroup {
    pub primary: RedisServer,
    pub replica: RedisServer,
    sentinels: Vec<(u16, Child)>,
    _dir: tempfile::TempDir,
}

impl SentinelGroup {
    pub const SERVICE: &str = "famigo";

    /// Starts them and waits until every sentinel knows the replica and the other two
    /// sentinels (only then can they agree on a failover).
    pub fn start() -> Option<SentinelGroup> {
        if !installed() {
            return super::skip("redis", "redis-server not installed (scripts/test-deps.sh installs it)");
        }
        let dir = tempfile::TempDir::new().unwrap();
        for _ in 0..20 {
            let base = 12_000 + rand::random::<u16>() % 9_000;
            let ports: Vec<u16> = (base..base + 5).collect();
            if !ports.iter().all(|&p| free(p)) {
                continue;
            }
            // A replica's full sync would write dump.rdb into the working directory.
            let files = ["--dir", dir.path().to_str().unwrap(), "--repl-diskless-load", "on-empty-db"];
            let files: Vec<String> = files.iter().map(|f| f.to_string()).collect();
            let mut primary =
                RedisServer { port: base, child: None, flags: files.clone(), others: Vec::new(), _dir: None };
            let flags = ["--replicaof", "127.0.0.1", &base.to_string(), "--repl-diskless-sync-delay", "0"];
            let flags = files.iter().cloned().chain(flags.iter().map(|f| f.to_string())).collect();
            let mut replica = RedisServer { port: base + 1, child: None, flags, others: Vec::new(), _dir: None };
            if !primary.restart() || !replica.restart() {
                continue;
            }
            let mut sentinels = Vec::new();
            for port in base + 2..base + 5 {
                let config = dir.path().join(format!("sentinel-{port}.conf"));
                let text = format!(
                    "port {port}\nbind 127.0.0.1\nsentinel monitor {service} 127.0.0.1 {base} 2\n\
                     sentinel down-after-milliseconds {service} 500\nsentinel failover-timeout {service} 2000\n",
                    service = Self::SERVICE
                );
                std::fs::write(&config, text).unwrap();
                let child = Command::new("redis-server")
                    .arg(&config)
                    .arg("--sentinel")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("spawn redis-server --sentinel");
                sentinels.push((port, child));
            }
            let group = SentinelGroup { primary, replica, sentinels, _dir: dir };
            let deadline = Instant::now() + Duration::from_secs(30);
            while !group.sentinels.iter().all(|&(port, _)| group.sentinel_sees_everyone(port)) {
                assert!(Instant::now() < deadline, "the sentinels never found the replica and each other");
                std::thread::sleep(Duration::from_millis(100));
            }
            return Some(group);
        }
        panic!("could not find five free ports for a primary, a replica and three sentinels");
    }

    fn sentinel_sees_everyone(&self, port: u16) -> bool {
        let fields = redis_cli(port, &["sentinel", "master", Self::SERVICE]);
        let fields: Vec<&str> = fields.lines().collect();
        let field = |name: &str| fields.iter().position(|f| *f == name).and_then(|i| fields.get(i + 1)).copied();
        let linked = redis_cli(self.replica.port, &["info", "replication"]).contains("master_link_status:up");
        linked && field("num-slaves") == Some("1") && field("num-other-sentinels") == Some("2")
    }

    pub fn url(&self) -> String {
        let sentinels: Vec<String> = self.sentinels.iter().map(|(port, _)| format!("127.0.0.1:{port}")).collect();
        format!("redis+sentinel://{}/{}", sentinels.join(","), Self::SERVICE)
    }

    /// The port of the server the sentinels name as primary now.
    pub fn primary_port(&self) -> Option<u16> {
        let reply = redis_cli(self.sentinels[0].0, &["sentinel", "get-master-addr-by-name", Self::SERVICE]);
        reply.lines().nth(1).and_then(|port| port.trim().parse().ok())
    }

    /// Kills the primary at once (SIGKILL: no shutdown, no last write to the replica).
    pub fn kill_primary(&mut self) {
        self.primary.stop();
    }
}

impl Drop for SentinelGroup {
    fn drop(&mut self) {
        for (_, child) in &mut self.sentinels {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
