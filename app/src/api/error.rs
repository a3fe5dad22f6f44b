use crate::domain::QueryError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What a server function can answer instead of data; each maps to one HTTP status.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum ApiError {
    #[error("{0}")]
    BadQuery(QueryError),
    /// The request could not be decoded (malformed arguments).
    #[error("the request was not understood: {0}")]
    BadRequest(String),
    #[error("{0} not found")]
    NotFound(String),
    /// A form with problems, each under its field; nothing was written. Carries the form as
    /// posted so a page reached without JavaScript can show it again with the errors.
    #[error("please correct {}: {}", .errors.len(), .errors.iter().map(|e| format!("{} ({})", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    InvalidApp { form: Box<crate::domain::AppForm>, errors: Vec<crate::domain::FieldError> },
    /// A form with problems, each under its field; nothing was written. `values` are the
    /// fields as typed (never a password), for a page reached without JavaScript.
    #[error("please correct {}: {}", .errors.len(), .errors.iter().map(|e| format!("{} ({})", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    InvalidForm { errors: Vec<crate::domain::FieldError>, values: Vec<(String, String)> },
    /// Only a signed-in administrator may do this.
    #[error("please sign in as an administrator")]
    Unauthorized,
    /// Signed in, but this needs an administrator.
    #[error("only administrators may do this")]
    Forbidden,
    /// This needs a signed-in parent.
    #[error("please sign in first")]
    SignInRequired,
    /// The same answer whether the email has an account or not.
    #[error("that email and password do not match an account")]
    SignInFailed,
    /// Too many failed attempts from this address or for this account.
    #[error("too many attempts; please try again in {}", wait_text(*.retry_after_secs))]
    TooManyAttempts { retry_after_secs: u64 },
    /// A state-changing request that did not come from this site.
    #[error("this request did not come from a Famigo page")]
    CrossSite,
    #[error("the catalog is unavailable right now; please try again in a moment")]
    Unavailable,
    /// The request itself failed (network, encoding); only the browser sees these.
    #[error("request failed: {0}")]
    Transport(String),
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadQuery(_) | ApiError::BadRequest(_) => 400,
            ApiError::NotFound(_) => 404,
            ApiError::InvalidApp { .. } | ApiError::InvalidForm { .. } => 422,
            ApiError::Unauthorized | ApiError::SignInRequired | ApiError::SignInFailed => 401,
            ApiError::Forbidden => 403,
            ApiError::TooManyAttempts { .. } => 429,
            ApiError::CrossSite => 403,
            ApiError::Unavailable => 503,
            ApiError::Transport(_) => 502,
        }
    }
}

impl ApiError {
    /// A form refusal with one message under one field.
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::InvalidForm {
            errors: vec![crate::domain::FieldError { field: field.into(), message: message.into() }],
            values: Vec::new(),
        }
    }

    /// The message for `field` if this error names it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            ApiError::InvalidForm { errors, .. } | ApiError::InvalidApp { errors, .. } => {
                errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
            }
            _ => None,
        }
    }

    /// The value typed into `field`, when the form came back refused.
    pub fn typed_value(&self, field: &str) -> Option<String> {
        match self {
            ApiError::InvalidForm { values, .. } => {
                values.iter().find(|(name, _)| name == field).map(|(_, v)| v.clone())
            }
            _ => None,
        }
    }
}

fn wait_text(seconds: u64) -> String {
    match seconds {
        0..=1 => "a second".into(),
        2..=90 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(e) | ServerFnErrorErr::MissingArg(e) | ServerFnErrorErr::Deserialization(e) => {
                ApiError::BadRequest(e)
            }
            other => ApiError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ports::StoreError> for ApiError {
    /// Store failures are logged here with their detail; the visitor only learns that the
    /// catalog is unavailable.
    fn from(err: crate::ports::StoreError) -> Self {
        tracing::error!(error = %crate::ports::Causes(&err), "catalog store failed");
        ApiError::Unavailable
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ports::AccountError> for ApiError {
    fn from(err: crate::ports::AccountError) -> Self {
        tracing::error!(error = %crate::ports::Causes(&err), "account store failed");
        ApiError::Unavailable
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ports::ReviewError> for ApiError {
    fn from(err: crate::ports::ReviewError) -> Self {
        match err {
            crate::ports::ReviewError::NoSuchAuthor(_) => ApiError::SignInRequired,
            err => {
                tracing::error!(error = %crate::ports::Causes(&err), "review store failed");
                ApiError::Unavailable
            }
        }
    }
}
