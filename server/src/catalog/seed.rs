//! The demo catalog: deterministic, realistic fictional apps. The same `--apps` and `--seed`
//! always give the same catalog, so tests and benchmarks can rely on it.

use app::domain::{App, Category, ContentRatings, Platform, PrivacyFlags};
use app::ports::{Catalog, StoreError};
use chrono::{Duration, NaiveDate};
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

const BATCH: usize = 1_000;

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
const HOOKS: &[&str] = &[
    "Kids explore at their own pace, with gentle hints when they get stuck.",
    "Short levels fit a car ride or a quiet afternoon.",
    "Narration helps pre-readers play on their own.",
    "Progress reports show parents what was practised.",
    "Works offline, so it travels well.",
    "Difficulty adapts as a child improves.",
    "Bright, uncluttered screens keep the focus on play.",
    "A calm soundtrack and no timers keep the pressure off.",
];

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

fn low_rating(rng: &mut ChaCha8Rng, max_likely: u8) -> u8 {
    let r: f32 = rng.random();
    match r {
        r if r < 0.55 => 0,
        r if r < 0.8 => 1.min(max_likely),
        r if r < 0.93 => 2.min(max_likely),
        _ => rng.random_range(0..=max_likely.max(3)).min(5),
    }
}

/// The next app from `rng`; `taken` keeps slugs unique.
fn generate_app(rng: &mut ChaCha8Rng, taken: &mut HashSet<String>) -> App {
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
    let gamey = categories.contains(&Category::Games);
    let older = min_age >= 10;
    let content = ContentRatings {
        violence: if gamey { low_rating(rng, if older { 4 } else { 2 }) } else { low_rating(rng, 1) },
        scariness: low_rating(rng, if older { 3 } else { 1 }),
        language: if older { low_rating(rng, 3) } else { 0 },
        consumerism: if free { low_rating(rng, 4) } else { low_rating(rng, 1) },
    };
    let privacy = PrivacyFlags {
        ads: free && rng.random_bool(0.45),
        in_app_purchases: rng.random_bool(if free { 0.5 } else { 0.1 }),
        collects_data: rng.random_bool(0.3),
        open_chat: older && rng.random_bool(0.25),
    };
    let rating_count = {
        let r: f64 = rng.random();
        (r.powi(3) * 20_000.0) as u32 + rng.random_range(0..40)
    };
    let rating_avg = if rating_count == 0 { 0.0 } else { star_average(rng) };
    let epoch = NaiveDate::from_ymd_opt(2012, 1, 1).unwrap_or_default();
    let released = epoch + Duration::days(rng.random_range(0..5_420));
    let updated = released + Duration::days(rng.random_range(0..700));

    let primary = categories[0];
    let studio =
        format!("{} {}", STUDIO_FIRST.choose(rng).unwrap_or(&"Acorn"), STUDIO_LAST.choose(rng).unwrap_or(&"Studios"));
    let hooks: Vec<&str> = HOOKS.choose_multiple(rng, 2).copied().collect();
    let description = format!("{} {}", topic_sentence(primary, noun), hooks.join(" "));
    let mut app = App {
        slug,
        name,
        developer: studio,
        description,
        platforms,
        price_cents,
        categories,
        min_age,
        learning_rating,
        content,
        privacy,
        rating_avg,
        rating_count,
        released,
        updated,
    };
    app.normalize();
    app
}

/// The first `count` apps of the catalog generated from `seed`.
pub fn generate(count: usize, seed: u64) -> impl Iterator<Item = App> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut taken = HashSet::new();
    (0..count).map(move |_| generate_app(&mut rng, &mut taken))
}

/// Writes `count` generated apps to the catalog in batches, with a progress bar on a terminal.
pub async fn seed(catalog: &dyn Catalog, count: usize, seed: u64) -> Result<(), StoreError> {
    let bar = ProgressBar::new(count as u64);
    bar.set_style(
        ProgressStyle::with_template("seeding {bar:40} {pos}/{len} apps ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut batch = Vec::with_capacity(BATCH);
    for app in generate(count, seed) {
        batch.push(app);
        if batch.len() == BATCH {
            catalog.upsert_many(&batch).await?;
            bar.inc(batch.len() as u64);
            batch.clear();
        }
    }
    if !batch.is_empty() {
        catalog.upsert_many(&batch).await?;
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mean = apps.iter().map(|a| a.rating_avg as f64).sum::<f64>() / apps.len() as f64;
        assert!((3.3..4.5).contains(&mean), "mean rating {mean}");
        let top = share(&|a| a.rating_avg >= 4.8);
        assert!(top < 0.15, "ratings must not pile up at the top: {top}");
        let poor = share(&|a| a.rating_avg < 3.0);
        assert!((0.03..0.25).contains(&poor), "some apps are poorly rated: {poor}");
    }
}
