//! A port error keeps the driver's own error as its cause (not a copy of its text), says
//! whether a retry can help, and `Causes` prints the whole chain for a log.

use app::ports::{BackendError, Catalog, Causes, StoreError, Throttle, ThrottleError};
use famigo::sqlite::Sqlite;
use std::error::Error;
use tempfile::TempDir;

#[tokio::test]
async fn a_closed_sqlite_pool_is_unavailable_and_keeps_the_sqlx_error() {
    let data = TempDir::new().unwrap();
    let sqlite = Sqlite::open(data.path()).await.unwrap();
    let catalog = sqlite.catalog();
    sqlite.close().await;

    let err = catalog.get("toca-life").await.expect_err("the pool is closed");
    let StoreError::Unavailable(cause) = &err else { panic!("a closed pool is worth a retry later: {err:?}") };
    assert!(matches!(cause.driver::<sqlx::Error>(), Some(sqlx::Error::PoolClosed)), "{cause:?}");
    assert!(err.source().is_some_and(|s| s.is::<BackendError>()), "the backend error is the source");
    assert!(Causes(&err).to_string().contains("closed"), "{}", Causes(&err));
}

#[tokio::test]
async fn a_redis_that_refuses_the_connection_is_named_in_the_log_line() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let throttle = famigo::redis::throttle::RedisThrottle::connect(&format!("redis://127.0.0.1:{port}"), "t")
        .await
        .expect("connecting is lazy: a Redis that is down is not an error yet");

    let ThrottleError(cause) = throttle.wait("sign-in:sam").await.expect_err("nothing listens there");
    assert!(cause.is_unavailable(), "{cause:?}");
    let redis_error = cause.driver::<redis::RedisError>().expect("the redis-rs error itself is kept");
    assert!(redis_error.is_connection_refusal() || redis_error.is_io_error(), "{redis_error:?}");
    let line = Causes(&cause).to_string();
    assert!(line.to_lowercase().contains("refused"), "the log says what happened: {line}");
}
