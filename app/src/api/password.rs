//! Password hashing: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), on
//! blocking threads, a few at once (`set_concurrency`; half the cores by default), so a storm
//! of sign-ins queues up here instead of taking every core from page rendering.

use crate::ports::PasswordHash;
use argon2::password_hash::{PasswordHash as Phc, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{LazyLock, OnceLock};
use tokio::sync::Semaphore;

pub const MEMORY_KIB: u32 = 19 * 1024;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;

static HASHING: OnceLock<Semaphore> = OnceLock::new();

/// How many hashes may be computed at once in this process; call before the first hash
/// (later calls change nothing).
pub fn set_concurrency(hashers: usize) {
    let _ = HASHING.set(Semaphore::new(hashers.max(1)));
}

fn hashing() -> &'static Semaphore {
    HASHING.get_or_init(|| Semaphore::new((std::thread::available_parallelism().map_or(1, |n| n.get()) / 2).max(1)))
}

/// A hash of a password nobody has, verified when the email is unknown so that a sign-in
/// takes as long whether or not the account exists.
static DECOY: LazyLock<String> = LazyLock::new(|| hash_now("no account has this password").unwrap_or_default());

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> Result<String, String> {
    let salt: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

fn verify_now(password: &str, hash: &str) -> bool {
    Phc::new(hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

async fn on_hashing_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    let _permit = hashing().acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(work).await.map_err(|e| e.to_string())
}

pub async fn hash(password: String) -> Result<PasswordHash, String> {
    on_hashing_thread(move || hash_now(&password)).await?.map(PasswordHash)
}

/// Whether `password` matches `hash`; with no hash (unknown account), checks a decoy and
/// answers false, taking the same time.
pub async fn verify(password: String, hash: Option<PasswordHash>) -> Result<bool, String> {
    on_hashing_thread(move || match hash {
        Some(hash) => verify_now(&password, &hash.0),
        None => {
            verify_now(&password, &DECOY);
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hashes_verify_and_are_salted() {
        let a = super::hash("correct horse battery".into()).await.unwrap();
        let b = super::hash("correct horse battery".into()).await.unwrap();
        assert!(a.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", a.0);
        assert_ne!(a, b, "same password, same hash: no salt");
        assert!(super::verify("correct horse battery".into(), Some(a.clone())).await.unwrap());
        assert!(!super::verify("correct horse batterY".into(), Some(a)).await.unwrap());
        assert!(!super::verify("anything".into(), None).await.unwrap());
    }
}
