use crate::api::admin::{is_admin, AdminSignIn as SignIn};
use crate::api::ApiError;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// `/admin`: the sign-in form, or the way on for an administrator already signed in.
#[component]
pub fn AdminSignInPage() -> impl IntoView {
    let signed_in = Resource::new(|| (), |_| is_admin());
    view! {
        <Title text="Famigo admin"/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match signed_in.await {
                    Ok(true) => view! {
                        <section class="admin">
                            <h1>"Famigo admin"</h1>
                            <p>"You are signed in. "<a href="/admin/jobs">"Go to the job dashboard"</a></p>
                        </section>
                    }.into_any(),
                    _ => view! { <AdminSignIn/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The admin token form; also shown in place of any admin page to a visitor not signed in.
#[component]
pub fn AdminSignIn() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let refused = move || matches!(sign_in.value().get(), Some(Err(ApiError::Unauthorized)));
    view! {
        <section class="admin admin-sign-in">
            <h1>"Sign in to Famigo admin"</h1>
            <ActionForm action=sign_in>
                <label for="admin-token">"Admin token"</label>
                <input id="admin-token" type="password" name="token" autocomplete="current-password" required/>
                <button type="submit">"Sign in"</button>
            </ActionForm>
            <Show when=refused>
                <p class="form-error" role="alert">"That token is not right."</p>
            </Show>
        </section>
    }
}

/// What an admin page shows instead of its content when its data was refused: the sign-in
/// form to a visitor who is not an administrator, else the error.
pub fn admin_refusal(error: ApiError) -> AnyView {
    match error {
        ApiError::Unauthorized => view! { <AdminSignIn/> }.into_any(),
        error => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
    }
}
