//! Writes with optimistic concurrency, each in one transaction with its revision row; the history,
//! the change feed, the audit log and API clients.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use super::schema::*;
use super::{Db, Moment, StoreError};
use crate::domain::municipalities::Concerns;
use crate::domain::patch::diff;
use crate::domain::writes::EntityKind;

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
    Clash(crate::texts::Said),
    #[error("the actor's daily budget of revision bytes is spent; retry in {0} s")]
    OverBudget(u64),
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
    /// Bytes of revision diffs the actor may store in any 24 hours (a vendor that toggles a large
    /// list within its write rate would otherwise fill the disk and the change feed); None for
    /// administrators and imports.
    pub daily_bytes: Option<u64>,
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
    at: Moment,
    actor: &'a str,
    client_id: Option<&'a str>,
    action: &'a str,
    diff: String,
    diff_bytes: i64,
}

#[derive(Queryable, Debug, Clone)]
pub struct RevisionRow {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub revision: i32,
    pub at: Moment,
    pub actor: String,
    pub client_id: Option<String>,
    pub action: String,
    pub diff: String,
    pub diff_bytes: i64,
}

pub(super) fn record(
    db: &mut Db,
    kind: EntityKind,
    id: &str,
    revision: i32,
    change: &Change,
    after: &Value,
    at: DateTime<Utc>,
) -> Result<(), WriteError> {
    let diff = diff(change.before.as_ref().unwrap_or(&Value::Null), after).to_string();
    let diff_bytes = i64::try_from(diff.len()).unwrap_or(i64::MAX);
    if let Some(budget) = change.daily_bytes {
        within_budget(db, change.actor, diff_bytes, budget, at)?;
    }
    let row = NewRevision {
        entity: kind.as_str(),
        entity_id: id,
        revision,
        at: Moment(at),
        actor: change.actor,
        client_id: change.client_id,
        action: change.action,
        diff,
        diff_bytes,
    };
    diesel::insert_into(revisions::table)
        .values(&row)
        .execute(db)?;
    // the webhook outbox, in the same transaction as the change it tells of
    if let Some(event) =
        super::webhooks::revision_event(kind, id, revision, change.action, after, at)
    {
        super::webhooks::emit(db, &event)?;
    }
    Ok(())
}

/// Refuses a revision that would take `actor` past `budget` bytes of diffs in the 24 hours up to
/// `at`. Counted from the database, so the budget holds across processes; checked inside the
/// write's transaction, so a refused write leaves nothing behind. An actor with nothing stored in
/// the window may always store one revision (else one larger than the budget never could).
fn within_budget(
    db: &mut Db,
    actor: &str,
    bytes: i64,
    budget: u64,
    now: DateTime<Utc>,
) -> Result<(), WriteError> {
    let since = now - chrono::Duration::hours(24);
    let window = revisions::table
        .filter(revisions::actor.eq(actor))
        .filter(revisions::at.gt(Moment(since)));
    let used: i64 = window
        .select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "CAST(COALESCE(SUM(diff_bytes), 0) AS BIGINT)",
        ))
        .first(db)?;
    let budget = i64::try_from(budget).unwrap_or(i64::MAX);
    if used == 0 || used.saturating_add(bytes) <= budget {
        return Ok(());
    }
    // the window frees room as its oldest revision leaves it
    let oldest: Option<Moment> = window
        .select(revisions::at)
        .order(revisions::at)
        .first(db)
        .optional()?;
    let frees_at = oldest.map_or(now, |m| m.0) + chrono::Duration::hours(24);
    let wait = (frees_at - now).num_seconds().max(1);
    Err(WriteError::OverBudget(u64::try_from(wait).unwrap_or(1)))
}

