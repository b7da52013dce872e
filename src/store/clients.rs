//! API clients and the audit log.

use diesel::prelude::*;

use super::schema::*;
use super::{Db, StoreError};

#[derive(Queryable, Insertable, Debug, Clone)]
#[diesel(table_name = api_clients)]
pub struct ClientRow {
    pub client_id: String,
    pub secret_hash: String,
    pub role: String,
    pub vendor_id: Option<String>,
    pub description: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
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

/// Returns false when there is no such active client.
pub fn revoke_client(db: &mut Db, client_id: &str, now: &str) -> Result<bool, StoreError> {
    let n = diesel::update(
        api_clients::table
            .find(client_id)
            .filter(api_clients::revoked_at.is_null()),
    )
    .set(api_clients::revoked_at.eq(now))
    .execute(db)?;
    Ok(n == 1)
}

#[derive(Insertable, Debug, Clone)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent {
    pub at: String,
    pub actor: Option<String>,
    pub client_id: Option<String>,
    pub source: Option<String>,
    pub action: String,
    pub target: String,
    pub outcome: i32,
    pub detail: Option<String>,
}

#[derive(Queryable, Debug, Clone)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: Option<String>,
    pub client_id: Option<String>,
    pub source: Option<String>,
    pub action: String,
    pub target: String,
    pub outcome: i32,
    pub detail: Option<String>,
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

/// Deletes audit events older than `before` (RFC 3339); returns how many.
pub fn purge_audit(db: &mut Db, before: &str) -> Result<usize, StoreError> {
    Ok(diesel::delete(audit_events::table.filter(audit_events::at.lt(before))).execute(db)?)
}
