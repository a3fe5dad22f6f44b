//! `/unsubscribe?user=…&token=…`: where the link at the end of each weekly digest leads. The
//! link only shows a button (mail scanners open links; only a person's post stops the mail);
//! posting it stops the digest without a sign-in. `?done=1` says it is done.

use crate::api::digest::UnsubscribeDigest;
use crate::pages::account::{field_message, form_message};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let query = use_query_map();
    let user = move || query.read().get("user").unwrap_or_default();
    let token = move || query.read().get("token").unwrap_or_default();
    let unsubscribe = ServerAction::<UnsubscribeDigest>::new();
    let done = move || query.read().get("done").is_some() || matches!(unsubscribe.value().get(), Some(Ok(())));
    let error = move || unsubscribe.value().get().and_then(Result::err);
    view! {
        <Title text="Stop the weekly digest · Famigo"/>
        <Meta name="robots" content="noindex"/>
        <section class="account-form unsubscribe">
            <h1>"The weekly digest"</h1>
            <Show
                when=done
                fallback=move || view! {
                    <p>"Stop the weekly mail of new apps for your kids? Your account, your kids' ages and your favorites stay as they are."</p>
                    <ActionForm action=unsubscribe>
                        <input type="hidden" name="user" value=user/>
                        <input type="hidden" name="token" value=token/>
                        <button type="submit">"Stop the weekly digest"</button>
                    </ActionForm>
                    {move || field_message(error(), "token")}
                    {move || form_message(error())}
                }
            >
                <p class="form-ok" role="status">"Done: no more weekly digests. Turn it back on any time from "<a href="/account">"your account page"</a>"."</p>
            </Show>
        </section>
    }
}