/// An entry kept with revisions: its own row carries the revision, and the rest of the entry
/// is written anew with each one.
pub trait Stored: serde::Serialize {
    const KIND: EntityKind;
    /// The table of the entry's own row, which has `id`, `revision` and `updated_at`.
    const TABLE: &'static str;
    fn id(&self) -> &str;
    /// Writes the entry's rows: a new row at revision 1 when `created`, else over the row that
    /// `claim` raised to its next revision.
    fn write_rows(&self, db: &mut Db, created: bool, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// What a unique index refusing the entry means, said for the caller (None: nothing the
    /// caller chose can clash).
    fn clash(&self) -> Option<crate::texts::Said> {
        None
    }
}

#[derive(QueryableByName)]
struct RevisionOf {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    revision: i32,
}

/// Raises the revision of an existing row only if it is still the one expected: the check and
/// the write are one statement, so two writers holding the same ETag cannot both succeed.
/// None when there is no row yet (and the caller may create one).
fn claim(
    db: &mut Db,
    table: &'static str,
    id: &str,
    expect: Expect,
    now: DateTime<Utc>,
) -> Result<Option<i32>, WriteError> {
    use diesel::sql_types::{Integer, Text};
    let current = diesel::sql_query(format!("SELECT revision FROM {table} WHERE id = $1"))
        .bind::<Text, _>(id)
        .get_result::<RevisionOf>(db)
        .optional()?;
    let Some(RevisionOf { revision: current }) = current else {
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
    let updated = diesel::sql_query(format!(
        "UPDATE {table} SET revision = $1, updated_at = $2 WHERE id = $3 AND revision = $4"
    ))
    .bind::<Integer, _>(from + 1)
    .bind::<super::moment::SqlMoment, _>(Moment(now))
    .bind::<Text, _>(id)
    .bind::<Integer, _>(from)
    .execute(db)?;
    if updated == 0 {
        return Err(WriteError::Stale);
    }
    Ok(Some(from + 1))
}

/// Stores the whole entry and its revision row, in the caller's transaction or a new one.
pub fn save<E: Stored>(
    db: &mut Db,
    entry: &E,
    expect: Expect,
    change: &Change,
    now: DateTime<Utc>,
) -> Result<Saved, WriteError> {
    db.transaction(|db| {
        let claimed = claim(db, E::TABLE, entry.id(), expect, now)?;
        entry.write_rows(db, claimed.is_none(), now)?;
        let revision = claimed.unwrap_or(1);
        let after = serde_json::to_value(entry).unwrap_or_default();
        record(db, E::KIND, entry.id(), revision, change, &after, now)?;
        Ok(Saved {
            revision,
            created: claimed.is_none(),
        })
    })
}

/// How much one page of revisions may hold: at most `limit` revisions and about `bytes` bytes,
/// except that a page holds at least one revision (however large), so a reader never stalls.
#[derive(Debug, Clone, Copy)]
pub struct PageBound {
    pub limit: usize,
    pub bytes: u64,
}

/// What a revision adds to an answer besides its diff (ids, times, actor, JSON punctuation).
const ROW_OVERHEAD: u64 = 256;

impl PageBound {
    /// How many size rows to read: one past the page, to know whether more follow.
    fn probe(&self) -> i64 {
        i64::try_from(self.limit)
            .unwrap_or(i64::MAX)
            .saturating_add(1)
    }

    /// The key of the last revision on the page (None for an empty one), and whether more
    /// follow, from `(key, diff size)` rows in page order.
    fn end<K: Copy>(&self, sizes: &[(K, i64)]) -> (Option<K>, bool) {
        let (taken, more) = self.cut(sizes.iter().map(|s| s.1));
        let last = taken.checked_sub(1).and_then(|i| sizes.get(i)).map(|s| s.0);
        (last, more)
    }

    /// How many of the revisions of these diff sizes (in order, up to `limit + 1` of them) make
    /// the page, and whether more follow it.
    fn cut(&self, sizes: impl IntoIterator<Item = i64>) -> (usize, bool) {
        let mut total = 0u64;
        let mut taken = 0;
        for size in sizes {
            let size = u64::try_from(size).unwrap_or(0) + ROW_OVERHEAD;
            if taken == self.limit || (taken > 0 && total + size > self.bytes) {
                return (taken, true);
            }
            total += size;
            taken += 1;
        }
        (taken, false)
    }
}

/// A page of revisions, oldest first, and whether more follow.
#[derive(Default)]
pub struct RevisionPage {
    pub rows: Vec<RevisionRow>,
    pub more: bool,
}

/// The revisions of entry `id` of kind `entity`.
fn of_entry<'a>(
    entity: &'a str,
    id: &'a str,
) -> revisions::BoxedQuery<'a, <Db as Connection>::Backend> {
    revisions::table
        .filter(revisions::entity.eq(entity))
        .filter(revisions::entity_id.eq(id))
        .into_boxed()
}

/// One page of an entry's revisions after revision `after`, oldest first. The sizes are read
/// first and the diffs only for the page, so an entry with a long or heavy history costs no
/// more than its page.
pub fn history(
    db: &mut Db,
    entity: &str,
    id: &str,
    after: i32,
    bound: PageBound,
) -> Result<RevisionPage, StoreError> {
    let of_entry = || of_entry(entity, id).filter(revisions::revision.gt(after));
    let sizes: Vec<(i32, i64)> = of_entry()
        .select((revisions::revision, revisions::diff_bytes))
        .order(revisions::revision)
        .limit(bound.probe())
        .load(db)?;
    let (Some(last), more) = bound.end(&sizes) else {
        return Ok(RevisionPage::default());
    };
    let rows = of_entry()
        .filter(revisions::revision.le(last))
        .order(revisions::revision)
        .load(db)?;
    Ok(RevisionPage { rows, more })
}

