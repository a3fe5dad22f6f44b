//! The embedded throttle: failures per key in this process. An embedded site is one process,
//! and a restart forgetting who failed is harmless (the limits are minutes long).

use app::ports::{Throttle, ThrottleError, ThrottlePolicy};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys kept before expired ones are swept out.
const SWEEP_AT: usize = 10_000;

struct Entry {
    failures: u32,
    blocked_until: Instant,
    forget_at: Instant,
}

#[derive(Default)]
pub struct MemoryThrottle {
    keys: Mutex<HashMap<String, Entry>>,
}

impl MemoryThrottle {
    pub fn new() -> MemoryThrottle {
        MemoryThrottle::default()
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl Throttle for MemoryThrottle {
    fn backend(&self) -> &'static str {
        "memory"
    }

    async fn wait(&self, key: &str) -> Result<Option<Duration>, ThrottleError> {
        let now = Instant::now();
        Ok(self
            .keys()
            .get(key)
            .filter(|e| e.forget_at > now)
            .map(|e| e.blocked_until.saturating_duration_since(now))
            .filter(|d| !d.is_zero()))
    }

    async fn fail(&self, key: &str, policy: &ThrottlePolicy) -> Result<Option<Duration>, ThrottleError> {
        let now = Instant::now();
        let mut keys = self.keys();
        if keys.len() >= SWEEP_AT {
            keys.retain(|_, e| e.forget_at > now);
        }
        let entry = keys.entry(key.to_string()).or_insert(Entry { failures: 0, blocked_until: now, forget_at: now });
        if entry.forget_at <= now {
            entry.failures = 0;
        }
        entry.failures += 1;
        let block = policy.block_after(entry.failures);
        if !block.is_zero() {
            entry.blocked_until = now + block;
        }
        entry.forget_at = now + policy.window.max(block);
        Ok((!block.is_zero()).then_some(block))
    }

    async fn clear(&self, key: &str) -> Result<(), ThrottleError> {
        self.keys().remove(key);
        Ok(())
    }

    async fn forgive(&self, key: &str) -> Result<(), ThrottleError> {
        if let Some(entry) = self.keys().get_mut(key) {
            entry.failures = entry.failures.saturating_sub(1);
        }
        Ok(())
    }
}
