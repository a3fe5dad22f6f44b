//! The mail outbox (one suite, run on the embedded SQLite outbox and on Redis) and its delivery
//! over SMTP with lettre to a real SMTP server (aiosmtpd, started here).

use crate::common;

use app::domain::{MailState, NewMail, MAIL_MAX_ATTEMPTS};
use app::ports::Outbox;
use common::redis::RedisServer;
use common::smtp::SmtpServer;
use famigo::mail::{deliver_due, Delivered, Mailer};
use famigo::redis::outbox::RedisOutbox;
use famigo::sqlite::outbox::SqliteOutbox;
use famigo::storage::now_ms;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

/// An outbox, a second handle on it (as another process would have), and what keeps it alive.
struct Setup {
    outbox: Arc<dyn Outbox>,
    other: Arc<dyn Outbox>,
    _dir: TempDir,
    _redis: Option<RedisServer>,
}

async fn embedded() -> Option<Setup> {
    let dir = TempDir::new().unwrap();
    let outbox = Arc::new(SqliteOutbox::open(dir.path()).await.unwrap());
    let other = Arc::new(SqliteOutbox::open(dir.path()).await.unwrap());
    Some(Setup { outbox, other, _dir: dir, _redis: None })
}

async fn redis() -> Option<Setup> {
    on_redis(RedisServer::start()?).await
}

async fn redis_cluster() -> Option<Setup> {
    on_redis(RedisServer::start_cluster()?).await
}

async fn on_redis(server: RedisServer) -> Option<Setup> {
    let outbox = Arc::new(RedisOutbox::connect(&server.url(), "test").await.unwrap());
    let other = Arc::new(RedisOutbox::connect(&server.url(), "test").await.unwrap());
    Some(Setup { outbox, other, _dir: TempDir::new().unwrap(), _redis: Some(server) })
}

fn mail(key: &str) -> NewMail {
    NewMail {
        key: key.into(),
        to: "parent@example.org".into(),
        subject: format!("Subject {key}"),
        body: format!("Body of {key}\nsecond line"),
    }
}

async fn a_key_is_composed_once_and_recent_is_newest_first(s: &Setup) {
    assert!(s.outbox.put(&mail("a")).await.unwrap());
    assert!(s.outbox.put(&mail("b")).await.unwrap());
    assert!(!s.other.put(&mail("a")).await.unwrap(), "same key from another process");
    let recent = s.outbox.recent(10).await.unwrap();
    let keys: Vec<&str> = recent.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["b", "a"]);
    assert_eq!((recent[1].state, recent[1].attempts, recent[1].sent_at), (MailState::Pending, 0, None));
    assert_eq!((recent[1].to.as_str(), recent[1].body.as_str()), ("parent@example.org", "Body of a\nsecond line"));
    assert_eq!(s.outbox.recent(1).await.unwrap().len(), 1);
}

async fn a_claim_holds_mail_for_its_lease_then_lets_it_go(s: &Setup) {
    s.outbox.put(&mail("a")).await.unwrap();
    let lease = Duration::from_millis(400);
    let first = s.outbox.claim(10, lease).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(s.other.claim(10, lease).await.unwrap().is_empty(), "held by the first claim");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let again = s.other.claim(10, lease).await.unwrap();
    assert_eq!(again.iter().map(|m| &m.id).collect::<Vec<_>>(), vec![&first[0].id], "the deliverer died: due again");
    s.other.sent(&again[0].id).await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(s.outbox.claim(10, lease).await.unwrap().is_empty(), "sent mail is never claimed again");
    let sent = &s.outbox.recent(1).await.unwrap()[0];
    assert_eq!((sent.state, sent.attempts), (MailState::Sent, 1));
    assert!(sent.sent_at.is_some());
}

