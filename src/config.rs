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

    /// File holding the key that signs the registry's own access tokens (HS256). Empty: a file
    /// next to the SQLite database, or `feide-registry.key` in the working directory on
    /// PostgreSQL; generated on first start when missing. Every process of one registry must
    /// share it.
    #[arg(long, env = "TOKEN_KEY_FILE", default_value = "", global = true)]
    pub token_key_file: String,

    /// Lifetime of the registry's access tokens, in seconds.
    #[arg(
        long,
        env = "TOKEN_LIFETIME_SECS",
        default_value_t = 300,
        global = true
    )]
    pub token_lifetime_secs: i64,

    /// Issuer (`iss`) and audience (`aud`) of the registry's own access tokens.
    #[arg(
        long,
        env = "TOKEN_ISSUER",
        default_value = "feide-registry",
        global = true
    )]
    pub token_issuer: String,

    /// An external token issuer to trust (Maskinporten: https://maskinporten.no/). Empty: none.
    #[arg(long, env = "EXTERNAL_ISSUER", default_value = "", global = true)]
    pub external_issuer: String,

    /// The external issuer's JWKS URL.
    #[arg(long, env = "EXTERNAL_JWKS_URL", default_value = "", global = true)]
    pub external_jwks_url: String,

    /// The audience the external issuer's tokens must carry.
    #[arg(
        long,
        env = "EXTERNAL_AUDIENCE",
        default_value = "feide-registry",
        global = true
    )]
    pub external_audience: String,

    /// The scope in an external token that makes its organisation a vendor client.
    #[arg(
        long,
        env = "EXTERNAL_VENDOR_SCOPE",
        default_value = "feide:registry.vendor",
        global = true
    )]
    pub external_vendor_scope: String,

    /// The scope in an external token that makes it an administrator.
    #[arg(
        long,
        env = "EXTERNAL_ADMIN_SCOPE",
        default_value = "feide:registry.admin",
        global = true
    )]
    pub external_admin_scope: String,

    /// The scope in an external token that makes its organisation a municipality client.
    #[arg(
        long,
        env = "EXTERNAL_MUNICIPALITY_SCOPE",
        default_value = "feide:registry.municipality",
        global = true
    )]
    pub external_municipality_scope: String,

    /// Seconds the JWKS is cached; an unknown `kid` refetches it at most once per
    /// `JWKS_MIN_REFETCH_SECS`.
    #[arg(long, env = "JWKS_CACHE_SECS", default_value_t = 3600, global = true)]
    pub jwks_cache_secs: u64,

    #[arg(
        long,
        env = "JWKS_MIN_REFETCH_SECS",
        default_value_t = 60,
        global = true
    )]
    pub jwks_min_refetch_secs: u64,

    #[arg(
        long,
        env = "AUDIT_RETENTION_DAYS",
        default_value_t = 365,
        global = true,
        help = format!(
            "Days audit events are kept; at least {} (Kikora's agreement asks for 3 months of logs)",
            crate::audit::MIN_RETENTION_DAYS
        )
    )]
    pub audit_retention_days: u32,

    /// Seconds a request body may take to arrive; 408 after it.
    #[arg(long, env = "BODY_TIMEOUT_SECS", default_value_t = 10, global = true)]
    pub body_timeout_secs: u64,

    /// Most audit events kept; past it the oldest are removed first (checked every 10 s).
    #[arg(
        long,
        env = "AUDIT_MAX_ROWS",
        default_value_t = 1_000_000,
        global = true
    )]
    pub audit_max_rows: i64,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 256 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// Memory for whole answers kept per catalogue snapshot (repeated lists, facets,
    /// comparisons, portfolio reports), in MiB; 0 turns it off.
    #[arg(long, env = "ANSWER_CACHE_MB", default_value_t = 32, global = true)]
    pub answer_cache_mb: usize,

    /// Memory for serialised service profiles and list rows, kept across snapshots for the
    /// entries that did not change, in MiB; 0 turns it off.
    #[arg(long, env = "RENDER_CACHE_MB", default_value_t = 32, global = true)]
    pub render_cache_mb: usize,

    /// Writes per minute one client may make.
    #[arg(
        long,
        env = "WRITE_RATE_PER_MINUTE",
        default_value_t = 120,
        global = true
    )]
    pub write_rate_per_minute: u32,

    /// Refused token requests per minute per client id and source address (and four times as
    /// many per source address); beyond them, refusals answer 429. A right secret is never
    /// refused for others' failures.
    #[arg(
        long,
        env = "TOKEN_RATE_PER_MINUTE",
        default_value_t = 30,
        global = true
    )]
    pub token_rate_per_minute: u32,

    /// Bytes of revision diffs one vendor may store in any 24 hours (history and the change feed
    /// keep every revision); past it, writes get 429 with Retry-After. Administrators are exempt;
    /// 0 turns it off.
    #[arg(
        long,
        env = "REVISION_BYTES_PER_DAY",
        default_value_t = 5 << 20,
        global = true
    )]
    pub revision_bytes_per_day: u64,

    /// Browser origins allowed to read the API (CORS), comma-separated; `*` for any. Writes are
    /// never allowed cross-origin.
    #[arg(long, env = "CORS_ORIGINS", default_value = "", global = true)]
    pub cors_origins: String,

    /// Origins allowed to show a municipality's list of approved services in a frame
    /// (`/municipalities/{id}/embed`), comma-separated, e.g. https://www.bergen.kommune.no.
    /// Empty: no site may frame it.
    #[arg(long, env = "EMBED_ORIGINS", default_value = "", global = true)]
    pub embed_origins: String,

    /// Where clients reach the registry, e.g. https://registry.example.no: the base of absolute
    /// links (`Link` headers). Empty: the request's own scheme and host.
    #[arg(long, env = "PUBLIC_BASE_URL", default_value = "", global = true)]
    pub public_base_url: String,

    /// The Feide API whose service information (`/2/sp/{id}`) the registry fetches for every
    /// service linked to a Feide id. Empty: never fetch.
    #[arg(
        long,
        env = "FEIDE_API_URL",
        default_value = "https://api.feide.no",
        global = true
    )]
    pub feide_api_url: String,

    /// Hours between two syncs with the Feide API; 0: only on demand (`feide sync`, or an
    /// administrator's POST /api/v1/feide/sync).
    #[arg(long, env = "FEIDE_SYNC_HOURS", default_value_t = 24, global = true)]
    pub feide_sync_hours: u64,

    /// Seconds one Feide API request may take; a slower answer counts as failed.
    #[arg(long, env = "FEIDE_TIMEOUT_SECS", default_value_t = 10, global = true)]
    pub feide_timeout_secs: u64,

    /// Feide API requests per minute at most.
    #[arg(
        long,
        env = "FEIDE_REQUESTS_PER_MINUTE",
        default_value_t = 10,
        global = true
    )]
    pub feide_requests_per_minute: u32,

    /// Path of the Feide API's service listing under FEIDE_API_URL; every listed service not in
    /// the registry is imported as `unregistered`. Empty: import nothing.
    #[arg(
        long,
        env = "FEIDE_LIST_PATH",
        default_value = crate::feide::LIST_PATH,
        global = true
    )]
    pub feide_list_path: String,

    /// Let webhook subscriptions call any http or https target, private addresses included (tests
    /// on loopback, closed networks). Off: public https targets only.
    #[arg(
        long,
        env = "WEBHOOK_ALLOW_INSECURE_TARGETS",
        default_value_t = false,
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new(),
        global = true
    )]
    pub webhook_allow_insecure_targets: bool,

    /// Seconds a webhook delivery may take to connect, and again to be answered.
    #[arg(
        long,
        env = "WEBHOOK_TIMEOUT_SECS",
        default_value_t = 10,
        global = true
    )]
    pub webhook_timeout_secs: u64,

    /// Webhook deliveries in flight at once, per process.
    #[arg(long, env = "WEBHOOK_CONCURRENCY", default_value_t = 16, global = true)]
    pub webhook_concurrency: usize,

    /// The first retry of a failed webhook delivery comes within this many milliseconds; each
    /// further one within twice the last (a random share of it), up to WEBHOOK_RETRY_MAX_MS.
    #[arg(
        long,
        env = "WEBHOOK_RETRY_BASE_MS",
        default_value_t = 5000,
        global = true
    )]
    pub webhook_retry_base_ms: u64,

    /// The longest wait between two attempts at a webhook delivery, in milliseconds.
    #[arg(long, env = "WEBHOOK_RETRY_MAX_MS", default_value_t = 4 * 3600 * 1000, global = true)]
    pub webhook_retry_max_ms: u64,

    /// Seconds a webhook delivery is retried before it fails and its subscription is disabled
    /// (three days).
    #[arg(long, env = "WEBHOOK_RETRY_FOR_SECS", default_value_t = 3 * 86400, global = true)]
    pub webhook_retry_for_secs: u64,

    /// Milliseconds between two looks for due webhook work in an idle process.
    #[arg(long, env = "WEBHOOK_POLL_MS", default_value_t = 500, global = true)]
    pub webhook_poll_ms: u64,

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
    /// Write a synthetic catalogue (the import format) to standard output, for benchmarks.
    Generate {
        /// Number of services (about one vendor per five).
        #[arg(long)]
        services: usize,
        /// The same seed gives the same catalogue.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Word every attribute justification differently (the worst case for memory), instead
        /// of from a few templates as vendors do.
        #[arg(long)]
        distinct_justifications: bool,
    },
    /// Manage API clients.
    #[command(subcommand)]
    Client(ClientCommand),
    /// Manage municipalities (the controllers whose portfolios the registry keeps).
    #[command(subcommand)]
    Municipality(MunicipalityCommand),
    /// Work with the Feide API.
    #[command(subcommand)]
    Feide(FeideCommand),
}

