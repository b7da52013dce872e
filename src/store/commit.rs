//! A write as one transaction: the entry, the shared sub-processors it introduces, its revision
//! row and its audit event all land together, or none of them does.

use diesel::Connection;

use super::changes::{save_service, save_vendor, Change, Expect, Saved, WriteError};
use super::clients::{audit, NewAuditEvent};
use super::write::upsert_sub_processor;
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
            upsert_sub_processor(db, s, &event.at)?;
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
        let saved = save_vendor(db, vendor, expect, change, &event.at)?;
        audit(db, event)?;
        Ok(saved)
    })
}
