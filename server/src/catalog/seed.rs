//! The demo catalog: deterministic, realistic fictional apps, each with the parents' reviews its
//! star rating comes from. The same `--apps` and `--seed` always give the same catalog, so tests
//! and benchmarks can rely on it. Nothing in it is dated after `CATALOG_DATE`.

pub use super::seed_facts::CATALOG_DATE;
use super::seed_facts::{facts_for, Profile};
use app::domain::{
    Ads, App, Category, Chat, ContentKind, DataUse, FactGroup, NewReview, Platform, RatingSummary, ReviewStatus, Role,
};
use app::ports::StoreError;
use app::ports::{Accounts, Catalog, NewUser, PasswordHash, ReviewDraft, Reviews};
use chrono::{Duration, NaiveDate};
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

const BATCH: usize = 1_000;

/// The parents who wrote the demo catalog's reviews: accounts nobody can sign in to (their
/// password hash is not a hash), with no digest mail, at addresses that cannot receive mail.
pub const REVIEWERS: usize = 60;
const MOST_REVIEWS_PER_APP: usize = 36;
const REVIEWER_FIRST: &[&str] = &[
    "Maya", "Tom", "Priya", "Lucas", "Amara", "Jonas", "Sofia", "Ben", "Aiko", "Omar", "Elena", "Kwame", "Hannah",
    "Diego", "Mei", "Sam", "Fatima", "Noah", "Ingrid", "Ravi",
];
const REVIEWER_INITIAL: &[&str] = &["R.", "B.", "K."];

/// One parent review of the demo catalog: who (an index below `REVIEWERS`), how many stars, what.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedReview {
    pub reviewer: usize,
    pub stars: u8,
    pub text: String,
}

const ADJECTIVES: &[&str] = &[
    "Tiny", "Happy", "Brave", "Clever", "Sleepy", "Busy", "Little", "Mighty", "Curious", "Sunny", "Wobbly", "Cosmic",
    "Silly", "Gentle", "Bright", "Secret", "Magic", "Rainbow", "Jolly", "Wild", "Quiet", "Speedy", "Giant", "Fuzzy",
    "Bouncy", "Starry", "Daring", "Cozy", "Lucky", "Golden",
];
const NOUNS: &[&str] = &[
    "Dino",
    "Rocket",
    "Panda",
    "Garden",
    "Ocean",
    "Robot",
    "Dragon",
    "Owl",
    "Castle",
    "Planet",
    "Bakery",
    "Forest",
    "Train",
    "Monster",
    "Kitten",
    "Pirate",
    "Puppy",
    "Island",
    "Volcano",
    "Farm",
    "Unicorn",
    "Submarine",
    "Jungle",
    "Penguin",
    "Bear",
    "Comet",
    "Fox",
    "Treehouse",
    "Whale",
    "Zoo",
    "Koala",
    "Tractor",
    "Lighthouse",
    "Meadow",
    "Rabbit",
    "Squirrel",
    "Turtle",
    "Village",
    "Bee",
    "Moon",
];
const FORMATS: &[(&str, &[Category])] = &[
    ("Math", &[Category::Math, Category::Education]),
    ("Numbers", &[Category::Math, Category::Education]),
    ("Letters", &[Category::Reading, Category::Education]),
    ("Reader", &[Category::Reading, Category::Stories]),
    ("Stories", &[Category::Stories, Category::Reading]),
    ("Science Lab", &[Category::Science, Category::Education]),
    ("Explorers", &[Category::Science, Category::Games]),
    ("Puzzles", &[Category::Puzzles, Category::Games]),
    ("Adventure", &[Category::Games]),
    ("Racers", &[Category::Games]),
    ("Paint", &[Category::Creativity]),
    ("Studio", &[Category::Creativity, Category::Music]),
    ("Band", &[Category::Music]),
    ("Piano", &[Category::Music, Category::Education]),
    ("Words", &[Category::Languages, Category::Reading]),
    ("Spanish", &[Category::Languages, Category::Education]),
    ("Code Club", &[Category::Coding, Category::Puzzles]),
    ("Builders", &[Category::Coding, Category::Creativity]),
    ("Quest", &[Category::Games, Category::Puzzles]),
    ("Academy", &[Category::Education]),
];
const STUDIO_FIRST: &[&str] = &[
    "Acorn",
    "Blue Kite",
    "Pebble",
    "Maple",
    "Lantern",
    "Otter",
    "Paper Boat",
    "Bright Owl",
    "Little Fox",
    "Sprout",
    "Harbor",
    "Cloudberry",
    "Marble",
    "Kindling",
    "Nutmeg",
    "Polar",
];
const STUDIO_LAST: &[&str] = &["Studios", "Games", "Learning", "Labs", "Interactive", "Kids", "Media", "Co."];
/// Whether a hook is true of an app.
type Agrees = fn(&App) -> bool;

