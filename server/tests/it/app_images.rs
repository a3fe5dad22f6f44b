//! App images over HTTP: the demo catalog's generated icons and screenshots on the pages and at
//! `/media/`, and an administrator's uploads (re-encoded, stored, shown, removed); the media
//! store's contract on SQLite and MongoDB.

use crate::common;

use app::api::admin::AdminSignIn;
use app::domain::{parse_media_id, MediaFormat};
use app::ports::{MediaStore, StoredImage};
use common::browser::{post_with_only as post_form, session_cookie, HOST, ORIGIN};
use common::TestApp;
use leptos::server_fn::ServerFn;
use tower::ServiceExt;

const TOKEN: &str = "test-admin-token-0123456789";

struct Raw {
    status: u16,
    headers: axum::http::HeaderMap,
    bytes: Vec<u8>,
}

async fn get_raw(app: &TestApp, uri: &str, headers: &[(&str, &str)]) -> Raw {
    let mut request = axum::http::Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app.router.clone().oneshot(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20).await.unwrap().to_vec();
    Raw { status, headers, bytes }
}

fn picture(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 3 % 256) as u8, (y % 256) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A multipart body of text fields and, if given, a file (`file`).
fn multipart(fields: &[(&str, &str)], file: Option<&[u8]>) -> (String, Vec<u8>) {
    let boundary = "famigo-image-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    if let Some(bytes) = file {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"picture\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_images(
    app: &TestApp,
    slug: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
) -> common::Response {
    let (content_type, body) = multipart(fields, file);
    let mut request = axum::http::Request::post(format!("/admin/apps/{slug}/images"))
        .header("content-type", content_type)
        .header(ORIGIN.0, ORIGIN.1)
        .header(HOST.0, HOST.1);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request.body(axum::body::Body::from(body)).unwrap()).await
}

/// Every `/media/` address a page names, in order.
fn media_on(page: &str) -> Vec<String> {
    page.split("/media/").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_string).collect()
}

