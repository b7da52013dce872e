//! The registry's own scheduled work: applying announced sub-processor changes on their effective
//! date. Announcements are kept in the database, so a restart loses none; each round runs under
//! the task's lease (as the Feide sync runs under its own), and each announcement is claimed in
//! the same transaction as the catalogue write, so it is applied once across every process on
//! the database.
//!
//! [`Clock`] says what day it is for the deadlines: the system's, or a fixed moment that tests
//! (and only they, through `ServerOptions`) set, to step past an effective date.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalogue::ReadModel;
use crate::domain::announcements::{amended, AnnouncementWrite};
use crate::domain::writes::Document;
use crate::store::announcements::{self as stored, AnnouncementRow, Applied, APPLY_TASK};
use crate::store::changes::{Change, WriteError};
use crate::store::clients::NewAuditEvent;
use crate::store::{on_db, Store, StoreError};

/// What time it is for announcements: which are due, and from when a notice counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    System,
    /// Always this moment (tests: a day past an effective date, without waiting for it).
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }

    /// Today in UTC, the day effective dates are compared with.
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

/// The actor the history names for a change an announcement made: the announcement itself.
pub fn applier(announcement: &str) -> String {
    format!("announcement:{announcement}")
}

/// The action of the revision an applied announcement makes.
pub const APPLY_ACTION: &str = "announcement.apply";

/// What one round of the apply task did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApplyReport {
    /// False when another process held the task's lease: this call applied nothing.
    pub ran: bool,
    /// The announcements this round applied, in order.
    pub applied: Vec<String>,
    /// The announcements that no longer fitted their service and were marked `failed`.
    pub failed: Vec<String>,
}

/// A round never holds the lease longer than this: a process that dies mid-round blocks the next
/// one this long at most.
const LEASE: Duration = Duration::from_secs(300);

/// Tries on a stale revision: another write to the service came between reading and writing.
const TRIES: usize = 4;

/// Applies every announcement due by `clock`, unless another process is doing so.
pub async fn run_due(
    store: &Store,
    catalogue: &ReadModel,
    clock: Clock,
) -> Result<ApplyReport, StoreError> {
    let holder = format!(
        "{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::minutes(5));
    let taken = {
        let holder = holder.clone();
        on_db(store, move |db| {
            stored::take_lease(db, APPLY_TASK, &holder, now, until)
        })
        .await?
    };
    if !taken {
        return Ok(ApplyReport::default());
    }
    let today = clock.today();
    let result = async {
        let due = on_db(store, move |db| stored::due(db, today)).await?;
        let mut report = ApplyReport {
            ran: true,
            ..ApplyReport::default()
        };
        for row in due {
            let (store, catalogue) = (store.clone(), catalogue.clone());
            let id = row.id.clone();
            let outcome = actix_web::web::block(move || apply_one(&store, &catalogue, &row))
                .await
                .map_err(|e| StoreError::Connect(format!("the blocking pool: {e}")))??;
            match outcome {
                Outcome::Applied => report.applied.push(id),
                Outcome::Failed => report.failed.push(id),
                Outcome::Elsewhere => {}
            }
        }
        Ok(report)
    }
    .await;
    on_db(store, move |db| {
        stored::release_lease(db, APPLY_TASK, &holder)
    })
    .await?;
    result
}

enum Outcome {
    Applied,
    Failed,
    Elsewhere,
}

/// Applies one due announcement over the catalogue as it is now. Blocking.
fn apply_one(
    store: &Store,
    catalogue: &ReadModel,
    row: &AnnouncementRow,
) -> Result<Outcome, StoreError> {
    let write: AnnouncementWrite = serde_json::from_str(&row.body)
        .map_err(|e| StoreError::Corrupt(format!("announcement {}: {e}", row.id)))?;
    for _ in 0..TRIES {
        let snap = catalogue.refresh(store)?;
        let Some(record) = snap.service(&row.service_id) else {
            return fail(store, row, "the service no longer exists");
        };
        // sub-processors another write has introduced since are referenced, not created again
        let mut write = write.clone();
        write
            .new_sub_processors
            .retain(|n| !snap.sub_processors.iter().any(|s| s.id.as_str() == n.id));
        let (doc, problems) = amended(&record.service, &write, &snap);
        if !problems.is_empty() {
            let why = problems
                .iter()
                .map(|p| format!("{}: {}", p.pointer, p.detail))
                .collect::<Vec<_>>()
                .join("; ");
            return fail(store, row, &why);
        }
        let checked = match doc.checked() {
            Ok(c) => c,
            Err(p) => return fail(store, row, &format!("{}: {}", p.pointer, p.detail)),
        };
        let actor = applier(&row.id);
        let change = Change {
            actor: &actor,
            client_id: None,
            action: APPLY_ACTION,
            before: serde_json::to_value(&record.service).ok(),
            daily_bytes: None,
        };
        let event = NewAuditEvent {
            at: Utc::now().into(),
            actor: Some(actor.clone()),
            client_id: None,
            source: None,
            action: APPLY_ACTION.to_owned(),
            target: format!("/api/v1/services/{}", row.service_id),
            outcome: 200,
            detail: Some(format!("announcement {}", row.id)),
            count: 1,
        };
        let revision = record.stamp.revision;
        drop(snap);
        let done = stored::apply(
            &mut *store.conn()?,
            &row.id,
            &checked.entry,
            &checked.introduces,
            revision,
            &change,
            &event,
        );
        match done {
            Ok(Applied::Now(_)) => return Ok(Outcome::Applied),
            Ok(Applied::Elsewhere) => return Ok(Outcome::Elsewhere),
            // another write came first: read again and apply over it
            Err(WriteError::Stale | WriteError::Clash(_)) => continue,
            Err(WriteError::Store(e)) => return Err(e),
            Err(other) => return Err(StoreError::Corrupt(other.to_string())),
        }
    }
    Err(StoreError::Corrupt(format!(
        "announcement {}: the service kept changing while it was applied",
        row.id
    )))
}

fn fail(store: &Store, row: &AnnouncementRow, why: &str) -> Result<Outcome, StoreError> {
    log::warn!("announcement {} not applied: {why}", row.id);
    Ok(
        if stored::fail(
            &mut *store.conn()?,
            &row.id,
            &row.service_id,
            why,
            Utc::now(),
        )? {
            Outcome::Failed
        } else {
            Outcome::Elsewhere
        },
    )
}

/// Applies due announcements every `every` until the process ends; a round that fails is logged
/// and retried at the next tick.
pub async fn every(store: Store, catalogue: ReadModel, clock: Clock, every: Duration) {
    loop {
        match run_due(&store, &catalogue, clock).await {
            Ok(r) if !r.applied.is_empty() || !r.failed.is_empty() => log::info!(
                "announcements: applied {:?}, failed {:?}",
                r.applied,
                r.failed
            ),
            Ok(_) => {}
            Err(e) => log::warn!("announcements: {e}"),
        }
        actix_web::rt::time::sleep(every).await;
    }
}
