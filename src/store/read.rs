//! Reads the catalogue in one consistent transaction and rebuilds the domain model: the whole
//! catalogue, or only the entries written since a snapshot was read.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::rows::*;
use super::schema::*;
use super::{catalogue_version, Db, StoreError, Version, CHANGE_LOG_KEEP};
use crate::catalogue::{ServiceRecord, Snapshot, Stamp, VendorRecord};
use crate::domain::catalogue::*;
use crate::domain::ids::ServiceId;
use crate::domain::reference::Reference;

/// Beyond this many touched entries one whole read is cheaper than reading them one set at a
/// time (and SQLite bounds the parameters of one statement).
const MAX_INCREMENTAL: usize = 2_000;

pub fn load_snapshot(db: &mut Db, now: DateTime<Utc>) -> Result<Snapshot, StoreError> {
    Ok(load_versioned(db, now)?.1)
}

/// The whole catalogue and the version it is at, read in one transaction.
pub fn load_versioned(db: &mut Db, now: DateTime<Utc>) -> Result<(Version, Snapshot), StoreError> {
    read_only(db, |db| Ok((catalogue_version(db)?, load(db, now)?)))
}

/// The catalogue as it is now, given `old` as read at `old_version`: only the entries the change
/// log says were written since are read, and the new snapshot shares every other entry with
/// `old`. The whole catalogue is read when the log cannot tell (an import, or `old` is older than
/// the log keeps, or a writer did not log).
pub fn refresh_snapshot(
    db: &mut Db,
    old: &Snapshot,
    old_version: Version,
    now: DateTime<Utc>,
) -> Result<(Version, Refresh), StoreError> {
    read_only(db, |db| {
        let version = catalogue_version(db)?;
        if version == old_version {
            return Ok((version, Refresh::Unchanged));
        }
        if version < old_version || version.0 - old_version.0 > CHANGE_LOG_KEEP {
            return Ok((version, Refresh::Reread(load(db, now)?)));
        }
        let log = catalogue_changes_since(db, old_version, version)?;
        let mut touched: HashMap<&str, HashSet<String>> = HashMap::new();
        let mut versions = HashSet::new();
        for row in &log {
            versions.insert(row.version);
            touched
                .entry(row.kind.as_str())
                .or_default()
                .insert(row.entity_id.clone());
        }
        let size: usize = touched.values().map(HashSet::len).sum();
        // Every raise of the version logs at least one row. A raise without one (a writer that
        // does not log, such as an older registry during an upgrade, or a hand edit) means the
        // log cannot say what changed.
        let complete = versions.len() as i64 == version.0 - old_version.0;
        if !complete || touched.contains_key("all") || size > MAX_INCREMENTAL {
            return Ok((version, Refresh::Reread(load(db, now)?)));
        }
        let ids = |kind: &str| -> Vec<String> {
            touched
                .get(kind)
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default()
        };
        let vendors = read_vendors(db, Some(&ids("vendor")))?;
        let subs = read_sub_processors(db, Some(&ids("sub_processor")))?;
        let service_ids = ids("service");
        let services = read_services(db, Some(&service_ids), &old.reference, now)?;
        Ok((
            version,
            Refresh::CaughtUp(old.updated(vendors, subs, services)),
        ))
    })
}

/// How a snapshot was brought up to date.
pub enum Refresh {
    /// Nothing was written since.
    Unchanged,
    /// Only the entries written since were read.
    CaughtUp(Snapshot),
    /// The whole catalogue was read again.
    Reread(Snapshot),
}

fn read_only<T>(
    db: &mut Db,
    f: impl FnOnce(&mut Db) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    db.transaction(|db| {
        if let Db::Postgres(pg) = db {
            // every query below sees the same state, even while a write commits in between
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        f(db)
    })
}

#[derive(QueryableByName)]
struct ChangeRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    version: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    kind: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    entity_id: String,
}

