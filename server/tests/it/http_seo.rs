//! What crawlers see: robots, sitemaps (split at the limit), Atom feeds, canonical links,
//! OpenGraph and JSON-LD on app pages, and a crawl of the whole seeded site.

use crate::common;

use common::TestApp;
use std::collections::{BTreeSet, HashMap, VecDeque};

const ORIGIN: &str = "https://famigo.example";

async fn site(apps: usize, extra: &[(&str, &str)]) -> TestApp {
    let mut env = vec![("CANONICAL_URL", ORIGIN)];
    env.extend_from_slice(extra);
    TestApp::with_env(apps, &env).await
}

fn locs(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    doc.descendants().filter(|n| n.has_tag_name("loc")).map(|n| n.text().unwrap_or_default().to_string()).collect()
}

/// `content` of the first `<meta property|name=... content=...>` with that key.
fn meta(body: &str, key: &str) -> Option<String> {
    for attr in ["property", "name"] {
        let needle = format!("{attr}=\"{key}\"");
        if let Some(at) = body.find(&needle) {
            let tag_start = body[..at].rfind('<')?;
            let tag = &body[tag_start..tag_start + body[tag_start..].find('>')?];
            let content = tag.split("content=\"").nth(1)?.split('"').next()?;
            return Some(content.replace("&amp;", "&"));
        }
    }
    None
}

fn canonical(body: &str) -> Option<String> {
    let at = body.find("rel=\"canonical\"")?;
    let tag_start = body[..at].rfind('<')?;
    let tag = &body[tag_start..tag_start + body[tag_start..].find('>')?];
    Some(tag.split("href=\"").nth(1)?.split('"').next()?.replace("&amp;", "&"))
}

#[tokio::test]
async fn robots_points_to_the_sitemap_and_keeps_private_pages_out() {
    let app = site(5, &[]).await;
    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status, 200);
    for line in [
        "Disallow: /admin",
        "Disallow: /api/",
        "Disallow: /account",
        "Disallow: /signin",
        "Disallow: /signup",
        "Sitemap: https://famigo.example/sitemap.xml",
    ] {
        assert!(robots.body.lines().any(|l| l == line), "{line} missing:\n{}", robots.body);
    }
}

#[tokio::test]
async fn the_sitemap_lists_every_public_app_with_its_update_date() {
    let app = site(60, &[]).await;
    let sitemap = app.get("/sitemap.xml").await;
    assert_eq!(sitemap.status, 200);
    assert!(sitemap.headers["content-type"].to_str().unwrap().starts_with("application/xml"));
    let doc = roxmltree::Document::parse(&sitemap.body).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    assert_eq!(doc.root_element().tag_name().namespace(), Some("http://www.sitemaps.org/schemas/sitemap/0.9"));
    let urls = locs(&sitemap.body);
    let apps = app.catalog.scan(None, 1000).await.unwrap();
    let app_urls: BTreeSet<String> = urls.iter().filter(|u| u.contains("/apps/")).cloned().collect();
    assert_eq!(app_urls.len(), apps.len(), "one URL per app");
    for a in &apps {
        assert!(app_urls.contains(&format!("{ORIGIN}/apps/{}", a.slug)));
    }
    let lastmods = doc.descendants().filter(|n| n.has_tag_name("lastmod")).count();
    assert_eq!(lastmods, apps.len());
    assert!(urls.contains(&format!("{ORIGIN}/")) && urls.contains(&format!("{ORIGIN}/apps?age=5-7")));
}

#[tokio::test]
async fn a_sitemap_over_the_limit_becomes_an_index_of_parts() {
    let app = site(60, &[("SITEMAP_URL_LIMIT", "20")]).await;
    let index = app.get("/sitemap.xml").await;
    let doc = roxmltree::Document::parse(&index.body).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let parts = locs(&index.body);
    assert_eq!(parts.len(), 4, "67 URLs at 20 per file");
    let mut all = Vec::new();
    for part in &parts {
        let path = part.strip_prefix(ORIGIN).unwrap();
        let file = app.get(path).await;
        assert_eq!(file.status, 200, "{path}");
        let urls = locs(&file.body);
        assert!(!urls.is_empty() && urls.len() <= 20, "{path}: {} URLs", urls.len());
        all.extend(urls);
    }
    let distinct: BTreeSet<_> = all.iter().collect();
    assert_eq!((all.len(), distinct.len()), (67, 67), "every URL once across the parts");
    assert_eq!(app.get("/sitemaps/5.xml").await.status, 404);
    assert_eq!(app.get("/sitemaps/zero.xml").await.status, 404);
}