#[tokio::test]
async fn seeded_apps_show_generated_pictures_served_forever() {
    let app = TestApp::seeded(12).await;
    let slug = app.get("/apps").await.card_slugs()[0].clone();
    let listing = app.get("/apps").await;
    assert!(media_on(&listing.body).len() >= 12, "every card has its icon");

    let page = app.get(&format!("/apps/{slug}")).await;
    let stored = app.catalog.get(&slug).await.unwrap().unwrap();
    let images = &stored.facts.store.images;
    let shown = media_on(&page.body);
    assert!(shown.contains(&images.icon.as_ref().unwrap().id), "the icon on its page");
    for shot in &images.screenshots {
        assert!(shown.contains(&shot.id), "screenshot {} on its page", shot.id);
    }
    assert!(page.body.contains(&format!("alt=\"Screenshot 1 of {} of", images.screenshots.len())));

    let icon = &images.icon.as_ref().unwrap().id;
    let served = get_raw(&app, &format!("/media/{icon}"), &[]).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.headers["content-type"], "image/svg+xml");
    assert_eq!(served.headers["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(served.headers["x-content-type-options"], "nosniff");
    assert!(served.headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    assert!(String::from_utf8(served.bytes).unwrap().starts_with("<svg"));
    let etag = served.headers["etag"].to_str().unwrap().to_string();
    let again = get_raw(&app, &format!("/media/{icon}"), &[("if-none-match", &etag)]).await;
    assert_eq!((again.status, again.bytes.len()), (304, 0));

    for missing in ["0123456789abcdef0123456789abcdef.png", "not-an-image.png", "..%2Fcatalog.db"] {
        assert_eq!(get_raw(&app, &format!("/media/{missing}"), &[]).await.status, 404, "{missing}");
    }
}

#[tokio::test]
async fn an_administrator_uploads_and_removes_pictures_and_bad_files_change_nothing() {
    let app = TestApp::with_env(6, &[("ADMIN_TOKEN", TOKEN)]).await;
    let slug = app.get("/apps").await.card_slugs()[0].clone();
    let before = app.catalog.get(&slug).await.unwrap().unwrap();
    let png = picture(640, 480, image::ImageFormat::Png);

    let anonymous = post_images(&app, &slug, None, &[("use", "icon")], Some(&png)).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    let parent = app.signed_in_parent("pat@example.com", "Pat").await;
    let forbidden = post_images(&app, &slug, Some(&parent), &[("use", "icon")], Some(&png)).await;
    assert_eq!(forbidden.status, 403, "{}", forbidden.body);

    let signed_in = post_form(&app, AdminSignIn::PATH, &format!("token={TOKEN}"), &[ORIGIN, HOST]).await;
    let cookie = session_cookie(&signed_in);
    let admin = Some(cookie.as_str());
    for (fields, file, says) in [
        (&[("use", "icon")][..], Some(&b"GIF89a\x40\x00\x40\x00\x80\x00\x00"[..]), "not a PNG, JPEG or WebP"),
        (&[("use", "icon")][..], Some(&b"<svg><script>alert(1)</script></svg>"[..]), "not a PNG, JPEG or WebP"),
        (&[("use", "icon")][..], Some(&png[..png.len() / 3]), "damaged"),
        (&[("use", "icon")][..], Some(&picture(40, 40, image::ImageFormat::Png)[..]), "at least 64"),
        (&[("use", "icon")][..], None, "choose an image file"),
        (&[("use", "banner")][..], Some(&png[..]), "use=icon or use=screenshot"),
        (&[("remove", "0123456789abcdef0123456789abcdef.webp")][..], None, "has no image"),
    ] {
        let refused = post_images(&app, &slug, admin, fields, file).await;
        assert_eq!(refused.status, 400, "{says}: {}", refused.body);
        assert!(refused.body.contains(says), "{says}: {}", refused.body);
    }
    let huge = vec![0u8; famigo::media::upload::MAX_IMAGE_BYTES + 100_000];
    let too_big = post_images(&app, &slug, admin, &[("use", "icon")], Some(&huge)).await;
    assert_eq!(too_big.status, 413, "{}", too_big.body);
    assert_eq!(app.catalog.get(&slug).await.unwrap().unwrap(), before, "nothing refused changed the app");

    let saved = post_images(&app, &slug, admin, &[("use", "icon")], Some(&png)).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.headers["location"], format!("/admin/apps/{slug}/edit#images"));
    let after = app.catalog.get(&slug).await.unwrap().unwrap();
    let icon = after.facts.store.images.icon.clone().unwrap();
    assert_eq!((parse_media_id(&icon.id), icon.width, icon.height), (Some(MediaFormat::Webp), 256, 256));
    assert_eq!(after.facts.store.images.screenshots, before.facts.store.images.screenshots);
    let served = get_raw(&app, &format!("/media/{}", icon.id), &[]).await;
    assert_eq!((served.status, served.headers["content-type"].to_str().unwrap()), (200, "image/webp"));
    let decoded = image::load_from_memory(&served.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 256));
    assert!(app.get(&format!("/apps/{slug}")).await.body.contains(&format!("/media/{}", icon.id)), "page updated");

    let first = picture(1600, 900, image::ImageFormat::Jpeg);
    let added = post_images(&app, &slug, admin, &[("use", "screenshot")], Some(&first)).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let twice = post_images(&app, &slug, admin, &[("use", "screenshot")], Some(&first)).await;
    assert_eq!(twice.status, 400);
    assert!(twice.body.contains("shows this screenshot already"), "{}", twice.body);
    let mut count = after.facts.store.images.screenshots.len() + 1;
    while count < 5 {
        let jpeg = picture(1600, 900 + count as u32, image::ImageFormat::Jpeg);
        let added = post_images(&app, &slug, admin, &[("use", "screenshot")], Some(&jpeg)).await;
        assert_eq!(added.status, 303, "{}", added.body);
        count += 1;
    }
    let jpeg = picture(1200, 1200, image::ImageFormat::Jpeg);
    let sixth = post_images(&app, &slug, admin, &[("use", "screenshot")], Some(&jpeg)).await;
    assert_eq!(sixth.status, 400);
    assert!(sixth.body.contains("5 screenshots already"), "{}", sixth.body);
    let full = app.catalog.get(&slug).await.unwrap().unwrap();
    let last = full.facts.store.images.screenshots.last().unwrap().clone();
    assert_eq!(last.width, 1280, "{last:?}");

    let removed = post_images(&app, &slug, admin, &[("remove", &last.id)], None).await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let fewer = app.catalog.get(&slug).await.unwrap().unwrap();
    assert_eq!(fewer.facts.store.images.screenshots.len(), 4);
    let edit = app.get_with(&format!("/admin/apps/{slug}/edit"), &[("cookie", cookie.as_str())]).await;
    assert!(edit.body.contains(&format!("data-image=\"{}\"", icon.id)), "the edit page lists the icon");
    assert!(edit.body.contains("enctype=\"multipart/form-data\""));
}

async fn stores_keep_images_by_name(store: &dyn MediaStore) {
    let image = StoredImage { format: MediaFormat::Png, bytes: picture(64, 64, image::ImageFormat::Png) };
    let id = famigo::media::media_id(&image.bytes, MediaFormat::Png);
    assert_eq!(store.get(&id).await.unwrap(), None);
    store.put(&id, &image).await.unwrap();
    store.put(&id, &image).await.expect("the same image twice is one image");
    assert_eq!(store.get(&id).await.unwrap(), Some(image), "{}", store.backend());
}

#[tokio::test]
async fn the_media_store_keeps_images_on_sqlite_and_mongodb() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = famigo::sqlite::Sqlite::open(dir.path()).await.unwrap();
    stores_keep_images_by_name(&sqlite.media()).await;
    let Some(server) = common::mongo::MongoServer::start() else { return };
    let mongo = famigo::mongo::Mongo::open(&server.url, &server.database).await.expect("open mongodb");
    stores_keep_images_by_name(&mongo.media()).await;
}
