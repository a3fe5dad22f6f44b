use crate::api::accounts::ViewerResource;
use crate::api::favorites::SetFavorite;
use leptos::prelude::*;

/// The heart of an app: for a signed-in parent, a form that marks or unmarks it (at once on
/// screen with JavaScript, undone if the server refuses; a plain post without); for a
/// visitor, a link to sign in and come back.
#[component]
pub fn FavoriteButton(slug: String, name: String) -> impl IntoView {
    let viewer = ViewerResource::from_context();
    view! {
        <Suspense fallback=|| ()>
            {
                let (slug, name) = (slug.clone(), name.clone());
                move || {
                    let (slug, name) = (slug.clone(), name.clone());
                    Suspend::new(async move {
                        let viewer = match viewer {
                            Some(viewer) => viewer.0.await.ok().flatten(),
                            None => None,
                        };
                        match viewer {
                            Some(viewer) => {
                                let on = viewer.likes(&slug);
                                view! { <HeartForm slug name on/> }.into_any()
                            }
                            None => {
                                let href = format!("/signin?next=%2Fapps%2F{slug}");
                                let label = format!("Sign in to save {name} to your apps");
                                view! { <a class="heart" href=href aria-label=label.clone() title=label>"♡"</a> }.into_any()
                            }
                        }
                    })
                }
            }
        </Suspense>
    }
}

#[component]
fn HeartForm(slug: String, name: String, on: bool) -> impl IntoView {
    let action = ServerAction::<SetFavorite>::new();
    let confirmed = RwSignal::new(on);
    Effect::new(move |_| {
        if let Some(Ok(now)) = action.value().get() {
            confirmed.set(now);
        }
    });
    // What the parent asked for shows while the server works on it.
    let shown = move || action.input().get().map_or_else(|| confirmed.get(), |asked| asked.on);
    let label = StoredValue::new(name);
    let label = move || {
        label.with_value(|name| {
            if shown() {
                format!("Remove {name} from your apps")
            } else {
                format!("Save {name} to your apps")
            }
        })
    };
    view! {
        <ActionForm action attr:class="heart-form">
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="on" value=move || (!shown()).to_string()/>
            <button type="submit" class="heart" class:heart-on=shown aria-pressed=move || shown().to_string() aria-label=label title=label>
                {move || if shown() { "♥" } else { "♡" }}
            </button>
        </ActionForm>
    }
}
