//! Reading variables: the map they come from, and the parsers every subsystem shares (each
//! error names the variable).

use std::collections::HashMap;

/// A variable with a bad value: printed as one line, and `famigo` exits with status 2.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}={value:?} is invalid: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub reason: String,
}

/// Reads variables from a map so tests can check parsing without touching the process env.
pub struct Env(HashMap<String, String>);

impl Env {
    pub fn from_process() -> Env {
        Env(std::env::vars().collect())
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env(pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    pub(super) fn get(&self, var: &str) -> Option<&str> {
        self.0.get(var).map(|s| s.as_str()).filter(|s| !s.trim().is_empty())
    }

    pub(super) fn parsed<T: std::str::FromStr>(
        &self,
        var: &'static str,
        default: T,
        expected: &str,
    ) -> Result<T, ConfigError> {
        match self.get(var) {
            None => Ok(default),
            Some(text) => text.trim().parse().map_err(|_| ConfigError {
                var,
                value: text.to_string(),
                reason: expected.to_string(),
            }),
        }
    }

    /// A number within `range`; outside it, or not a number, is an error saying `expected`.
    pub(super) fn ranged<T>(
        &self,
        var: &'static str,
        default: T,
        range: std::ops::RangeInclusive<T>,
        expected: &str,
    ) -> Result<T, ConfigError>
    where
        T: std::str::FromStr + PartialOrd + std::fmt::Display,
    {
        let value = self.parsed(var, default, expected)?;
        if range.contains(&value) {
            Ok(value)
        } else {
            Err(ConfigError { var, value: value.to_string(), reason: expected.to_string() })
        }
    }
}

impl Env {
    /// An absolute http(s) URL, returned without a trailing slash. With `path_allowed`, it may
    /// carry a path (a CDN prefix); otherwise it must be an origin only.
    pub(super) fn origin(&self, var: &'static str, path_allowed: bool) -> Result<Option<String>, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(None) };
        let bad = |reason: &str| ConfigError { var, value: text.to_string(), reason: reason.to_string() };
        let uri: axum::http::Uri =
            text.trim().parse().map_err(|_| bad("expected a URL like https://famigo.example"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.authority().is_none() {
            return Err(bad("expected an absolute http:// or https:// URL"));
        }
        if uri.query().is_some() || (!path_allowed && !matches!(uri.path(), "" | "/")) {
            return Err(bad(if path_allowed {
                "must not have a query"
            } else {
                "expected an origin only, without a path"
            }));
        }
        Ok(Some(text.trim().trim_end_matches('/').to_string()))
    }

    pub(super) fn host_list(&self, var: &'static str) -> Result<Vec<String>, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(Vec::new()) };
        text.split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .map(|host| {
                let valid = host.len() <= 253
                    && host.split('.').all(|label| {
                        !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    });
                if valid {
                    Ok(host)
                } else {
                    Err(ConfigError { var, value: text.to_string(), reason: format!("{host:?} is not a host name") })
                }
            })
            .collect()
    }

    /// `on` or `off`.
    pub(super) fn switch(&self, var: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(var).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if v == "on" => Ok(true),
            Some(v) if v == "off" => Ok(false),
            Some(v) => Err(ConfigError { var, value: v, reason: "expected on or off".into() }),
        }
    }

    pub(super) fn key_prefix(&self, var: &'static str, default: &str) -> Result<String, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(default.to_string()) };
        let text = text.trim();
        if text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':')) {
            Ok(text.to_string())
        } else {
            Err(ConfigError { var, value: text.into(), reason: "use letters, digits, _ - . : only".into() })
        }
    }
}
