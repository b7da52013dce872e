//! Writes with optimistic concurrency, each in one transaction with its revision row; the history,
//! the change feed, the audit log and API clients.

use diesel::prelude::*;
use serde_json::Value;

use super::rows::enum_to_text;
use super::schema::*;
use super::write::{delete_children, insert_children};
use super::{Db, StoreError};
use crate::domain::catalogue::{Service, Vendor};
use crate::domain::patch::diff;

/// What the caller believes the stored revision is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The entry must not exist yet.
    New,
    /// The entry must still be at this revision (from the `If-Match` ETag).
    Revision(i32),
    /// Create or replace whatever is there (imports).
    Any,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the entry was changed since it was read")]
    Stale,
    #[error("an entry with this id exists already")]
    Exists,
    #[error("no such entry")]
    NotFound,
    /// A value that must be unique is another entry's (said in words for the caller).
    #[error("{0}")]
    Clash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// True for a write refused by a unique index (another writer got there first).
pub fn is_unique_violation(e: &WriteError) -> bool {
    matches!(
        e,
        WriteError::Store(StoreError::Query(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _
        )))
    )
}

impl From<diesel::result::Error> for WriteError {
    fn from(e: diesel::result::Error) -> Self {
        WriteError::Store(StoreError::Query(e))
    }
}

/// Who changed what, for the revision row.
pub struct Change<'a> {
    pub actor: &'a str,
    pub client_id: Option<&'a str>,
    pub action: &'a str,
    /// The entry as it was (JSON of the catalogue form), or None when new.
    pub before: Option<Value>,
}

pub struct Saved {
    pub revision: i32,
    pub created: bool,
}

#[derive(Insertable)]
#[diesel(table_name = revisions)]
struct NewRevision<'a> {
    entity: &'a str,
    entity_id: &'a str,
    revision: i32,
    at: &'a str,
    actor: &'a str,
    client_id: Option<&'a str>,
    action: &'a str,
    diff: String,
}

#[derive(Queryable, Debug, Clone)]
pub struct RevisionRow {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub revision: i32,
    pub at: String,
    pub actor: String,
    pub client_id: Option<String>,
    pub action: String,
    pub diff: String,
}

pub(super) fn record(
    db: &mut Db,
    entity: &str,
    id: &str,
    revision: i32,
    change: &Change,
    after: &Value,
    at: &str,
) -> Result<(), WriteError> {
    let row = NewRevision {
        entity,
        entity_id: id,
        revision,
        at,
        actor: change.actor,
        client_id: change.client_id,
        action: change.action,
        diff: diff(change.before.as_ref().unwrap_or(&Value::Null), after).to_string(),
    };
    diesel::insert_into(revisions::table)
        .values(&row)
        .execute(db)?;
    Ok(())
}

/// Bumps the revision of an existing row only if it is still `expected`: the check and the write
/// are one statement, so two writers holding the same ETag cannot both succeed.
fn claim(
    db: &mut Db,
    table_is_service: bool,
    id: &str,
    expect: Expect,
    now: &str,
) -> Result<Option<i32>, WriteError> {
    let current: Option<i32> = if table_is_service {
        services::table
            .find(id)
            .select(services::revision)
            .first(db)
            .optional()?
    } else {
        vendors::table
            .find(id)
            .select(vendors::revision)
            .first(db)
            .optional()?
    };
    let Some(current) = current else {
        return match expect {
            Expect::Revision(_) => Err(WriteError::NotFound),
            Expect::New | Expect::Any => Ok(None),
        };
    };
    let from = match expect {
        Expect::New => return Err(WriteError::Exists),
        Expect::Revision(r) => r,
        Expect::Any => current,
    };
    let updated = if table_is_service {
        diesel::update(
            services::table
                .filter(services::id.eq(id))
                .filter(services::revision.eq(from)),
        )
        .set((
            services::revision.eq(from + 1),
            services::updated_at.eq(now),
        ))
        .execute(db)?
    } else {
        diesel::update(
            vendors::table
                .filter(vendors::id.eq(id))
                .filter(vendors::revision.eq(from)),
        )
        .set((vendors::revision.eq(from + 1), vendors::updated_at.eq(now)))
        .execute(db)?
    };
    if updated == 0 {
        return Err(WriteError::Stale);
    }
    Ok(Some(from + 1))
}