/// The description's second and third sentences, each with the facts it needs to be true.
const HOOKS: &[(&str, Agrees)] = &[
    ("Kids explore at their own pace, with gentle hints when they get stuck.", |_| true),
    ("Short levels fit a car ride or a quiet afternoon.", |_| true),
    ("Narration helps pre-readers play on their own.", |a| a.min_age <= 6),
    ("Progress reports show parents what was practised.", |a| !a.facts.learning.subjects.is_empty()),
    ("Works offline, so it travels well.", |a| a.facts.store.works_offline),
    ("Difficulty adapts as a child improves.", |_| true),
    ("Bright, uncluttered screens keep the focus on play.", |a| a.facts.money.ads == Ads::None),
    ("A calm soundtrack and no timers keep the pressure off.", |a| {
        let content = &a.facts.content;
        content.get(ContentKind::Consumerism).score <= 2 && content.get(ContentKind::Scariness).score <= 2
    }),
];

/// Two hooks true of `app`: the drawn ones where they agree with its facts, then the next ones
/// that do (by their order in `HOOKS`), so no description contradicts the facts beside it.
fn hooks_for(app: &App, drawn: &[usize]) -> String {
    let agrees = |i: &usize| (HOOKS[*i].1)(app);
    let start = drawn.first().copied().unwrap_or(0);
    let fallback = (0..HOOKS.len()).map(|k| (start + k) % HOOKS.len());
    let mut chosen: Vec<usize> = drawn.iter().copied().filter(agrees).collect();
    for i in fallback.filter(agrees) {
        if chosen.len() == 2 {
            break;
        }
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    chosen.iter().map(|i| HOOKS[*i].0).collect::<Vec<_>>().join(" ")
}

fn topic_sentence(category: Category, noun: &str) -> String {
    let noun = noun.to_lowercase();
    match category {
        Category::Math => format!("Count, add and compare with a cast of friendly {noun}s."),
        Category::Reading => format!("Sound out letters and build first words alongside a {noun} guide."),
        Category::Stories => format!("Interactive picture stories about a {noun} who loves to ask questions."),
        Category::Science => format!("Experiment, observe and discover how the {noun}'s world works."),
        Category::Games => format!("An adventure across the {noun} kingdom with collectibles and boss levels."),
        Category::Puzzles => format!("Hundreds of puzzles that grow harder as the {noun} climbs higher."),
        Category::Creativity => format!("Draw, paint and decorate your own {noun} with a full set of tools."),
        Category::Music => format!("Play melodies, keep the beat and compose songs for the {noun} parade."),
        Category::Languages => format!("Learn everyday words in a new language by helping the {noun} travel."),
        Category::Coding => format!("Program the {noun} with blocks to solve each challenge."),
        Category::Education => format!("A playful curriculum of early skills hosted by a {noun}."),
    }
}

fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_string()
}

