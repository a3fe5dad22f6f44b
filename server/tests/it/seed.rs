//! `famigo seed` writes a site that agrees with itself: every app's stars are the average and
//! count of its published parent reviews, and seeding again changes nothing.

use app::domain::{RatingSummary, ReviewStatus};
use app::ports::{Accounts, Catalog, Reviews};
use famigo::catalog::seed::{generate, seed_site, REVIEWERS};
use famigo::sqlite::Sqlite;
use tempfile::TempDir;

#[tokio::test]
async fn each_apps_stars_are_its_seeded_reviews() {
    let data = TempDir::new().unwrap();
    let sqlite = Sqlite::open(data.path()).await.unwrap();
    let (catalog, accounts, reviews) = (sqlite.catalog(), sqlite.accounts(), sqlite.reviews());

    let seeded = seed_site(&catalog, &accounts, &reviews, 120, 9).await.expect("seed");
    assert_eq!(seeded.apps, 120);
    assert!(seeded.reviews > 100, "the demo apps come with reviews: {seeded:?}");
    let mut reviewed = 0;
    for expected in generate(120, 9) {
        let app = catalog.get(&expected.slug).await.unwrap().expect("seeded app");
        let from_reviews = reviews.rating(&app.slug).await.unwrap();
        assert_eq!(
            RatingSummary { average: app.rating_avg, count: app.rating_count },
            from_reviews,
            "{}: the stars shown are its reviews'",
            app.slug
        );
        let (page, total) = reviews.app_reviews(&app.slug, 0, 50).await.unwrap();
        assert_eq!(total, u64::from(app.rating_count));
        assert!(page.iter().all(|r| r.status == ReviewStatus::Published && r.text.len() >= 10));
        reviewed += usize::from(total > 0);
    }
    assert!((30..=90).contains(&reviewed), "about half the apps have reviews: {reviewed} of 120");

    let histories = || async {
        let mut with_history = 0;
        for expected in generate(120, 9) {
            let history = catalog.fact_history(&expected.slug).await.unwrap();
            let earlier = famigo::catalog::seed::earlier_version(&expected);
            assert_eq!(history.len(), usize::from(earlier.is_some()), "{}: {history:?}", expected.slug);
            with_history += history.len();
        }
        with_history
    };
    let with_history = histories().await;
    assert!(with_history > 0, "some seeded apps show what a later check found changed");

    let again = seed_site(&catalog, &accounts, &reviews, 120, 9).await.expect("seeding again");
    assert_eq!(histories().await, with_history, "seeding again adds no history");
    assert_eq!(again, seeded, "the same reviews are written over themselves");
    assert_eq!(catalog.count().await.unwrap(), 120);
    let users = accounts.users_page(None, 1_000).await.unwrap();
    assert_eq!(users.len(), REVIEWERS, "the reviewers' accounts are made once");
    assert!(users.iter().all(|(record, _)| !record.user.digest), "no digest mail to seeded accounts");
}
