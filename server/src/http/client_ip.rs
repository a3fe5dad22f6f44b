//! Which address a request comes from, for per-address limits (`ports::ClientIp`). A peer that
//! is a trusted proxy (`TRUSTED_PROXIES`; unset: any peer on a private network or this
//! machine, one hop) has appended the client to `X-Forwarded-For`: with a list, the nearest
//! entry that is not itself a listed proxy is the client; without one, the last entry. Any
//! other peer is the client itself, whatever it claims in its headers.

use app::ports::ClientIp;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// `TRUSTED_PROXIES`, or None for the private-network rule.
#[derive(Clone, Default)]
pub struct TrustedProxies(pub Option<Arc<[ipnet::IpNet]>>);

impl TrustedProxies {
    pub fn trusts(&self, ip: IpAddr) -> bool {
        match &self.0 {
            Some(nets) => nets.iter().any(|net| net.contains(&ip)),
            None => is_internal(ip),
        }
    }
}

pub async fn attach_client_ip(State(trusted): State<TrustedProxies>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded: Vec<IpAddr> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|entry| entry.trim().parse::<IpAddr>().ok())
        .collect::<Option<_>>()
        .unwrap_or_default();
    if let Some(ip) = client_ip(&trusted, peer, &forwarded) {
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

/// `forwarded`: the `X-Forwarded-For` entries in order (empty when any is not an address).
fn client_ip(trusted: &TrustedProxies, peer: Option<IpAddr>, forwarded: &[IpAddr]) -> Option<IpAddr> {
    let named = match &trusted.0 {
        Some(_) => forwarded.iter().rev().find(|ip| !trusted.trusts(**ip)).or(forwarded.first()).copied(),
        None => forwarded.last().copied(),
    };
    match peer {
        Some(peer) if trusted.trusts(peer) => named.or(Some(peer)),
        Some(peer) => Some(peer),
        // No socket: a request handed to the router in-process (tests, the cache warmer).
        None => named,
    }
}

fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private() || v4.is_link_local(),
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback() || v4.is_private())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse::<IpAddr>().unwrap())
    }

    fn list(entries: &[&str]) -> Vec<IpAddr> {
        entries.iter().map(|e| e.parse().unwrap()).collect()
    }

    #[test]
    fn only_an_internal_peer_may_name_the_client() {
        let internal = TrustedProxies(None);
        let client_ip = |peer, forwarded: &[&str]| client_ip(&internal, peer, &list(forwarded));
        assert_eq!(client_ip(ip("127.0.0.1"), &["203.0.113.9"]), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("10.0.0.5"), &["203.0.113.9"]), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("10.0.0.5"), &["1.2.3.4", "203.0.113.9"]), ip("203.0.113.9"), "the hop it added");
        assert_eq!(
            client_ip(ip("198.51.100.7"), &["203.0.113.9"]),
            ip("198.51.100.7"),
            "a spoofed header from outside"
        );
        assert_eq!(client_ip(ip("127.0.0.1"), &[]), ip("127.0.0.1"));
        assert_eq!(client_ip(None, &[]), None);
    }

    #[test]
    fn with_a_list_only_listed_proxies_may_name_the_client_through_every_hop() {
        let trusted =
            TrustedProxies(Some(vec!["10.1.0.0/16".parse().unwrap(), "192.0.2.10/32".parse().unwrap()].into()));
        let client_ip = |peer, forwarded: &[&str]| client_ip(&trusted, peer, &list(forwarded));
        // CDN (192.0.2.10) → load balancer (10.1.0.4) → node: two hops, both listed.
        assert_eq!(client_ip(ip("10.1.0.4"), &["6.6.6.6", "203.0.113.9", "192.0.2.10"]), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("10.2.0.4"), &["203.0.113.9"]), ip("10.2.0.4"), "a private peer not on the list");
        assert_eq!(client_ip(ip("127.0.0.1"), &["203.0.113.9"]), ip("127.0.0.1"), "not even this machine");
        assert_eq!(client_ip(ip("10.1.0.4"), &["10.1.0.9"]), ip("10.1.0.9"), "all proxies: the first named");
    }
}