#[derive(Debug, Subcommand)]
pub enum FeideCommand {
    /// Fetch every linked Feide service's information now (unless another process is syncing).
    Sync,
}

impl Settings {
    /// How webhooks are delivered.
    pub fn webhooks(&self) -> crate::delivery::WebhookOptions {
        use crate::domain::webhooks::{Backoff, Targets};
        use std::time::Duration;
        crate::delivery::WebhookOptions {
            targets: if self.webhook_allow_insecure_targets {
                Targets::Any
            } else {
                Targets::PublicHttps
            },
            timeout: Duration::from_secs(self.webhook_timeout_secs.max(1)),
            concurrency: self.webhook_concurrency.max(1),
            backoff: Backoff {
                base: Duration::from_millis(self.webhook_retry_base_ms.max(1)),
                cap: Duration::from_millis(self.webhook_retry_max_ms.max(1)),
                give_up_after: Duration::from_secs(self.webhook_retry_for_secs),
            },
            poll: Duration::from_millis(self.webhook_poll_ms.max(10)),
        }
    }

    /// The Feide API options, or None when `FEIDE_API_URL` is empty.
    pub fn feide(&self) -> Option<crate::feide::FeideOptions> {
        let url = self.feide_api_url.trim();
        (!url.is_empty()).then(|| {
            let mut o = crate::feide::FeideOptions::new(url);
            o.every = (self.feide_sync_hours > 0)
                .then(|| std::time::Duration::from_secs(self.feide_sync_hours * 3600));
            o.timeout = std::time::Duration::from_secs(self.feide_timeout_secs.max(1));
            o.per_minute = self.feide_requests_per_minute.max(1);
            let list = self.feide_list_path.trim();
            o.list_path = (!list.is_empty()).then(|| list.to_owned());
            o
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum MunicipalityCommand {
    /// Create a municipality (or a county municipality), as `POST /api/v1/municipalities` does.
    Create {
        /// A lowercase slug, e.g. `bergen`.
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// Norwegian organisation number (MOD11-checked).
        #[arg(long)]
        org_number: String,
        /// The four-digit municipality number (two digits for a county).
        #[arg(long)]
        number: Option<String>,
        #[arg(long, value_parser = ["municipality", "county"], default_value = "municipality")]
        kind: String,
        /// Make the portfolio readable by anyone (it is private otherwise).
        #[arg(long)]
        public: bool,
    },
    /// List municipalities.
    List,
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Create a client and print its id and secret (shown this once; only a hash is stored).
    Create {
        #[arg(long, value_parser = ["vendor", "admin", "municipality"])]
        role: String,
        /// The vendor a vendor client acts for.
        #[arg(long)]
        vendor: Option<String>,
        /// The municipality a municipality client acts for.
        #[arg(long)]
        municipality: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// List clients (never their secrets).
    List,
    /// Revoke a client: its secret no longer gives tokens, and its tokens stop working.
    Revoke { client_id: String },
}