#[tokio::test]
async fn sitemaps_and_feeds_are_generated_by_warm_cache_and_kept_until_a_write() {
    use app::domain::{JobKind, JobState};
    let app = site(60, &[("SITEMAP_URL_LIMIT", "20")]).await;
    let documents = ["/sitemap.xml", "/sitemaps/1.xml", "/sitemaps/4.xml", "/feeds/new.atom", "/feeds/ages/5-7.atom"];
    let job = app.state.jobs.enqueue(JobKind::WarmCache, "{}", 1).await.unwrap();
    app.run_jobs().await;
    assert_eq!(app.state.jobs.get(&job.id).await.unwrap().unwrap().state, JobState::Done);
    for path in documents {
        let response = app.get(path).await;
        assert_eq!(
            (response.status, response.headers["x-cache"].to_str().unwrap()),
            (200, "hit"),
            "{path} generated by warm_cache"
        );
    }

    // Any write (here: only the update date, which no listing shows) makes them stale.
    let mut edited = app.catalog.scan(None, 1).await.unwrap().remove(0);
    edited.updated = edited.updated.max(chrono::NaiveDate::from_ymd_opt(2030, 1, 2).unwrap());
    app.catalog.upsert_many(std::slice::from_ref(&edited)).await.unwrap();
    let part = app.get("/sitemaps/1.xml").await;
    assert_eq!(part.headers["x-cache"], "miss");
    assert!(part.body.contains("<lastmod>2030-01-02</lastmod>"), "the new update date is in the sitemap");
    assert_eq!(app.get("/sitemaps/1.xml").await.headers["x-cache"], "hit");
}

#[tokio::test]
async fn feeds_are_atom_with_the_newest_apps() {
    let app = site(80, &[]).await;
    for (path, band) in [("/feeds/new.atom", None), ("/feeds/ages/5-7.atom", Some("5-7"))] {
        let feed = app.get(path).await;
        assert_eq!(feed.status, 200, "{path}");
        let doc = roxmltree::Document::parse(&feed.body).expect("well-formed Atom");
        let root = doc.root_element();
        assert_eq!(
            (root.tag_name().name(), root.tag_name().namespace()),
            ("feed", Some("http://www.w3.org/2005/Atom"))
        );
        for required in ["title", "id", "updated"] {
            assert!(root.children().any(|c| c.has_tag_name(required)), "{path}: feed {required}");
        }
        let entries: Vec<_> = root.children().filter(|c| c.has_tag_name("entry")).collect();
        assert!(!entries.is_empty() && entries.len() <= 50, "{path}");
        let mut dates = Vec::new();
        for entry in &entries {
            for required in ["title", "id", "updated", "link"] {
                assert!(entry.children().any(|c| c.has_tag_name(required)), "{path}: entry {required}");
            }
            let published = entry.children().find(|c| c.has_tag_name("published")).unwrap().text().unwrap().to_string();
            dates.push(published);
            if let Some(band) = band {
                let slug = entry
                    .children()
                    .find(|c| c.has_tag_name("id"))
                    .unwrap()
                    .text()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string();
                let shown = app.catalog.get(&slug).await.unwrap().unwrap();
                assert_eq!(shown.age_band().slug(), band);
            }
        }
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{path}: newest first");
    }
    assert_eq!(app.get("/feeds/ages/99.atom").await.status, 404);
}

#[tokio::test]
async fn app_pages_carry_canonical_opengraph_and_valid_json_ld() {
    let app = site(30, &[]).await;
    let first = app.catalog.scan(None, 1).await.unwrap().remove(0);
    let page = app.get(&format!("/apps/{}", first.slug)).await;
    let url = format!("{ORIGIN}/apps/{}", first.slug);
    assert_eq!(canonical(&page.body).as_deref(), Some(url.as_str()));
    assert_eq!(meta(&page.body, "og:url").as_deref(), Some(url.as_str()));
    assert!(meta(&page.body, "og:title").unwrap().contains(&first.name.replace('&', "&amp;").replace("&amp;", "&")));
    let icon_id = &first.facts.store.images.icon.as_ref().expect("seeded apps have an icon").id;
    assert_eq!(meta(&page.body, "og:image"), Some(format!("{ORIGIN}/media/{icon_id}")));
    assert!(meta(&page.body, "og:description").is_some() && meta(&page.body, "twitter:card").is_some());
    let icon = app.get(&format!("/apps/{}/icon.svg", first.slug)).await;
    assert_eq!((icon.status, icon.headers["content-type"].to_str().unwrap()), (200, "image/svg+xml"));

    let json =
        page.body.split("<script type=\"application/ld+json\">").nth(1).unwrap().split("</script>").next().unwrap();
    let data: serde_json::Value = serde_json::from_str(json).expect("JSON-LD parses");
    assert_eq!(data["@context"], "https://schema.org");
    assert_eq!(data["@type"], "SoftwareApplication");
    assert_eq!(data["name"], first.name);
    assert_eq!(data["image"], format!("{ORIGIN}/media/{icon_id}"));
    let shots = &first.facts.store.images.screenshots;
    assert_eq!(data["screenshot"].as_array().map(Vec::len), Some(shots.len()), "{}", data["screenshot"]);
    for required in ["operatingSystem", "applicationCategory", "contentRating"] {
        assert!(data[required].as_str().is_some_and(|v| !v.is_empty()), "{required}: {data}");
    }
    assert_eq!(data["offers"]["@type"], "Offer");
    assert!(data["offers"]["price"].as_str().unwrap().parse::<f64>().is_ok());
    assert_eq!(data["contentRating"], first.age_label());
    let languages: Vec<&str> = first.facts.store.languages.iter().map(|l| l.slug()).collect();
    assert_eq!(data["inLanguage"], serde_json::json!(languages), "the languages it offers");
    if first.rating_count > 0 {
        assert_eq!(data["aggregateRating"]["ratingCount"], first.rating_count);
    }
}