async fn failures_retry_later_then_give_up_keeping_the_error(s: &Setup) {
    s.outbox.put(&mail("a")).await.unwrap();
    let id = s.outbox.claim(1, Duration::from_secs(60)).await.unwrap()[0].id.clone();
    let state = s.outbox.failed(&id, "421 try later", Some(now_ms() + 300)).await.unwrap();
    assert_eq!(state, MailState::Pending);
    assert!(s.outbox.claim(1, Duration::from_secs(60)).await.unwrap().is_empty(), "not due before retry_at");
    tokio::time::sleep(Duration::from_millis(400)).await;
    for attempt in 2..=MAIL_MAX_ATTEMPTS {
        let claimed = s.outbox.claim(1, Duration::from_secs(60)).await.unwrap();
        assert_eq!(claimed.len(), 1, "attempt {attempt}");
        let state = s.outbox.failed(&id, &format!("421 try later ({attempt})"), Some(now_ms())).await.unwrap();
        assert_eq!(state, if attempt == MAIL_MAX_ATTEMPTS { MailState::Failed } else { MailState::Pending });
    }
    assert!(s.outbox.claim(1, Duration::from_secs(60)).await.unwrap().is_empty(), "failed mail stays out");
    let failed = &s.outbox.recent(1).await.unwrap()[0];
    assert_eq!((failed.state, failed.attempts), (MailState::Failed, MAIL_MAX_ATTEMPTS));
    assert_eq!(failed.last_error.as_deref(), Some(format!("421 try later ({MAIL_MAX_ATTEMPTS})").as_str()));

    s.outbox.put(&mail("b")).await.unwrap();
    let id = s.outbox.claim(1, Duration::from_secs(60)).await.unwrap()[0].id.clone();
    assert_eq!(s.outbox.failed(&id, "550 no such user", None).await.unwrap(), MailState::Failed, "permanent: no retry");
}

async fn two_deliverers_never_take_the_same_mail(s: &Setup) {
    for i in 0..100 {
        s.outbox.put(&mail(&format!("m{i}"))).await.unwrap();
    }
    let take = |outbox: Arc<dyn Outbox>| async move {
        let mut ids = Vec::new();
        loop {
            let batch = outbox.claim(7, Duration::from_secs(60)).await.unwrap();
            if batch.is_empty() {
                return ids;
            }
            ids.extend(batch.into_iter().map(|m| m.id));
        }
    };
    let (a, b) = tokio::join!(tokio::spawn(take(s.outbox.clone())), tokio::spawn(take(s.other.clone())));
    let (a, b) = (a.unwrap(), b.unwrap());
    let all: HashSet<&String> = a.iter().chain(&b).collect();
    assert_eq!(
        (a.len() + b.len(), all.len()),
        (100, 100),
        "each mail claimed exactly once ({} + {})",
        a.len(),
        b.len()
    );
}

async fn a_sent_mail_keeps_no_link_that_acts_for_its_reader(s: &Setup) {
    let link = "https://famigo.example/reset-password?token=9f2a7c41";
    let reset = NewMail { body: format!("Choose a new password:\n{link}\nThanks"), ..mail("password-reset:x") };
    assert!(s.outbox.put(&reset).await.unwrap());
    let pending = s.outbox.recent(1).await.unwrap().remove(0);
    assert!(pending.body.contains(link), "until it is delivered the mail is whole");
    let claimed = s.outbox.claim(5, Duration::from_secs(30)).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(claimed[0].body.contains(link), "the deliverer gets the link");
    s.outbox.sent(&claimed[0].id).await.unwrap();
    let kept = s.other.recent(1).await.unwrap().remove(0);
    assert_eq!(kept.state, MailState::Sent);
    assert_eq!(kept.body, "Choose a new password:\nhttps://famigo.example/reset-password?token=(hidden)\nThanks");
}

common::backend_suite!([sqlite: embedded, redis_outbox: redis, redis_cluster_outbox: redis_cluster], [ a_sent_mail_keeps_no_link_that_acts_for_its_reader, a_key_is_composed_once_and_recent_is_newest_first, a_claim_holds_mail_for_its_lease_then_lets_it_go, failures_retry_later_then_give_up_keeping_the_error, two_deliverers_never_take_the_same_mail ]);

