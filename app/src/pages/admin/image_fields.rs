//! The images part of an app's edit page: its icon and screenshots, a remove button for each,
//! and an upload. Plain multipart forms to `/admin/apps/<slug>/images` (images are files, not
//! fields of the app form), so they work without JavaScript; the server answers with this page.

use crate::components::image_src;
use crate::domain::{AppImages, Image, MAX_SCREENSHOTS};
use leptos::prelude::*;

#[component]
pub fn ImageFields(slug: String, images: AppImages) -> impl IntoView {
    let action = format!("/admin/apps/{slug}/images");
    let shown: Vec<(&'static str, Image)> = images
        .icon
        .into_iter()
        .map(|i| ("Icon", i))
        .chain(images.screenshots.iter().cloned().map(|i| ("Screenshot", i)))
        .collect();
    let full = images.screenshots.len() >= MAX_SCREENSHOTS;
    view! {
        <section class="admin-images" id="images">
            <h2>"Icon and screenshots"</h2>
            <p>"PNG, JPEG or WebP, up to 8 MB. Icons become 256 × 256; screenshots at most 1280 pixels a side. Photos lose their location and other metadata."</p>
            <ul>
                {shown
                    .into_iter()
                    .map(|(what, image)| {
                        let action = action.clone();
                        view! {
                            <li data-image=image.id.clone()>
                                <img src=image_src(&image) alt=what width=image.width.to_string() height=image.height.to_string()/>
                                <form method="post" action=action enctype="multipart/form-data">
                                    <input type="hidden" name="remove" value=image.id.clone()/>
                                    <button type="submit" class="button-secondary">{format!("Remove this {}", what.to_lowercase())}</button>
                                </form>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <form class="image-upload" method="post" action=action enctype="multipart/form-data">
                <label for="image-use">"Add as"</label>
                <select id="image-use" name="use">
                    <option value="icon">"the icon (replaces the current one)"</option>
                    <option value="screenshot" disabled=full>
                        {if full { "a screenshot (5 already: remove one first)" } else { "a screenshot" }}
                    </option>
                </select>
                <label for="image-file">"Image file"</label>
                <input id="image-file" type="file" name="file" accept="image/png,image/jpeg,image/webp" required/>
                <button type="submit">"Upload"</button>
            </form>
        </section>
    }
}
