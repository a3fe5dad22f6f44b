//! Parents' reviews of apps: the form, its validation (shared by the browser and the server),
//! and the rule that sends a review to moderation before anyone sees it.

use super::app_form::FieldError;
use serde::{Deserialize, Serialize};

pub const MIN_REVIEW_CHARS: usize = 10;
pub const MAX_REVIEW_CHARS: usize = 2000;
/// Characters of a moderator's reason for hiding a review.
pub const MAX_HIDE_REASON_CHARS: usize = 200;
/// Reviews per page on an app's page.
pub const REVIEWS_PER_PAGE: u32 = 10;

/// Words that hold a review for a moderator. Short on purpose: moderation catches what the
/// list misses, and a word here must never be an innocent one in a review of a children's app.
const FLAGGED_WORDS: &[&str] = &[
    "fuck", "fucking", "shit", "bitch", "cunt", "asshole", "bastard", "porn", "porno", "xxx", "nude", "nudes", "sex",
    "sexy", "casino", "viagra", "crypto", "bitcoin", "forex", "loan", "loans", "whatsapp", "telegram",
];
/// Endings that make a word a web address ("free-gems.com").
const LINK_ENDINGS: &[&str] =
    &[".com", ".net", ".org", ".io", ".ly", ".co", ".app", ".xyz", ".info", ".biz", ".ru", ".me", ".gg"];

/// Where a review is in moderation: only `Published` reviews are shown and counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewStatus {
    Published,
    /// Waiting for a moderator (it has a link or a flagged word, or it was hidden and edited).
    Pending,
    /// Taken down by a moderator, with a reason the author sees.
    Hidden,
}

impl ReviewStatus {
    pub const ALL: &'static [ReviewStatus] = &[ReviewStatus::Published, ReviewStatus::Pending, ReviewStatus::Hidden];

    pub fn slug(self) -> &'static str {
        match self {
            ReviewStatus::Published => "published",
            ReviewStatus::Pending => "pending",
            ReviewStatus::Hidden => "hidden",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ReviewStatus> {
        Self::ALL.iter().copied().find(|s| s.slug() == slug)
    }

    /// The status of a review just written: held when moderation asks for it, and held again
    /// when its author edits a review a moderator hid (an edit must not undo a decision).
    pub fn of_written(text: &str, before: Option<ReviewStatus>) -> ReviewStatus {
        if moderation_reason(text).is_some() || before == Some(ReviewStatus::Hidden) {
            ReviewStatus::Pending
        } else {
            ReviewStatus::Published
        }
    }
}

/// A review as the store keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub id: String,
    pub app_slug: String,
    pub user_id: String,
    /// The author's display name when the review was written.
    pub author: String,
    pub stars: u8,
    pub text: String,
    pub status: ReviewStatus,
    /// Why a moderator hid it (or, while pending, why it waits).
    pub reason: Option<String>,
    /// Parents who found it helpful.
    pub helpful: u32,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
}

impl Review {
    pub fn edited(&self) -> bool {
        self.updated_at > self.created_at
    }
}

/// A review as everyone sees it on an app's page (no account id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicReview {
    pub id: String,
    pub author: String,
    pub stars: u8,
    pub text: String,
    pub helpful: u32,
    pub created_at: i64,
    pub edited: bool,
}

impl From<Review> for PublicReview {
    fn from(review: Review) -> PublicReview {
        let edited = review.edited();
        PublicReview {
            id: review.id,
            author: review.author,
            stars: review.stars,
            text: review.text,
            helpful: review.helpful,
            created_at: review.created_at,
            edited,
        }
    }
}

/// One page of an app's published reviews, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPage {
    pub reviews: Vec<PublicReview>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

impl ReviewPage {
    pub fn pages(&self) -> u32 {
        super::listing::page_count(self.total, self.per_page).max(1)
    }
}

/// Star average and count over an app's published reviews.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RatingSummary {
    pub average: f32,
    pub count: u32,
}

impl RatingSummary {
    /// From the stars of the published reviews; the average rounded to one decimal, as shown.
    pub fn of(stars: impl IntoIterator<Item = u8>) -> RatingSummary {
        let (sum, count) = stars.into_iter().fold((0u64, 0u32), |(sum, n), s| (sum + u64::from(s), n + 1));
        Self::from_sum(sum, count)
    }

    pub fn from_sum(sum: u64, count: u32) -> RatingSummary {
        if count == 0 {
            return RatingSummary::default();
        }
        let average = ((sum as f64 / f64::from(count)) * 10.0).round() / 10.0;
        RatingSummary { average: average as f32, count }
    }
}

/// The review form as posted: stars as typed, the text untrimmed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    pub stars: String,
    pub text: String,
}

/// A review that passed validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReview {
    pub stars: u8,
    pub text: String,
}

