//! What keeps the audit log a record rather than a way to fill the disk: refusals of callers with
//! no valid identity are tallied per source network, window (a minute by default), action,
//! outcome and named client: the first is written at once, the rest as one row with their
//! number when the window ends; the table is
//! kept under a row cap (oldest first) besides its age limit; and every refusal is counted for
//! `/metrics`. Refusals of identified callers and every write stay one row each, written at once.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::store::clients::{self, NewAuditEvent};
use crate::store::{Moment, Store, StoreError};

/// Distinct tallies held at once; past it, new sources are counted together as `other`, so a
/// caller with many addresses cannot grow the tally without bound.
const MAX_PENDING: usize = 10_000;

pub struct RefusalTally {
    window_secs: i64,
    pending: Mutex<HashMap<NewAuditEvent, i32>>,
    by_outcome: Mutex<BTreeMap<i32, u64>>,
}

impl RefusalTally {
    pub fn new(window: Duration) -> Self {
        Self {
            window_secs: i64::try_from(window.as_secs()).unwrap_or(60).max(1),
            pending: Mutex::default(),
            by_outcome: Mutex::default(),
        }
    }

    /// Counts a refusal for `/metrics` (every refusal, identified or not).
    pub fn count(&self, outcome: i32) {
        *lock(&self.by_outcome).entry(outcome).or_default() += 1;
    }

    /// Adds an anonymous refusal to its window's tally. Returns the row to write at once when it
    /// is the first of its kind in the window (so a lone refusal shows without delay); the rest
    /// are written as one row with their number when the window ends.
    pub fn add(&self, mut event: NewAuditEvent, at: DateTime<Utc>) -> Option<NewAuditEvent> {
        let start = at.timestamp() - at.timestamp().rem_euclid(self.window_secs);
        event.at = Moment(DateTime::from_timestamp(start, 0).unwrap_or(at));
        event.source = event.source.as_deref().map(network);
        event.count = 0;
        let mut pending = lock(&self.pending);
        if pending.len() >= MAX_PENDING && !pending.contains_key(&event) {
            event.source = Some("other".into());
            event.client_id = None;
        }
        match pending.get_mut(&event) {
            Some(n) => {
                *n += 1;
                None
            }
            None => {
                pending.insert(event.clone(), 0);
                event.count = 1;
                Some(event)
            }
        }
    }

    /// The tallies whose window has ended by `now`, as rows to write.
    pub fn take_due(&self, now: DateTime<Utc>) -> Vec<NewAuditEvent> {
        let cutoff = now - chrono::Duration::seconds(self.window_secs);
        let mut pending = lock(&self.pending);
        let due: Vec<NewAuditEvent> = pending
            .keys()
            .filter(|e| e.at.0 <= cutoff)
            .cloned()
            .collect();
        due.into_iter()
            .filter_map(|mut e| {
                e.count = pending.remove(&e).unwrap_or(0);
                (e.count > 0).then_some(e)
            })
            .collect()
    }

    /// Puts tallies that could not be written back, to be written in a later round.
    pub fn restore(&self, rows: Vec<NewAuditEvent>) {
        let mut pending = lock(&self.pending);
        for mut row in rows {
            let n = row.count;
            row.count = 0;
            *pending.entry(row).or_default() += n;
        }
    }

    /// Prometheus lines: refusals by outcome.
    pub fn render_metrics(&self) -> String {
        let mut out = String::from(
            "# HELP feide_registry_refusals_total Refused attempts (4xx of writes, tokens and the audit log), by status.\n\
             # TYPE feide_registry_refusals_total counter\n",
        );
        for (outcome, n) in lock(&self.by_outcome).iter() {
            out.push_str(&format!(
                "feide_registry_refusals_total{{outcome=\"{outcome}\"}} {n}\n"
            ));
        }
        out
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The network a source address is tallied under: the address itself for IPv4, its /64 for
/// IPv6 (one host commonly holds a whole /64).
fn network(source: &str) -> String {
    match source.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => source.to_owned(),
    }
}

/// Kikora's agreement (and common practice) keeps access logs at least three months.
pub const MIN_RETENTION_DAYS: u32 = 90;

/// Fewest audit rows a cap may keep: below it one busy minute of refusals would push out the
/// whole record.
const MIN_MAX_ROWS: i64 = 1000;

/// How the audit log is kept.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub days: u32,
    pub max_rows: i64,
}

impl Retention {
    /// The operator's settings: a retention under `MIN_RETENTION_DAYS` is refused, a row cap
    /// under `MIN_MAX_ROWS` raised to it.
    pub fn new(days: u32, max_rows: i64) -> Result<Self, String> {
        if days < MIN_RETENTION_DAYS {
            return Err(format!(
                "AUDIT_RETENTION_DAYS must be at least {MIN_RETENTION_DAYS}"
            ));
        }
        Ok(Self {
            days,
            max_rows: max_rows.max(MIN_MAX_ROWS),
        })
    }
}

