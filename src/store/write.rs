//! Writes the catalogue's rows: an entry's own row and its child rows (`Stored`), and an import,
//! which upserts vendors, sub-processors and services by id, each entry with an `import`
//! revision, all in one transaction, so a failed import leaves nothing behind.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::changes::{record, save, Change, Expect, Stored, WriteError};
use super::rows::*;
use super::schema::*;
use super::{Db, Moment, StoreError};
use crate::domain::catalogue::{Catalogue, Contact, Service, Statements, SubProcessor, Vendor};
use crate::domain::writes::EntityKind;

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub vendors_created: usize,
    pub vendors_updated: usize,
    pub sub_processors: usize,
    pub services_created: usize,
    pub services_updated: usize,
}

/// Imports a catalogue that `validate_catalogue` accepted. Entries already present keep their
/// creation time and get their revision raised.
pub fn import_catalogue(
    db: &mut Db,
    catalogue: &Catalogue,
    now: DateTime<Utc>,
) -> Result<ImportSummary, StoreError> {
    db.transaction(|db| {
        super::bump_version(db, &[super::Touched::All])?;
        let mut summary = ImportSummary::default();
        for v in &catalogue.vendors {
            let v = Vendor {
                org_number: v.org_number.clone(),
                ..v.clone()
            };
            if imported(db, &v, now)? {
                summary.vendors_created += 1;
            } else {
                summary.vendors_updated += 1;
            }
        }
        for s in &catalogue.sub_processors {
            upsert_sub_processor(db, s, now)?;
            imported_sub_processor_revision(db, s, now)?;
            summary.sub_processors += 1;
        }
        for s in &catalogue.services {
            if imported(db, s, now)? {
                summary.services_created += 1;
            } else {
                summary.services_updated += 1;
            }
        }
        Ok(summary)
    })
}

pub fn sub_processor_row(s: &SubProcessor, now: DateTime<Utc>) -> SubProcessorRow {
    SubProcessorRow {
        id: s.id.clone(),
        name: s.name.clone(),
        legal_name: s.legal_name.clone(),
        org_number: s.org_number.clone(),
        registration_number: s.registration_number.clone(),
        country: s.country.clone(),
        address: s.address.clone(),
        website: s.website.clone(),
        updated_at: Moment(now),
    }
}

pub fn upsert_sub_processor(
    db: &mut Db,
    s: &SubProcessor,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let row = sub_processor_row(s, now);
    let exists = sub_processors::table
        .find(&s.id)
        .count()
        .get_result::<i64>(db)?
        > 0;
    if exists {
        diesel::update(sub_processors::table.find(&s.id))
            .set(&row)
            .execute(db)?;
    } else {
        diesel::insert_into(sub_processors::table)
            .values(&row)
            .execute(db)?;
    }
    Ok(())
}

/// The `import` revision of a sub-processor, as vendors and services get one, so that the change
/// feed shows what an import did to it. A sub-processor's row keeps no revision (only a service
/// write that introduces it and an import write it), so this one is numbered after the last
/// recorded.
fn imported_sub_processor_revision(
    db: &mut Db,
    s: &SubProcessor,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let kind = EntityKind::SubProcessor;
    let last: Option<i32> = revisions::table
        .filter(revisions::entity.eq(kind.as_str()))
        .filter(revisions::entity_id.eq(&s.id))
        .select(diesel::dsl::max(revisions::revision))
        .first(db)?;
    let stored = SubProcessor {
        org_number: s.org_number.clone(),
        ..s.clone()
    };
    let after = serde_json::to_value(&stored).unwrap_or_default();
    match record(db, kind, &s.id, last.unwrap_or(0) + 1, &IMPORT, &after, now) {
        Ok(()) => Ok(()),
        Err(WriteError::Store(e)) => Err(e),
        Err(other) => Err(StoreError::Corrupt(other.to_string())),
    }
}

/// How an import is recorded in revisions.
const IMPORT: Change<'static> = Change {
    actor: "import",
    client_id: None,
    action: "import",
    before: None,
    daily_bytes: None,
};

/// Creates or replaces an entry, recording an `import` revision as any write records its own.
/// Returns true when created.
fn imported<E: Stored>(db: &mut Db, entry: &E, now: DateTime<Utc>) -> Result<bool, StoreError> {
    match save(db, entry, Expect::Any, &IMPORT, now) {
        Ok(saved) => Ok(saved.created),
        Err(WriteError::Store(e)) => Err(e),
        Err(other) => Err(StoreError::Corrupt(other.to_string())),
    }
}

impl Stored for Service {
    const KIND: EntityKind = EntityKind::Service;
    const TABLE: &'static str = "services";

    fn id(&self) -> &str {
        &self.id
    }