#[tokio::test]
async fn one_listing_has_one_canonical_url() {
    let app = site(30, &[]).await;
    let shuffled = app.get("/apps?platform=ios&utm_source=mail&age=5-7&q=&sort=top").await;
    let clean = app.get("/apps?age=5-7&platform=ios").await;
    assert_eq!(canonical(&shuffled.body), canonical(&clean.body));
    assert_eq!(canonical(&clean.body).as_deref(), Some("https://famigo.example/apps?age=5-7&platform=ios"));
    let described = |body: &str| meta(body, "description").unwrap_or_default();
    assert!(described(&clean.body).starts_with("Apps and games for ages 5–7 on iOS:"), "{}", described(&clean.body));
    assert_ne!(
        described(&clean.body),
        described(&app.get("/apps?age=8-10").await.body),
        "each listing describes itself"
    );
    // Listings preview when shared, like app pages, at their canonical URL.
    assert_eq!(meta(&clean.body, "og:url"), canonical(&clean.body));
    assert_eq!(meta(&clean.body, "og:title"), meta(&shuffled.body, "og:title"));
    assert!(meta(&clean.body, "og:description").is_some_and(|d| d.starts_with("Apps and games for ages 5–7 on iOS:")));
    assert_eq!(meta(&clean.body, "og:image").as_deref(), Some("https://famigo.example/favicon.svg"));
    let home = app.get("/").await;
    assert_eq!(meta(&home.body, "og:url").as_deref(), Some("https://famigo.example/"));
    assert!(meta(&home.body, "twitter:card").is_some() && meta(&home.body, "og:title").is_some());
    let bad = app.get("/apps?age=99").await;
    assert_eq!(bad.status, 400);
    assert_eq!(meta(&bad.body, "robots").as_deref(), Some("noindex"));
}

/// Follows internal links from `/` (bounded): no 5xx, no broken link, no two pages with one
/// title, and every page (app pages among them) with OpenGraph tags and a canonical link.
#[tokio::test]
async fn a_crawl_of_the_site_finds_no_errors_no_broken_links_and_no_duplicate_titles() {
    let app = site(40, &[]).await;
    let mut queue = VecDeque::from(["/".to_string()]);
    let mut seen = BTreeSet::from(["/".to_string()]);
    let mut titles: HashMap<String, String> = HashMap::new();
    let mut problems = Vec::new();
    let mut crawled = 0;
    while let Some(path) = queue.pop_front() {
        // Bounded: every listing links to dozens of facet values.
        if crawled >= 250 {
            break;
        }
        crawled += 1;
        let page = app.get(&path).await;
        if page.status != 200 {
            problems.push(format!("{path}: {}", page.status));
            continue;
        }
        let title =
            page.body.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or_default().to_string();
        if let Some(other) = titles.insert(title.clone(), path.clone()) {
            problems.push(format!("{path} and {other} share the title {title:?}"));
        }
        for key in ["og:title", "og:description", "og:url", "og:image", "twitter:card"] {
            if meta(&page.body, key).is_none() {
                problems.push(format!("{path}: no {key}"));
            }
        }
        if canonical(&page.body).is_none() {
            problems.push(format!("{path}: no canonical link"));
        }
        for href in page.body.split("href=\"").skip(1).filter_map(|rest| rest.split('"').next()) {
            let href = href.replace("&amp;", "&");
            let internal = href.starts_with('/') && !href.starts_with("//");
            let page_like = !href.starts_with("/pkg/")
                && !href.contains(".svg")
                && !href.contains(".atom")
                && !href.starts_with("/api/");
            // What robots.txt keeps crawlers out of (and the pages mark noindex).
            let disallowed = ["/admin", "/account", "/signin", "/signup", "/reset-password", "/my-apps"]
                .iter()
                .any(|p| href.starts_with(p));
            if internal && page_like && !disallowed && seen.insert(href.clone()) {
                queue.push_back(href);
            }
        }
    }
    println!("crawled {} pages", titles.len());
    assert!(titles.len() > 50, "the crawl reached only {} pages", titles.len());
    assert!(problems.is_empty(), "{problems:#?}");
}