/// Youngest ages skew young: most of the catalog is for under-tens.
fn min_age(rng: &mut ChaCha8Rng) -> u8 {
    const WEIGHTS: &[(u8, u32)] = &[
        (2, 9),
        (3, 11),
        (4, 12),
        (5, 11),
        (6, 10),
        (7, 9),
        (8, 8),
        (9, 6),
        (10, 5),
        (11, 4),
        (12, 4),
        (13, 3),
        (14, 2),
        (15, 2),
        (16, 1),
        (17, 1),
        (18, 1),
    ];
    let total: u32 = WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for &(age, w) in WEIGHTS {
        if pick < w {
            return age;
        }
        pick -= w;
    }
    2
}

/// A rating that clusters around 3.9, with a tail of poorly rated apps, like real store ratings.
fn star_average(rng: &mut ChaCha8Rng) -> f32 {
    let r: f32 = if rng.random_bool(0.1) {
        1.5 + 2.0 * rng.random::<f32>()
    } else {
        let bell: f32 = (0..3).map(|_| rng.random::<f32>()).sum::<f32>() - 1.5;
        3.9 + bell * 0.9
    };
    (r.clamp(1.0, 5.0) * 10.0).round() / 10.0
}

/// The next app from `rng` and its reviews; `taken` keeps slugs unique.
fn generate_app(rng: &mut ChaCha8Rng, taken: &mut HashSet<String>) -> (App, Vec<SeedReview>) {
    let adjective = *ADJECTIVES.choose(rng).unwrap_or(&"Happy");
    let noun = *NOUNS.choose(rng).unwrap_or(&"Panda");
    let (format, base_categories) = *FORMATS.choose(rng).unwrap_or(&FORMATS[0]);
    let name = format!("{adjective} {noun} {format}");
    let base_slug = slugify(&name);
    let mut slug = base_slug.clone();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base_slug}-{n}");
        n += 1;
    }
    taken.insert(slug.clone());

    let mut categories = base_categories.to_vec();
    if rng.random_bool(0.2) {
        let extra = *Category::ALL.choose(rng).unwrap_or(&Category::Games);
        if !categories.contains(&extra) {
            categories.push(extra);
        }
    }
    let mut platforms: Vec<Platform> = Platform::ALL
        .iter()
        .copied()
        .filter(|p| {
            let chance = match p {
                Platform::Ios => 0.75,
                Platform::Android => 0.7,
                Platform::Web => 0.25,
                Platform::Windows => 0.15,
                Platform::MacOs => 0.15,
                Platform::Kindle => 0.2,
            };
            rng.random_bool(chance)
        })
        .collect();
    if platforms.is_empty() {
        platforms.push(Platform::Ios);
    }

    let min_age = min_age(rng);
    let free = rng.random_bool(0.7);
    let price_cents = if free { 0 } else { *[99, 199, 299, 399, 499, 699, 999].choose(rng).unwrap_or(&299) };
    let educational = categories.iter().any(|c| {
        matches!(
            c,
            Category::Education
                | Category::Math
                | Category::Reading
                | Category::Science
                | Category::Languages
                | Category::Coding
        )
    });
    let learning_rating = if educational { rng.random_range(2..=5) } else { rng.random_range(0..=3) };
    let epoch = NaiveDate::from_ymd_opt(2012, 1, 1).unwrap_or_default();
    let newest_release = (CATALOG_DATE - epoch).num_days() - 60;
    let released = epoch + Duration::days(rng.random_range(0..newest_release));
    let updated = (released + Duration::days(rng.random_range(0..700))).min(CATALOG_DATE);

    let primary = categories[0];
    let studio =
        format!("{} {}", STUDIO_FIRST.choose(rng).unwrap_or(&"Acorn"), STUDIO_LAST.choose(rng).unwrap_or(&"Studios"));
    // Drawn here, before the facts, so that the rest of the catalog stays as it was.
    let drawn_hooks: Vec<usize> = rand::seq::index::sample(rng, HOOKS.len(), 2).into_vec();
    let topic = topic_sentence(primary, noun);
    let quality = star_average(rng);
    let profile = Profile {
        slug: &slug,
        developer: &studio,
        categories: &categories,
        platforms: &platforms,
        min_age,
        price_cents,
        released,
        updated,
        quality,
    };
    let facts = facts_for(rng, &profile);
    let max_age = (min_age < 12 && rng.random_bool(0.5)).then(|| (min_age + rng.random_range(2..=5)).min(18));
    let mut app = App {
        slug,
        name,
        developer: studio,
        description: String::new(),
        platforms,
        price_cents,
        categories,
        min_age,
        max_age,
        learning_rating,
        facts,
        rating_avg: 0.0,
        rating_count: 0,
        released,
        updated,
    };
    app.description = format!("{topic} {}", hooks_for(&app, &drawn_hooks));
    app.normalize();
    app.facts.store.images = crate::media::artwork::images_for(&app);
    let reviews = reviews_of(&app, quality, rng);
    let rating = RatingSummary::of(reviews.iter().map(|r| r.stars));
    (app.rating_avg, app.rating_count) = (rating.average, rating.count);
    (app, reviews)
}

