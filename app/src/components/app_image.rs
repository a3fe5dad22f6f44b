//! An app's pictures: its icon (or, without one, its initials on a colour of its own) and its
//! screenshots. Image addresses start with the CDN's base when `ASSET_URL` is set; the server
//! reads it from its state and the browser from the page's `famigo-assets` meta tag, so both
//! render the same address.

use crate::domain::{icon_badge, Image};
use leptos::prelude::*;

/// The base URL of assets and images ("" = this server).
#[derive(Clone, Debug, Default)]
pub struct AssetRoot(pub String);

impl AssetRoot {
    pub fn of_this_page() -> AssetRoot {
        #[cfg(feature = "ssr")]
        let root = use_context::<crate::ports::AppState>().and_then(|s| s.asset_url).unwrap_or_default();
        #[cfg(not(feature = "ssr"))]
        let root = document()
            .query_selector("meta[name=famigo-assets]")
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .unwrap_or_default();
        AssetRoot(root)
    }
}

/// Where `image` is loaded from.
pub fn image_src(image: &Image) -> String {
    let root = use_context::<AssetRoot>().unwrap_or_default();
    format!("{}{}", root.0, image.path())
}

/// The app's icon, or its initials when it has none.
#[component]
pub fn AppBadge(
    name: String,
    slug: String,
    #[prop(optional_no_strip)] icon: Option<Image>,
    #[prop(optional)] large: bool,
) -> impl IntoView {
    if let Some(icon) = icon {
        let side = if large { "88" } else { "52" };
        return view! {
            <img
                class="app-icon"
                class:app-badge-large=large
                src=image_src(&icon)
                alt=""
                width=side
                height=side
                loading=if large { "eager" } else { "lazy" }
                decoding="async"
            />
        }
        .into_any();
    }
    let (initials, hue) = icon_badge(&name, &slug);
    view! {
        <span
            class="app-badge"
            class:app-badge-large=large
            style=format!("--badge-hue: {hue}")
            aria-hidden="true"
        >
            {initials}
        </span>
    }
    .into_any()
}

/// The app's screenshots in a row that scrolls sideways; nothing when it has none.
#[component]
pub fn Screenshots(name: String, screenshots: Vec<Image>) -> impl IntoView {
    let count = screenshots.len();
    (count > 0).then(|| {
        view! {
            <section class="screenshots" aria-label="Screenshots">
                <ul>
                    {screenshots
                        .into_iter()
                        .enumerate()
                        .map(|(i, shot)| {
                            view! {
                                <li>
                                    <img
                                        src=image_src(&shot)
                                        alt=format!("Screenshot {} of {count} of {name}", i + 1)
                                        width=shot.width.to_string()
                                        height=shot.height.to_string()
                                        loading="lazy"
                                        decoding="async"
                                    />
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}
