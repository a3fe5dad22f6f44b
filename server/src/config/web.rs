//! `FAMIGO_NODE`, `ASSET_URL`, `CANONICAL_URL`, `LEGACY_HOSTS`, `SITEMAP_URL_LIMIT`,
//! `SHUTDOWN_DRAIN_SECONDS`, and the `LEPTOS_*` names of the built site: how the site meets the web.

use super::{ConfigError, Env};
use std::path::{Path, PathBuf};

/// How the site presents itself on the web: where assets come from and which old domains
/// redirect to it.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Base URL pages use for `/pkg` assets, so a CDN can serve them (`ASSET_URL`), without a
    /// trailing slash.
    pub asset_url: Option<String>,
    /// The site's own origin, like `https://famigo.example` (`CANONICAL_URL`).
    pub canonical_url: Option<String>,
    /// Old host names whose requests get a 301 to `CANONICAL_URL` (`LEGACY_HOSTS`, comma list).
    pub legacy_hosts: Vec<String>,
    /// URLs per sitemap file before it splits into an index (`SITEMAP_URL_LIMIT`, default and
    /// maximum 50,000, the protocol's limit).
    pub sitemap_limit: usize,
    /// Where uploaded catalog files wait for their import (`DATA_DIR/uploads`). With several
    /// nodes, a volume every worker reads.
    pub upload_dir: PathBuf,
    /// This node's name (`FAMIGO_NODE`, default the host name), sent on every response as
    /// `x-famigo-node` so the load balancer's choices can be seen.
    pub node_name: String,
    /// How long a stopping node keeps serving while `/readyz` already says 503, so health
    /// checkers take it out first (`SHUTDOWN_DRAIN_SECONDS`, default 1).
    pub drain: std::time::Duration,
    /// Longest a request (its body read, its page rendered) may take before a 408
    /// (`REQUEST_TIMEOUT`, seconds, default 30); uploads have their own, longer bound.
    pub request_timeout: std::time::Duration,
    /// The proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed
    /// (`TRUSTED_PROXIES`, addresses or networks, comma-separated). Unset: a peer on a private
    /// network or this machine is the load balancer, one hop.
    pub trusted_proxies: Option<Vec<ipnet::IpNet>>,
}

/// Where the built site (WASM, JS, CSS, public files) is, as cargo-leptos names it.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    pub output_name: String,
    pub site_root: String,
    pub pkg_dir: String,
    pub reload_port: u32,
}

impl WebConfig {
    pub(super) fn from_env(env: &Env, data_dir: &Path) -> Result<WebConfig, ConfigError> {
        let web = WebConfig {
            asset_url: env.origin("ASSET_URL", true)?,
            canonical_url: env.origin("CANONICAL_URL", false)?,
            legacy_hosts: env.host_list("LEGACY_HOSTS")?,
            upload_dir: data_dir.join("uploads"),
            sitemap_limit: env.ranged(
                "SITEMAP_URL_LIMIT",
                50_000usize,
                10..=50_000,
                "expected a number of URLs from 10 to 50000",
            )?,
            node_name: env.node_name()?,
            drain: std::time::Duration::from_secs(
                env.parsed::<u64>("SHUTDOWN_DRAIN_SECONDS", 1, "expected a whole number of seconds")?.min(300),
            ),
            request_timeout: std::time::Duration::from_secs(env.ranged(
                "REQUEST_TIMEOUT",
                30u64,
                1..=600,
                "expected a whole number of seconds from 1 to 600",
            )?),
            trusted_proxies: trusted_proxies(env)?,
        };
        if !web.legacy_hosts.is_empty() && web.canonical_url.is_none() {
            return Err(ConfigError {
                var: "LEGACY_HOSTS",
                value: web.legacy_hosts.join(","),
                reason: "needs CANONICAL_URL, the address to redirect to".into(),
            });
        }
        Ok(web)
    }
}

fn trusted_proxies(env: &Env) -> Result<Option<Vec<ipnet::IpNet>>, ConfigError> {
    let Some(list) = env.get("TRUSTED_PROXIES") else { return Ok(None) };
    let parse = |item: &str| {
        item.parse::<ipnet::IpNet>().or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from)).map_err(
            |_| ConfigError {
                var: "TRUSTED_PROXIES",
                value: item.into(),
                reason: "expected addresses or networks like 10.0.0.0/8, comma-separated".into(),
            },
        )
    };
    list.split(',').map(str::trim).filter(|item| !item.is_empty()).map(parse).collect::<Result<Vec<_>, _>>().map(Some)
}

impl SiteConfig {
    pub(super) fn from_env(env: &Env) -> Result<SiteConfig, ConfigError> {
        Ok(SiteConfig {
            output_name: env.get("LEPTOS_OUTPUT_NAME").unwrap_or("famigo").to_string(),
            site_root: env.get("LEPTOS_SITE_ROOT").unwrap_or("target/site").to_string(),
            pkg_dir: env.get("LEPTOS_SITE_PKG_DIR").unwrap_or("pkg").to_string(),
            reload_port: env.parsed("LEPTOS_RELOAD_PORT", 3001, "expected a port number")?,
        })
    }
}

impl Env {
    fn node_name(&self) -> Result<String, ConfigError> {
        let name = match self.get("FAMIGO_NODE") {
            Some(name) => name.trim().to_string(),
            None => std::fs::read_to_string("/etc/hostname")
                .ok()
                .or_else(|| self.get("HOSTNAME").map(str::to_string))
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "famigo".into()),
        };
        let valid = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if valid {
            Ok(name)
        } else {
            Err(ConfigError {
                var: "FAMIGO_NODE",
                value: name,
                reason: "use 1 to 64 letters, digits, - _ . only".into(),
            })
        }
    }
}
