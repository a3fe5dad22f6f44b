//! App images: the demo catalog's generated artwork (`artwork`), uploads re-encoded to a
//! safe, small form (`upload`), and the content-derived names both are stored under.

pub mod artwork;
pub mod upload;

use app::domain::{MediaFormat, MEDIA_DIGEST_HEX};
use sha2::{Digest, Sha256};

/// The name of `bytes` in `format`: the first 128 bits of their SHA-256, in hex, and the
/// format's extension (`domain::parse_media_id` reads it back).
pub fn media_id(bytes: &[u8], format: MediaFormat) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}.{}", &hex[..MEDIA_DIGEST_HEX], format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_have_the_same_name_and_it_parses() {
        let id = media_id(b"abc", MediaFormat::Png);
        assert_eq!(id, "ba7816bf8f01cfea414140de5dae2223.png", "SHA-256 of \"abc\"");
        assert_eq!(app::domain::parse_media_id(&id), Some(MediaFormat::Png));
        assert_ne!(media_id(b"abd", MediaFormat::Png), id);
    }
}
