//! A write as one transaction: the entry, the shared sub-processors it introduces, its revision
//! row and its audit event all land together, or none of them does.

use diesel::connection::SimpleConnection;
use diesel::Connection;

use super::changes::{save_service, save_vendor, Change, Expect, Saved, WriteError};
use super::clients::{audit, NewAuditEvent};
use super::write::upsert_sub_processor;
use super::Db;
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
        take_write_lock(db)?;
        for s in new_sub_processors {
            upsert_sub_processor(db, s, &event.at)?;
        }
        let saved = save_service(db, service, expect, change, &event.at)?;
        audit(db, event)?;
        super::bump_version(db)?;
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
        take_write_lock(db)?;
        let saved = save_vendor(db, vendor, expect, change, &event.at)?;
        audit(db, event)?;
        super::bump_version(db)?;
        Ok(saved)
    })
}

/// SQLite begins transactions deferred: a transaction that reads first and writes later fails at
/// once with SQLITE_BUSY when another writer committed in between (WAL cannot upgrade a stale
/// snapshot). Writing first takes the write lock up front, waiting on the busy timeout like any
/// writer, so the revision check that follows reads the latest data. PostgreSQL's row locks need
/// nothing of the kind.
fn take_write_lock(db: &mut Db) -> Result<(), WriteError> {
    if let Db::Sqlite(c) = db {
        c.batch_execute("UPDATE vendors SET revision = revision WHERE 0")
            .map_err(super::StoreError::Query)?;
    }
    Ok(())
}
