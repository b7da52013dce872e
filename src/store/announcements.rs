//! Announcements of sub-processor changes: stored, listed, withdrawn, and applied on their
//! effective date. Applying claims the announcement with a conditional UPDATE in the same
//! transaction as the catalogue write (`commit`), so however many processes run the task on one
//! database, each announcement changes the catalogue once. The task's lease (`task_leases`) keeps
//! the processes from doing the work twice over; the claim is what makes it exactly once.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::changes::{Change, Expect, WriteError};
use super::clients::NewAuditEvent;
use super::commit::commit;
use super::schema::{announcements, task_leases};
use super::{bump_version, webhooks, Db, Moment, StoreError, Touched};
use std::collections::HashMap;

use crate::domain::announcements::{AnnouncementStatus, PendingAnnouncement};
use crate::domain::catalogue::{Service, SubProcessor};
use crate::domain::webhooks::EventType;

/// The name of the apply task's lease.
pub const APPLY_TASK: &str = "announcements.apply";

/// One stored announcement.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = announcements)]
pub struct AnnouncementRow {
    pub id: String,
    pub service_id: String,
    pub vendor_id: String,
    pub status: String,
    pub summary: Option<String>,
    /// The announced change as JSON (`AnnouncementWrite` without its date and summary).
    pub body: String,
    pub effective_date: String,
    pub announced_at: Moment,
    pub announced_by: String,
    pub client_id: Option<String>,
    pub notice_days: i32,
    pub change_rule: Option<String>,
    pub required_notice_days: Option<i32>,
    pub objection_days: Option<i32>,
    pub objection_deadline: Option<String>,
    pub short_notice: bool,
    pub updated_at: Moment,
    pub withdrawn_at: Option<Moment>,
    pub applied_at: Option<Moment>,
    pub applied_revision: Option<i32>,
    pub failure: Option<String>,
}

/// Which announcements a list holds.
#[derive(Debug, Clone, Default)]
pub struct AnnouncementFilter {
    pub service: Option<String>,
    /// Any of these services (a portfolio's).
    pub services: Option<Vec<String>>,
    pub vendor: Option<String>,
    pub status: Option<AnnouncementStatus>,
}

/// Stores a new announcement with its audit event, in one transaction that raises the catalogue
/// version for its service, whose profile shows it while pending.
pub fn insert(db: &mut Db, row: &AnnouncementRow, event: &NewAuditEvent) -> Result<(), StoreError> {
    db.transaction(|db| {
        bump_version(db, &[Touched::Service(&row.service_id)])?;
        diesel::insert_into(announcements::table)
            .values(row)
            .execute(db)?;
        let told = webhooks::announcement_event(EventType::AnnouncementCreated, row, event.at.0);
        webhooks::emit(db, &told)?;
        super::clients::audit(db, event)?;
        Ok(())
    })
}

pub fn get(db: &mut Db, id: &str) -> Result<Option<AnnouncementRow>, StoreError> {
    Ok(announcements::table
        .find(id)
        .select(AnnouncementRow::as_select())
        .first(db)
        .optional()?)
}

/// A page of announcements, newest first, after the announcement `after` (its `(announced_at,
/// id)` key); one more than `limit` is read to tell whether more follow.
pub fn list(
    db: &mut Db,
    filter: &AnnouncementFilter,
    after: Option<(Moment, String)>,
    limit: i64,
) -> Result<Vec<AnnouncementRow>, StoreError> {
    use announcements::dsl as a;
    let mut q = a::announcements
        .select(AnnouncementRow::as_select())
        .into_boxed();
    if let Some(s) = &filter.service {
        q = q.filter(a::service_id.eq(s.clone()));
    }
    if let Some(services) = &filter.services {
        q = q.filter(a::service_id.eq_any(services.clone()));
    }
    if let Some(v) = &filter.vendor {
        q = q.filter(a::vendor_id.eq(v.clone()));
    }
    if let Some(s) = filter.status {
        q = q.filter(a::status.eq(s.as_str()));
    }
    if let Some((at, id)) = after {
        q = q.filter(
            a::announced_at
                .lt(at)
                .or(a::announced_at.eq(at).and(a::id.lt(id))),
        );
    }
    Ok(q.order((a::announced_at.desc(), a::id.desc()))
        .limit(limit)
        .load(db)?)
}

/// Withdraws a pending announcement of `service`, with its audit event; false when it is no
/// longer pending (applied or withdrawn meanwhile), and then nothing is written.
pub fn withdraw(
    db: &mut Db,
    id: &str,
    service: &str,
    now: DateTime<Utc>,
    event: &NewAuditEvent,
) -> Result<bool, StoreError> {
    use announcements::dsl as a;
    db.transaction(|db| {
        // first, as every write transaction (`bump_version`); rolled back with the rest if the
        // announcement is no longer pending
        bump_version(db, &[Touched::Service(service)])?;
        let done = diesel::update(
            a::announcements
                .filter(a::id.eq(id))
                .filter(a::status.eq(AnnouncementStatus::Pending.as_str())),
        )
        .set((
            a::status.eq(AnnouncementStatus::Withdrawn.as_str()),
            a::withdrawn_at.eq(Some(Moment(now))),
            a::updated_at.eq(Moment(now)),
        ))
        .execute(db)?;
        if done == 0 {
            return Err(StoreError::Query(
                diesel::result::Error::RollbackTransaction,
            ));
        }
        super::clients::audit(db, event)?;
        Ok(true)
    })
    .or_else(|e| match e {
        StoreError::Query(diesel::result::Error::RollbackTransaction) => Ok(false),
        other => Err(other),
    })
}

