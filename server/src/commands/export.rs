//! `famigo export`: every app as JSON Lines, to a file or standard output.

use crate::config::Config;
use crate::wiring::Store;
use anyhow::Context;

pub async fn run(config: &Config, out: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    let mut writer: Box<dyn std::io::Write + Send> = match &out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot create the export file {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let written = crate::catalog::transfer::export(&*store.catalog, &mut *writer).await.context("the export failed")?;
    drop(writer);
    eprintln!("exported {written} apps from {}", store.description);
    store.close().await;
    Ok(())
}
