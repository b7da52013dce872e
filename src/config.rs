//! Settings, from the command line or the environment (flags win).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "feide-registry",
    version,
    about = "A public catalogue of what Norwegian edtech services do with Feide data"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database: a SQLite file path (or sqlite://PATH), or postgres://USER@HOST:PORT/DB.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "registry.db",
        global = true
    )]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(
        long,
        env = "BIND_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind_addr: String,

    /// Catalogue file imported on the first start, when the database holds no vendor or service.
    /// Empty: start with an empty catalogue.
    #[arg(
        long,
        env = "SEED_FILE",
        default_value = "data/catalogue.json",
        global = true
    )]
    pub seed_file: String,

    /// Database connections in the pool (SQLite uses at most 8).
    #[arg(long, env = "DB_POOL_SIZE", default_value_t = 8, global = true)]
    pub db_pool_size: u32,

    /// Seconds a request waits for a database connection before answering 503.
    #[arg(long, env = "DB_TIMEOUT_SECS", default_value_t = 3, global = true)]
    pub db_timeout_secs: u64,

    /// HTTP worker threads (0: one per CPU core).
    #[arg(long, env = "WORKERS", default_value_t = 0, global = true)]
    pub workers: usize,

    /// Log filter, e.g. info or feide_registry=debug,actix_web=info.
    #[arg(long, env = "RUST_LOG", default_value = "info", global = true)]
    pub log: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the registry (the default).
    Serve,
    /// Import a catalogue file (data/FORMAT.md): entries are created or replaced by id, in one transaction.
    Import {
        /// The catalogue JSON file.
        file: PathBuf,
    },
    /// Write the whole catalogue to standard output in the import format.
    Export,
    /// Write the OpenAPI document to standard output.
    Openapi,
}
