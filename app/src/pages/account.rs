//! `/signin`, `/signup` and `/account` (children, the weekly digest, password, deleting the account). Plain
//! forms posting to server functions: without JavaScript they work too, the errors coming
//! back with the redirect.

use crate::api::accounts::{
    my_account, AddKid, ChangePassword, DeleteAccount, RemoveKid, RequestPasswordReset, ResetPassword, SignIn, SignUp,
};
use crate::api::digest::SetDigest;
use crate::api::ApiError;
use crate::domain::{MAX_KIDS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// The refusal's message under `field`, shown beside its input.
pub(crate) fn field_message(error: Option<ApiError>, field: &'static str) -> impl IntoView {
    error
        .and_then(|e| e.field_message(field))
        .map(|message| view! { <p class="field-error" role="alert">{message}</p> })
}

/// A refusal that is not about one field (wrong password, too many attempts, store down).
pub(crate) fn form_message(error: Option<ApiError>) -> impl IntoView {
    error
        .filter(|e| !matches!(e, ApiError::InvalidForm { .. }))
        .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
}

fn next_param() -> impl Fn() -> String + Copy {
    let query = use_query_map();
    move || query.read().get("next").unwrap_or_default()
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let next = next_param();
    let sign_in = ServerAction::<SignIn>::new();
    let error = move || sign_in.value().get().and_then(Result::err);
    view! {
        <Title text="Sign in · Famigo"/>
        <Meta name="robots" content="noindex"/>
        <section class="account-form">
            <h1>"Sign in"</h1>
            <ActionForm action=sign_in>
                <input type="hidden" name="next" value=next/>
                <label for="signin-email">"Email"</label>
                <input id="signin-email" type="email" name="email" autocomplete="username" required maxlength="254"/>
                <label for="signin-password">"Password"</label>
                <input id="signin-password" type="password" name="password" autocomplete="current-password" required/>
                <button type="submit">"Sign in"</button>
            </ActionForm>
            {move || form_message(error())}
            <p><a href="/reset-password">"Forgot your password?"</a></p>
            <p>"New to Famigo? "<a href=move || format!("/signup{}", if next().is_empty() { String::new() } else { format!("?next={}", urlencode(&next())) })>"Create an account"</a></p>
        </section>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let next = next_param();
    let sign_up = ServerAction::<SignUp>::new();
    let error = move || sign_up.value().get().and_then(Result::err);
    let typed = move |field: &'static str| error().and_then(|e| e.typed_value(field)).unwrap_or_default();
    view! {
        <Title text="Create an account · Famigo"/>
        <Meta name="robots" content="noindex"/>
        <section class="account-form">
            <h1>"Create your family's account"</h1>
            <p>"Keep favorites, write reviews and get picks for your kids' ages."</p>
            <ActionForm action=sign_up>
                <input type="hidden" name="next" value=next/>
                <label for="signup-email">"Email"</label>
                <input id="signup-email" type="email" name="form[email]" autocomplete="email" required maxlength="254" value=move || typed("email")/>
                {move || field_message(error(), "email")}
                <label for="signup-name">"Your name, as other parents will see it"</label>
                <input id="signup-name" type="text" name="form[display_name]" autocomplete="nickname" required maxlength="40" value=move || typed("display_name")/>
                {move || field_message(error(), "display_name")}
                <label for="signup-password">{format!("Password ({MIN_PASSWORD_CHARS} characters or more)")}</label>
                <input id="signup-password" type="password" name="form[password]" autocomplete="new-password" required
                    minlength=MIN_PASSWORD_CHARS.to_string() maxlength=MAX_PASSWORD_CHARS.to_string()/>
                {move || field_message(error(), "password")}
                <button type="submit">"Create account"</button>
            </ActionForm>
            {move || form_message(error())}
            <p>"Already have an account? "<a href="/signin">"Sign in"</a></p>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let add_kid = ServerAction::<AddKid>::new();
    let remove_kid = ServerAction::<RemoveKid>::new();
    let change_password = ServerAction::<ChangePassword>::new();
    let delete_account = ServerAction::<DeleteAccount>::new();
    let set_digest = ServerAction::<SetDigest>::new();
    let account = Resource::new(
        move || (add_kid.version().get(), remove_kid.version().get(), set_digest.version().get()),
        |_| my_account(),
    );
    let kid_error = move || add_kid.value().get().and_then(Result::err);
    let kid_typed = move |field: &'static str| kid_error().and_then(|e| e.typed_value(field)).unwrap_or_default();
    let password_error = move || change_password.value().get().and_then(Result::err);
    let password_changed = move || matches!(change_password.value().get(), Some(Ok(())));
    let delete_error = move || delete_account.value().get().and_then(Result::err);
    view! {
        <Title text="Your account · Famigo"/>
        <Meta name="robots" content="noindex"/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(overview) => {
                        let year = overview.year;
                        let full = overview.kids.len() >= MAX_KIDS;
                        let digest = overview.user.digest;
                        view! {
                            <section class="account">
                                <h1>"Your account"</h1>
                                <p class="account-who">{format!("{} · {}", overview.user.display_name, overview.user.email)}</p>
                                <h2>"Your kids"</h2>
                                {if overview.kids.is_empty() {
                                    view! { <p>"Add your kids' ages and the home page shows picks for each of them."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="kids">
                                            {overview.kids.into_iter().map(|kid| {
                                                let (id, hidden_id, label) = (kid.id.clone(), kid.id.clone(), kid.label(year));
                                                view! {
                                                <li data-kid=id>
                                                    <span>{label}</span>
                                                    <ActionForm action=remove_kid attr:class="inline-form">
                                                        <input type="hidden" name="id" value=hidden_id/>
                                                        <button type="submit" class="link-button">"Remove"</button>
                                                    </ActionForm>
                                                </li>
                                            }}).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                                <Show when=move || !full>
                                    <ActionForm action=add_kid attr:class="kid-form">
                                        <label for="kid-nickname">"Nickname (optional)"</label>
                                        <input id="kid-nickname" type="text" name="form[nickname]" maxlength="24" value=move || kid_typed("nickname")/>
                                        {move || field_message(kid_error(), "nickname")}
                                        <label for="kid-age">"Age or birth year"</label>
                                        <input id="kid-age" type="text" name="form[age]" inputmode="numeric" required maxlength="4" value=move || kid_typed("age")/>
                                        {move || field_message(kid_error(), "age")}
                                        <button type="submit">"Add"</button>
                                    </ActionForm>
                                    {move || form_message(kid_error())}
                                </Show>
                                <h2>"Weekly digest"</h2>
                                <p class="digest-state">{if digest {
                                    "On: each Monday we mail you the week's new apps for your kids' ages (nothing when nothing is new)."
                                } else {
                                    "Off: we do not mail you the week's new apps."
                                }}</p>
                                <ActionForm action=set_digest attr:class="digest-form">
                                    <input type="hidden" name="on" value=(!digest).to_string()/>
                                    <button type="submit">{if digest { "Stop the weekly digest" } else { "Send me the weekly digest" }}</button>
                                </ActionForm>
                                {move || form_message(set_digest.value().get().and_then(Result::err))}
                                <h2>"Change your password"</h2>
                                <ActionForm action=change_password attr:class="password-form">
                                    <label for="password-current">"Current password"</label>
                                    <input id="password-current" type="password" name="form[current]" autocomplete="current-password" required/>
                                    {move || field_message(password_error(), "current")}
                                    <label for="password-new">"New password"</label>
                                    <input id="password-new" type="password" name="form[new]" autocomplete="new-password" required
                                        minlength=MIN_PASSWORD_CHARS.to_string() maxlength=MAX_PASSWORD_CHARS.to_string()/>
                                    {move || field_message(password_error(), "new")}
                                    <button type="submit">"Change password"</button>
                                </ActionForm>
                                {move || form_message(password_error())}
                                <Show when=password_changed>
                                    <p class="form-ok" role="status">"Password changed. Other browsers signed in to your account are signed out."</p>
                                </Show>
                                <h2>"Delete your account"</h2>
                                <p>"Deletes your account, your kids' ages, your favorites and your reviews, at once and for good."</p>
                                <ActionForm action=delete_account attr:class="delete-form">
                                    <label for="delete-password">"Your password"</label>
                                    <input id="delete-password" type="password" name="password" autocomplete="current-password" required/>
                                    {move || field_message(delete_error(), "password")}
                                    <button type="submit" class="danger">"Delete my account"</button>
                                </ActionForm>
                                {move || form_message(delete_error())}
                            </section>
                        }.into_any()
                    }
                    Err(ApiError::SignInRequired) => view! { <SignInPrompt next="/account"/> }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `/reset-password`: ask for a link by email; `?token=…` (the link): choose a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let sent = move || query.read().get("sent").is_some();
    let request = ServerAction::<RequestPasswordReset>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let request_error = move || request.value().get().and_then(Result::err);
    let reset_error = move || reset.value().get().and_then(Result::err);
    view! {
        <Title text="Reset your password · Famigo"/>
        <Meta name="robots" content="noindex"/>
        <section class="account-form">
            <h1>"Reset your password"</h1>
            {move || if !token().is_empty() {
                view! {
                    <ActionForm action=reset>
                        <input type="hidden" name="token" value=token/>
                        <label for="reset-password">{format!("New password ({MIN_PASSWORD_CHARS} characters or more)")}</label>
                        <input id="reset-password" type="password" name="password" autocomplete="new-password" required
                            minlength=MIN_PASSWORD_CHARS.to_string() maxlength=MAX_PASSWORD_CHARS.to_string()/>
                        {move || field_message(reset_error(), "password")}
                        <button type="submit">"Set the new password"</button>
                    </ActionForm>
                    {move || reset_error().and_then(|e| e.field_message("token")).map(|message| view! {
                        <p class="form-error" role="alert">{message}" "<a href="/reset-password">"Ask for a new link"</a></p>
                    })}
                    {move || form_message(reset_error())}
                }.into_any()
            } else if sent() {
                view! {
                    <p class="form-ok" role="status">"If an account uses that email, a link to choose a new password is on its way. It works once, within the hour."</p>
                }.into_any()
            } else {
                view! {
                    <p>"We will email you a link to choose a new password."</p>
                    <ActionForm action=request>
                        <label for="reset-email">"Email"</label>
                        <input id="reset-email" type="email" name="email" autocomplete="username" required maxlength="254"/>
                        {move || field_message(request_error(), "email")}
                        <button type="submit">"Send the link"</button>
                    </ActionForm>
                    {move || form_message(request_error())}
                }.into_any()
            }}
        </section>
    }
}

/// What a page for signed-in parents shows to anyone else.
#[component]
pub fn SignInPrompt(next: &'static str) -> impl IntoView {
    view! {
        <section class="account-form sign-in-prompt">
            <h1>"Please sign in"</h1>
            <p>"This page is for parents with a Famigo account."</p>
            <p>
                <a class="button" href=format!("/signin?next={}", urlencode(next))>"Sign in"</a>
                " or "
                <a href=format!("/signup?next={}", urlencode(next))>"create an account"</a>
            </p>
        </section>
    }
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