/// Stores the whole service and its revision row, in the caller's transaction or a new one.
pub fn save_service(
    db: &mut Db,
    s: &Service,
    expect: Expect,
    change: &Change,
    now: &str,
) -> Result<Saved, WriteError> {
    db.transaction(|db| {
        let claimed = claim(db, true, &s.id, expect, now)?;
        let revision = match claimed {
            Some(r) => {
                diesel::update(services::table.find(&s.id))
                    .set((
                        services::vendor_id.eq(s.vendor.as_str()),
                        services::name.eq(&s.name),
                        services::description.eq(&s.description),
                        services::website.eq(&s.website),
                        services::status.eq(enum_to_text(&s.status)),
                    ))
                    .execute(db)?;
                delete_children(db, &s.id)?;
                r
            }
            None => {
                let row = super::rows::ServiceRow {
                    id: s.id.clone(),
                    vendor_id: s.vendor.to_string(),
                    name: s.name.clone(),
                    description: s.description.clone(),
                    website: s.website.clone(),
                    status: enum_to_text(&s.status),
                    revision: 1,
                    created_at: now.to_owned(),
                    updated_at: now.to_owned(),
                };
                diesel::insert_into(services::table)
                    .values(&row)
                    .execute(db)?;
                1
            }
        };
        insert_children(db, s)?;
        let after = serde_json::to_value(s).unwrap_or_default();
        record(db, "service", &s.id, revision, change, &after, now)?;
        Ok(Saved {
            revision,
            created: claimed.is_none(),
        })
    })
}

/// Stores the vendor entry and its revision row.
pub fn save_vendor(
    db: &mut Db,
    v: &Vendor,
    expect: Expect,
    change: &Change,
    now: &str,
) -> Result<Saved, WriteError> {
    db.transaction(|db| {
        let claimed = claim(db, false, &v.id, expect, now)?;
        let contact = v
            .contact
            .clone()
            .unwrap_or(crate::domain::catalogue::Contact {
                name: None,
                email: None,
                phone: None,
            });
        let revision = match claimed {
            Some(r) => {
                diesel::update(vendors::table.find(&v.id))
                    .set((
                        vendors::name.eq(&v.name),
                        vendors::org_number.eq(&v.org_number),
                        vendors::country.eq(&v.country),
                        vendors::address.eq(&v.address),
                        vendors::contact_name.eq(&contact.name),
                        vendors::contact_email.eq(&contact.email),
                        vendors::contact_phone.eq(&contact.phone),
                        vendors::website.eq(&v.website),
                    ))
                    .execute(db)?;
                r
            }
            None => {
                let row = super::rows::VendorRow {
                    id: v.id.clone(),
                    name: v.name.clone(),
                    org_number: v.org_number.clone(),
                    country: v.country.clone(),
                    address: v.address.clone(),
                    contact_name: contact.name,
                    contact_email: contact.email,
                    contact_phone: contact.phone,
                    website: v.website.clone(),
                    revision: 1,
                    created_at: now.to_owned(),
                    updated_at: now.to_owned(),
                };
                diesel::insert_into(vendors::table)
                    .values(&row)
                    .execute(db)?;
                1
            }
        };
        let after = serde_json::to_value(v).unwrap_or_default();
        record(db, "vendor", &v.id, revision, change, &after, now)?;
        Ok(Saved {
            revision,
            created: claimed.is_none(),
        })
    })
}

/// Every revision of one entry, oldest first.
pub fn history(db: &mut Db, entity: &str, id: &str) -> Result<Vec<RevisionRow>, StoreError> {
    Ok(revisions::table
        .filter(revisions::entity.eq(entity))
        .filter(revisions::entity_id.eq(id))
        .order(revisions::seq)
        .load(db)?)
}

/// Up to `limit` changes after sequence number `after`, oldest first.
pub fn changes_since(db: &mut Db, after: i64, limit: i64) -> Result<Vec<RevisionRow>, StoreError> {
    Ok(revisions::table
        .filter(revisions::seq.gt(after))
        .order(revisions::seq)
        .limit(limit)
        .load(db)?)
}