/// One round of upkeep: writes the tallies that are due (those that cannot be written wait for
/// the next round), and (when `trim`) applies the row cap and the age limit.
pub fn upkeep(
    store: &Store,
    tally: &RefusalTally,
    retention: Retention,
    trim: bool,
) -> Result<(), StoreError> {
    let due = tally.take_due(Utc::now());
    if due.is_empty() && !trim {
        return Ok(());
    }
    let mut conn = match store.conn() {
        Ok(conn) => conn,
        Err(e) => {
            tally.restore(due);
            return Err(e);
        }
    };
    for (i, event) in due.iter().enumerate() {
        if let Err(e) = clients::audit(&mut conn, event) {
            // the rows not written yet wait for the next round
            tally.restore(due.into_iter().skip(i).collect());
            return Err(e);
        }
    }
    if trim {
        let before = Utc::now() - chrono::Duration::days(i64::from(retention.days));
        let old = clients::purge_audit(&mut conn, before)?;
        let over = clients::cap_audit(&mut conn, retention.max_rows)?;
        if old + over > 0 {
            log::info!(
                "audit log: removed {old} events older than {} days and {over} beyond {} rows",
                retention.days,
                retention.max_rows
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_under_the_minimum_is_refused_and_a_small_row_cap_raised() {
        let refused = Retention::new(MIN_RETENTION_DAYS - 1, 5000).unwrap_err();
        assert!(
            refused.contains(&format!("at least {MIN_RETENTION_DAYS}")),
            "{refused}"
        );
        let kept = Retention::new(MIN_RETENTION_DAYS, 10).unwrap();
        assert_eq!(
            (kept.days, kept.max_rows),
            (MIN_RETENTION_DAYS, MIN_MAX_ROWS)
        );
        assert_eq!(Retention::new(365, 5000).unwrap().max_rows, 5000);
    }

    fn refusal(source: &str, client: Option<&str>) -> NewAuditEvent {
        NewAuditEvent {
            at: Moment(DateTime::default()),
            actor: None,
            client_id: client.map(str::to_owned),
            source: Some(source.into()),
            action: "service.patch".into(),
            target: "/api/v1/services/x".into(),
            outcome: 401,
            detail: None,
            count: 1,
        }
    }

    #[test]
    fn refusals_of_one_source_and_minute_make_one_row_with_their_number() {
        let t = RefusalTally::new(Duration::from_secs(60));
        let at = DateTime::parse_from_rfc3339("2026-11-29T10:00:10Z")
            .unwrap()
            .with_timezone(&Utc);
        let first = t
            .add(refusal("192.0.2.1", None), at)
            .expect("the first is written");
        assert_eq!(
            (first.count, crate::store::fmt_time(first.at.0).as_str()),
            (1, "2026-11-29T10:00:00.000000Z")
        );
        for i in 1..1000 {
            let later = t.add(
                refusal("192.0.2.1", None),
                at + chrono::Duration::seconds(i % 40),
            );
            assert!(later.is_none());
        }
        t.add(refusal("2001:db8:1:2::1", None), at);
        t.add(refusal("2001:db8:1:2:ffff::9", None), at);
        t.add(refusal("198.51.100.7", None), at);
        assert!(t.take_due(at).is_empty(), "the minute is not over");
        let mut rows = t.take_due(at + chrono::Duration::seconds(60));
        rows.sort_by_key(|r| r.count);
        let counts: Vec<(Option<&str>, i32)> = rows
            .iter()
            .map(|r| (r.source.as_deref(), r.count))
            .collect();
        // the lone refusal was written at once; the /64 had one more, the flood 999 more
        assert_eq!(
            counts,
            [(Some("2001:db8:1:2::/64"), 1), (Some("192.0.2.1"), 999)]
        );
        assert_eq!(
            crate::store::fmt_time(rows[0].at.0),
            "2026-11-29T10:00:00.000000Z"
        );
        assert!(t.take_due(at + chrono::Duration::seconds(600)).is_empty());
    }

    #[test]
    fn the_tally_is_bounded_however_many_sources() {
        let t = RefusalTally::new(Duration::from_secs(60));
        let at = Utc::now();
        let mut written = 0;
        for i in 0..(MAX_PENDING as u32 + 500) {
            let source = std::net::Ipv4Addr::from(i).to_string();
            written += usize::from(t.add(refusal(&source, None), at).is_some());
        }
        assert_eq!(
            written,
            MAX_PENDING + 1,
            "one row each, then one for all others"
        );
        let rows = t.take_due(at + chrono::Duration::seconds(60));
        let other = rows.iter().find(|r| r.source.as_deref() == Some("other"));
        assert_eq!(other.map(|r| r.count), Some(499));
        assert_eq!(rows.len(), 1);
    }
}
