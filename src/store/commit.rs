//! A write as one transaction: the entry, the shared sub-processors it introduces, its revision
//! row, its change-log row and its audit event all land together, or none of them does.

use diesel::Connection;

use super::changes::{
    is_unique_violation, record, save, Change, Expect, Saved, Stored, WriteError,
};
use super::clients::{audit, NewAuditEvent};
use super::write::sub_processor_row;
use super::{Db, Touched};
use crate::domain::catalogue::SubProcessor;
use crate::domain::writes::EntityKind;

/// Stores `entry` (and the sub-processors it `introduces`) over the revision `expect` names.
pub fn commit<E: Stored>(
    db: &mut Db,
    entry: &E,
    introduces: &[SubProcessor],
    expect: Expect,
    change: &Change,
    event: &NewAuditEvent,
) -> Result<Saved, WriteError> {
    db.transaction(|db| {
        let touched: Vec<Touched> = introduces
            .iter()
            .map(|s| Touched::SubProcessor(&s.id))
            .chain([touched(E::KIND, entry.id())])
            .collect();
        super::bump_version(db, &touched)?;
        for s in introduces {
            create_sub_processor(db, s, change, event.at.0)?;
        }
        let saved = save(db, entry, expect, change, event.at.0).map_err(|e| {
            match entry.clash().filter(|_| is_unique_violation(&e)) {
                Some(said) => WriteError::Clash(said),
                None => e,
            }
        })?;
        audit(db, event)?;
        Ok(saved)
    })
}

fn touched(kind: EntityKind, id: &str) -> Touched<'_> {
    match kind {
        EntityKind::Service => Touched::Service(id),
        EntityKind::Vendor => Touched::Vendor(id),
        EntityKind::SubProcessor => Touched::SubProcessor(id),
        EntityKind::Municipality | EntityKind::PortfolioEntry => {
            Touched::Municipality(id.split('/').next().unwrap_or(id))
        }
    }
}

/// A sub-processor a service write introduces: a plain INSERT, so that when two writers
/// introduce the same id at once the second is refused (409) instead of silently redefining an
/// entry other services use. It gets a revision of its own, so it shows in the change feed.
fn create_sub_processor(
    db: &mut Db,
    s: &SubProcessor,
    change: &Change,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), WriteError> {
    use super::schema::sub_processors;
    use diesel::RunQueryDsl;
    let inserted = diesel::insert_into(sub_processors::table)
        .values(&sub_processor_row(s, now))
        .execute(db)
        .map_err(WriteError::from);
    match inserted {
        Err(e) if is_unique_violation(&e) => Err(WriteError::Clash(
            crate::texts::Text::SubProcessorCreatedMeanwhile.with(&[("id", &s.id)]),
        )),
        other => other.map(drop),
    }?;
    let created = Change {
        before: None,
        ..*change
    };
    let after = serde_json::to_value(s).unwrap_or_default();
    record(
        db,
        EntityKind::SubProcessor,
        &s.id,
        1,
        &created,
        &after,
        now,
    )
}
