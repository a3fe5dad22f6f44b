//! The server's secrets as values: the administrator's token and the key that signs links.
//! Neither is ever printed by `Debug`, and both compare in constant time.

/// The secret that signs a browser in as administrator (`ADMIN_TOKEN`). Never printed by
/// `Debug`; compared in constant time.
pub struct AdminToken(String);

impl AdminToken {
    pub fn new(token: String) -> AdminToken {
        AdminToken(token)
    }

    pub fn matches(&self, candidate: &str) -> bool {
        subtle::ConstantTimeEq::ct_eq(self.0.as_bytes(), candidate.as_bytes()).into()
    }

    /// What an administrator's session holds: a hash of the token it signed in with, so a new
    /// `ADMIN_TOKEN` ends every session signed in with the old one.
    pub fn session_mark(&self) -> String {
        use sha2::Digest;
        let digest =
            sha2::Sha256::new().chain_update(b"famigo admin session\0").chain_update(self.0.as_bytes()).finalize();
        hex(&digest[..16])
    }

    /// Whether `mark` is this token's `session_mark`.
    pub fn marked(&self, mark: &str) -> bool {
        subtle::ConstantTimeEq::ct_eq(self.session_mark().as_bytes(), mark.as_bytes()).into()
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(hidden)")
    }
}

/// The server's own secret (`SECRET_KEY`): it signs what the site hands out to be shown back
/// later without a sign-in, such as the digest's "stop these mails" link. Never printed.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl SecretKey {
    pub fn new(key: &str) -> SecretKey {
        SecretKey(key.as_bytes().to_vec())
    }

    /// HMAC-SHA256 of `parts` for `purpose` (each part length-prefixed, so no two lists of
    /// parts sign alike), as 32 hex digits.
    pub fn sign(&self, purpose: &str, parts: &[&str]) -> String {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        for part in std::iter::once(purpose).chain(parts.iter().copied()) {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        hex(&mac.finalize().into_bytes()[..16])
    }

    /// Whether `signature` is `sign(purpose, parts)`, compared in constant time.
    pub fn verify(&self, purpose: &str, parts: &[&str], signature: &str) -> bool {
        subtle::ConstantTimeEq::ct_eq(self.sign(purpose, parts).as_bytes(), signature.as_bytes()).into()
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(hidden)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::{AdminToken, SecretKey};

    #[test]
    fn signatures_depend_on_the_key_the_purpose_and_each_part() {
        let key = SecretKey::new("a server secret of enough characters");
        let signed = key.sign("unsubscribe", &["user", "stamp"]);
        assert_eq!(signed.len(), 32);
        assert!(key.verify("unsubscribe", &["user", "stamp"], &signed));
        assert!(!key.verify("unsubscribe", &["user", "stamp"], &signed[..31]));
        for other in [
            SecretKey::new("another server secret of characters").sign("unsubscribe", &["user", "stamp"]),
            key.sign("reset", &["user", "stamp"]),
            key.sign("unsubscribe", &["users", "tamp"]),
            key.sign("unsubscribe", &["user", "stamp2"]),
        ] {
            assert_ne!(other, signed);
        }
    }

    #[test]
    fn an_admin_session_mark_belongs_to_one_token() {
        let (token, rotated) =
            (AdminToken::new("first-token-0123456789".into()), AdminToken::new("second-token-987654321".into()));
        assert!(token.marked(&token.session_mark()));
        assert!(!rotated.marked(&token.session_mark()));
        assert!(!token.marked("true") && !token.marked(""));
        assert!(token.matches("first-token-0123456789") && !token.matches("first-token-012345678"));
    }
}
