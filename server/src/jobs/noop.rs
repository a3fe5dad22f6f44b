//! `noop`: does nothing, in steps, for tests and the queue benchmark. Arguments (all optional):
//! `steps` (progress steps), `step_ms` (pause per step), `fail_attempts` (fail this many first
//! attempts), `marker` (a file it appends one line to per completed run, so tests can count
//! runs across processes).

use super::{JobContext, JobError};
use std::io::Write;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Args {
    steps: u64,
    step_ms: u64,
    fail_attempts: u32,
    marker: Option<String>,
}

pub async fn run(ctx: &JobContext) -> Result<String, JobError> {
    let args: Args = ctx.args()?;
    if ctx.attempt <= args.fail_attempts {
        return Err(JobError::Failed(format!("failing on purpose (attempt {})", ctx.attempt)));
    }
    for step in 0..args.steps {
        ctx.progress(step, args.steps, format!("step {step} of {}", args.steps)).await?;
        if args.step_ms > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(args.step_ms)).await;
        }
    }
    ctx.checkpoint()?;
    if let Some(path) = args.marker {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| JobError::Failed(format!("cannot open {path}: {e}")))?;
        // One write of the whole line: O_APPEND keeps concurrent writers' lines whole.
        file.write_all(format!("{}\n", ctx.id).as_bytes()).map_err(|e| JobError::Failed(e.to_string()))?;
    }
    Ok(serde_json::json!({ "steps": args.steps }).to_string())
}
