//! API clients and the audit log.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::*;
use super::{Db, Moment, StoreError};

#[derive(Queryable, Insertable, Debug, Clone)]
#[diesel(table_name = api_clients)]
pub struct ClientRow {
    pub client_id: String,
    pub secret_hash: String,
    pub role: String,
    pub vendor_id: Option<String>,
    pub description: Option<String>,
    pub created_at: Moment,
    pub revoked_at: Option<Moment>,
    /// The municipality a municipality client acts for.
    pub municipality_id: Option<String>,
}

impl ClientRow {
    /// What the client acts for: the vendor of a vendor client, the municipality of a
    /// municipality client (`Actor::of` ignores it for an administrator).
    pub fn acts_for(&self) -> Option<String> {
        match crate::domain::auth::ClientRole::parse(&self.role) {
            Some(crate::domain::auth::ClientRole::Municipality) => self.municipality_id.clone(),
            _ => self.vendor_id.clone(),
        }
    }
}

pub fn insert_client(db: &mut Db, row: &ClientRow) -> Result<(), StoreError> {
    diesel::insert_into(api_clients::table)
        .values(row)
        .execute(db)?;
    Ok(())
}

pub fn find_client(db: &mut Db, client_id: &str) -> Result<Option<ClientRow>, StoreError> {
    Ok(api_clients::table.find(client_id).first(db).optional()?)
}

pub fn list_clients(db: &mut Db) -> Result<Vec<ClientRow>, StoreError> {
    Ok(api_clients::table.order(api_clients::created_at).load(db)?)
}

/// Replaces a client's secret hash if it is still `old` (another process may have done it).
pub fn replace_secret_hash(
    db: &mut Db,
    client_id: &str,
    old: &str,
    new: &str,
) -> Result<(), StoreError> {
    diesel::update(
        api_clients::table
            .find(client_id)
            .filter(api_clients::secret_hash.eq(old)),
    )
    .set(api_clients::secret_hash.eq(new))
    .execute(db)?;
    Ok(())
}

/// Returns false when there is no such active client.
pub fn revoke_client(db: &mut Db, client_id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let n = diesel::update(
        api_clients::table
            .find(client_id)
            .filter(api_clients::revoked_at.is_null()),
    )
    .set(api_clients::revoked_at.eq(Moment(now)))
    .execute(db)?;
    Ok(n == 1)
}

#[derive(Insertable, Debug, Clone, PartialEq, Eq, Hash)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent {
    pub at: Moment,
    pub actor: Option<String>,
    pub client_id: Option<String>,
    pub source: Option<String>,
    pub action: String,
    pub target: String,
    pub outcome: i32,
    pub detail: Option<String>,
    /// How many attempts the row stands for (aggregated refusals); 1 for every other event.
    pub count: i32,
}

#[derive(Queryable, Debug, Clone)]
pub struct AuditRow {
    pub seq: i64,
    pub at: Moment,
    pub actor: Option<String>,
    pub client_id: Option<String>,
    pub source: Option<String>,
    pub action: String,
    pub target: String,
    pub outcome: i32,
    pub detail: Option<String>,
    pub count: i32,
}

pub fn audit(db: &mut Db, event: &NewAuditEvent) -> Result<(), StoreError> {
    diesel::insert_into(audit_events::table)
        .values(event)
        .execute(db)?;
    Ok(())
}

/// Which audit events to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub client_id: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<i32>,
}

/// Audit events after `after`, oldest first.
pub fn audit_events(
    db: &mut Db,
    after: i64,
    limit: i64,
    filter: &AuditFilter,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut q = audit_events::table
        .filter(audit_events::seq.gt(after))
        .into_boxed();
    if let Some(c) = &filter.client_id {
        q = q.filter(audit_events::client_id.eq(c.clone()));
    }
    if let Some(a) = &filter.action {
        q = q.filter(audit_events::action.eq(a.clone()));
    }
    if let Some(o) = filter.outcome {
        q = q.filter(audit_events::outcome.eq(o));
    }
    Ok(q.order(audit_events::seq).limit(limit).load(db)?)
}

/// Deletes audit events older than `before`; returns how many.
pub fn purge_audit(db: &mut Db, before: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(audit_events::table.filter(audit_events::at.lt(Moment(before))))
            .execute(db)?,
    )
}

/// Deletes the oldest audit events beyond the newest `keep`; returns how many.
pub fn cap_audit(db: &mut Db, keep: i64) -> Result<usize, StoreError> {
    let newest: Option<i64> = audit_events::table
        .select(diesel::dsl::max(audit_events::seq))
        .first(db)?;
    let Some(cut) = newest.map(|n| n - keep).filter(|c| *c > 0) else {
        return Ok(0);
    };
    Ok(diesel::delete(audit_events::table.filter(audit_events::seq.le(cut))).execute(db)?)
}