/// An earlier version of a demo app that a later check found changed, for about one app in
/// twenty: ads or chat it did not have, a data type it did not link, a cheaper subscription.
/// The change's group was checked then at a day between the release and today's check, so
/// writing this version first and then `app` records the change on the day of `app`'s check.
/// Picked from the slug (no draw from the catalog's random stream).
pub fn earlier_version(app: &App) -> Option<App> {
    let hash = xxhash_rust::xxh3::xxh3_64(format!("earlier:{}", app.slug).as_bytes());
    if !hash.is_multiple_of(20) {
        return None;
    }
    let mut earlier = app.clone();
    let facts = &mut earlier.facts;
    let group = if facts.money.ads != Ads::None {
        facts.money.ads = Ads::None;
        FactGroup::Money
    } else if facts.interaction.chat == Chat::Moderated {
        facts.interaction.chat = Chat::None;
        FactGroup::Interaction
    } else if let Some(cents) = facts.money.subscription_cents.filter(|c| *c >= 299) {
        facts.money.subscription_cents = Some(cents - 100);
        FactGroup::Money
    } else if let Some(usage) = facts.privacy.data.values_mut().find(|u| **u == DataUse::Linked) {
        *usage = DataUse::NotLinked;
        FactGroup::Privacy
    } else {
        return None;
    };
    let checked = app.facts.sources.of(group).checked?;
    let days = (checked - app.released).num_days();
    if days < 60 {
        return None;
    }
    facts.sources.of_mut(group).checked = Some(app.released + Duration::days(days / 2));
    earlier.validate().is_ok().then_some(earlier)
}

/// The parents' reviews of `app`: about half the apps have none, a few have dozens (a power
/// law); stars scatter around the app's `quality`; each text speaks of what the app really has
/// (ads, purchases, what it teaches), never of something it lacks.
fn reviews_of(app: &App, quality: f32, rng: &mut ChaCha8Rng) -> Vec<SeedReview> {
    let r: f64 = rng.random();
    let count = ((r.powi(5) * MOST_REVIEWS_PER_APP as f64) as usize).min(REVIEWERS);
    let reviewers: Vec<usize> = rand::seq::index::sample(rng, REVIEWERS, count).into_iter().collect();
    reviewers
        .into_iter()
        .map(|reviewer| {
            let spread: f32 = (0..3).map(|_| rng.random::<f32>()).sum::<f32>() - 1.5;
            let stars = (quality + spread * 1.2).round().clamp(1.0, 5.0) as u8;
            SeedReview { reviewer, stars, text: review_text(app, stars, rng) }
        })
        .collect()
}