impl ReviewForm {
    pub fn validate(&self) -> Result<NewReview, Vec<FieldError>> {
        let mut errors = Vec::new();
        let stars = match self.stars.trim().parse::<u8>() {
            Ok(stars @ 1..=5) => stars,
            _ => {
                errors.push(FieldError { field: "stars".into(), message: "choose from 1 to 5 stars".into() });
                0
            }
        };
        let text = self.text.trim();
        let chars = text.chars().count();
        if chars < MIN_REVIEW_CHARS {
            errors.push(FieldError {
                field: "text".into(),
                message: format!("write at least {MIN_REVIEW_CHARS} characters"),
            });
        } else if chars > MAX_REVIEW_CHARS {
            errors.push(FieldError {
                field: "text".into(),
                message: format!("at most {MAX_REVIEW_CHARS} characters (this has {chars})"),
            });
        } else if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            errors.push(FieldError {
                field: "text".into(),
                message: "letters, digits, punctuation and line breaks only".into(),
            });
        }
        if errors.is_empty() {
            Ok(NewReview { stars, text: text.replace("\r\n", "\n") })
        } else {
            Err(errors)
        }
    }
}

/// Why a review must wait for a moderator: it has a link, or a flagged word. None: it can be
/// published at once.
pub fn moderation_reason(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let has_link = lower.contains("http://")
        || lower.contains("https://")
        || lower.contains("www.")
        || lower.split(|c: char| c.is_whitespace() || "()[]<>\"'".contains(c)).any(|word| {
            let word = word.trim_end_matches(['.', ',', '!', '?', ';', ':']);
            LINK_ENDINGS
                .iter()
                .any(|end| word.len() > end.len() && (word.ends_with(end) || word.contains(&format!("{end}/"))))
        });
    if has_link {
        return Some("contains a link".into());
    }
    let flagged = lower.split(|c: char| !c.is_alphanumeric()).find(|word| FLAGGED_WORDS.contains(word));
    flagged.map(|word| format!("contains a flagged word ({word})"))
}

/// A moderator's decision on a review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Moderation {
    Approve,
    Hide { reason: String },
}

impl Moderation {
    /// From the moderation form: `decision` is `approve` or `hide`; hiding needs a reason.
    pub fn from_form(decision: &str, reason: &str) -> Result<Moderation, FieldError> {
        let reason = reason.trim();
        match decision {
            "approve" => Ok(Moderation::Approve),
            "hide" if reason.is_empty() => {
                Err(FieldError { field: "reason".into(), message: "say why it is hidden (its author sees it)".into() })
            }
            "hide" if reason.chars().count() > MAX_HIDE_REASON_CHARS => Err(FieldError {
                field: "reason".into(),
                message: format!("at most {MAX_HIDE_REASON_CHARS} characters"),
            }),
            "hide" => Ok(Moderation::Hide { reason: reason.to_string() }),
            other => Err(FieldError { field: "decision".into(), message: format!("{other:?} is not approve or hide") }),
        }
    }

    pub fn status(&self) -> ReviewStatus {
        match self {
            Moderation::Approve => ReviewStatus::Published,
            Moderation::Hide { .. } => ReviewStatus::Hidden,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Moderation::Approve => None,
            Moderation::Hide { reason } => Some(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_trimmed_and_bounded() {
        let form = |stars: &str, text: &str| ReviewForm { stars: stars.into(), text: text.into() }.validate();
        assert_eq!(
            form("4", "  Great for counting practice.\r\n "),
            Ok(NewReview { stars: 4, text: "Great for counting practice.".into() })
        );
        for stars in ["0", "6", "", "five", "-1", "4.5"] {
            let errors = form(stars, "Good enough for us.").unwrap_err();
            assert_eq!(errors[0].field, "stars", "{stars:?}");
        }
        assert_eq!(form("3", "   short   ").unwrap_err()[0].field, "text");
        assert!(form("3", &"a".repeat(MAX_REVIEW_CHARS)).is_ok());
        assert_eq!(form("3", &"a".repeat(MAX_REVIEW_CHARS + 1)).unwrap_err()[0].field, "text");
        assert_eq!(form("3", "nice app\u{0}\u{7}!!").unwrap_err()[0].field, "text");
        assert_eq!(form("9", "").unwrap_err().len(), 2);
    }

    #[test]
    fn links_and_flagged_words_wait_for_a_moderator() {
        for held in [
            "Get free gems at https://gems.example now",
            "see www.cheats.example for more",
            "Visit free-gems.com for codes",
            "my site: cheats.io/gems",
            "Message me on WhatsApp for codes",
            "This is SHIT, honestly.",
        ] {
            assert!(moderation_reason(held).is_some(), "{held:?} published at once");
        }
        for fine in [
            "My son loves the dinosaurs. Great for 5 year olds!",
            "Lots of ads... e.g. every level. Not worth it.",
            "Essex is where we live; works offline on the train.",
            "The .com version is the same, I think",
        ] {
            assert_eq!(moderation_reason(fine), None, "{fine:?} held");
        }
        assert_eq!(ReviewStatus::of_written("fine words here", Some(ReviewStatus::Hidden)), ReviewStatus::Pending);
        assert_eq!(ReviewStatus::of_written("fine words here", Some(ReviewStatus::Pending)), ReviewStatus::Published);
    }

    #[test]
    fn averages_are_rounded_to_what_is_shown() {
        assert_eq!(RatingSummary::of([5, 4, 4]), RatingSummary { average: 4.3, count: 3 });
        assert_eq!(RatingSummary::of([]), RatingSummary { average: 0.0, count: 0 });
        assert_eq!(Moderation::from_form("hide", "  ").unwrap_err().field, "reason");
        assert_eq!(Moderation::from_form("hide", " spam ").unwrap(), Moderation::Hide { reason: "spam".into() });
        assert!(Moderation::from_form("delete", "").is_err());
    }
}
