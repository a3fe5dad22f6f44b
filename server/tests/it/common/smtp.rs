//! A throwaway SMTP server for the mail tests: aiosmtpd (PyPI, installed by
//! `scripts/test-deps.sh`) on a loopback port, storing every message it accepts in a Maildir.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpServer {
    pub port: u16,
    python: PathBuf,
    maildir: tempfile::TempDir,
    child: Option<Child>,
}

impl SmtpServer {
    /// None (with the reason printed) when aiosmtpd is not installed.
    pub fn start() -> Option<SmtpServer> {
        let Some(python) = super::cached_tool("aiosmtpd/bin/python") else {
            return super::skip("smtp", "aiosmtpd not installed (scripts/test-deps.sh installs it)");
        };
        let maildir = tempfile::TempDir::new().expect("temp dir");
        let mut server = SmtpServer { port: 0, python, maildir, child: None };
        for _ in 0..20 {
            server.port = 20_000 + rand::random::<u16>() % 12_000;
            if std::net::TcpListener::bind(("127.0.0.1", server.port)).is_ok() && server.restart() {
                return Some(server);
            }
        }
        panic!("could not start aiosmtpd on any of 20 ports");
    }

    /// `SMTP_URL` for it (plain SMTP on loopback).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// (Re)starts the server on its port; true once it accepts connections.
    pub fn restart(&mut self) -> bool {
        let child = Command::new(&self.python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(self.maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn aiosmtpd");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return true;
            }
            if let Some(Ok(Some(_))) = self.child.as_mut().map(|c| c.try_wait()) {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every message received so far, as raw text, oldest first.
    pub fn messages(&self) -> Vec<String> {
        let dir = self.maildir.path().join("mail/new");
        let mut files: Vec<_> =
            std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect()
    }

    /// Waits up to `limit` for at least `count` messages.
    pub fn wait_for(&self, count: usize, limit: Duration) -> Vec<String> {
        let deadline = Instant::now() + limit;
        loop {
            let messages = self.messages();
            if messages.len() >= count || Instant::now() > deadline {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