fn review_text(app: &App, stars: u8, rng: &mut ChaCha8Rng) -> String {
    let age = (app.min_age + rng.random_range(0..3)).min(17);
    let child = *["son", "daughter", "kid"].choose(rng).unwrap_or(&"kid");
    let opening = match stars {
        5 => format!("My {age}-year-old {child} asks for {} every day.", app.name),
        4 => format!("Our {age}-year-old {child} enjoys it and comes back to it often."),
        3 => format!("Fine for short sessions; my {age}-year-old {child} gets bored after a while."),
        2 => format!("My {age}-year-old {child} lost interest within a week."),
        _ => format!("Not for us: my {age}-year-old {child} got frustrated quickly."),
    };
    let privacy = app.privacy();
    let money = if privacy.ads && stars <= 3 {
        "The ads between levels are the worst part."
    } else if privacy.in_app_purchases && stars <= 3 {
        "It keeps asking to buy extras."
    } else if privacy.ads {
        "There are ads, but they are easy to skip."
    } else if privacy.in_app_purchases {
        "Some extras cost money; we set up purchase approval first."
    } else {
        "No ads and nothing to buy, which we love."
    };
    let learning = match app.learning_rating {
        4..=5 => "We can see what it teaches.",
        2..=3 => "There is a little learning in it.",
        _ => "It is more play than learning.",
    };
    format!("{opening} {money} {learning}")
}

/// The demo catalog's reviewers: (email, display name) of each, in index order.
pub fn reviewer(index: usize) -> (String, String) {
    let first = REVIEWER_FIRST[index % REVIEWER_FIRST.len()];
    let initial = REVIEWER_INITIAL[(index / REVIEWER_FIRST.len()) % REVIEWER_INITIAL.len()];
    (format!("reviewer-{index:02}@seed.famigo.invalid"), format!("{first} {initial}"))
}

/// The first `count` apps of the catalog generated from `seed`, each with its reviews (its star
/// average and count are theirs).
pub fn generate_with_reviews(count: usize, seed: u64) -> impl Iterator<Item = (App, Vec<SeedReview>)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut taken = HashSet::new();
    (0..count).map(move |_| generate_app(&mut rng, &mut taken))
}

/// The apps alone (`generate_with_reviews` without the reviews).
pub fn generate(count: usize, seed: u64) -> impl Iterator<Item = App> {
    generate_with_reviews(count, seed).map(|(app, _)| app)
}

