//! `/admin/mail`: the newest mail in the outbox, with its state, attempts and last error —
//! where an operator reads what was (or, without `SMTP_URL`, would have been) sent.

use super::admin_refusal;
use crate::api::admin::admin_outbox;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn AdminMailPage() -> impl IntoView {
    let mails = Resource::new(|| (), |_| admin_outbox());
    view! {
        <Title text="Mail · Famigo admin"/>
        <Meta name="robots" content="noindex"/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match mails.await {
                    Ok(mails) => view! {
                        <section class="admin admin-mail">
                            <h1>"Mail"</h1>
                            <p><a href="/admin/jobs">"Jobs"</a>" · "<a href="/admin/apps">"Apps"</a>" · "<a href="/admin/reviews">"Reviews"</a></p>
                            <p>{format!("The newest {} mails in the outbox.", mails.len())}</p>
                            <table class="mail">
                                <thead><tr><th>"To"</th><th>"Subject"</th><th>"State"</th><th>"Attempts"</th><th>"Last error"</th></tr></thead>
                                <tbody>
                                    {mails.into_iter().map(|mail| view! {
                                        <tr data-mail=mail.id.clone() data-state=mail.state.slug()>
                                            <td>{mail.to}</td>
                                            <td><details><summary>{mail.subject}</summary><pre>{mail.body}</pre></details></td>
                                            <td>{mail.state.slug()}</td>
                                            <td>{mail.attempts}</td>
                                            <td>{mail.last_error.unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }.into_any(),
                    Err(error) => admin_refusal(error),
                }
            })}
        </Transition>
    }
}
