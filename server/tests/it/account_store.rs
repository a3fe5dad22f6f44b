//! One conformance suite for the `Accounts` port (users, children, favorites) and one for the
//! `Reviews` port, run on SQLite always and on the MongoDB stand-in when it is installed; and
//! one for the `Throttle` port, in memory always and on a real redis-server.

use crate::common;

use app::domain::{Moderation, NewKid, NewReview, RatingSummary, ReviewStatus, Role, MAX_KIDS};
use app::ports::{
    AccountError, Accounts, NewUser, PasswordHash, ReviewDraft, ReviewError, Reviews, Throttle, ThrottlePolicy,
};
use famigo::sqlite::Sqlite;
use std::sync::Arc;
use std::time::Duration;

fn new_user(email: &str) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: "Sam".into(),
        password_hash: PasswordHash("$argon2id$hash".into()),
        role: Role::Parent,
    }
}

/// `atomic_writes`: whether the backend applies concurrent writes to one record one after the
/// other, as SQLite and MongoDB do (the MongoDB stand-in does not).
async fn accounts_suite(accounts: Arc<dyn Accounts>, atomic_writes: bool) {
    let backend = accounts.backend();
    accounts.ping().await.expect("ping");

    // Users: created once per email, found by id and email.
    let sam = accounts.create_user(&new_user("sam@example.com")).await.expect("create");
    assert!(
        matches!(accounts.create_user(&new_user("sam@example.com")).await, Err(AccountError::EmailTaken)),
        "{backend}: email unique"
    );
    let found = accounts.user_by_email("sam@example.com").await.unwrap().expect("by email");
    assert_eq!(found.user, sam);
    assert_eq!(found.password_hash.0, "$argon2id$hash");
    assert_eq!(accounts.user(&sam.id).await.unwrap().expect("by id").user.email, "sam@example.com");
    assert!(accounts.user("no-such-id").await.unwrap().is_none());
    assert!(accounts.user_by_email("nobody@example.com").await.unwrap().is_none());

    // A new password changes the session stamp; roles change.
    let stamp = found.session_stamp.clone();
    assert!(accounts.set_password(&sam.id, &PasswordHash("$argon2id$new".into())).await.unwrap());
    let changed = accounts.user(&sam.id).await.unwrap().unwrap();
    assert_eq!(changed.password_hash.0, "$argon2id$new");
    assert_ne!(changed.session_stamp, stamp, "{backend}: the stamp changes with the password");
    assert!(!accounts.set_password("no-such-id", &PasswordHash("x".into())).await.unwrap());
    assert!(accounts.set_role(&sam.id, Role::Admin).await.unwrap());
    assert_eq!(accounts.user(&sam.id).await.unwrap().unwrap().user.role, Role::Admin);

    // The weekly digest: on for a new account, off and on again.
    assert!(sam.digest, "{backend}: a new account gets the digest");
    assert!(accounts.set_digest(&sam.id, false).await.unwrap());
    assert!(!accounts.user(&sam.id).await.unwrap().unwrap().user.digest, "{backend}: digest off");
    assert!(accounts.set_digest(&sam.id, true).await.unwrap());
    assert!(
        accounts.user_by_email("sam@example.com").await.unwrap().unwrap().user.digest,
        "{backend}: digest on again"
    );
    assert!(!accounts.set_digest("no-such-id", false).await.unwrap());

    // Children: in the order added, at most MAX_KIDS, only the owner removes one.
    let kid = |n: u16| NewKid { nickname: n.is_multiple_of(2).then(|| format!("Kid {n}")), birth_year: 2010 + n };
    let first = accounts.add_kid(&sam.id, &kid(0)).await.unwrap().expect("added");
    assert_eq!(first.nickname.as_deref(), Some("Kid 0"));
    for n in 1..MAX_KIDS as u16 {
        accounts.add_kid(&sam.id, &kid(n)).await.unwrap().expect("added");
    }
    assert!(
        matches!(accounts.add_kid(&sam.id, &kid(99)).await, Err(AccountError::TooManyKids(_))),
        "{backend}: kid limit"
    );
    let kids = accounts.kids(&sam.id).await.unwrap();
    assert_eq!(kids.len(), MAX_KIDS);
    assert_eq!(
        kids.iter().map(|k| k.birth_year).collect::<Vec<_>>(),
        (0..MAX_KIDS as u16).map(|n| 2010 + n).collect::<Vec<_>>()
    );
    assert_eq!(kids[1].nickname, None);
    assert!(accounts.add_kid("no-such-id", &kid(1)).await.unwrap().is_none());

    let lee = accounts.create_user(&new_user("lee@example.com")).await.unwrap();
    assert!(!accounts.remove_kid(&lee.id, &first.id).await.unwrap(), "{backend}: someone else's child");
    assert!(accounts.remove_kid(&sam.id, &first.id).await.unwrap());
    assert!(!accounts.remove_kid(&sam.id, &first.id).await.unwrap());
    assert_eq!(accounts.kids(&sam.id).await.unwrap().len(), MAX_KIDS - 1);
    assert!(accounts.kids(&lee.id).await.unwrap().is_empty());

    // Favorites: newest first, once each, per user.
    for slug in ["alpha", "beta", "gamma"] {
        assert!(accounts.add_favorite(&sam.id, slug).await.unwrap());
    }
    assert!(accounts.add_favorite(&sam.id, "alpha").await.unwrap(), "again: no change");
    assert!(accounts.add_favorite(&lee.id, "beta").await.unwrap());
    assert!(!accounts.add_favorite("no-such-id", "beta").await.unwrap());
    assert_eq!(accounts.favorites(&sam.id).await.unwrap(), ["gamma", "beta", "alpha"], "{backend}");
    assert!(accounts.remove_favorite(&sam.id, "beta").await.unwrap());
    assert!(!accounts.remove_favorite(&sam.id, "beta").await.unwrap());
    assert_eq!(accounts.favorites(&sam.id).await.unwrap(), ["gamma", "alpha"]);
    assert_eq!(accounts.favorites(&lee.id).await.unwrap(), ["beta"], "{backend}: another user's favorites untouched");

    // What families with a child of an age favorited: sam's kids were born 2011–2021; lee gets
    // one born in 2019.
    accounts.add_kid(&lee.id, &NewKid { nickname: None, birth_year: 2019 }).await.unwrap();
    accounts.add_favorite(&sam.id, "beta").await.unwrap();
    let kidless = accounts.create_user(&new_user("kidless@example.com")).await.unwrap();
    accounts.add_favorite(&kidless.id, "beta").await.unwrap();
    assert_eq!(
        accounts.family_favorites(2018, 2020, 10).await.unwrap(),
        [("beta".to_string(), 2), ("alpha".to_string(), 1), ("gamma".to_string(), 1)],
        "{backend}"
    );
    assert_eq!(accounts.family_favorites(2018, 2020, 1).await.unwrap(), [("beta".to_string(), 2)]);
    assert_eq!(
        accounts.family_favorites(2000, 2005, 10).await.unwrap(),
        [],
        "{backend}: no family with a child that old"
    );
    assert_eq!(
        accounts.family_favorites(2022, 2026, 10).await.unwrap(),
        [],
        "{backend}: kidless favorites do not count"
    );

    // Every user, a page at a time in id order, with their children.
    let mut walked = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = accounts.users_page(after.as_deref(), 2).await.unwrap();
        let Some((last, _)) = page.last() else { break };
        after = Some(last.user.id.clone());
        walked.extend(page.into_iter().map(|(record, kids)| (record.user.email, kids.len())));
    }
    walked.sort();
    let expected: Vec<(String, usize)> = vec![
        ("kidless@example.com".into(), 0),
        ("lee@example.com".into(), 1),
        ("sam@example.com".into(), accounts.kids(&sam.id).await.unwrap().len()),
    ];
    assert_eq!(walked, expected, "{backend}");

    // Reset tokens: used once, not after they expire, and only their own user's.
    accounts.put_reset_token(&sam.id, "hash-a", 2_000).await.unwrap();
    accounts.put_reset_token(&sam.id, "hash-b", 2_000).await.unwrap();
    accounts.put_reset_token(&lee.id, "hash-c", 1_000).await.unwrap();
    assert_eq!(accounts.take_reset_token("hash-a", 1_500).await.unwrap().as_deref(), Some(sam.id.as_str()));
    assert_eq!(accounts.take_reset_token("hash-a", 1_500).await.unwrap(), None, "{backend}: single use");
    assert_eq!(accounts.take_reset_token("hash-c", 1_500).await.unwrap(), None, "{backend}: expired");
    assert_eq!(accounts.take_reset_token("hash-c", 500).await.unwrap(), None, "{backend}: an expired try used it up");
    assert_eq!(accounts.take_reset_token("unknown", 0).await.unwrap(), None);
    accounts.put_reset_token("no-such-id", "hash-d", 2_000).await.unwrap();
    assert_eq!(accounts.take_reset_token("hash-d", 0).await.unwrap(), None, "{backend}: no token for a missing user");
    // A new password (by a reset link or on the account page) voids the other links.
    accounts.put_reset_token(&lee.id, "hash-e", 3_000).await.unwrap();
    accounts.put_reset_token(&lee.id, "hash-f", 3_000).await.unwrap();
    assert_eq!(accounts.take_reset_token("hash-e", 1_500).await.unwrap().as_deref(), Some(lee.id.as_str()));
    assert!(accounts.set_password(&lee.id, &PasswordHash("$argon2id$new".into())).await.unwrap());
    assert_eq!(
        accounts.take_reset_token("hash-f", 1_500).await.unwrap(),
        None,
        "{backend}: voided by the new password"
    );

    // Deleting a user takes everything of theirs, and nothing of anyone else's.
    assert!(accounts.delete_user(&sam.id).await.unwrap());
    assert!(!accounts.delete_user(&sam.id).await.unwrap());
    assert!(accounts.user(&sam.id).await.unwrap().is_none());
    assert!(accounts.user_by_email("sam@example.com").await.unwrap().is_none());
    assert!(accounts.kids(&sam.id).await.unwrap().is_empty());
    assert!(accounts.favorites(&sam.id).await.unwrap().is_empty());
    assert_eq!(
        accounts.take_reset_token("hash-b", 0).await.unwrap(),
        None,
        "{backend}: the reset token went with the user"
    );
    assert_eq!(accounts.favorites(&lee.id).await.unwrap(), ["beta"]);
    let again = accounts.create_user(&new_user("sam@example.com")).await.expect("the email is free again");
    assert!(accounts.favorites(&again.id).await.unwrap().is_empty(), "{backend}: a new account starts empty");

    // Concurrent adds cannot pass the children limit.
    if !atomic_writes {
        let reason = format!("concurrent children limit on {backend}: the MongoDB stand-in does not apply concurrent updates of one document atomically (set MONGODB_URL to test a real server)");
        return common::skip("mongodb-server", &reason).unwrap_or(());
    }
    let racing = accounts.create_user(&new_user("race@example.com")).await.unwrap();
    let adds = (0..MAX_KIDS + 6).map(|n| {
        let (accounts, id) = (accounts.clone(), racing.id.clone());
        tokio::spawn(async move { accounts.add_kid(&id, &kid(n as u16 % 17)).await })
    });
    let results = futures::future::join_all(adds).await;
    let added = results.iter().filter(|r| matches!(r, Ok(Ok(Some(_))))).count();
    assert_eq!(added, MAX_KIDS, "{backend}: {results:?}");
    assert_eq!(accounts.kids(&racing.id).await.unwrap().len(), MAX_KIDS);
}

