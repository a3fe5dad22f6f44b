//! Parents' accounts: the forms a visitor fills in (sign up, sign in, a child, a new password)
//! and their validation, shared by the browser and the server so both apply the same rules.
//! Password hashes never appear here: they stay on the server (`api::accounts`).

use super::app_form::FieldError;
use serde::{Deserialize, Serialize};

pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_DISPLAY_NAME_CHARS: usize = 40;
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longer passwords are refused before hashing, so a huge one cannot cost the server.
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const MAX_NICKNAME_CHARS: usize = 24;
/// Children per account.
pub const MAX_KIDS: usize = 12;
/// The oldest child the site has apps for.
pub const MAX_KID_AGE: u16 = 17;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Parent,
    Admin,
}

impl Role {
    pub fn slug(self) -> &'static str {
        match self {
            Role::Parent => "parent",
            Role::Admin => "admin",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Role> {
        match slug {
            "parent" => Some(Role::Parent),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// An account as its owner (and the pages) see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    /// Whether the weekly digest of new apps is mailed: on until the parent turns it off.
    pub digest: bool,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// A child on an account. The birth year is stored (an age would go stale).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kid {
    pub id: String,
    pub nickname: Option<String>,
    pub birth_year: u16,
}

impl Kid {
    /// The age this child turns in `year` (the site's bands are wide enough for that).
    pub fn age_in(&self, year: i32) -> u16 {
        (year - i32::from(self.birth_year)).clamp(0, i32::from(u16::MAX)) as u16
    }

    /// "Maya, 5" or "Your 5-year-old".
    pub fn label(&self, year: i32) -> String {
        let age = self.age_in(year);
        match &self.nickname {
            Some(name) => format!("{name}, {age}"),
            None => format!("Your {age}-year-old"),
        }
    }
}

/// The sign-up form as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignUpForm {
    pub email: String,
    pub display_name: String,
    pub password: String,
}

/// A sign-up that passed validation: the email normalized, the name trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub password: String,
}

impl SignUpForm {
    /// Every problem at once, each under its field.
    pub fn validate(&self) -> Result<NewAccount, Vec<FieldError>> {
        let mut errors = Vec::new();
        let email = normalize_email(&self.email).map_err(|message| errors.push(field_error("email", message))).ok();
        let display_name =
            display_name(&self.display_name).map_err(|message| errors.push(field_error("display_name", message))).ok();
        if let Err(message) = check_password(&self.password) {
            errors.push(field_error("password", message));
        }
        match (email, display_name, errors.is_empty()) {
            (Some(email), Some(display_name), true) => {
                Ok(NewAccount { email, display_name, password: self.password.clone() })
            }
            _ => Err(errors),
        }
    }

    /// The form to show again after a refusal: never the password.
    pub fn without_password(&self) -> SignUpForm {
        SignUpForm { password: String::new(), ..self.clone() }
    }
}

/// The email an account is known by: trimmed and lowercased (the whole address: no mail
/// provider a family uses treats case as meaningful), with one `@` between a local part and a
/// dotted domain, no spaces, at most 254 characters.
pub fn normalize_email(input: &str) -> Result<String, String> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err("enter your email address".into());
    }
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(format!("an email address has at most {MAX_EMAIL_CHARS} characters"));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !email
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ',' | ';'))
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err("this is not an email address (like name@example.com)".into())
    }
}

/// A display name: trimmed, 1–40 characters, no control characters.
pub fn display_name(input: &str) -> Result<String, String> {
    let name = input.trim();
    if name.is_empty() {
        return Err("enter the name other parents will see".into());
    }
    if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(format!("at most {MAX_DISPLAY_NAME_CHARS} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("letters, digits and punctuation only".into());
    }
    Ok(name.to_string())
}

/// A new password: 10–128 characters, not only spaces. (Length beats composition rules.)
pub fn check_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("use at least {MIN_PASSWORD_CHARS} characters"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("use at most {MAX_PASSWORD_CHARS} characters"));
    }
    if password.trim().is_empty() {
        return Err("a password of spaces only is too easy to guess".into());
    }
    Ok(())
}