/// The latest revisions of entry `id` up to revision `upto` (the one a snapshot holds, so a page
/// never shows a change its other facts do not), newest first, bounded as a page is.
pub fn latest_history(
    db: &mut Db,
    entity: &str,
    id: &str,
    upto: i32,
    bound: PageBound,
) -> Result<Vec<RevisionRow>, StoreError> {
    let of_entry = || of_entry(entity, id).filter(revisions::revision.le(upto));
    let sizes: Vec<(i32, i64)> = of_entry()
        .select((revisions::revision, revisions::diff_bytes))
        .order(revisions::revision.desc())
        .limit(bound.probe())
        .load(db)?;
    let (Some(last), _) = bound.end(&sizes) else {
        return Ok(Vec::new());
    };
    Ok(of_entry()
        .filter(revisions::revision.ge(last))
        .order(revisions::revision.desc())
        .load(db)?)
}

/// One page of the change feed after sequence number `after`, oldest first; read as `history`.
/// `among` narrows it to the entries that concern one portfolio; the cursor stays the
/// catalogue's, so a poller may move between the whole feed and a filtered one.
pub fn changes_since(
    db: &mut Db,
    after: i64,
    bound: PageBound,
    among: Option<&Concerns>,
) -> Result<RevisionPage, StoreError> {
    let sizes: Vec<(i64, i64)> = in_feed(among)
        .filter(revisions::seq.gt(after))
        .select((revisions::seq, revisions::diff_bytes))
        .order(revisions::seq)
        .limit(bound.probe())
        .load(db)?;
    let (Some(last), more) = bound.end(&sizes) else {
        return Ok(RevisionPage::default());
    };
    let rows = in_feed(among)
        .filter(revisions::seq.gt(after))
        .filter(revisions::seq.le(last))
        .order(revisions::seq)
        .load(db)?;
    Ok(RevisionPage { rows, more })
}

/// The latest revisions of the change feed (narrowed by `among`), newest first: what an Atom
/// feed shows.
pub fn latest_changes(
    db: &mut Db,
    among: Option<&Concerns>,
    bound: PageBound,
) -> Result<Vec<RevisionRow>, StoreError> {
    let sizes: Vec<(i64, i64)> = in_feed(among)
        .select((revisions::seq, revisions::diff_bytes))
        .order(revisions::seq.desc())
        .limit(bound.probe())
        .load(db)?;
    let (Some(last), _) = bound.end(&sizes) else {
        return Ok(Vec::new());
    };
    Ok(in_feed(among)
        .filter(revisions::seq.ge(last))
        .order(revisions::seq.desc())
        .load(db)?)
}

/// The revisions the change feed holds: the catalogue's entries (a municipality's own entries,
/// a private portfolio among them, stay out of it), or those of them `among` names.
fn in_feed(
    among: Option<&Concerns>,
) -> revisions::BoxedQuery<'static, <Db as Connection>::Backend> {
    let q = revisions::table
        .filter(revisions::entity.eq_any(super::REVISED_ENTITIES))
        .into_boxed();
    let Some(c) = among else { return q };
    q.filter(
        revisions::entity
            .eq("service")
            .and(revisions::entity_id.eq_any(c.services.clone()))
            .or(revisions::entity
                .eq("vendor")
                .and(revisions::entity_id.eq_any(c.vendors.clone())))
            .or(revisions::entity
                .eq("sub_processor")
                .and(revisions::entity_id.eq_any(c.sub_processors.clone()))),
    )
}

/// The cursor of the latest change: the largest `since` the change feed has issued (0 when
/// nothing has changed yet).
pub fn latest_seq(db: &mut Db) -> Result<i64, StoreError> {
    use diesel::dsl::max;
    let tip: Option<i64> = revisions::table.select(max(revisions::seq)).first(db)?;
    Ok(tip.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_stops_at_its_count_or_its_bytes_and_holds_at_least_one_revision() {
        let bound = PageBound {
            limit: 3,
            bytes: 1000,
        };
        assert_eq!(bound.cut([10, 10]), (2, false), "all fit");
        assert_eq!(bound.cut([10, 10, 10, 10]), (3, true), "the count");
        assert_eq!(bound.cut([400, 400]), (1, true), "the bytes");
        assert_eq!(
            bound.cut([5000, 10]),
            (1, true),
            "one too large comes alone"
        );
        assert_eq!(bound.cut([5000]), (1, false));
        assert_eq!(bound.cut([]), (0, false));
    }
}