#[tokio::test]
async fn sqlite_accounts() {
    let dir = tempfile::TempDir::new().unwrap();
    let store = Sqlite::open(dir.path()).await.expect("open");
    accounts_suite(Arc::new(store.accounts()), true).await;
}

#[tokio::test]
async fn mongodb_accounts() {
    let Some(server) = common::mongo::MongoServer::start() else { return };
    let catalog = famigo::mongo::Mongo::open(&server.url, &server.database).await.expect("open");
    accounts_suite(Arc::new(catalog.accounts()), server.kind == "mongodb").await;
}

fn draft(user: &app::domain::User, app_slug: &str, stars: u8, text: &str, status: ReviewStatus) -> ReviewDraft {
    ReviewDraft {
        app_slug: app_slug.into(),
        user_id: user.id.clone(),
        author: user.display_name.clone(),
        review: NewReview { stars, text: text.into() },
        status,
        reason: (status == ReviewStatus::Pending).then(|| "contains a link".into()),
    }
}

async fn reviews_suite(accounts: Arc<dyn Accounts>, reviews: Arc<dyn Reviews>) {
    let backend = reviews.backend();
    let ana = accounts.create_user(&new_user("ana@example.com")).await.unwrap();
    let ben = accounts.create_user(&new_user("ben@example.com")).await.unwrap();
    let cy = accounts.create_user(&new_user("cy@example.com")).await.unwrap();
    let published = ReviewStatus::Published;

    // One review per (user, app): writing again edits it in place.
    let first = reviews.put_review(&draft(&ana, "dino-math", 5, "Great counting game.", published)).await.expect("put");
    assert_eq!((first.stars, first.status, first.helpful, first.author.as_str()), (5, published, 0, "Sam"));
    tokio::time::sleep(Duration::from_millis(5)).await;
    let edited = reviews.put_review(&draft(&ana, "dino-math", 3, "Fine, but many ads.", published)).await.unwrap();
    assert_eq!(
        (edited.id.as_str(), edited.created_at, edited.stars, edited.text.as_str()),
        (first.id.as_str(), first.created_at, 3, "Fine, but many ads.")
    );
    assert!(edited.edited(), "{backend}: updated_at moves on an edit");
    assert_eq!(reviews.user_review(&ana.id, "dino-math").await.unwrap().map(|r| r.id), Some(first.id.clone()));
    assert_eq!(reviews.user_review(&ben.id, "dino-math").await.unwrap(), None);
    tokio::time::sleep(Duration::from_millis(5)).await;
    let bens = reviews.put_review(&draft(&ben, "dino-math", 4, "My son loves it.", published)).await.unwrap();
    let held = reviews
        .put_review(&draft(&cy, "dino-math", 1, "see https://spam.example", ReviewStatus::Pending))
        .await
        .unwrap();
    reviews.put_review(&draft(&cy, "word-farm", 2, "Too hard for a 4 year old.", published)).await.unwrap();
    let no_user = reviews
        .put_review(&draft(
            &app::domain::User { id: "no-such-user".into(), ..ana.clone() },
            "dino-math",
            5,
            "ghost review",
            published,
        ))
        .await;
    assert!(no_user.is_err(), "{backend}: a review needs its user");

    // Only published reviews are listed (newest first) and counted.
    let (page, total) = reviews.app_reviews("dino-math", 0, 10).await.unwrap();
    assert_eq!(total, 2, "{backend}");
    assert_eq!(
        page.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [bens.id.as_str(), first.id.as_str()],
        "{backend}: newest first"
    );
    let (second, total) = reviews.app_reviews("dino-math", 1, 1).await.unwrap();
    assert_eq!((second.len(), second[0].id.as_str(), total), (1, first.id.as_str(), 2));
    assert_eq!(reviews.rating("dino-math").await.unwrap(), RatingSummary { average: 3.5, count: 2 });
    assert_eq!(reviews.rating("no-reviews").await.unwrap(), RatingSummary::default());
    let (pending, n) = reviews.by_status(ReviewStatus::Pending, 0, 10).await.unwrap();
    assert_eq!(
        (n, pending[0].id.as_str(), pending[0].reason.as_deref()),
        (1, held.id.as_str(), Some("contains a link"))
    );

    // Helpful votes: one per voter, only on published reviews.
    assert_eq!(reviews.vote_helpful(&ben.id, &first.id).await.unwrap(), Some(1));
    assert_eq!(
        reviews.vote_helpful(&ben.id, &first.id).await.unwrap(),
        Some(1),
        "{backend}: a second vote counts once"
    );
    assert_eq!(reviews.vote_helpful(&cy.id, &first.id).await.unwrap(), Some(2));
    assert_eq!(reviews.vote_helpful(&ana.id, &held.id).await.unwrap(), None, "{backend}: not on a pending review");
    assert_eq!(reviews.vote_helpful(&ana.id, "no-such-review").await.unwrap(), None);
    assert_eq!(reviews.review(&first.id).await.unwrap().unwrap().helpful, 2);

    // Moderation: approving publishes and counts; hiding keeps the reason and stops counting.
    let approved = reviews.moderate(&held.id, &Moderation::Approve).await.unwrap().expect("moderated");
    assert_eq!((approved.status, approved.reason), (published, None));
    assert_eq!(reviews.rating("dino-math").await.unwrap(), RatingSummary { average: 2.7, count: 3 });
    let hidden = reviews.moderate(&bens.id, &Moderation::Hide { reason: "off topic".into() }).await.unwrap().unwrap();
    assert_eq!((hidden.status, hidden.reason.as_deref()), (ReviewStatus::Hidden, Some("off topic")));
    assert_eq!(reviews.rating("dino-math").await.unwrap(), RatingSummary { average: 2.0, count: 2 });
    assert_eq!(reviews.moderate("no-such-review", &Moderation::Approve).await.unwrap(), None);
    let all = reviews.ratings().await.unwrap();
    assert_eq!(
        all,
        vec![
            ("dino-math".to_string(), RatingSummary { average: 2.0, count: 2 }),
            ("word-farm".to_string(), RatingSummary { average: 2.0, count: 1 })
        ],
        "{backend}"
    );

    // Only its author deletes a review; its votes go with it.
    assert_eq!(reviews.delete_review(&ben.id, &first.id).await.unwrap(), None, "{backend}: not ben's");
    assert!(reviews.review(&first.id).await.unwrap().is_some());
    assert_eq!(reviews.delete_review(&ana.id, &first.id).await.unwrap().map(|r| r.app_slug), Some("dino-math".into()));
    assert_eq!(reviews.review(&first.id).await.unwrap(), None);
    assert_eq!(reviews.rating("dino-math").await.unwrap(), RatingSummary { average: 1.0, count: 1 });

    // A deleted account takes its reviews and its votes.
    let again = reviews.put_review(&draft(&ana, "word-farm", 5, "We changed our minds.", published)).await.unwrap();
    reviews.vote_helpful(&cy.id, &again.id).await.unwrap();
    reviews.vote_helpful(&ana.id, &held.id).await.unwrap();
    assert_eq!(
        reviews.delete_user_reviews(&cy.id).await.unwrap(),
        ["dino-math", "word-farm"],
        "{backend}: reviewed or voted on"
    );
    assert_eq!(reviews.review(&again.id).await.unwrap().unwrap().helpful, 0, "{backend}: cy's vote went");
    assert_eq!(reviews.review(&held.id).await.unwrap(), None);
    assert_eq!(reviews.rating("dino-math").await.unwrap(), RatingSummary::default());
    assert_eq!(reviews.delete_user_reviews(&cy.id).await.unwrap(), Vec::<String>::new(), "repeatable");

    // Many at once, as the seed writes them: the same as one by one, replacing the author's own.
    let batch = [
        draft(&ana, "owl-piano", 4, "Lovely piano lessons.", published),
        draft(&ben, "owl-piano", 2, "Too many upsells for us.", published),
        draft(&ana, "owl-piano", 5, "Better after the update.", published),
    ];
    assert_eq!(reviews.put_reviews(&batch).await.expect("put many"), 3);
    assert_eq!(reviews.rating("owl-piano").await.unwrap(), RatingSummary::of([5, 2]), "{backend}: ana's replaced");
    let (page, total) = reviews.app_reviews("owl-piano", 0, 10).await.unwrap();
    assert_eq!(total, 2);
    assert!(page.iter().any(|r| r.text == "Better after the update."), "{backend}");
    let stranger = app::domain::User { id: "no-such-user".into(), ..ana.clone() };
    let refused = reviews.put_reviews(&[draft(&stranger, "owl-piano", 1, "Who wrote this one?", published)]).await;
    assert!(matches!(refused, Err(ReviewError::NoSuchAuthor(_))), "{backend}: {refused:?}");
}

