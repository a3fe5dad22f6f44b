//! The command line: `famigo serve | worker | reindex | seed | migrate | export | import |
//! monitor | outbox | createadmin`. This file parses the arguments and the configuration and
//! starts the runtime; each command is a file of its own beside it.

mod createadmin;
mod export;
mod import;
mod migrate;
mod monitor;
mod outbox;
mod reindex;
mod seed;
mod serve;
mod shutdown;
mod worker;

use crate::config::{self, Config, Env};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "famigo", version, about = "The Famigo family app-discovery site")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the site (the default); also runs a worker unless FAMIGO_WORKER=off.
    Serve,
    /// Run background jobs only.
    Worker,
    /// Rebuild the search index from the catalog (searches keep working meanwhile).
    Reindex,
    /// Fill the catalog with generated demo apps.
    Seed {
        /// How many apps to generate.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=5_000_000))]
        apps: u32,
        /// Random seed; the same seed always gives the same catalog.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Do nothing if the catalog already has apps.
        #[arg(long)]
        if_empty: bool,
    },
    /// Bring the store's schema and indexes up to date (also done when any command opens it).
    Migrate,
    /// Write every app as JSON Lines (one app per line) to a file or standard output.
    Export {
        /// The file to write; standard output when absent.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Watch the nodes: poll their /readyz and /metrics, alert on state changes
    /// (ALERT_WEBHOOK_URL, ALERT_EMAIL), serve a status page.
    Monitor {
        /// The nodes' base URLs, comma-separated: http://10.0.0.1:3000,http://10.0.0.2:3000
        #[arg(long, value_delimiter = ',', required = true, value_parser = parse_node_url)]
        nodes: Vec<String>,
        /// Seconds between polls.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
        every: u64,
        /// Failed (or good) polls in a row before a node counts as down (or up again).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
        down_after: u32,
        /// Where the status page (/status, /status.json) is served.
        #[arg(long, default_value = "127.0.0.1:3100")]
        listen: std::net::SocketAddr,
    },
    /// List the newest mail in the outbox (alerts, digests): state, recipient, subject, error.
    Outbox {
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
        limit: u32,
    },
    /// Make an account an administrator, creating it if needed: its password is read from
    /// standard input, or generated and printed when standard input is a terminal.
    Createadmin {
        #[arg(long, value_parser = parse_email)]
        email: String,
        /// The name shown for a new account (default: the part of the email before the @).
        #[arg(long)]
        name: Option<String>,
    },
    /// Upsert the apps of a JSON Lines file (as `export` writes it); bad lines are listed and skipped.
    Import { file: std::path::PathBuf },
}

fn parse_email(text: &str) -> Result<String, String> {
    app::domain::normalize_email(text)
}

fn parse_node_url(text: &str) -> Result<String, String> {
    let url = text.trim().trim_end_matches('/');
    let host =
        url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")).ok_or("expected http://host:port")?;
    if host.is_empty() || host.contains(['/', '?', '#', ' ']) {
        return Err("expected http://host:port, without a path".into());
    }
    Ok(url.to_string())
}

/// Exit codes: 0 done, 1 failed while running, 2 bad arguments or configuration.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match config::load_dotenv().and_then(|()| Config::from_env(&Env::from_process())) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("famigo: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = config.ensure_data_dir() {
        eprintln!("famigo: configuration error: {e}");
        return ExitCode::from(2);
    }
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&config.log_filter))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();

    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("famigo: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve::run(config).await,
            Command::Worker => worker::run(config).await,
            Command::Reindex => reindex::run(config).await,
            Command::Seed { apps, seed, if_empty } => seed::run(&config, apps as usize, seed, if_empty).await,
            Command::Migrate => migrate::run(&config).await,
            Command::Export { out } => export::run(&config, out).await,
            Command::Import { file } => import::run(&config, &file).await,
            Command::Createadmin { email, name } => createadmin::run(&config, &email, name.as_deref()).await,
            Command::Outbox { limit } => outbox::run(&config, limit as usize).await,
            Command::Monitor { nodes, every, down_after, listen } => {
                monitor::run(&config, nodes, std::time::Duration::from_secs(every), down_after, listen).await
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The whole chain, outermost first: "cannot open the catalog: MongoDB at …: …".
            eprintln!("famigo: {e:#}");
            ExitCode::from(1)
        }
    }
}
