//! A write as one transaction: the entry, the shared sub-processors it introduces, its revision
//! row and its audit event all land together, or none of them does.

use diesel::Connection;

use super::changes::{
    is_unique_violation, record, save_service, save_vendor, Change, Expect, Saved, WriteError,
};
use super::clients::{audit, NewAuditEvent};
use super::write::sub_processor_row;
use super::{Db, Touched};
use crate::domain::catalogue::{Service, SubProcessor, Vendor};

pub fn commit_service(
    db: &mut Db,
    service: &Service,
    new_sub_processors: &[SubProcessor],
    expect: Expect,
    change: &Change,
    event: &NewAuditEvent,
) -> Result<Saved, WriteError> {
    db.transaction(|db| {
        let touched: Vec<Touched> = new_sub_processors
            .iter()
            .map(|s| Touched::SubProcessor(&s.id))
            .chain([Touched::Service(&service.id)])
            .collect();
        super::bump_version(db, &touched)?;
        for s in new_sub_processors {
            create_sub_processor(db, s, change, &event.at)?;
        }
        let saved = save_service(db, service, expect, change, &event.at)?;
        audit(db, event)?;
        Ok(saved)
    })
}

pub fn commit_vendor(
    db: &mut Db,
    vendor: &Vendor,
    expect: Expect,
    change: &Change,
    event: &NewAuditEvent,
) -> Result<Saved, WriteError> {
    db.transaction(|db| {
        super::bump_version(db, &[Touched::Vendor(&vendor.id)])?;
        let saved = save_vendor(db, vendor, expect, change, &event.at).map_err(|e| {
            if is_unique_violation(&e) {
                // The only unique value besides the id (checked by `claim`).
                WriteError::Clash(format!(
                    "Organisation number {} belongs to another vendor.",
                    vendor.org_number.as_deref().unwrap_or("")
                ))
            } else {
                e
            }
        })?;
        audit(db, event)?;
        Ok(saved)
    })
}

/// A sub-processor a service write introduces: a plain INSERT, so that when two writers
/// introduce the same id at once the second is refused (409) instead of silently redefining an
/// entry other services use. It gets a revision of its own, so it shows in the change feed.
fn create_sub_processor(
    db: &mut Db,
    s: &SubProcessor,
    change: &Change,
    now: &str,
) -> Result<(), WriteError> {
    use super::schema::sub_processors;
    use diesel::RunQueryDsl;
    let inserted = diesel::insert_into(sub_processors::table)
        .values(&sub_processor_row(s, now))
        .execute(db)
        .map_err(WriteError::from);
    match inserted {
        Err(e) if is_unique_violation(&e) => Err(WriteError::Clash(format!(
            "Sub-processor `{}` was created by another write meanwhile: refer to it by id \
             instead of defining it in `new_sub_processors`.",
            s.id
        ))),
        other => other.map(drop),
    }?;
    let created = Change {
        before: None,
        ..*change
    };
    let after = serde_json::to_value(s).unwrap_or_default();
    record(db, "sub_processor", &s.id, 1, &created, &after, now)
}
