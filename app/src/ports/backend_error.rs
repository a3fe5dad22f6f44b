//! What a backend reported, kept whole: every port error wraps a `BackendError`, so a log can
//! print the driver's own error and its causes (`Causes`) instead of a copy of its text.

use std::error::Error;
use std::fmt;

type Cause = Box<dyn Error + Send + Sync + 'static>;

/// A failure of a store, cache, queue, outbox or index: the driver's error (or the adapter's
/// own message, when it found a stored value it cannot read), and whether it is worth retrying.
///
/// Displays as its cause does, and its `source()` is the cause's (it adds no text of its own),
/// so a chain of causes reads the same as the driver's.
pub struct BackendError {
    unavailable: bool,
    cause: Cause,
}

impl BackendError {
    /// The backend cannot be reached right now (no server, a broken connection, a timeout):
    /// the same call may succeed later.
    pub fn unavailable(cause: impl Into<Cause>) -> BackendError {
        BackendError { unavailable: true, cause: cause.into() }
    }

    /// Anything else the backend (or the adapter reading its answer) found wrong.
    pub fn other(cause: impl Into<Cause>) -> BackendError {
        BackendError { unavailable: false, cause: cause.into() }
    }

    pub fn is_unavailable(&self) -> bool {
        self.unavailable
    }

    /// The driver's error, when it was one of type `E`.
    pub fn driver<E: Error + 'static>(&self) -> Option<&E> {
        self.cause.downcast_ref::<E>()
    }
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cause, f)
    }
}

impl fmt::Debug for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.unavailable { "Unavailable" } else { "Other" };
        f.debug_tuple(kind).field(&self.cause).finish()
    }
}

impl Error for BackendError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.cause.source()
    }
}

/// An error and its causes on one line (`a: b: c`), for logs. A cause whose text the line
/// already holds is left out (an error that prints its cause and also returns it as `source`).
pub struct Causes<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for Causes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = self.0.to_string();
        let mut next = self.0.source();
        while let Some(cause) = next {
            let text = cause.to_string();
            if !line.contains(&text) {
                line.push_str(": ");
                line.push_str(&text);
            }
            next = cause.source();
        }
        f.write_str(&line)
    }
}

/// `From<BackendError>` for port errors with `Unavailable(BackendError)` and
/// `Backend(BackendError)` variants, so an adapter's `?` picks the variant from the error.
macro_rules! from_backend_error {
    ($($port_error:ty),+) => {$(
        impl From<BackendError> for $port_error {
            fn from(e: BackendError) -> Self {
                if e.is_unavailable() {
                    <$port_error>::Unavailable(e)
                } else {
                    <$port_error>::Backend(e)
                }
            }
        }
    )+};
}
pub(crate) use from_backend_error;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("driver: connection lost")]
    struct DriverError(#[source] std::io::Error);

    #[derive(Debug, thiserror::Error)]
    #[error("store unavailable: {0}")]
    struct PortError(#[source] BackendError);

    fn refused() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused (os error 111)")
    }

    #[test]
    fn the_driver_error_and_its_causes_are_kept() {
        let port = PortError(BackendError::unavailable(DriverError(refused())));
        assert!(port.0.is_unavailable());
        assert!(port.0.driver::<DriverError>().is_some(), "the driver's error can be had back");
        assert_eq!(port.to_string(), "store unavailable: driver: connection lost");
        assert_eq!(
            Causes(&port).to_string(),
            "store unavailable: driver: connection lost: connection refused (os error 111)",
            "the io cause is named once, the driver's text is not repeated"
        );
    }

    #[test]
    fn a_message_is_a_cause_with_no_source() {
        let e = BackendError::other("stored job has an unknown state");
        assert!(!e.is_unavailable());
        assert!(e.source().is_none());
        assert_eq!(Causes(&e).to_string(), "stored job has an unknown state");
    }
}
