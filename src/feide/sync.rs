//! One sync round: under the database lease, every linked Feide service is checked once, at a
//! bounded rate, and each answer is stored on its own, so a failure halfway keeps what was
//! already stored and never touches the rest.

use std::time::{Duration, Instant};

use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::client::{check, Outcome};
use super::counters::{self, FAILED, FETCHED, LEASE_BUSY, UNCHANGED};
use super::FeideOptions;
use crate::store::feide::{self as stored, FeideRow};
use crate::store::{on_db, Moment, Store, StoreError};

/// What a sync round did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SyncReport {
    /// False when another process held the lease: nothing was fetched by this call.
    pub ran: bool,
    /// Linked Feide services checked.
    pub checked: usize,
    /// New answers stored.
    pub fetched: usize,
    /// Answers unchanged since the last (304).
    pub unchanged: usize,
    /// Checks that failed; the last good answer of each is kept.
    pub failed: usize,
    /// Services in Feide's listing; 0 when the listing is off or failed.
    #[serde(default)]
    pub listed: usize,
    /// Listed services new to the registry, imported as `unregistered` entries.
    #[serde(default)]
    pub imported: usize,
    /// Why the listing could not be read; null when it was (or is off). Nothing stored changes.
    #[serde(default)]
    #[schema(example = json!(null))]
    pub listing_error: Option<String>,
}

/// Keeps requests to the Feide API at most `options.per_minute` a minute.
pub(crate) struct Pacer {
    spacing: Duration,
    last: Option<Instant>,
}

impl Pacer {
    pub(crate) fn new(options: &FeideOptions) -> Self {
        Self {
            spacing: options.spacing(),
            last: None,
        }
    }

    /// Waits until the next request may go.
    pub(crate) async fn wait(&mut self) {
        if let Some(at) = self.last {
            actix_web::rt::time::sleep(self.spacing.saturating_sub(at.elapsed())).await;
        }
        self.last = Some(Instant::now());
    }
}

/// A lease outlives the round it guards by this much at most: a process that dies mid-round
/// blocks the next one only this long.
fn lease_length(options: &FeideOptions, ids: usize) -> Duration {
    let per_id = options.timeout * (options.retries + 1) + options.spacing();
    per_id * u32::try_from(ids.max(1)).unwrap_or(u32::MAX) + Duration::from_secs(60)
}

/// Runs one round, unless another process is running one.
pub async fn run(store: &Store, options: &FeideOptions) -> Result<SyncReport, StoreError> {
    let holder = format!(
        "{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    let ids = on_db(store, stored::linked_ids).await?;
    let now = Utc::now();
    let until = now
        + chrono::Duration::from_std(lease_length(options, ids.len()))
            .unwrap_or(chrono::Duration::hours(1));
    let taken = {
        let holder = holder.clone();
        on_db(store, move |db| stored::take_lease(db, &holder, now, until)).await?
    };
    if !taken {
        counters::add(&LEASE_BUSY);
        return Ok(SyncReport::default());
    }
    let result = round(store, options, &ids).await;
    on_db(store, move |db| stored::release_lease(db, &holder)).await?;
    result
}

async fn round(
    store: &Store,
    options: &FeideOptions,
    ids: &[String],
) -> Result<SyncReport, StoreError> {
    let http = reqwest::Client::builder()
        .user_agent(concat!("feide-registry/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| StoreError::Corrupt(format!("HTTP client: {e}")))?;
    let mut report = SyncReport {
        ran: true,
        ..SyncReport::default()
    };
    let mut pacer = Pacer::new(options);
    // what the listing delivered is not asked for again one by one
    let listed = super::listing::run(store, &http, options, &mut pacer, &mut report).await?;
    for id in ids.iter().filter(|id| !listed.contains(*id)) {
        pacer.wait().await;
        let before = {
            let id = id.clone();
            on_db(store, move |db| stored::get(db, &id)).await?
        };
        let outcome = check(
            &http,
            options,
            id,
            before.as_ref().and_then(|r| r.etag.as_deref()),
            before.as_ref().and_then(|r| r.last_modified.as_deref()),
        )
        .await;
        report.checked += 1;
        let row = next_row(id, before, outcome, &mut report);
        on_db(store, move |db| stored::store(db, &row)).await?;
    }
    Ok(report)
}

/// The row to store after `outcome`: a failure changes only `checked_at` and `error`.
fn next_row(
    id: &str,
    before: Option<FeideRow>,
    outcome: Outcome,
    report: &mut SyncReport,
) -> FeideRow {
    let now = Moment(Utc::now());
    let mut row = before.unwrap_or_else(|| FeideRow {
        feide_id: id.to_owned(),
        name: None,
        provider: None,
        attributes: None,
        etag: None,
        last_modified: None,
        fetched_at: None,
        checked_at: now,
        error: None,
        details: None,
    });
    row.checked_at = now;
    match outcome {
        Outcome::Fresh {
            service,
            etag,
            last_modified,
        } => {
            counters::add(&FETCHED);
            report.fetched += 1;
            row.name = Some(serde_json::to_string(&service.name).unwrap_or_default());
            row.provider = service
                .provider
                .as_ref()
                .and_then(|p| serde_json::to_string(p).ok());
            row.attributes = Some(serde_json::to_string(&service.attributes).unwrap_or_default());
            row.etag = etag;
            row.last_modified = last_modified;
            row.fetched_at = Some(now);
            row.error = None;
        }
        Outcome::Unchanged => {
            counters::add(&UNCHANGED);
            report.unchanged += 1;
            row.fetched_at = Some(now);
            row.error = None;
        }
        Outcome::Failed(why) => {
            counters::add(&FAILED);
            report.failed += 1;
            log::warn!("Feide service {id}: {why}");
            row.error = Some(why);
        }
    }
    row
}

/// Syncs every `every` until the process ends; a round that fails is logged and retried at the
/// next tick.
pub async fn every(store: Store, options: FeideOptions, every: Duration) {
    loop {
        match run(&store, &options).await {
            Ok(r) if r.ran => log::info!(
                "Feide sync: {} checked, {} fetched, {} unchanged, {} failed",
                r.checked,
                r.fetched,
                r.unchanged,
                r.failed
            ),
            Ok(_) => log::info!("Feide sync: another process is syncing"),
            Err(e) => log::warn!("Feide sync: {e}"),
        }
        actix_web::rt::time::sleep(every).await;
    }
}