fn catalogue_changes_since(
    db: &mut Db,
    after: Version,
    upto: Version,
) -> Result<Vec<ChangeRow>, StoreError> {
    use diesel::sql_types::BigInt;
    Ok(diesel::sql_query(
        "SELECT version, kind, entity_id FROM catalogue_changes \
         WHERE version > $1 AND version <= $2",
    )
    .bind::<BigInt, _>(after.0)
    .bind::<BigInt, _>(upto.0)
    .load(db)?)
}

/// Rows of a table, all of them or those whose `$col` is one of `$only`, in `$order`.
macro_rules! rows {
    ($db:expr, $only:expr, $table:ident, $col:ident, $order:expr) => {
        match $only {
            None => $table::table.order($order).load($db)?,
            Some(ids) => $table::table
                .filter($table::$col.eq_any(ids))
                .order($order)
                .load($db)?,
        }
    };
}

fn load(db: &mut Db, now: DateTime<Utc>) -> Result<Snapshot, StoreError> {
    let reference = super::lookups::reference(db)?;
    let vendors = read_vendors(db, None)?;
    let sub_processors = read_sub_processors(db, None)?;
    let ids: Vec<String> = services::table
        .select(services::id)
        .order(services::id)
        .load(db)?;
    let mut services = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(READ_CHUNK) {
        let records = read_services(db, Some(chunk), &reference, now)?;
        services.extend(records.into_iter().map(Arc::new));
    }
    Ok(Snapshot::new(reference, vendors, sub_processors, services))
}

fn read_vendors(db: &mut Db, only: Option<&[String]>) -> Result<Vec<VendorRecord>, StoreError> {
    if only.is_some_and(|ids| ids.is_empty()) {
        return Ok(Vec::new());
    }
    let rows: Vec<VendorRow> = rows!(db, only, vendors, id, vendors::id);
    rows.into_iter()
        .map(|r| {
            Ok(VendorRecord {
                stamp: Stamp {
                    revision: r.revision,
                    created_at: r.created_at.0,
                    updated_at: r.updated_at.0,
                },
                vendor: Vendor {
                    contact: match (&r.contact_name, &r.contact_email, &r.contact_phone) {
                        (None, None, None) => None,
                        _ => Some(Contact {
                            name: r.contact_name,
                            email: r.contact_email,
                            phone: r.contact_phone,
                        }),
                    },
                    id: r.id,
                    name: r.name,
                    org_number: r.org_number,
                    country: r.country,
                    address: r.address,
                    website: r.website,
                },
            })
        })
        .collect()
}

fn read_sub_processors(
    db: &mut Db,
    only: Option<&[String]>,
) -> Result<Vec<SubProcessor>, StoreError> {
    if only.is_some_and(|ids| ids.is_empty()) {
        return Ok(Vec::new());
    }
    let rows: Vec<SubProcessorRow> = rows!(db, only, sub_processors, id, sub_processors::id);
    Ok(rows
        .into_iter()
        .map(|r| SubProcessor {
            id: r.id,
            name: r.name,
            legal_name: r.legal_name,
            org_number: r.org_number,
            registration_number: r.registration_number,
            country: r.country,
            address: r.address,
            website: r.website,
        })
        .collect())
}

/// Services are read this many at a time: the rows of a whole national catalogue at once would
/// set the process's peak memory.
const READ_CHUNK: usize = 1_000;

