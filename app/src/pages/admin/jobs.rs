use super::admin_refusal;
use crate::api::jobs::{list_jobs, CancelJob, EnqueueJob, RetryJob};
use crate::domain::{JobFilter, JobInfo, JobKind, JobList, JobState};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Kinds an administrator starts by hand (the rest run on a schedule or follow writes).
const STARTABLE: &[JobKind] = &[JobKind::ReindexSearch, JobKind::ImportCatalog, JobKind::Noop];

/// `/admin/jobs`: counts per state, recent jobs with live progress, start / cancel / retry.
#[component]
pub fn AdminJobsPage() -> impl IntoView {
    let enqueue = ServerAction::<EnqueueJob>::new();
    let cancel = ServerAction::<CancelJob>::new();
    let retry = ServerAction::<RetryJob>::new();
    // Polls once a second in the browser so progress bars move; the server renders once.
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        let _ = set_interval_with_handle(move || tick.update(|t| *t += 1), std::time::Duration::from_secs(1));
    });
    let jobs = Resource::new(
        move || (tick.get(), enqueue.version().get(), cancel.version().get(), retry.version().get()),
        |_| list_jobs(JobFilter::default(), 1),
    );
    view! {
        <Title text="Jobs · Famigo admin"/>
        <Meta name="robots" content="noindex"/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match jobs.await {
                    Ok(list) => view! { <Dashboard list enqueue cancel retry/> }.into_any(),
                    Err(error) => admin_refusal(error),
                }
            })}
        </Transition>
    }
}

#[component]
fn Dashboard(
    list: JobList,
    enqueue: ServerAction<EnqueueJob>,
    cancel: ServerAction<CancelJob>,
    retry: ServerAction<RetryJob>,
) -> impl IntoView {
    let counts = list.counts.clone();
    let enqueue_error = move || match enqueue.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    view! {
        <section class="admin admin-jobs">
            <h1>"Jobs"</h1>
            <p><a href="/admin/apps">"Apps: add, edit, import"</a>" · "<a href="/admin/mail">"Mail outbox"</a>" · "<a href="/admin/reviews">"Reviews"</a></p>
            <ul class="job-counts" data-testid="job-counts">
                {JobState::ALL
                    .iter()
                    .map(|&state| view! {
                        <li data-state=state.slug()><strong>{counts.of(state)}</strong>" "{state.label()}</li>
                    })
                    .collect_view()}
            </ul>
            <FinishedChart per_minute=list.finished_per_minute.clone()/>
            <h2>"Start a job"</h2>
            <div class="job-starters">
                {STARTABLE
                    .iter()
                    .map(|&kind| view! {
                        <ActionForm action=enqueue attr:class="job-start" attr:data-kind=kind.slug()>
                            <input type="hidden" name="kind" value=kind.slug()/>
                            <label>{kind.label()}" — arguments (JSON)"
                                <input type="text" name="args" value=default_args(kind)/>
                            </label>
                            <button type="submit">"Start"</button>
                        </ActionForm>
                    })
                    .collect_view()}
            </div>
            {move || enqueue_error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <form class="job-upload" method="post" action="/admin/uploads" enctype="multipart/form-data">
                <label>"Import a catalog file (JSON Lines or CSV) "
                    <input type="file" name="file" accept=".jsonl,.ndjson,.json,.csv" required/>
                </label>
                <button type="submit">"Upload and import"</button>
            </form>
            <h2>"Recent jobs"</h2>
            <table class="jobs">
                <thead><tr><th>"Job"</th><th>"State"</th><th>"Progress"</th><th>"Attempts"</th><th></th></tr></thead>
                <tbody>
                    {list.jobs.into_iter().map(|job| view! { <JobRow job cancel retry/> }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

fn default_args(kind: JobKind) -> &'static str {
    match kind {
        JobKind::ImportCatalog => r#"{"path": "data/import.jsonl"}"#,
        JobKind::Noop => r#"{"steps": 20, "step_ms": 100}"#,
        _ => "{}",
    }
}

#[component]
fn JobRow(job: JobInfo, cancel: ServerAction<CancelJob>, retry: ServerAction<RetryJob>) -> impl IntoView {
    let percent = job.progress.percent();
    let can_cancel = !job.state.is_finished();
    let can_retry = matches!(job.state, JobState::Dead | JobState::Cancelled);
    let detail = job.last_error.clone().or(job.result.clone()).unwrap_or_default();
    let id = job.id.clone();
    let id2 = job.id.clone();
    view! {
        <tr data-job=job.id.clone() data-state=job.state.slug() data-kind=job.kind.slug()>
            <td><span class="job-kind">{job.kind.label()}</span><br/><small class="job-id">{job.id.clone()}</small></td>
            <td>{job.state.label()}{job.cancel_requested.then_some(" (stopping)")}</td>
            <td>
                <progress max="100" value=percent.to_string() data-percent=percent.to_string()>{format!("{percent}%")}</progress>
                <small>{job.progress.message.clone()}</small>
                <small class="job-detail">{detail}</small>
            </td>
            <td>{format!("{}/{}", job.attempts, job.max_attempts)}</td>
            <td>
                {can_cancel.then(|| view! {
                    <ActionForm action=cancel><input type="hidden" name="id" value=id.clone()/><button type="submit">"Cancel"</button></ActionForm>
                })}
                {can_retry.then(|| view! {
                    <ActionForm action=retry><input type="hidden" name="id" value=id2.clone()/><button type="submit">"Retry"</button></ActionForm>
                })}
            </td>
        </tr>
    }
}

/// Jobs finished per minute over the last hour, as bars.
#[component]
fn FinishedChart(per_minute: Vec<u32>) -> impl IntoView {
    let peak = per_minute.iter().copied().max().unwrap_or(0).max(1);
    let total: u32 = per_minute.iter().sum();
    view! {
        <figure class="job-chart">
            <svg viewBox="0 0 120 30" role="img" aria-label=format!("{total} jobs finished in the last hour")>
                {per_minute
                    .iter()
                    .enumerate()
                    .map(|(i, &n)| {
                        let height = 28.0 * f64::from(n) / f64::from(peak);
                        view! { <rect x=(i * 2).to_string() y=(29.0 - height).to_string() width="1.6" height=height.to_string()/> }
                    })
                    .collect_view()}
            </svg>
            <figcaption>{format!("{total} jobs finished in the last hour (per minute)")}</figcaption>
        </figure>
    }
}
