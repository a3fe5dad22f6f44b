//! What `REDIS_URL` names, and the one connection every adapter sends its commands through.
//!
//! - `redis://[:password@]host:port[/db]` (or `rediss://`): one server, through a multiplexed
//!   `ConnectionManager`.
//! - `redis+cluster://[:password@]host:port,host:port,...`: a Redis Cluster, through redis-rs's
//!   cluster connection, which learns the slot map from any of the listed nodes, routes each
//!   command by its key, follows `MOVED`/`ASK` and reconnects by itself. A cluster has only
//!   database 0.
//! - `redis+sentinel://[:password@]host:port,host:port,.../service[/db]`: a primary with replicas
//!   that Redis Sentinel watches and fails over; the listed hosts are the sentinels, `service`
//!   the name they monitor the primary under, and the password the primary's (`sentinel.rs`).

use super::sentinel::SentinelConnection;
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, ErrorKind, Pipeline, RedisError, RedisFuture, RedisResult, Value};
use std::time::Duration;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);

/// A parsed `REDIS_URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedisTarget {
    Server(String),
    /// One `redis://` URL per listed node, each with the password.
    Cluster(Vec<String>),
    Sentinel(SentinelTarget),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentinelTarget {
    /// One `redis://host:port` per sentinel (sentinels take no password here).
    pub sentinels: Vec<String>,
    /// The name the sentinels monitor the primary under.
    pub service: String,
    /// `redis://[:password@]_/db`: the primary's password and database (its host is whatever
    /// the sentinels name).
    pub node: String,
}

impl RedisTarget {
    pub const CLUSTER_SCHEME: &str = "redis+cluster://";
    pub const SENTINEL_SCHEME: &str = "redis+sentinel://";

    pub fn parse(url: &str) -> RedisResult<RedisTarget> {
        if let Some(rest) = url.strip_prefix(Self::SENTINEL_SCHEME) {
            return Self::parse_sentinel(rest);
        }
        let Some(rest) = url.strip_prefix(Self::CLUSTER_SCHEME) else {
            redis::Client::open(url)?;
            return Ok(RedisTarget::Server(url.to_string()));
        };
        let (auth, hosts) = split_auth(rest);
        let hosts = hosts.trim_end_matches('/');
        if hosts.contains('/') || hosts.contains('?') {
            return Err(invalid("a Redis Cluster URL names nodes only: no database, no options"));
        }
        let nodes: Vec<String> = hosts.split(',').map(str::trim).map(|host| format!("redis://{auth}{host}")).collect();
        if nodes.iter().any(|node| node.ends_with('@') || node.ends_with("//")) {
            return Err(invalid("a Redis Cluster URL lists host:port of each node, comma-separated"));
        }
        for node in &nodes {
            redis::Client::open(node.as_str())?;
        }
        Ok(RedisTarget::Cluster(nodes))
    }

    fn parse_sentinel(rest: &str) -> RedisResult<RedisTarget> {
        let (auth, rest) = split_auth(rest);
        let Some((hosts, path)) = rest.split_once('/') else {
            return Err(invalid(
                "a Redis Sentinel URL ends with /service: the name the sentinels monitor the primary under",
            ));
        };
        let (service, db) = match path.trim_end_matches('/').split_once('/') {
            Some((service, db)) => (service, db),
            None => (path.trim_end_matches('/'), "0"),
        };
        if service.is_empty() || hosts.is_empty() || service.contains('?') || db.parse::<u16>().is_err() {
            return Err(invalid("a Redis Sentinel URL is redis+sentinel://host:port,host:port/service[/db]"));
        }
        let sentinels: Vec<String> = hosts.split(',').map(str::trim).map(|host| format!("redis://{host}")).collect();
        if sentinels.iter().any(|s| s.ends_with("//")) {
            return Err(invalid("a Redis Sentinel URL lists host:port of each sentinel, comma-separated"));
        }
        for sentinel in &sentinels {
            redis::Client::open(sentinel.as_str())?;
        }
        let node = format!("redis://{auth}primary/{db}");
        redis::Client::open(node.as_str())?;
        Ok(RedisTarget::Sentinel(SentinelTarget { sentinels, service: service.to_string(), node }))
    }

    /// `host:port` of the (first) node, for messages: never the password.
    pub fn describe(&self) -> String {
        let first = match self {
            RedisTarget::Server(url) => url,
            RedisTarget::Cluster(nodes) => &nodes[0],
            RedisTarget::Sentinel(target) => &target.sentinels[0],
        };
        let host = redis::Client::open(first.as_str())
            .map(|c| c.get_connection_info().addr().to_string())
            .unwrap_or_else(|_| "an invalid URL".into());
        match self {
            RedisTarget::Server(_) => host,
            RedisTarget::Cluster(nodes) => format!("{host} (cluster of {} listed nodes)", nodes.len()),
            RedisTarget::Sentinel(target) => {
                format!("the primary of {:?} (sentinel {host} and {} more)", target.service, target.sentinels.len() - 1)
            }
        }
    }

    /// A client for each listed node (pub/sub connects to one of them); none for Sentinel, whose
    /// primary is asked for when subscribing.
    pub fn node_clients(&self) -> RedisResult<Vec<redis::Client>> {
        match self {
            RedisTarget::Server(url) => Ok(vec![redis::Client::open(url.as_str())?]),
            RedisTarget::Cluster(nodes) => nodes.iter().map(|n| redis::Client::open(n.as_str())).collect(),
            RedisTarget::Sentinel(_) => Ok(Vec::new()),
        }
    }