    fn write_rows(&self, db: &mut Db, created: bool, now: DateTime<Utc>) -> Result<(), StoreError> {
        let s = self;
        if created {
            let row = ServiceRow {
                id: s.id.clone(),
                vendor_id: s.vendor.clone(),
                name: s.name.clone(),
                description: s.description.clone(),
                website: s.website.clone(),
                status: enum_to_text(&s.status),
                revision: 1,
                created_at: Moment(now),
                updated_at: Moment(now),
            };
            diesel::insert_into(services::table)
                .values(&row)
                .execute(db)?;
        } else {
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
        }
        insert_children(db, s)
    }
}

impl Stored for Vendor {
    const KIND: EntityKind = EntityKind::Vendor;
    const TABLE: &'static str = "vendors";

    fn id(&self) -> &str {
        &self.id
    }

    fn write_rows(&self, db: &mut Db, created: bool, now: DateTime<Utc>) -> Result<(), StoreError> {
        let v = self;
        let contact = v.contact.clone().unwrap_or(Contact {
            name: None,
            email: None,
            phone: None,
        });
        if created {
            let row = VendorRow {
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
                created_at: Moment(now),
                updated_at: Moment(now),
            };
            diesel::insert_into(vendors::table)
                .values(&row)
                .execute(db)?;
        } else {
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
        }
        Ok(())
    }

    fn clash(&self) -> Option<crate::texts::Said> {
        // The only unique value besides the id (which `claim` checks).
        Some(
            crate::texts::Text::OrgNumberBelongsToOther
                .with(&[("org", &self.org_number.as_deref().unwrap_or(""))]),
        )
    }
}

pub(super) fn delete_children(db: &mut Db, id: &str) -> Result<(), StoreError> {
    diesel::delete(service_sources::table.filter(service_sources::service_id.eq(id)))
        .execute(db)?;
    diesel::delete(service_feide_ids::table.filter(service_feide_ids::service_id.eq(id)))
        .execute(db)?;
    diesel::delete(service_terms::table.filter(service_terms::service_id.eq(id))).execute(db)?;
    diesel::delete(
        sub_processor_use_locations::table.filter(sub_processor_use_locations::service_id.eq(id)),
    )
    .execute(db)?;
    diesel::delete(sub_processor_uses::table.filter(sub_processor_uses::service_id.eq(id)))
        .execute(db)?;
    diesel::delete(service_locations::table.filter(service_locations::service_id.eq(id)))
        .execute(db)?;
    diesel::delete(service_scopes::table.filter(service_scopes::service_id.eq(id))).execute(db)?;
    diesel::delete(service_attributes::table.filter(service_attributes::service_id.eq(id)))
        .execute(db)?;
    diesel::delete(service_texts::table.filter(service_texts::service_id.eq(id))).execute(db)?;
    Ok(())
}

fn pos(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

/// How many values one statement may bind: SQLite's default limit (PostgreSQL's is higher).
const MAX_BINDS: usize = 32_766;

/// A child row written many to a statement: `COLUMNS` values each.
trait Batched {
    const COLUMNS: usize;
}

/// Inserts `rows` into `$table` with as few statements as the bind limit allows (one for any
/// list a service has in practice), instead of one statement a row. Each engine runs it on its
/// own connection type: diesel's `MultiConnection` has no multi-row INSERT for SQLite.
macro_rules! insert_batched {
    ($db:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        for chunk in rows.chunks(rows_per_statement(&rows)) {
            let insert = diesel::insert_into($table).values(chunk);
            match &mut *$db {
                Db::Sqlite(c) => insert.execute(c)?,
                Db::Postgres(c) => insert.execute(c)?,
            };
        }
    }};
}

fn rows_per_statement<R: Batched>(_: &[R]) -> usize {
    MAX_BINDS / R::COLUMNS
}

impl Batched for TextRow {
    const COLUMNS: usize = 4;
}
impl Batched for ServiceAttributeRow {
    const COLUMNS: usize = 4;
}
impl Batched for ServiceScopeRow {
    const COLUMNS: usize = 4;
}
impl Batched for LocationRow {
    const COLUMNS: usize = 7;
}
impl Batched for UseRow {
    const COLUMNS: usize = 7;
}
impl Batched for UseLocationRow {
    const COLUMNS: usize = 7;
}
impl Batched for FeideIdRow {
    const COLUMNS: usize = 3;
}
impl Batched for SourceRow {
    const COLUMNS: usize = 8;
}