/// The form that adds a child: a nickname (optional) and an age or a birth year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KidForm {
    pub nickname: String,
    /// An age (`5`) or a birth year (`2021`).
    pub age: String,
}

/// A child that passed validation, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewKid {
    pub nickname: Option<String>,
    pub birth_year: u16,
}

impl KidForm {
    /// `year` is the current year, to turn an age into a birth year and to bound a year.
    pub fn validate(&self, year: i32) -> Result<NewKid, Vec<FieldError>> {
        let mut errors = Vec::new();
        let nickname = self.nickname.trim();
        if nickname.chars().count() > MAX_NICKNAME_CHARS {
            errors.push(field_error("nickname", format!("at most {MAX_NICKNAME_CHARS} characters")));
        } else if nickname.chars().any(char::is_control) {
            errors.push(field_error("nickname", "letters, digits and punctuation only".into()));
        }
        let oldest = year - i32::from(MAX_KID_AGE);
        let birth_year = match self.age.trim().parse::<i32>() {
            Ok(age) if (0..=i32::from(MAX_KID_AGE)).contains(&age) => Some(year - age),
            Ok(born) if (oldest..=year).contains(&born) => Some(born),
            Ok(_) => {
                errors.push(field_error(
                    "age",
                    format!("an age from 0 to {MAX_KID_AGE}, or a birth year from {oldest} to {year}"),
                ));
                None
            }
            Err(_) if self.age.trim().is_empty() => {
                errors.push(field_error("age", "enter an age or a birth year".into()));
                None
            }
            Err(_) => {
                errors.push(field_error("age", "a number: an age like 5 or a birth year like 2021".into()));
                None
            }
        };
        match birth_year {
            Some(born) if errors.is_empty() => {
                Ok(NewKid { nickname: (!nickname.is_empty()).then(|| nickname.to_string()), birth_year: born as u16 })
            }
            _ => Err(errors),
        }
    }
}

/// The change-password form: the current password proves it is the owner.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    pub current: String,
    pub new: String,
}

fn field_error(field: &str, message: String) -> FieldError {
    FieldError { field: field.into(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(normalize_email("  Maya.Parent@Example.COM ").as_deref(), Ok("maya.parent@example.com"));
        for bad in [
            "",
            "maya",
            "maya@",
            "@example.com",
            "maya@example",
            "a b@example.com",
            "a@b@c.com",
            "a@.com",
            "a@b..com",
            "<a@b.com>",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
        assert!(normalize_email(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn sign_up_names_every_bad_field() {
        let form = SignUpForm { email: "nope".into(), display_name: "  ".into(), password: "short".into() };
        let fields: Vec<String> = form.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["email", "display_name", "password"]);
        let good =
            SignUpForm { email: "A@B.org".into(), display_name: " Sam ".into(), password: "correct horse".into() };
        assert_eq!(
            good.validate(),
            Ok(NewAccount { email: "a@b.org".into(), display_name: "Sam".into(), password: "correct horse".into() })
        );
        assert!(check_password(&" ".repeat(12)).is_err());
        assert!(check_password(&"x".repeat(129)).is_err());
        assert!(display_name("Sam\u{7}").is_err());
        assert!(good.without_password().password.is_empty());
    }

    #[test]
    fn a_child_is_an_age_or_a_birth_year() {
        let kid = |nickname: &str, age: &str| KidForm { nickname: nickname.into(), age: age.into() }.validate(2026);
        assert_eq!(kid(" Maya ", "5"), Ok(NewKid { nickname: Some("Maya".into()), birth_year: 2021 }));
        assert_eq!(kid("", "2019"), Ok(NewKid { nickname: None, birth_year: 2019 }));
        assert_eq!(kid("", "0"), Ok(NewKid { nickname: None, birth_year: 2026 }));
        for bad in ["", "18", "2027", "2008", "five", "-1"] {
            assert!(kid("x", bad).is_err(), "{bad:?} accepted");
        }
        assert!(kid(&"n".repeat(25), "5").is_err());
        let maya = Kid { id: "k".into(), nickname: Some("Maya".into()), birth_year: 2021 };
        assert_eq!(maya.label(2026), "Maya, 5");
        assert_eq!(Kid { nickname: None, ..maya }.label(2026), "Your 5-year-old");
    }
}
