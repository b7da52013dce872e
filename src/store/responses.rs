//! Municipalities' answers to announcements: one row per municipality and announcement, the
//! latest answer replacing the one before, written only while the announcement is pending.

use std::collections::HashMap;

use diesel::prelude::*;

use super::clients::NewAuditEvent;
use super::schema::{announcement_responses, announcements};
use super::{Db, Moment, StoreError};
use crate::domain::announcements::AnnouncementStatus;
use crate::domain::responses::{ResponseKind, Tally};

/// One municipality's answer to one announcement.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = announcement_responses)]
pub struct ResponseRow {
    pub announcement_id: String,
    /// The municipality's id.
    pub responder: String,
    pub response: String,
    pub note: Option<String>,
    pub responded_at: Moment,
    pub client_id: Option<String>,
}

/// What recording an answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// The municipality's first answer.
    Created,
    /// It replaced the municipality's earlier answer.
    Replaced,
    /// The announcement is no longer pending (applied or withdrawn meanwhile; its status, or
    /// empty when it is gone): nothing was written.
    NotPending(String),
}

/// Records `row` over the municipality's earlier answer, with its audit event (its outcome set
/// to 201 or 200 here), while the announcement is pending.
pub fn record(
    db: &mut Db,
    row: &ResponseRow,
    event: &NewAuditEvent,
) -> Result<Recorded, StoreError> {
    use announcement_responses::dsl as r;
    db.transaction(|db| {
        // a write first: on SQLite it takes the write lock before the status is read, so the
        // apply task cannot slip between the check and the answer
        let earlier = diesel::delete(
            r::announcement_responses
                .filter(r::announcement_id.eq(&row.announcement_id))
                .filter(r::responder.eq(&row.responder)),
        )
        .execute(db)?;
        let status: Option<String> = announcements::table
            .find(&row.announcement_id)
            .select(announcements::status)
            .first(db)
            .optional()?;
        if status.as_deref() != Some(AnnouncementStatus::Pending.as_str()) {
            return Err(NotPending(status.unwrap_or_default()));
        }
        diesel::insert_into(announcement_responses::table)
            .values(row)
            .execute(db)?;
        let (recorded, outcome) = if earlier == 0 {
            (Recorded::Created, 201)
        } else {
            (Recorded::Replaced, 200)
        };
        // only here is it known whether this answer is the first
        let event = NewAuditEvent {
            outcome,
            ..event.clone()
        };
        super::clients::audit(db, &event)?;
        Ok(recorded)
    })
    .or_else(|e| match e {
        NotPending(status) => Ok(Recorded::NotPending(status)),
        Store(e) => Err(e),
    })
}

/// Why the answer's transaction rolled back.
enum Rollback {
    NotPending(String),
    Store(StoreError),
}
use Rollback::{NotPending, Store};

impl From<StoreError> for Rollback {
    fn from(e: StoreError) -> Self {
        Store(e)
    }
}

impl From<diesel::result::Error> for Rollback {
    fn from(e: diesel::result::Error) -> Self {
        Store(e.into())
    }
}

/// The answers to announcement `id`, by municipality; only `responder`'s when given.
pub fn of_announcement(
    db: &mut Db,
    id: &str,
    responder: Option<&str>,
) -> Result<Vec<ResponseRow>, StoreError> {
    use announcement_responses::dsl as r;
    let mut q = r::announcement_responses
        .filter(r::announcement_id.eq(id))
        .select(ResponseRow::as_select())
        .order(r::responder)
        .into_boxed();
    if let Some(m) = responder {
        q = q.filter(r::responder.eq(m.to_owned()));
    }
    Ok(q.load(db)?)
}

/// How many object to and accept each of the announcements `ids`.
pub fn tallies(db: &mut Db, ids: &[String]) -> Result<HashMap<String, Tally>, StoreError> {
    use announcement_responses::dsl as r;
    let rows: Vec<(String, String)> = r::announcement_responses
        .filter(r::announcement_id.eq_any(ids.to_vec()))
        .select((r::announcement_id, r::response))
        .load(db)?;
    let mut out: HashMap<String, Tally> = HashMap::new();
    for (id, response) in rows {
        let kind = ResponseKind::parse(&response).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "announcement_responses.response holds `{response}`"
            ))
        })?;
        out.entry(id).or_default().count(kind);
    }
    Ok(out)
}