pub(super) fn insert_children(db: &mut Db, s: &Service) -> Result<(), StoreError> {
    let id = &s.id;
    let texts = s
        .purposes
        .iter()
        .enumerate()
        .map(|(i, t)| ("purpose", i, t.to_string()))
        .chain(
            s.data_subjects
                .iter()
                .enumerate()
                .map(|(i, d)| ("data_subject", i, enum_to_text(d))),
        )
        .chain(
            s.personal_data
                .iter()
                .enumerate()
                .map(|(i, t)| ("personal_data", i, t.to_string())),
        )
        .chain(Statements::KINDS.iter().flat_map(|kind| {
            s.statements
                .list(kind)
                .into_iter()
                .flatten()
                .enumerate()
                .map(move |(i, t)| (*kind, i, t.clone()))
        }))
        .chain(
            s.notes
                .iter()
                .enumerate()
                .map(|(i, t)| (NOTE, i, t.clone())),
        );
    let texts: Vec<TextRow> = texts
        .map(|(kind, i, text)| TextRow {
            service_id: id.clone(),
            kind: kind.to_owned(),
            position: pos(i),
            text,
        })
        .collect();
    insert_batched!(db, service_texts::table, texts);
    let attributes: Vec<ServiceAttributeRow> = s
        .attributes
        .iter()
        .enumerate()
        .map(|(i, a)| ServiceAttributeRow {
            service_id: id.clone(),
            attribute_name: a.name.to_string(),
            position: pos(i),
            justification: a.justification.as_deref().map(str::to_owned),
        })
        .collect();
    insert_batched!(db, service_attributes::table, attributes);
    let scopes: Vec<ServiceScopeRow> = s
        .oidc_scopes
        .iter()
        .enumerate()
        .map(|(i, sc)| ServiceScopeRow {
            service_id: id.clone(),
            scope: sc.scope.to_string(),
            position: pos(i),
            justification: sc.justification.as_deref().map(str::to_owned),
        })
        .collect();
    insert_batched!(db, service_scopes::table, scopes);
    let locations: Vec<LocationRow> = s
        .locations
        .iter()
        .enumerate()
        .map(|(i, l)| LocationRow {
            service_id: id.clone(),
            position: pos(i),
            country: l.country.clone(),
            role: enum_to_text(&l.role),
            facility: l.facility.as_deref().map(str::to_owned),
            basis: enum_to_text(&l.basis),
            evidence: l.evidence.clone(),
        })
        .collect();
    insert_batched!(db, service_locations::table, locations);
    let uses: Vec<UseRow> = s
        .sub_processors
        .iter()
        .enumerate()
        .map(|(i, u)| UseRow {
            service_id: id.clone(),
            position: pos(i),
            sub_processor_id: u.id.clone(),
            purpose: u.purpose.as_deref().map(str::to_owned),
            transfer_mechanism: enum_to_text(&u.transfer_mechanism),
            transfer_mechanisms: u
                .transfer_mechanisms
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(","),
            transfer_evidence: u.transfer_evidence.clone(),
        })
        .collect();
    insert_batched!(db, sub_processor_uses::table, uses);
    let use_locations: Vec<UseLocationRow> = s
        .sub_processors
        .iter()
        .enumerate()
        .flat_map(|(i, u)| {
            u.locations
                .iter()
                .enumerate()
                .map(move |(k, l)| UseLocationRow {
                    service_id: id.clone(),
                    use_position: pos(i),
                    position: pos(k),
                    country: l.country.clone(),
                    role: enum_to_text(&l.role),
                    basis: enum_to_text(&l.basis),
                    evidence: l.evidence.clone(),
                })
        })
        .collect();
    insert_batched!(db, sub_processor_use_locations::table, use_locations);
    let t = &s.terms;
    let row = TermsRow {
        service_id: id.clone(),
        deletion_days_after_end: t.deletion_days_after_end,
        backup_deletion_days: t.backup_deletion_days,
        inactivity_deletion_days: t.inactivity_deletion_days,
        breach_notice_hours: t.breach_notice_hours,
        breach_notice: t.breach_notice.as_ref().map(enum_to_text),
        sub_processor_change: t.sub_processor_change.as_ref().map(enum_to_text),
        sub_processor_notice_days: t.sub_processor_notice_days,
        objection_days: t.objection_days,
        termination_notice_days: t.termination_notice_days,
        log_retention_days: t.log_retention_days,
        security_audit_months: t.security_audit_months,
        security_level: t.security_level.as_deref().map(str::to_owned),
        governing_law: t.governing_law.as_deref().map(str::to_owned),
        venue: t.venue.as_deref().map(str::to_owned),
        evidence: serde_json::to_string(&t.evidence).unwrap_or_else(|_| "{}".into()),
        return_request_days: t.return_request_days,
        stated: serde_json::to_string(&t.stated).unwrap_or_else(|_| "{}".into()),
        conflicts: serde_json::to_string(&t.conflicts).unwrap_or_else(|_| "[]".into()),
    };
    diesel::insert_into(service_terms::table)
        .values(&row)
        .execute(db)?;
    let sources: Vec<SourceRow> = s
        .sources
        .iter()
        .enumerate()
        .map(|(i, src)| SourceRow {
            service_id: id.clone(),
            position: pos(i),
            title: src.title.clone(),
            date: src.date.clone(),
            url: src.url.clone(),
            document: src.document.clone(),
            controller: src.controller.clone(),
            controller_org_number: src.controller_org_number.clone(),
        })
        .collect();
    insert_batched!(db, service_sources::table, sources);
    let feide_ids: Vec<FeideIdRow> = s
        .feide_ids
        .iter()
        .enumerate()
        .map(|(i, f)| FeideIdRow {
            service_id: id.clone(),
            position: pos(i),
            feide_id: f.clone(),
        })
        .collect();
    insert_batched!(db, service_feide_ids::table, feide_ids);
    Ok(())
}

