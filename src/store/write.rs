//! Writes the catalogue: an import upserts vendors, sub-processors and services by id, all in one
//! transaction, so a failed import leaves nothing behind.

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::prelude::*;

use super::rows::*;
use super::schema::*;
use super::{Db, StoreError};
use crate::domain::catalogue::{Catalogue, Service, SubProcessor, Vendor};
use crate::domain::ids::OrgNumber;

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub vendors_created: usize,
    pub vendors_updated: usize,
    pub sub_processors: usize,
    pub services_created: usize,
    pub services_updated: usize,
}

pub fn fmt_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
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
        let now = fmt_time(now);
        for v in &catalogue.vendors {
            if upsert_vendor(db, v, &now)? {
                summary.vendors_created += 1;
            } else {
                summary.vendors_updated += 1;
            }
        }
        for s in &catalogue.sub_processors {
            upsert_sub_processor(db, s, &now)?;
            summary.sub_processors += 1;
        }
        for s in &catalogue.services {
            if upsert_service(db, s, &now)? {
                summary.services_created += 1;
            } else {
                summary.services_updated += 1;
            }
        }
        Ok(summary)
    })
}

fn normalised_org(n: &Option<String>) -> Option<String> {
    n.as_deref().map(|s| {
        OrgNumber::parse(s)
            .map(|o| o.as_str().to_owned())
            .unwrap_or_else(|_| s.to_owned())
    })
}

/// Returns true when the vendor was created.
fn upsert_vendor(db: &mut Db, v: &Vendor, now: &str) -> Result<bool, StoreError> {
    let existing: Option<(i32, String)> = vendors::table
        .find(&v.id)
        .select((vendors::revision, vendors::created_at))
        .first(db)
        .optional()?;
    let contact = v
        .contact
        .clone()
        .unwrap_or(crate::domain::catalogue::Contact {
            name: None,
            email: None,
            phone: None,
        });
    let row = VendorRow {
        id: v.id.clone(),
        name: v.name.clone(),
        org_number: normalised_org(&v.org_number),
        country: v.country.clone(),
        address: v.address.clone(),
        contact_name: contact.name,
        contact_email: contact.email,
        contact_phone: contact.phone,
        website: v.website.clone(),
        revision: existing.as_ref().map_or(1, |(r, _)| r + 1),
        created_at: existing
            .as_ref()
            .map_or_else(|| now.to_owned(), |(_, c)| c.clone()),
        updated_at: now.to_owned(),
    };
    if existing.is_some() {
        diesel::update(vendors::table.find(&v.id))
            .set(&row)
            .execute(db)?;
    } else {
        diesel::insert_into(vendors::table)
            .values(&row)
            .execute(db)?;
    }
    Ok(existing.is_none())
}

pub fn sub_processor_row(s: &SubProcessor, now: &str) -> SubProcessorRow {
    SubProcessorRow {
        id: s.id.clone(),
        name: s.name.clone(),
        legal_name: s.legal_name.clone(),
        org_number: normalised_org(&s.org_number),
        registration_number: s.registration_number.clone(),
        country: s.country.clone(),
        address: s.address.clone(),
        website: s.website.clone(),
        updated_at: now.to_owned(),
    }
}

pub fn upsert_sub_processor(db: &mut Db, s: &SubProcessor, now: &str) -> Result<(), StoreError> {
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

/// Creates or replaces the service, recording an `import` revision. Returns true when created.
fn upsert_service(db: &mut Db, s: &Service, now: &str) -> Result<bool, StoreError> {
    use super::changes::{save_service, Change, Expect, WriteError};
    let change = Change {
        actor: "import",
        client_id: None,
        action: "import",
        before: None,
        daily_bytes: None,
    };
    match save_service(db, s, Expect::Any, &change, now) {
        Ok(saved) => Ok(saved.created),
        Err(WriteError::Store(e)) => Err(e),
        Err(other) => Err(StoreError::Corrupt(other.to_string())),
    }
}

pub(super) fn delete_children(db: &mut Db, id: &str) -> Result<(), StoreError> {
    diesel::delete(service_sources::table.filter(service_sources::service_id.eq(id)))
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
        );
    for (kind, i, text) in texts {
        let row = TextRow {
            service_id: id.clone(),
            kind: kind.to_owned(),
            position: pos(i),
            text,
        };
        diesel::insert_into(service_texts::table)
            .values(&row)
            .execute(db)?;
    }
    for (i, a) in s.attributes.iter().enumerate() {
        let row = ServiceAttributeRow {
            service_id: id.clone(),
            attribute_name: a.name.to_string(),
            position: pos(i),
            justification: a.justification.as_deref().map(str::to_owned),
        };
        diesel::insert_into(service_attributes::table)
            .values(&row)
            .execute(db)?;
    }
    for (i, sc) in s.oidc_scopes.iter().enumerate() {
        let row = ServiceScopeRow {
            service_id: id.clone(),
            scope: sc.scope.to_string(),
            position: pos(i),
            justification: sc.justification.as_deref().map(str::to_owned),
        };
        diesel::insert_into(service_scopes::table)
            .values(&row)
            .execute(db)?;
    }
    for (i, l) in s.locations.iter().enumerate() {
        let row = LocationRow {
            service_id: id.clone(),
            position: pos(i),
            country: l.country.to_string(),
            role: enum_to_text(&l.role),
            facility: l.facility.as_deref().map(str::to_owned),
        };
        diesel::insert_into(service_locations::table)
            .values(&row)
            .execute(db)?;
    }
    for (i, u) in s.sub_processors.iter().enumerate() {
        let row = UseRow {
            service_id: id.clone(),
            position: pos(i),
            sub_processor_id: u.id.to_string(),
            purpose: u.purpose.as_deref().map(str::to_owned),
            transfer_mechanism: enum_to_text(&u.transfer_mechanism),
        };
        diesel::insert_into(sub_processor_uses::table)
            .values(&row)
            .execute(db)?;
        for (k, l) in u.locations.iter().enumerate() {
            let row = UseLocationRow {
                service_id: id.clone(),
                use_position: pos(i),
                position: pos(k),
                country: l.country.to_string(),
                role: enum_to_text(&l.role),
            };
            diesel::insert_into(sub_processor_use_locations::table)
                .values(&row)
                .execute(db)?;
        }
    }
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
    };
    diesel::insert_into(service_terms::table)
        .values(&row)
        .execute(db)?;
    for (i, src) in s.sources.iter().enumerate() {
        let row = SourceRow {
            service_id: id.clone(),
            position: pos(i),
            title: src.title.clone(),
            date: src.date.clone(),
            url: src.url.clone(),
            document: src.document.clone(),
            controller: src.controller.clone(),
            controller_org_number: normalised_org(&src.controller_org_number),
        };
        diesel::insert_into(service_sources::table)
            .values(&row)
            .execute(db)?;
    }
    Ok(())
}

/// True when no service is stored yet: the first start imports the seed catalogue then.
pub fn is_empty(db: &mut Db) -> Result<bool, StoreError> {
    Ok(services::table.count().get_result::<i64>(db)? == 0
        && vendors::table.count().get_result::<i64>(db)? == 0)
}
