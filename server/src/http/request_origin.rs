//! The origin absolute links are written with (canonical and OpenGraph links, JSON-LD,
//! sitemaps, feeds): `CANONICAL_URL` when it is set, as production requires. Without it
//! (development), the request's own `Host`, which must be a host name or an address with an
//! optional port (anything else is a 400), over `https` only when the load balancer (a trusted
//! proxy, as `client_ip` decides) says so in `X-Forwarded-Proto`. It goes into each
//! request's extensions as `ports::RequestOrigin`; the page cache keys on it when it came from
//! the request, so a page written for one host is never served to another.

use app::ports::RequestOrigin;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

/// `CANONICAL_URL` when set, and the proxies whose `X-Forwarded-Proto` counts.
#[derive(Clone)]
pub struct OriginConfig {
    pub canonical: Option<Arc<str>>,
    pub trusted: super::client_ip::TrustedProxies,
}

pub async fn attach_origin(State(config): State<OriginConfig>, mut request: Request, next: Next) -> Response {
    let OriginConfig { canonical, trusted } = config;
    let origin = match canonical {
        Some(url) => RequestOrigin { url: url.trim_end_matches('/').to_string(), from_request: false },
        None => {
            // No Host at all (HTTP/1.0, a request made in-process): links stay relative.
            let Some(host) = request.headers().get(header::HOST) else { return next.run(request).await };
            let host = match host.to_str() {
                Ok(host) if is_host(host) => host,
                _ => {
                    return (StatusCode::BAD_REQUEST, "the Host header is not a host name or address (with a port)")
                        .into_response()
                }
            };
            let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
            let proxied = peer.is_none_or(|peer| trusted.trusts(peer));
            let https =
                proxied && request.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
            RequestOrigin {
                url: format!("{}://{}", if https { "https" } else { "http" }, host.to_ascii_lowercase()),
                from_request: true,
            }
        }
    };
    request.extensions_mut().insert(origin);
    next.run(request).await
}

/// A DNS name (letters, digits, `-`, dots) or a bracketed IPv6 address, then at most a port.
fn is_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(':') && (!name.starts_with('[') || name.ends_with(']')) => {
            (name, Some(port))
        }
        _ => (host, None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = if let Some(v6) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        v6.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
    };
    port_ok && name_ok
}

#[cfg(test)]
mod tests {
    use super::is_host;

    #[test]
    fn a_host_is_a_name_or_an_address_with_a_port_at_most() {
        for good in
            ["localhost", "127.0.0.1:3000", "famigo.example", "Famigo.Example:8080", "[::1]:3000", "[::1]", "a-b.c"]
        {
            assert!(is_host(good), "{good}");
        }
        for bad in [
            "",
            "evil.example/\"><script>",
            "a b",
            "famigo.example:",
            "famigo.example:80:80",
            "famigo.example:123456",
            "user@famigo.example",
            "-bad.example",
            "bad..example",
            "[::1",
            "[zz::1]:80",
            "famigo.example\\evil",
            "ex&ample.org",
        ] {
            assert!(!is_host(bad), "{bad:?}");
        }
    }
}