/// Reads services, all or those in `only`.
fn read_services(
    db: &mut Db,
    only: Option<&[String]>,
    reference: &Reference,
    now: DateTime<Utc>,
) -> Result<Vec<ServiceRecord>, StoreError> {
    if only.is_some_and(|ids| ids.is_empty()) {
        return Ok(Vec::new());
    }
    let text_rows: Vec<TextRow> = rows!(
        db,
        only,
        service_texts,
        service_id,
        (
            service_texts::service_id,
            service_texts::kind,
            service_texts::position,
        )
    );
    let mut texts = group(text_rows, |r| r.service_id.clone());
    let attr_rows: Vec<ServiceAttributeRow> = rows!(
        db,
        only,
        service_attributes,
        service_id,
        (service_attributes::service_id, service_attributes::position)
    );
    let mut attrs = group(attr_rows, |r| r.service_id.clone());
    let scope_rows: Vec<ServiceScopeRow> = rows!(
        db,
        only,
        service_scopes,
        service_id,
        (service_scopes::service_id, service_scopes::position)
    );
    let mut scopes = group(scope_rows, |r| r.service_id.clone());
    let location_rows: Vec<LocationRow> = rows!(
        db,
        only,
        service_locations,
        service_id,
        (service_locations::service_id, service_locations::position)
    );
    let mut locations = group(location_rows, |r| r.service_id.clone());
    let use_rows: Vec<UseRow> = rows!(
        db,
        only,
        sub_processor_uses,
        service_id,
        (sub_processor_uses::service_id, sub_processor_uses::position)
    );
    let mut uses = group(use_rows, |r| r.service_id.clone());
    let use_location_rows: Vec<UseLocationRow> = rows!(
        db,
        only,
        sub_processor_use_locations,
        service_id,
        (
            sub_processor_use_locations::service_id,
            sub_processor_use_locations::use_position,
            sub_processor_use_locations::position,
        )
    );
    let mut use_locations = group(use_location_rows, |r| {
        (r.service_id.clone(), r.use_position)
    });
    let terms_rows: Vec<TermsRow> = rows!(
        db,
        only,
        service_terms,
        service_id,
        service_terms::service_id
    );
    let mut terms: HashMap<ServiceId, TermsRow> = terms_rows
        .into_iter()
        .map(|t| (t.service_id.clone(), t))
        .collect();
    let source_rows: Vec<SourceRow> = rows!(
        db,
        only,
        service_sources,
        service_id,
        (service_sources::service_id, service_sources::position)
    );
    let mut sources = group(source_rows, |r| r.service_id.clone());
    let feide_rows: Vec<FeideIdRow> = rows!(
        db,
        only,
        service_feide_ids,
        service_id,
        (service_feide_ids::service_id, service_feide_ids::position)
    );
    let linked: Vec<String> = feide_rows.iter().map(|r| r.feide_id.clone()).collect();
    let feide_states: HashMap<String, crate::feide::link::FeideLink> =
        super::feide::get_many(db, &linked)?
            .iter()
            .map(|r| (r.feide_id.clone(), crate::feide::link::FeideLink::of(r)))
            .collect();
    let mut feide_ids = group(feide_rows, |r| r.service_id.clone());
    let mut announced = super::announcements::pending_of(db, only)?;
    let service_rows: Vec<ServiceRow> = rows!(db, only, services, id, services::id);

    let mut services = Vec::with_capacity(service_rows.len());
    for r in service_rows {
        let id = r.id.clone();
        let mut purposes = Vec::new();
        let mut data_subjects = Vec::new();
        let mut personal_data = Vec::new();
        let mut statements = Statements::default();
        let mut notes = Vec::new();
        for t in texts.remove(&id).unwrap_or_default() {
            match t.kind.as_str() {
                "purpose" => purposes.push(t.text),
                "data_subject" => data_subjects.push(text_to_enum("service_texts.text", &t.text)?),
                "personal_data" => personal_data.push(t.text),
                NOTE => notes.push(t.text),
                other => match statements.list_mut(other) {
                    Some(list) => list.push(t.text),
                    None => {
                        return Err(StoreError::Corrupt(format!("service_texts.kind `{other}`")))
                    }
                },
            }
        }
        let mut sub_uses = Vec::new();
        for u in uses.remove(&id).unwrap_or_default() {
            let locs = use_locations
                .remove(&(id.clone(), u.position))
                .unwrap_or_default()
                .into_iter()
                .map(|l| {
                    Ok(UseLocation {
                        country: l.country,
                        role: text_to_enum("role", &l.role)?,
                        basis: text_to_enum("basis", &l.basis)?,
                        evidence: l.evidence,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            sub_uses.push(SubProcessorUse {
                id: u.sub_processor_id,
                purpose: u.purpose,
                locations: locs,
                transfer_mechanism: text_to_enum("transfer_mechanism", &u.transfer_mechanism)?,
                transfer_mechanisms: u
                    .transfer_mechanisms
                    .split(',')
                    .filter(|m| !m.is_empty())
                    .map(|m| text_to_enum("transfer_mechanisms", m))
                    .collect::<Result<_, _>>()?,
                transfer_evidence: u.transfer_evidence,
            });
        }
        let service = Service {
            vendor: r.vendor_id,
            name: r.name,
            description: r.description,
            website: r.website,
            status: text_to_enum("services.status", &r.status)?,
            purposes,
            data_subjects,
            personal_data,
            attributes: attrs
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|a| AttributeRequest {
                    name: a.attribute_name,
                    justification: a.justification,
                })
                .collect(),
            oidc_scopes: scopes
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|s| ScopeRequest {
                    scope: s.scope,
                    justification: s.justification,
                })
                .collect(),
            locations: locations
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|l| {
                    Ok(Location {
                        country: l.country,
                        role: text_to_enum("role", &l.role)?,
                        facility: l.facility,
                        basis: text_to_enum("basis", &l.basis)?,
                        evidence: l.evidence,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?,
            sub_processors: sub_uses,
            terms: terms
                .remove(&id)
                .map(terms_of)
                .transpose()?
                .unwrap_or_default(),
            feide_ids: feide_ids
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|f| f.feide_id)
                .collect(),
            statements,
            notes,
            sources: sources
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|s| Source {
                    title: s.title,
                    date: s.date,
                    url: s.url,
                    document: s.document,
                    controller: s.controller,
                    controller_org_number: s.controller_org_number,
                })
                .collect(),
            id,
        };
        let stamp = Stamp {
            revision: r.revision,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        };
        let feide = service
            .feide_ids
            .iter()
            .map(|f| {
                feide_states
                    .get(f)
                    .cloned()
                    .unwrap_or_else(|| crate::feide::link::FeideLink::unchecked(f))
            })
            .collect();
        let pending = announced.remove(service.id.as_str()).unwrap_or_default();
        services.push(
            ServiceRecord::new(service, stamp, now, reference)
                .with_feide(feide, reference)
                .with_announcements(pending),
        );
    }
    Ok(services)
}

fn terms_of(t: TermsRow) -> Result<Terms, StoreError> {
    Ok(Terms {
        deletion_days_after_end: t.deletion_days_after_end,
        backup_deletion_days: t.backup_deletion_days,
        inactivity_deletion_days: t.inactivity_deletion_days,
        breach_notice_hours: t.breach_notice_hours,
        breach_notice: t
            .breach_notice
            .as_deref()
            .map(|s| text_to_enum("breach_notice", s))
            .transpose()?,
        sub_processor_change: t
            .sub_processor_change
            .as_deref()
            .map(|s| text_to_enum("sub_processor_change", s))
            .transpose()?,
        sub_processor_notice_days: t.sub_processor_notice_days,
        objection_days: t.objection_days,
        termination_notice_days: t.termination_notice_days,
        log_retention_days: t.log_retention_days,
        security_audit_months: t.security_audit_months,
        security_level: t.security_level,
        governing_law: t.governing_law,
        venue: t.venue,
        evidence: serde_json::from_str(&t.evidence)
            .map_err(|e| StoreError::Corrupt(format!("service_terms.evidence: {e}")))?,
        return_request_days: t.return_request_days,
        stated: serde_json::from_str(&t.stated)
            .map_err(|e| StoreError::Corrupt(format!("service_terms.stated: {e}")))?,
        conflicts: serde_json::from_str(&t.conflicts)
            .map_err(|e| StoreError::Corrupt(format!("service_terms.conflicts: {e}")))?,
    })
}

fn group<K: std::hash::Hash + Eq, T>(rows: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Vec<T>> {
    let mut map: HashMap<K, Vec<T>> = HashMap::new();
    for r in rows {
        map.entry(key(&r)).or_default().push(r);
    }
    map
}