#[tokio::test]
async fn sqlite_reviews() {
    let dir = tempfile::TempDir::new().unwrap();
    let store = Sqlite::open(dir.path()).await.expect("open");
    reviews_suite(Arc::new(store.accounts()), Arc::new(store.reviews())).await;
}

#[tokio::test]
async fn mongodb_reviews() {
    let Some(server) = common::mongo::MongoServer::start() else { return };
    let catalog = famigo::mongo::Mongo::open(&server.url, &server.database).await.expect("open");
    reviews_suite(Arc::new(catalog.accounts()), Arc::new(catalog.reviews())).await;
}

async fn throttle_suite(throttle: Arc<dyn Throttle>) {
    let backend = throttle.backend();
    let policy = ThrottlePolicy {
        free: 3,
        window: Duration::from_secs(60),
        base: Duration::from_millis(400),
        max: Duration::from_millis(1500),
    };
    let key = format!("test:{}", rand::random::<u32>());
    assert_eq!(throttle.wait(&key).await.unwrap(), None);
    for _ in 0..3 {
        assert_eq!(throttle.fail(&key, &policy).await.unwrap(), None, "{backend}: free failures");
    }
    assert_eq!(throttle.wait(&key).await.unwrap(), None);
    let block = throttle.fail(&key, &policy).await.unwrap().expect("blocked after the free ones");
    assert_eq!(block, Duration::from_millis(400), "{backend}");
    let wait = throttle.wait(&key).await.unwrap().expect("waiting");
    assert!(wait <= Duration::from_millis(400) && wait > Duration::from_millis(200), "{backend}: {wait:?}");
    assert_eq!(throttle.fail(&key, &policy).await.unwrap(), Some(Duration::from_millis(800)), "{backend}: doubles");
    assert_eq!(throttle.fail(&key, &policy).await.unwrap(), Some(Duration::from_millis(1500)), "{backend}: up to max");
    assert_eq!(throttle.wait("test:other").await.unwrap(), None, "{backend}: keys are apart");
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(throttle.wait(&key).await.unwrap(), None, "{backend}: the block ends");
    throttle.clear(&key).await.unwrap();
    assert_eq!(throttle.fail(&key, &policy).await.unwrap(), None, "{backend}: cleared, free again");

    // An attempt that turned out right is taken back: the budget is for failures.
    let key = format!("test:{}", rand::random::<u32>());
    throttle.forgive(&key).await.unwrap();
    for _ in 0..10 {
        assert_eq!(throttle.fail(&key, &policy).await.unwrap(), None, "{backend}: counted then forgiven");
        throttle.forgive(&key).await.unwrap();
    }
    for _ in 0..3 {
        assert_eq!(throttle.fail(&key, &policy).await.unwrap(), None);
    }
    assert!(throttle.fail(&key, &policy).await.unwrap().is_some(), "{backend}: failures still count");

    // The count is forgotten a window after the last failure.
    let short = ThrottlePolicy {
        free: 1,
        window: Duration::from_millis(300),
        base: Duration::from_millis(100),
        max: Duration::from_millis(100),
    };
    let key = format!("test:{}", rand::random::<u32>());
    assert_eq!(throttle.fail(&key, &short).await.unwrap(), None);
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(throttle.fail(&key, &short).await.unwrap(), None, "{backend}: forgotten after the window");

    // Failures counted at once from many tasks (nodes) are all counted.
    let key = format!("test:{}", rand::random::<u32>());
    let many = ThrottlePolicy {
        free: 50,
        window: Duration::from_secs(60),
        base: Duration::from_secs(1),
        max: Duration::from_secs(60),
    };
    let fails = (0..50).map(|_| {
        let (throttle, key) = (throttle.clone(), key.clone());
        tokio::spawn(async move { throttle.fail(&key, &many).await.unwrap() })
    });
    assert!(futures::future::join_all(fails).await.into_iter().all(|r| r.unwrap().is_none()));
    assert_eq!(
        throttle.fail(&key, &many).await.unwrap(),
        Some(Duration::from_secs(1)),
        "{backend}: the 51st failure blocks"
    );
}

#[tokio::test]
async fn memory_throttle() {
    throttle_suite(Arc::new(famigo::memory::throttle::MemoryThrottle::new())).await;
}

#[tokio::test]
async fn redis_throttle() {
    let Some(server) = common::redis::RedisServer::start() else { return };
    throttle_suite_on(&server).await;
}

#[tokio::test]
async fn redis_cluster_throttle() {
    let Some(cluster) = common::redis::RedisServer::start_cluster() else { return };
    throttle_suite_on(&cluster).await;
}

async fn throttle_suite_on(redis: &common::redis::RedisServer) {
    let throttle = famigo::redis::throttle::RedisThrottle::connect(&redis.url(), "famigo-test").await.expect("connect");
    throttle_suite(Arc::new(throttle)).await;
}
