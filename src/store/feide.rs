//! What the Feide API said about each linked Feide service, and the lease that keeps one sync
//! at a time across processes. Every stored answer raises the catalogue version for the services
//! linked to that Feide id, so every process rebuilds their profiles from it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::changes::{record, Change, WriteError};
use super::schema::{feide_services, feide_sync_lease, service_feide_ids, services};
use super::{bump_version, Db, Moment, StoreError, Touched};
use crate::domain::writes::EntityKind;

/// The actor the history and the change feed name for what the Feide sync changed.
pub const SYNC_ACTOR: &str = "feide-sync";

/// The stored state of one Feide service.
#[derive(Debug, Clone, PartialEq, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = feide_services, treat_none_as_null = true)]
pub struct FeideRow {
    pub feide_id: String,
    /// The API's `name` object (language -> name), as JSON.
    pub name: Option<String>,
    /// The API's `provider` object (`id`, `name`, `realm`), as JSON.
    pub provider: Option<String>,
    /// The API's `attributes` list, as JSON.
    pub attributes: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// When the last good answer (200 or 304) came.
    pub fetched_at: Option<Moment>,
    /// When the API was last asked, whatever it answered.
    pub checked_at: Moment,
    /// Why the last check failed; None when it succeeded.
    pub error: Option<String>,
    /// What the service listing adds (description, privacy policy links, areas of use, levels),
    /// as JSON; None for a service only fetched on its own.
    pub details: Option<String>,
}

/// Every Feide id some service links to, once, in order.
pub fn linked_ids(db: &mut Db) -> Result<Vec<String>, StoreError> {
    Ok(service_feide_ids::table
        .select(service_feide_ids::feide_id)
        .distinct()
        .order(service_feide_ids::feide_id)
        .load(db)?)
}

/// The stored state of `feide_id`, if it was ever checked.
pub fn get(db: &mut Db, feide_id: &str) -> Result<Option<FeideRow>, StoreError> {
    Ok(feide_services::table.find(feide_id).first(db).optional()?)
}

/// The stored state of each of `ids` that was ever checked.
pub fn get_many(db: &mut Db, ids: &[String]) -> Result<Vec<FeideRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(feide_services::table
        .filter(feide_services::feide_id.eq_any(ids))
        .load(db)?)
}

/// Stores `row` in one transaction with the version raise for every service linked to it, so a
/// reader never sees a half-written answer and every process refreshes those services. When
/// Feide's list of released attributes changed, each linked service gets a revision by
/// [`SYNC_ACTOR`] (its profile says something new), which its history and the change feed show.
pub fn store(db: &mut Db, row: &FeideRow) -> Result<(), StoreError> {
    db.transaction(|db| {
        let before = get(db, &row.feide_id)?;
        let old_list = before.as_ref().and_then(|b| b.attributes.clone());
        let services: Vec<String> = service_feide_ids::table
            .filter(service_feide_ids::feide_id.eq(&row.feide_id))
            .select(service_feide_ids::service_id)
            .order(service_feide_ids::service_id)
            .load(db)?;
        let touched: Vec<Touched> = services.iter().map(|s| Touched::Service(s)).collect();
        bump_version(db, &touched)?;
        let updated = diesel::update(feide_services::table.find(&row.feide_id))
            .set(row)
            .execute(db)?;
        if updated == 0 {
            diesel::insert_into(feide_services::table)
                .values(row)
                .execute(db)?;
        }
        if old_list != row.attributes {
            for service in &services {
                revise(
                    db,
                    service,
                    &row.feide_id,
                    &old_list,
                    &row.attributes,
                    row.checked_at,
                )?;
            }
        }
        Ok(())
    })
}

fn list(json: &Option<String>) -> serde_json::Value {
    json.as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// A revision of `service` saying how Feide's list for `feide_id` changed.
fn revise(
    db: &mut Db,
    service: &str,
    feide_id: &str,
    old: &Option<String>,
    new: &Option<String>,
    at: Moment,
) -> Result<(), StoreError> {
    diesel::update(services::table.find(service))
        .set(services::revision.eq(services::revision + 1))
        .execute(db)?;
    let revision: i32 = services::table
        .find(service)
        .select(services::revision)
        .first(db)?;
    let field = format!("feide_released:{feide_id}");
    let change = Change {
        actor: SYNC_ACTOR,
        client_id: None,
        action: "feide.sync",
        before: Some(serde_json::json!({ &field: list(old) })),
        daily_bytes: None,
    };
    let after = serde_json::json!({ &field: list(new) });
    record(
        db,
        EntityKind::Service,
        service,
        revision,
        &change,
        &after,
        at.0,
    )
    .map_err(|e| match e {
        WriteError::Store(s) => s,
        other => StoreError::Corrupt(other.to_string()),
    })
}

/// Takes the sync lease for `holder` until `until`, if it is free or its holder's time ran out.
/// One conditional UPDATE decides, so two processes can never both hold it.
pub fn take_lease(
    db: &mut Db,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use feide_sync_lease::dsl as l;
    let taken = diesel::update(
        l::feide_sync_lease
            .filter(l::id.eq(1))
            .filter(l::expires_at.is_null().or(l::expires_at.lt(Moment(now)))),
    )
    .set((l::holder.eq(holder), l::expires_at.eq(Some(Moment(until)))))
    .execute(db)?;
    Ok(taken == 1)
}

/// Frees the lease if `holder` still holds it.
pub fn release_lease(db: &mut Db, holder: &str) -> Result<(), StoreError> {
    use feide_sync_lease::dsl as l;
    diesel::update(
        l::feide_sync_lease
            .filter(l::id.eq(1))
            .filter(l::holder.eq(holder)),
    )
    .set((
        l::holder.eq(None::<String>),
        l::expires_at.eq(None::<Moment>),
    ))
    .execute(db)?;
    Ok(())
}