#[tokio::test]
async fn due_mail_is_delivered_over_smtp_once_and_bad_mail_is_kept_with_its_error() {
    let Some(mut smtp) = SmtpServer::start() else { return };
    let Some(s) = embedded().await else { return };
    let mailer = Mailer::new(&smtp.url(), "Famigo <noreply@famigo.test>").unwrap();
    for key in ["digest:1", "digest:2"] {
        s.outbox.put(&mail(key)).await.unwrap();
    }
    s.outbox.put(&NewMail { to: "not an address".into(), ..mail("bad") }).await.unwrap();

    let delivered = deliver_due(&*s.outbox, &mailer).await.unwrap();
    assert_eq!(delivered, Delivered { sent: 2, failed: 1 });
    let messages = smtp.wait_for(2, Duration::from_secs(5));
    assert_eq!(messages.len(), 2, "{messages:?}");
    let recent = s.outbox.recent(10).await.unwrap();
    for key in ["digest:1", "digest:2"] {
        let sent = recent.iter().find(|m| m.key == key).unwrap();
        assert_eq!(sent.state, MailState::Sent);
        let message = messages
            .iter()
            .find(|m| m.contains(&format!("Subject: Subject {key}")))
            .unwrap_or_else(|| panic!("{key} not received"));
        assert!(message.contains(&format!("Message-ID: <{}@famigo.test>", sent.id)), "{message}");
        assert!(
            message.contains("X-RcptTo: parent@example.org") && message.contains("From: Famigo <noreply@famigo.test>"),
            "{message}"
        );
        assert!(message.contains(&format!("Body of {key}")), "{message}");
    }
    let bad = recent.iter().find(|m| m.key == "bad").unwrap();
    assert_eq!((bad.state, bad.attempts), (MailState::Failed, 1), "a bad address is not retried");
    assert!(bad.last_error.as_deref().unwrap_or("").contains("not an address"), "{:?}", bad.last_error);
    assert_eq!(deliver_due(&*s.outbox, &mailer).await.unwrap(), Delivered::default(), "nothing sent twice");

    // SMTP server down: the mail waits with the error, to be retried later.
    smtp.stop();
    s.outbox.put(&mail("while-down")).await.unwrap();
    assert_eq!(deliver_due(&*s.outbox, &mailer).await.unwrap(), Delivered { sent: 0, failed: 1 });
    let waiting = s.outbox.recent(1).await.unwrap().remove(0);
    assert_eq!((waiting.key.as_str(), waiting.state, waiting.attempts), ("while-down", MailState::Pending, 1));
    println!("kept while SMTP was down: {:?}", waiting.last_error);
    assert!(waiting.last_error.is_some());
    assert_eq!(smtp.messages().len(), 2);
}

#[tokio::test]
async fn an_alert_mail_waits_in_memory_while_the_outbox_is_down() {
    use famigo::ops::alerts::{AlertMessage, AlertSinks};
    let Some(mut server) = RedisServer::start() else { return };
    let outbox: Arc<dyn Outbox> = Arc::new(RedisOutbox::connect(&server.url(), "test").await.unwrap());
    let sinks = AlertSinks::new(None, Some((outbox.clone(), "ops@famigo.test".into())));
    let detail = serde_json::json!({ "node": "node-a", "dependency": "page_cache", "state": "down" });

    server.stop();
    let alert = |key: &str| AlertMessage {
        key: key.into(),
        summary: "node-a: page_cache (redis) is down".into(),
        detail: &detail,
    };
    sinks.send(alert("node-a:page_cache:down:1")).await;
    assert!(!sinks.flush().await, "kept while Redis is down");
    assert!(server.restart());
    let stored = tokio::time::timeout(Duration::from_secs(10), async {
        while !sinks.flush().await {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;
    assert!(stored.is_ok(), "put once Redis is back");
    sinks.send(alert("node-a:page_cache:down:1")).await; // the same event again: one mail
    let mails = outbox.recent(10).await.unwrap();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(
        (mails[0].to.as_str(), mails[0].subject.as_str()),
        ("ops@famigo.test", "[famigo] node-a: page_cache (redis) is down")
    );
    assert!(mails[0].body.contains("\"dependency\": \"page_cache\""), "{}", mails[0].body);
}