/// Pending announcements whose effective date is `today` or earlier, oldest first.
pub fn due(db: &mut Db, today: NaiveDate) -> Result<Vec<AnnouncementRow>, StoreError> {
    use announcements::dsl as a;
    Ok(a::announcements
        .filter(a::status.eq(AnnouncementStatus::Pending.as_str()))
        .filter(a::effective_date.le(today.format("%Y-%m-%d").to_string()))
        .order((a::effective_date, a::announced_at, a::id))
        .select(AnnouncementRow::as_select())
        .load(db)?)
}

/// What applying one announcement did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// This call changed the service, to this revision.
    Now(i32),
    /// Another process claimed it first: nothing was written by this call.
    Elsewhere,
}

/// Applies announcement `id`: claims it (pending to applied) and writes the amended `service`
/// over revision `revision` with the sub-processors it `introduces`, its revision row and audit
/// event, in one transaction. A stale revision rolls the claim back too (the caller tries again
/// over the new state).
#[allow(clippy::too_many_arguments)]
pub fn apply(
    db: &mut Db,
    id: &str,
    service: &Service,
    introduces: &[SubProcessor],
    revision: i32,
    change: &Change,
    event: &NewAuditEvent,
) -> Result<Applied, WriteError> {
    use announcements::dsl as a;
    let now = event.at;
    db.transaction(|db| {
        // the first statement writes: on SQLite it takes the write lock before anything is read
        let claimed = diesel::update(
            a::announcements
                .filter(a::id.eq(id))
                .filter(a::status.eq(AnnouncementStatus::Pending.as_str())),
        )
        .set((
            a::status.eq(AnnouncementStatus::Applied.as_str()),
            a::applied_at.eq(Some(now)),
            a::updated_at.eq(now),
        ))
        .execute(db)?;
        if claimed == 0 {
            return Ok(Applied::Elsewhere);
        }
        let saved = commit(
            db,
            service,
            introduces,
            Expect::Revision(revision),
            change,
            event,
        )?;
        diesel::update(a::announcements.filter(a::id.eq(id)))
            .set(a::applied_revision.eq(Some(saved.revision)))
            .execute(db)?;
        let row = a::announcements
            .find(id)
            .select(AnnouncementRow::as_select())
            .first(db)?;
        let told = webhooks::announcement_event(EventType::AnnouncementApplied, &row, now.0);
        webhooks::emit(db, &told)?;
        Ok(Applied::Now(saved.revision))
    })
}

/// Marks a pending announcement of `service` failed (it no longer fits the service); false when
/// another process got to it first.
pub fn fail(
    db: &mut Db,
    id: &str,
    service: &str,
    why: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use announcements::dsl as a;
    db.transaction(|db| {
        bump_version(db, &[Touched::Service(service)])?;
        let done = diesel::update(
            a::announcements
                .filter(a::id.eq(id))
                .filter(a::status.eq(AnnouncementStatus::Pending.as_str())),
        )
        .set((
            a::status.eq(AnnouncementStatus::Failed.as_str()),
            a::failure.eq(Some(why)),
            a::updated_at.eq(Moment(now)),
        ))
        .execute(db)?;
        Ok(done == 1)
    })
}

/// The pending announcements of the services `only` (every service when None), by service,
/// soonest first: what their profiles show.
pub fn pending_of(
    db: &mut Db,
    only: Option<&[String]>,
) -> Result<HashMap<String, Vec<PendingAnnouncement>>, StoreError> {
    use announcements::dsl as a;
    let mut q = a::announcements
        .filter(a::status.eq(AnnouncementStatus::Pending.as_str()))
        .select((
            a::service_id,
            a::id,
            a::effective_date,
            a::objection_deadline,
            a::short_notice,
        ))
        .order((a::service_id, a::effective_date, a::id))
        .into_boxed();
    if let Some(ids) = only {
        q = q.filter(a::service_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(String, String, String, Option<String>, bool)> = q.load(db)?;
    let mut out: HashMap<String, Vec<PendingAnnouncement>> = HashMap::new();
    for (service, id, effective_date, objection_deadline, short_notice) in rows {
        out.entry(service).or_default().push(PendingAnnouncement {
            self_link: format!("/api/v1/announcements/{id}"),
            id,
            effective_date,
            objection_deadline,
            short_notice,
        });
    }
    Ok(out)
}

/// Takes the lease of task `name` for `holder` until `until`, if it is free or its holder's time
/// ran out. One conditional UPDATE decides, so two processes never both hold it.
pub fn take_lease(
    db: &mut Db,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use task_leases::dsl as l;
    let taken = diesel::update(
        l::task_leases
            .filter(l::name.eq(name))
            .filter(l::expires_at.is_null().or(l::expires_at.lt(Moment(now)))),
    )
    .set((l::holder.eq(holder), l::expires_at.eq(Some(Moment(until)))))
    .execute(db)?;
    Ok(taken == 1)
}

/// Frees the lease of task `name` if `holder` still holds it.
pub fn release_lease(db: &mut Db, name: &str, holder: &str) -> Result<(), StoreError> {
    use task_leases::dsl as l;
    diesel::update(
        l::task_leases
            .filter(l::name.eq(name))
            .filter(l::holder.eq(holder)),
    )
    .set((
        l::holder.eq(None::<String>),
        l::expires_at.eq(None::<Moment>),
    ))
    .execute(db)?;
    Ok(())
}
