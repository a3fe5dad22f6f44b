//! `famigo reindex`: rebuilds the search index from the catalog with a progress bar; searches
//! keep answering from the old index until the new one is swapped in.

use crate::config::Config;
use crate::wiring::{Backends, Store};
use std::time::Instant;

pub async fn run(config: Config) -> anyhow::Result<()> {
    let store = Store::open(&config).await?;
    let search = Backends::open_search(&config).await?;
    let catalog = store.catalog;
    let bar = indicatif::ProgressBar::new(catalog.count().await?);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} apps ({per_sec})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let report = {
        let bar = bar.clone();
        move |done: u64, total: u64| {
            bar.set_length(total);
            bar.set_position(done);
        }
    };
    let indexed = search.rebuild(&*catalog, &report).await?;
    bar.finish();
    println!("indexed {indexed} apps into {} in {:.1} s", search.backend(), started.elapsed().as_secs_f64());
    Ok(())
}