    /// Connects in the background: a Redis that is down only makes calls fail until it is up.
    /// Connecting times out after 2 s, a command after 5 s, and a call made while Redis is down
    /// fails after one more attempt.
    pub fn connect_lazily(&self) -> RedisResult<RedisConnection> {
        match self {
            RedisTarget::Server(url) => {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(CONNECT_TIMEOUT))
                    .set_response_timeout(Some(RESPONSE_TIMEOUT))
                    .set_number_of_retries(1)
                    .set_max_delay(CONNECT_TIMEOUT);
                let client = redis::Client::open(url.as_str())?;
                Ok(RedisConnection::Server(ConnectionManager::new_lazy_with_config(client, config)?))
            }
            RedisTarget::Cluster(nodes) => {
                let client = redis::cluster::ClusterClient::builder(nodes.clone())
                    .connection_timeout(CONNECT_TIMEOUT)
                    .response_timeout(RESPONSE_TIMEOUT)
                    .retries(2)
                    .max_retry_wait(500)
                    .build()?;
                let config = redis::cluster::ClusterConfig::new()
                    .set_connection_timeout(CONNECT_TIMEOUT)
                    .set_response_timeout(RESPONSE_TIMEOUT);
                Ok(RedisConnection::Cluster(client.get_pending_async_connection_with_config(config)))
            }
            RedisTarget::Sentinel(target) => {
                let node = redis::Client::open(target.node.as_str())?.get_connection_info().redis_settings().clone();
                let connection = SentinelConnection::new(
                    &target.sentinels,
                    &target.service,
                    node,
                    CONNECT_TIMEOUT,
                    RESPONSE_TIMEOUT,
                )?;
                Ok(RedisConnection::Sentinel(connection))
            }
        }
    }
}

fn invalid(why: &'static str) -> RedisError {
    RedisError::from((ErrorKind::InvalidClientConfig, why))
}

/// `("[user]:password@", rest)` of what follows a scheme, or `("", rest)` without credentials.
fn split_auth(rest: &str) -> (String, &str) {
    match rest.rsplit_once('@') {
        Some((auth, hosts)) => (format!("{auth}@"), hosts),
        None => (String::new(), rest),
    }
}

/// The process's connection: cheap to clone, every clone multiplexed over the same sockets.
#[derive(Clone)]
pub enum RedisConnection {
    Server(ConnectionManager),
    Cluster(ClusterConnection),
    Sentinel(SentinelConnection),
}

impl RedisConnection {
    /// After a write that must survive a failover: waits until a replica has it (Sentinel only;
    /// one server has no replica to wait for, and a cluster's writes are not waited for here).
    pub async fn wait_for_replica(&self) {
        if let RedisConnection::Sentinel(c) = self {
            c.wait_for_replica().await;
        }
    }
}

impl ConnectionLike for RedisConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            RedisConnection::Server(c) => c.req_packed_command(cmd),
            RedisConnection::Cluster(c) => c.req_packed_command(cmd),
            RedisConnection::Sentinel(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            RedisConnection::Server(c) => c.req_packed_commands(pipeline, offset, count),
            RedisConnection::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
            RedisConnection::Sentinel(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            RedisConnection::Server(c) => c.get_db(),
            RedisConnection::Cluster(c) => c.get_db(),
            RedisConnection::Sentinel(c) => c.get_db(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_url_lists_its_nodes_each_with_the_password() {
        assert_eq!(
            RedisTarget::parse("redis+cluster://:s3cret@10.0.0.1:7000,10.0.0.2:7000/").unwrap(),
            RedisTarget::Cluster(vec!["redis://:s3cret@10.0.0.1:7000".into(), "redis://:s3cret@10.0.0.2:7000".into()])
        );
        let target = RedisTarget::parse("redis+cluster://:s3cret@10.0.0.1:7000,10.0.0.2:7000").unwrap();
        assert_eq!(target.describe(), "10.0.0.1:7000 (cluster of 2 listed nodes)");
        assert_eq!(RedisTarget::parse("redis://h:6379/2").unwrap(), RedisTarget::Server("redis://h:6379/2".into()));
        for bad in ["redis+cluster://", "redis+cluster://a:1,,b:2", "redis+cluster://a:1/3", "redis+cluster://:pw@"] {
            assert!(RedisTarget::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_sentinel_url_lists_the_sentinels_and_names_the_service() {
        let target = RedisTarget::parse("redis+sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26379/famigo/2").unwrap();
        assert_eq!(
            target,
            RedisTarget::Sentinel(SentinelTarget {
                sentinels: vec!["redis://10.0.0.1:26379".into(), "redis://10.0.0.2:26379".into()],
                service: "famigo".into(),
                node: "redis://:s3cret@primary/2".into(),
            })
        );
        assert_eq!(target.describe(), r#"the primary of "famigo" (sentinel 10.0.0.1:26379 and 1 more)"#);
        let RedisTarget::Sentinel(plain) = RedisTarget::parse("redis+sentinel://s1:26379/mymaster").unwrap() else {
            panic!("a sentinel target")
        };
        assert_eq!(plain.node, "redis://primary/0");
        for bad in [
            "redis+sentinel://s1:26379",
            "redis+sentinel://s1:26379/",
            "redis+sentinel:///famigo",
            "redis+sentinel://s1:26379,,s2:26379/famigo",
            "redis+sentinel://s1:26379/famigo/x",
            "redis+sentinel://s1:26379/famigo?db=1",
        ] {
            assert!(RedisTarget::parse(bad).is_err(), "{bad}");
        }
    }
}