/// True when no service is stored yet: the first start imports the seed catalogue then.
pub fn is_empty(db: &mut Db) -> Result<bool, StoreError> {
    Ok(services::table.count().get_result::<i64>(db)? == 0
        && vendors::table.count().get_result::<i64>(db)? == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each child row binds as many values as `COLUMNS` says, so a chunk stays within the limit.
    #[test]
    fn batched_rows_bind_as_many_values_as_they_say() {
        fn sql<T, R>(table: T, rows: R) -> String
        where
            T: diesel::Table,
            R: diesel::Insertable<T>,
            diesel::query_builder::InsertStatement<T, R::Values>:
                diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>,
        {
            let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(
                &diesel::insert_into(table).values(rows),
            )
            .to_string();
            sql.split("-- binds").next().unwrap_or("").to_owned()
        }
        fn binds<T, R>(table: T, rows: R) -> usize
        where
            T: diesel::Table,
            R: diesel::Insertable<T>,
            diesel::query_builder::InsertStatement<T, R::Values>:
                diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>,
        {
            sql(table, rows).matches('?').count()
        }
        let text = || TextRow {
            service_id: "s".into(),
            kind: "purpose".into(),
            position: 0,
            text: "t".into(),
        };
        assert_eq!(binds(service_texts::table, text()), TextRow::COLUMNS);
        let attribute = |position| ServiceAttributeRow {
            service_id: "s".into(),
            attribute_name: "cn".into(),
            position,
            justification: None,
        };
        assert_eq!(
            binds(service_attributes::table, attribute(0)),
            ServiceAttributeRow::COLUMNS
        );
        let scope = ServiceScopeRow {
            service_id: "s".into(),
            scope: "openid".into(),
            position: 0,
            justification: None,
        };
        assert_eq!(
            binds(service_scopes::table, scope),
            ServiceScopeRow::COLUMNS
        );
        let location = LocationRow {
            service_id: "s".into(),
            position: 0,
            country: "NO".into(),
            role: "storage".into(),
            facility: None,
            basis: "stated".into(),
            evidence: None,
        };
        assert_eq!(
            binds(service_locations::table, location),
            LocationRow::COLUMNS
        );
        let using = UseRow {
            service_id: "s".into(),
            position: 0,
            sub_processor_id: "x".into(),
            purpose: None,
            transfer_mechanism: "eea".into(),
            transfer_mechanisms: String::new(),
            transfer_evidence: None,
        };
        assert_eq!(binds(sub_processor_uses::table, using), UseRow::COLUMNS);
        let use_location = UseLocationRow {
            service_id: "s".into(),
            use_position: 0,
            position: 0,
            country: "NO".into(),
            role: "storage".into(),
            basis: "stated".into(),
            evidence: None,
        };
        assert_eq!(
            binds(sub_processor_use_locations::table, use_location),
            UseLocationRow::COLUMNS
        );
        let source = SourceRow {
            service_id: "s".into(),
            position: 0,
            title: "t".into(),
            date: None,
            url: None,
            document: None,
            controller: None,
            controller_org_number: None,
        };
        assert_eq!(binds(service_sources::table, source), SourceRow::COLUMNS);
        // many rows are one statement, also on SQLite when some of their values are NULL
        let many: Vec<_> = (0..3).map(attribute).collect();
        let statement = diesel::debug_query::<diesel::sqlite::Sqlite, _>(
            &diesel::insert_into(service_attributes::table).values(&many),
        )
        .to_string();
        assert_eq!(statement.matches("INSERT").count(), 1, "{statement}");
        assert_eq!(
            statement
                .split("-- binds")
                .next()
                .unwrap_or("")
                .matches('?')
                .count(),
            3 * ServiceAttributeRow::COLUMNS
        );
    }
}
