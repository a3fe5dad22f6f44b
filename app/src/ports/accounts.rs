//! The ports of parents' accounts: the store of users (with their children and favorites),
//! and the throttle that slows down password guessing.

use super::backend_error::{from_backend_error, BackendError};
use crate::domain::{Kid, NewKid, Role, User};
use async_trait::async_trait;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Another account already has this email (emails are compared normalized).
    #[error("an account with this email already exists")]
    EmailTaken,
    /// The account already has `MAX_KIDS` children.
    #[error("an account has at most {0} children")]
    TooManyKids(usize),
    #[error("account store unavailable: {0}")]
    Unavailable(#[source] BackendError),
    #[error("account store error: {0}")]
    Backend(#[source] BackendError),
}

from_backend_error!(AccountError);

/// An argon2id hash in PHC string form. Not `Serialize`, and `Debug` hides it: a hash never
/// leaves the server or reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(pub String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(hidden)")
    }
}

/// A user with what only the server sees: the password hash, and the session stamp that
/// changes with the password (a session signed in under an older stamp is no longer valid).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub user: User,
    pub password_hash: PasswordHash,
    pub session_stamp: String,
}

#[cfg(feature = "ssr")]
impl UserRecord {
    /// The token in the digest's "stop these mails" link: it proves the link came from a mail
    /// to this account without a sign-in. Signed with the server's key over the user and the
    /// session stamp, which changes with the password (so does the token).
    pub fn unsubscribe_token(&self, key: &super::secrets::SecretKey) -> String {
        key.sign(UNSUBSCRIBE_PURPOSE, &[&self.user.id, &self.session_stamp])
    }

    /// Whether `token` is this account's `unsubscribe_token`.
    pub fn unsubscribes_with(&self, key: &super::secrets::SecretKey, token: &str) -> bool {
        key.verify(UNSUBSCRIBE_PURPOSE, &[&self.user.id, &self.session_stamp], token)
    }
}

#[cfg(feature = "ssr")]
const UNSUBSCRIBE_PURPOSE: &str = "famigo digest unsubscribe";

/// What creating an account writes (the email already normalized).
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password_hash: PasswordHash,
    pub role: Role,
}

/// Users, their children and their favorite apps. Ids are made by the store (ULIDs); the
/// email is unique; every method taking a user id answers "nothing" (None, false, empty) for
/// an id that does not exist, so a deleted account's leftover session finds nothing.
#[async_trait]
pub trait Accounts: Send + Sync + 'static {
    fn backend(&self) -> &'static str;

    async fn create_user(&self, new: &NewUser) -> Result<User, AccountError>;

    async fn user(&self, id: &str) -> Result<Option<UserRecord>, AccountError>;

    /// `email` as `domain::normalize_email` makes it.
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, AccountError>;

    /// Replaces the password hash, gives the user a new session stamp and voids every reset
    /// token of theirs: after a reset or a change, no other reset link works.
    async fn set_password(&self, id: &str, hash: &PasswordHash) -> Result<bool, AccountError>;

    async fn set_role(&self, id: &str, role: Role) -> Result<bool, AccountError>;

    /// Turns the weekly digest on or off; false when there is no such user.
    async fn set_digest(&self, id: &str, on: bool) -> Result<bool, AccountError>;

    /// Removes the user and everything that is theirs (children, favorites, reset tokens); false when there
    /// was no such user. Safe to repeat after a failure part-way.
    async fn delete_user(&self, id: &str) -> Result<bool, AccountError>;

    /// Adds a child (at most `MAX_KIDS`); None when the user does not exist.
    async fn add_kid(&self, user_id: &str, kid: &NewKid) -> Result<Option<Kid>, AccountError>;

    /// The user's children, in the order they were added.
    async fn kids(&self, user_id: &str) -> Result<Vec<Kid>, AccountError>;

    /// False when the user has no such child (someone else's child included).
    async fn remove_kid(&self, user_id: &str, kid_id: &str) -> Result<bool, AccountError>;

    /// Marks an app as a favorite (again: no change); false when the user does not exist.
    async fn add_favorite(&self, user_id: &str, slug: &str) -> Result<bool, AccountError>;

    async fn remove_favorite(&self, user_id: &str, slug: &str) -> Result<bool, AccountError>;

    /// The user's favorite slugs, the most recently added first.
    async fn favorites(&self, user_id: &str) -> Result<Vec<String>, AccountError>;

    /// What families with a child born in `from..=to` favorited: slugs with the number of such
    /// families, most first (then by slug), at most `limit`.
    async fn family_favorites(&self, from: u16, to: u16, limit: usize) -> Result<Vec<(String, u64)>, AccountError>;

    /// Users in id order after `after` (from the first when None), at most `limit`, each with
    /// their children: how a job walks every family.
    async fn users_page(&self, after: Option<&str>, limit: usize) -> Result<Vec<(UserRecord, Vec<Kid>)>, AccountError>;

    /// Keeps a password-reset token for the user until `expires_at` (unix ms). Only the
    /// token's hash is given: a copy of the store does not let anyone reset a password.
    async fn put_reset_token(&self, user_id: &str, token_hash: &str, expires_at: i64) -> Result<(), AccountError>;

    /// Uses up a reset token: the user it was made for, once, if it has not expired at `now`
    /// (unix ms). Unknown, used or expired: None. Every token expired at `now` goes too.
    async fn take_reset_token(&self, token_hash: &str, now: i64) -> Result<Option<String>, AccountError>;

    async fn ping(&self) -> Result<(), AccountError>;
}

/// How failures against one key (an IP, an account) slow it down: the first `free` within
/// `window` cost nothing; each one after blocks the key for `base`, doubling per failure, up
/// to `max`. The count is forgotten `window` after the last failure (or the block, if longer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub free: u32,
    pub window: Duration,
    pub base: Duration,
    pub max: Duration,
}

impl ThrottlePolicy {
    /// How long the key is blocked after its `failures`-th failure.
    pub fn block_after(&self, failures: u32) -> Duration {
        if failures <= self.free {
            return Duration::ZERO;
        }
        let doublings = (failures - self.free - 1).min(30);
        self.base.saturating_mul(1u32 << doublings).min(self.max)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("throttle unavailable: {0}")]
pub struct ThrottleError(#[source] pub BackendError);

impl From<BackendError> for ThrottleError {
    fn from(e: BackendError) -> Self {
        ThrottleError(e)
    }
}

/// Counts failures per key and says how long a key must wait; shared by every node with
/// `REDIS_URL`, in this process otherwise (an embedded site is one process).
#[async_trait]
pub trait Throttle: Send + Sync + 'static {
    fn backend(&self) -> &'static str;

    /// How long `key` must still wait before its next attempt; None when it may try now.
    async fn wait(&self, key: &str) -> Result<Option<Duration>, ThrottleError>;

    /// Counts a failure (or, for limits on attempts, an attempt) against `key`; returns the
    /// wait it now has.
    async fn fail(&self, key: &str, policy: &ThrottlePolicy) -> Result<Option<Duration>, ThrottleError>;

    /// Forgets `key`'s failures (a correct password).
    async fn clear(&self, key: &str) -> Result<(), ThrottleError>;

    /// Takes back one attempt counted against `key` (one that turned out right), so successes
    /// do not use up an address's budget.
    async fn forgive(&self, key: &str) -> Result<(), ThrottleError>;
}
