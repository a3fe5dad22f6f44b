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
    /// Only a signed-in administrator may do this.
    #[error("please sign in as an administrator")]
    Unauthorized,
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
            ApiError::InvalidApp { .. } => 422,
            ApiError::Unauthorized => 401,
            ApiError::CrossSite => 403,
            ApiError::Unavailable => 503,
            ApiError::Transport(_) => 502,
        }
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
        tracing::error!(error = %err, "catalog store failed");
        ApiError::Unavailable
    }
}