fn progress_bar(count: usize) -> ProgressBar {
    let bar = ProgressBar::new(count as u64);
    bar.set_style(
        ProgressStyle::with_template("seeding {bar:40} {pos}/{len} apps ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Writes `count` generated apps to the catalog in batches, with a progress bar on a terminal.
/// Their reviews are not written: the stars shown are those reviews would give (`seed_site`
/// writes both).
pub async fn seed(catalog: &dyn Catalog, count: usize, seed: u64) -> Result<(), StoreError> {
    let bar = progress_bar(count);
    let mut batch = Vec::with_capacity(BATCH);
    for app in generate(count, seed) {
        batch.push(app);
        if batch.len() == BATCH {
            write_apps(catalog, &batch).await?;
            bar.inc(batch.len() as u64);
            batch.clear();
        }
    }
    if !batch.is_empty() {
        write_apps(catalog, &batch).await?;
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    Ok(())
}

/// Writes a batch of demo apps, the earlier version of each that has one first (for apps not
/// stored yet), so that their history holds what the later checks found.
async fn write_apps(catalog: &dyn Catalog, apps: &[App]) -> Result<(), StoreError> {
    let earlier: Vec<App> = apps.iter().filter_map(earlier_version).collect();
    if !earlier.is_empty() {
        let slugs: Vec<String> = earlier.iter().map(|a| a.slug.clone()).collect();
        let stored: HashSet<String> = catalog.get_many(&slugs).await?.into_iter().map(|a| a.slug).collect();
        let new: Vec<App> = earlier.into_iter().filter(|a| !stored.contains(&a.slug)).collect();
        if !new.is_empty() {
            catalog.upsert_many(&new).await?;
        }
    }
    catalog.upsert_many(apps).await?;
    Ok(())
}

/// What `seed_site` wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    pub apps: usize,
    pub reviews: usize,
}

/// The demo site: `count` apps and the parents' reviews their stars come from, written by the
/// `REVIEWERS` seeded accounts (made if missing).
pub async fn seed_site(
    catalog: &dyn Catalog,
    accounts: &dyn Accounts,
    reviews: &dyn Reviews,
    count: usize,
    seed: u64,
) -> anyhow::Result<Seeded> {
    let reviewers = seed_reviewers(accounts).await?;
    let bar = progress_bar(count);
    let mut seeded = Seeded::default();
    let mut apps = Vec::with_capacity(BATCH);
    let mut drafts = Vec::new();
    for (app, app_reviews) in generate_with_reviews(count, seed) {
        drafts.extend(app_reviews.into_iter().map(|review| {
            let (user_id, author) = &reviewers[review.reviewer];
            ReviewDraft {
                app_slug: app.slug.clone(),
                user_id: user_id.clone(),
                author: author.clone(),
                review: NewReview { stars: review.stars, text: review.text },
                status: ReviewStatus::Published,
                reason: None,
            }
        }));
        apps.push(app);
        if apps.len() == BATCH {
            seeded.reviews += write_batch(catalog, reviews, &apps, &drafts).await?;
            seeded.apps += apps.len();
            bar.inc(apps.len() as u64);
            apps.clear();
            drafts.clear();
        }
    }
    seeded.reviews += write_batch(catalog, reviews, &apps, &drafts).await?;
    seeded.apps += apps.len();
    bar.finish_and_clear();
    Ok(seeded)
}

async fn write_batch(
    catalog: &dyn Catalog,
    reviews: &dyn Reviews,
    apps: &[App],
    drafts: &[ReviewDraft],
) -> anyhow::Result<usize> {
    if !apps.is_empty() {
        write_apps(catalog, apps).await?;
    }
    Ok(reviews.put_reviews(drafts).await?)
}

/// The ids and display names of the seeded reviewers, in index order, making the missing ones.
async fn seed_reviewers(accounts: &dyn Accounts) -> anyhow::Result<Vec<(String, String)>> {
    let mut reviewers = Vec::with_capacity(REVIEWERS);
    for index in 0..REVIEWERS {
        let (email, display_name) = reviewer(index);
        let user = match accounts.user_by_email(&email).await? {
            Some(record) => record.user,
            None => {
                let new = NewUser {
                    email,
                    display_name,
                    password_hash: PasswordHash("!seeded reviewer: no password signs in".into()),
                    role: Role::Parent,
                };
                let user = accounts.create_user(&new).await?;
                accounts.set_digest(&user.id, false).await?;
                user
            }
        };
        reviewers.push((user.id, user.display_name));
    }
    Ok(reviewers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{FactSource, PriceModel};

    #[test]
    fn same_seed_same_catalog_and_every_app_is_valid() {
        let a: Vec<App> = generate(300, 7).collect();
        let b: Vec<App> = generate(300, 7).collect();
        assert_eq!(a, b);
        for app in &a {
            app.validate().unwrap_or_else(|e| panic!("{}: {e}", app.slug));
        }
        let slugs: HashSet<_> = a.iter().map(|a| &a.slug).collect();
        assert_eq!(slugs.len(), a.len(), "slugs must be unique");
        let c: Vec<App> = generate(300, 8).collect();
        assert_ne!(a, c, "another seed gives another catalog");
    }

    #[test]
    fn distributions_are_plausible() {
        let apps: Vec<App> = generate(5_000, 1).collect();
        let share = |f: &dyn Fn(&App) -> bool| apps.iter().filter(|a| f(a)).count() as f64 / apps.len() as f64;
        let free = share(&|a| a.is_free());
        assert!((0.6..0.8).contains(&free), "free share {free}");
        let under_eight = share(&|a| a.min_age < 8);
        assert!(under_eight > 0.55, "ages should skew young, got {under_eight}");
        let rated: Vec<&App> = apps.iter().filter(|a| a.rating_count > 0).collect();
        let rated_share = rated.len() as f64 / apps.len() as f64;
        assert!((0.35..0.65).contains(&rated_share), "about half the apps have reviews: {rated_share}");
        let rated_share_of =
            |f: &dyn Fn(&App) -> bool| rated.iter().filter(|a| f(a)).count() as f64 / rated.len() as f64;
        let mean = rated.iter().map(|a| a.rating_avg as f64).sum::<f64>() / rated.len() as f64;
        assert!((3.3..4.5).contains(&mean), "mean rating {mean}");
        let top = rated_share_of(&|a| a.rating_avg >= 4.8);
        assert!(top < 0.2, "ratings must not pile up at the top: {top}");
        let poor = rated_share_of(&|a| a.rating_avg < 3.0);
        assert!((0.03..0.25).contains(&poor), "some apps are poorly rated: {poor}");
        assert!(apps.iter().all(|a| a.rating_count as usize <= MOST_REVIEWS_PER_APP));
    }

    #[test]
    fn stars_come_from_the_reviews_and_nothing_is_dated_later_than_the_catalog() {
        for (app, reviews) in generate_with_reviews(3_000, 5) {
            let summary = RatingSummary::of(reviews.iter().map(|r| r.stars));
            assert_eq!((app.rating_avg, app.rating_count), (summary.average, summary.count), "{}", app.slug);
            assert!(app.released <= app.updated && app.updated <= CATALOG_DATE, "{}: {:?}", app.slug, app.updated);
            let reviewers: HashSet<usize> = reviews.iter().map(|r| r.reviewer).collect();
            assert_eq!(reviewers.len(), reviews.len(), "{}: one review per parent", app.slug);
            for review in &reviews {
                assert!(review.reviewer < REVIEWERS && (1..=5).contains(&review.stars));
                let text = &review.text;
                let (ads, purchases) = (app.privacy().ads, app.privacy().in_app_purchases);
                assert!(!text.contains("No ads") || (!ads && !purchases), "{}: {text}", app.slug);
                assert!(!text.contains("ads") || ads || text.contains("No ads"), "{}: {text}", app.slug);
                assert!(!text.contains("buy extras") || purchases, "{}: {text}", app.slug);
                assert!(text.chars().count() >= app::domain::MIN_REVIEW_CHARS);
            }
        }
    }

    #[test]
    fn reviewers_have_distinct_names_and_addresses_that_cannot_receive_mail() {
        let all: Vec<(String, String)> = (0..REVIEWERS).map(reviewer).collect();
        assert_eq!(all.iter().map(|(e, _)| e).collect::<HashSet<_>>().len(), REVIEWERS);
        assert_eq!(all.iter().map(|(_, n)| n).collect::<HashSet<_>>().len(), REVIEWERS);
        assert!(all.iter().all(|(email, _)| email.ends_with(".invalid")));
    }

    fn share_of(apps: &[&App], test: impl Fn(&App) -> bool) -> f64 {
        apps.iter().filter(|a| test(a)).count() as f64 / apps.len().max(1) as f64
    }

    #[test]
    fn seeded_facts_are_valid_correlated_and_never_dated_after_the_catalog() {
        let apps: Vec<App> = generate(4_000, 11).collect();
        for app in &apps {
            app.validate().unwrap_or_else(|e| panic!("{}: {e}", app.slug));
            let sources = &app.facts.sources;
            let dates = [sources.content, sources.interaction, sources.privacy, sources.money]
                .into_iter()
                .filter_map(|p| p.checked)
                .chain(app.facts.review.as_ref().map(|r| r.reviewed))
                .chain(app.facts.conflicts.iter().filter_map(|c| c.checked));
            for date in dates {
                assert!(date <= CATALOG_DATE && date >= app.released, "{}: {date}", app.slug);
            }
            if sources.privacy.source == FactSource::Unknown {
                assert!(app.facts.privacy.data.is_empty() && sources.privacy.checked.is_none(), "{}", app.slug);
            }
        }
        let (free, paid): (Vec<&App>, Vec<&App>) = apps.iter().partition(|a| a.is_free());
        let ads = |a: &App| a.facts.money.ads != Ads::None;
        assert!(share_of(&free, ads) > 3.0 * share_of(&paid, ads), "free apps carry ads more often");
        let purchases = |a: &App| a.privacy().in_app_purchases;
        assert!(share_of(&free, purchases) > 2.0 * share_of(&paid, purchases), "and purchases");
        let young: Vec<&App> = apps.iter().filter(|a| a.min_age < 8).collect();
        let teens: Vec<&App> = apps.iter().filter(|a| a.min_age >= 13).collect();
        let chat = |a: &App| a.facts.interaction.chat != Chat::None;
        assert!(share_of(&young, chat) < 0.08 && share_of(&teens, chat) > 0.4, "chat is rare below 8");
        assert!(young.iter().all(|a| a.facts.interaction.chat != Chat::Open), "and never open");
        let subscriptions: Vec<&App> =
            apps.iter().filter(|a| a.facts.money.model == PriceModel::Subscription).collect();
        assert!(subscriptions.len() > 50, "subscriptions exist: {}", subscriptions.len());
        let tracked = |a: &App| a.facts.privacy.tracks();
        let with_ads: Vec<&App> = apps.iter().filter(|a| a.facts.money.ads == Ads::ThirdParty).collect();
        assert!(share_of(&with_ads, tracked) > 0.5, "third-party ads bring tracking");
        let disputed = apps.iter().filter(|a| !a.facts.conflicts.is_empty()).count();
        assert!((10..200).contains(&disputed), "a few apps have sources that disagree: {disputed}");
        let reviewed = share_of(&apps.iter().collect::<Vec<_>>(), |a| a.facts.review.is_some());
        assert!((0.3..0.5).contains(&reviewed), "Famigo reviewed some: {reviewed}");
    }

    #[test]
    fn descriptions_agree_with_the_facts_beside_them() {
        let apps: Vec<App> = generate(3_000, 13).collect();
        let mut seen = HashSet::new();
        for app in &apps {
            let (d, facts) = (&app.description, &app.facts);
            let hooks: Vec<&str> = HOOKS.iter().map(|(h, _)| *h).filter(|h| d.contains(h)).collect();
            assert_eq!(hooks.len(), 2, "{}: {d}", app.slug);
            seen.extend(hooks);
            assert!(!d.contains("Works offline") || facts.store.works_offline, "{}: {d}", app.slug);
            let consumerism = facts.content.get(ContentKind::Consumerism);
            assert!(!d.contains("no timers") || !consumerism.note.contains("Timers"), "{}: {d}", app.slug);
            assert!(!d.contains("uncluttered") || facts.money.ads == Ads::None, "{}: {d}", app.slug);
            assert!(!d.contains("pre-readers") || app.min_age <= 6, "{}: {d}", app.slug);
        }
        assert_eq!(seen.len(), HOOKS.len(), "every hook is used somewhere");
    }

    #[test]
    fn some_apps_have_an_earlier_version_that_a_later_check_found_changed() {
        let apps: Vec<App> = generate(2_000, 17).collect();
        let mut found = 0;
        for app in &apps {
            let Some(earlier) = earlier_version(app) else { continue };
            found += 1;
            earlier.validate().unwrap_or_else(|e| panic!("{}: {e}", app.slug));
            let changes = app.fact_changes_since(&earlier, CATALOG_DATE + Duration::days(30));
            assert_eq!(changes.len(), 1, "{}: one fact changed: {changes:?}", app.slug);
            let change = &changes[0];
            assert!(change.on <= CATALOG_DATE && change.on > app.released, "{}: {}", app.slug, change.on);
            let group = app.fact_list().into_iter().find(|f| f.key == change.fact).unwrap().group;
            assert_eq!(Some(change.on), app.facts.sources.of(group).checked, "dated by the check that found it");
        }
        assert!((30..200).contains(&found), "about one app in twenty: {found}");
    }
}
