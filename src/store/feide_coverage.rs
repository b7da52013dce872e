//! What the Feide service listing adds to the catalogue: services known only from Feide
//! (`unregistered` entries) and which registry vendor each Feide provider is. Each listed
//! service is stored in one transaction with its entry, so a listing that breaks off halfway
//! keeps every service already stored and never leaves an entry without its Feide facts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::changes::{record, save, Change, Expect, WriteError};
use super::feide::{self as stored, FeideRow, SYNC_ACTOR};
use super::schema::{feide_providers, service_feide_ids, services, vendors};
use super::{bump_version, Db, Moment, StoreError, Touched};
use crate::domain::catalogue::{Service, Vendor};
use crate::domain::writes::EntityKind;

/// One Feide provider and the vendor it is (or may be).
#[derive(Debug, Clone, PartialEq, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = feide_providers, treat_none_as_null = true)]
pub struct ProviderRow {
    pub provider_id: String,
    /// The provider's `name` object (language -> name), as JSON.
    pub name: String,
    pub org_number: Option<String>,
    pub vendor_id: Option<String>,
    pub proposed_vendor_id: Option<String>,
    /// `matched`, `pending`, `confirmed` or `rejected`.
    pub state: String,
    pub checked_at: Moment,
    pub error: Option<String>,
}

pub fn provider(db: &mut Db, id: &str) -> Result<Option<ProviderRow>, StoreError> {
    Ok(feide_providers::table.find(id).first(db).optional()?)
}

pub fn providers(db: &mut Db) -> Result<Vec<ProviderRow>, StoreError> {
    Ok(feide_providers::table
        .order(feide_providers::provider_id)
        .load(db)?)
}

pub fn put_provider(db: &mut Db, row: &ProviderRow) -> Result<(), StoreError> {
    let updated = diesel::update(feide_providers::table.find(&row.provider_id))
        .set(row)
        .execute(db)?;
    if updated == 0 {
        diesel::insert_into(feide_providers::table)
            .values(row)
            .execute(db)?;
    }
    Ok(())
}

/// The vendor with organisation number `org`, if any.
pub fn vendor_with_org_number(db: &mut Db, org: &str) -> Result<Option<String>, StoreError> {
    Ok(vendors::table
        .filter(vendors::org_number.eq(org))
        .select(vendors::id)
        .first(db)
        .optional()?)
}

/// The vendor whose name is `name` (ignoring case): a suggestion for an administrator, never
/// a match.
pub fn vendor_named(db: &mut Db, name: &str) -> Result<Option<String>, StoreError> {
    let all: Vec<(String, String)> = vendors::table
        .select((vendors::id, vendors::name))
        .order(vendors::id)
        .load(db)?;
    let wanted = name.trim().to_lowercase();
    Ok(all
        .into_iter()
        .filter(|(id, _)| !id.starts_with(crate::feide::coverage::PLACEHOLDER_PREFIX))
        .find(|(_, n)| n.trim().to_lowercase() == wanted)
        .map(|(id, _)| id))
}

/// Stores a listed service's facts and, when no registry entry links it yet, creates `entry`
/// (with `placeholder` as its vendor when the provider is not matched to one), all in one
/// transaction. Returns true when an entry was created.
pub fn import_listed(
    db: &mut Db,
    row: &FeideRow,
    entry: &Service,
    placeholder: Option<&Vendor>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    db.transaction(|db| {
        stored::store(db, row)?;
        let linked: i64 = service_feide_ids::table
            .filter(service_feide_ids::feide_id.eq(&row.feide_id))
            .count()
            .get_result(db)?;
        let exists: i64 = services::table
            .filter(services::id.eq(entry.id.as_str()))
            .count()
            .get_result(db)?;
        if linked > 0 || exists > 0 {
            return Ok(false);
        }
        let change = Change {
            actor: SYNC_ACTOR,
            client_id: None,
            action: "feide.import",
            before: None,
            daily_bytes: None,
        };
        if let Some(v) = placeholder {
            let there: i64 = vendors::table
                .filter(vendors::id.eq(v.id.as_str()))
                .count()
                .get_result(db)?;
            if there == 0 {
                bump_version(db, &[Touched::Vendor(&v.id)])?;
                save(db, v, Expect::New, &change, now).map_err(store_error)?;
            }
        }
        bump_version(db, &[Touched::Service(&entry.id)])?;
        save(db, entry, Expect::New, &change, now).map_err(store_error)?;
        Ok(true)
    })
}

/// Moves every `unregistered` entry of vendor `from` to vendor `to`, each with a revision by
/// `actor`: a provider now matched or confirmed brings its Feide-only services to its vendor,
/// who may then claim them. Returns how many moved.
pub fn move_unregistered(
    db: &mut Db,
    from: &str,
    to: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    db.transaction(|db| {
        let ids: Vec<String> = services::table
            .filter(services::vendor_id.eq(from))
            .filter(services::status.eq("unregistered"))
            .select(services::id)
            .order(services::id)
            .load(db)?;
        let mut touched: Vec<Touched> = ids.iter().map(|s| Touched::Service(s)).collect();
        touched.push(Touched::Vendor(from));
        touched.push(Touched::Vendor(to));
        if !ids.is_empty() {
            bump_version(db, &touched)?;
        }
        for id in &ids {
            diesel::update(services::table.find(id))
                .set((
                    services::vendor_id.eq(to),
                    services::revision.eq(services::revision + 1),
                ))
                .execute(db)?;
            let revision: i32 = services::table
                .find(id)
                .select(services::revision)
                .first(db)?;
            let change = Change {
                actor,
                client_id: None,
                action: "feide.provider",
                before: Some(serde_json::json!({ "vendor": from })),
                daily_bytes: None,
            };
            record(
                db,
                EntityKind::Service,
                id,
                revision,
                &change,
                &serde_json::json!({ "vendor": to }),
                now,
            )
            .map_err(store_error)?;
        }
        Ok(ids.len())
    })
}

fn store_error(e: WriteError) -> StoreError {
    match e {
        WriteError::Store(s) => s,
        other => StoreError::Corrupt(other.to_string()),
    }
}
