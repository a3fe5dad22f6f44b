//! Which address a request comes from, for per-address limits (`ports::ClientIp`). A peer on a
//! private network or this machine is taken to be the load balancer: the address it appended
//! last to `X-Forwarded-For` is the client's. Any other peer is the client itself, whatever
//! it claims in its headers.

use app::ports::ClientIp;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};

pub async fn attach_client_ip(mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    if let Some(ip) = client_ip(peer, forwarded) {
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

fn client_ip(peer: Option<IpAddr>, forwarded: Option<IpAddr>) -> Option<IpAddr> {
    match (peer, forwarded) {
        (Some(peer), Some(forwarded)) if is_internal(peer) => Some(forwarded),
        (Some(peer), _) => Some(peer),
        // No socket: a request handed to the router in-process (tests, the cache warmer).
        (None, forwarded) => forwarded,
    }
}

pub(super) fn is_internal(ip: IpAddr) -> bool {
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

    #[test]
    fn only_an_internal_peer_may_name_the_client() {
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert_eq!(client_ip(ip("127.0.0.1"), ip("203.0.113.9")), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("10.0.0.5"), ip("203.0.113.9")), ip("203.0.113.9"));
        assert_eq!(
            client_ip(ip("198.51.100.7"), ip("203.0.113.9")),
            ip("198.51.100.7"),
            "a spoofed header from outside"
        );
        assert_eq!(client_ip(ip("127.0.0.1"), None), ip("127.0.0.1"));
        assert_eq!(client_ip(None, None), None);
    }
}
