//! Webhooks in the database: subscriptions, the outbox of events, and the delivery log.
//!
//! A write puts its event in `webhook_events` inside its own transaction ([`emit`]), so an event
//! exists exactly when its change does. The dispatcher, under the `webhooks.fan-out` lease, turns
//! each event into one delivery per subscription that receives it and deletes the event, in one
//! transaction ([`fan_out`]); a delivery's id is its `webhook-id`, the same on every attempt.
//! Senders claim due deliveries by a token and a deadline ([`claim_due`]), so two processes never
//! send the same attempt at once, and a process killed mid-send leaves its claims to expire and be
//! taken again: delivery is at least once.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::clients::{audit, NewAuditEvent};
use super::schema::{announcements, portfolio_entries, task_leases};
use super::schema::{webhook_deliveries as wd, webhook_events as we, webhook_subscriptions as ws};
use super::{Db, Moment, StoreError};
use crate::domain::announcements::AnnouncementStatus;
use crate::domain::webhooks::{deadline_near, receives, DeliveryStatus, EventType, Owner, Scope};

/// The name of the fan-out's lease.
pub const FAN_OUT_TASK: &str = "webhooks.fan-out";

/// One stored subscription.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = ws)]
#[diesel(treat_none_as_null = true)]
pub struct SubscriptionRow {
    pub id: String,
    pub owner_role: String,
    pub owner_id: String,
    pub client_id: String,
    pub url: String,
    /// Event names, comma-separated.
    pub events: String,
    pub description: Option<String>,
    pub deadline_days: Option<i32>,
    pub secret: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<Moment>,
    pub revision: i32,
    pub created_at: Moment,
    pub updated_at: Moment,
}

impl SubscriptionRow {
    pub fn owner(&self) -> Option<Owner> {
        Owner::from_parts(&self.owner_role, &self.owner_id)
    }

    pub fn event_types(&self) -> Vec<EventType> {
        self.events
            .split(',')
            .filter_map(EventType::parse)
            .collect()
    }

    fn wants(&self, event: EventType) -> bool {
        self.events.split(',').any(|e| e == event.as_str())
    }
}

/// One delivery in the log.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = wd)]
pub struct DeliveryRow {
    pub id: String,
    pub subscription_id: String,
    pub event_type: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub last_status: Option<i32>,
    pub created_at: Moment,
    pub retry_from: Moment,
    pub last_attempt_at: Option<Moment>,
    pub next_attempt_at: Moment,
}

#[derive(Insertable)]
#[diesel(table_name = wd)]
struct NewDelivery {
    id: String,
    subscription_id: String,
    event_type: String,
    dedupe: Option<String>,
    payload: String,
    status: String,
    attempts: i32,
    created_at: Moment,
    retry_from: Moment,
    next_attempt_at: Moment,
}

/// An event a write records, in its own transaction.
pub struct NewEvent {
    pub event: EventType,
    pub scope: Scope,
    pub data: Value,
    pub at: DateTime<Utc>,
}

/// Puts `event` in the outbox; call it inside the transaction of the change it tells of.
pub fn emit(db: &mut Db, event: &NewEvent) -> Result<(), StoreError> {
    diesel::insert_into(we::table)
        .values((
            we::event_type.eq(event.event.as_str()),
            we::service_id.eq(event.scope.service.as_deref()),
            we::vendor_id.eq(event.scope.vendor.as_deref()),
            we::municipality_id.eq(event.scope.municipality.as_deref()),
            we::data.eq(event.data.to_string()),
            we::created_at.eq(Moment(event.at)),
        ))
        .execute(db)?;
    Ok(())
}

/// The body of a delivery, as Standard Webhooks lays it out.
#[derive(Serialize)]
struct Payload<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    timestamp: String,
    data: &'a Value,
}

fn payload(kind: EventType, at: DateTime<Utc>, data: &Value) -> String {
    serde_json::to_string(&Payload {
        kind: kind.as_str(),
        timestamp: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        data,
    })
    .unwrap_or_default()
}

/// A new delivery id: `msg_` and 24 random letters and digits.
fn new_delivery_id() -> String {
    let token: String = crate::tokens::random_token(32)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(24)
        .collect();
    format!("msg_{token}")
}

/// Stores a new subscription with its audit event.
pub fn create(db: &mut Db, row: &SubscriptionRow, event: &NewAuditEvent) -> Result<(), StoreError> {
    db.transaction(|db| {
        diesel::insert_into(ws::table).values(row).execute(db)?;
        audit(db, event)
    })
}

pub fn get(db: &mut Db, id: &str) -> Result<Option<SubscriptionRow>, StoreError> {
    Ok(ws::table
        .find(id)
        .select(SubscriptionRow::as_select())
        .first(db)
        .optional()?)
}

/// The subscriptions of `owner` (every one when None), oldest first.
pub fn list(db: &mut Db, owner: Option<&Owner>) -> Result<Vec<SubscriptionRow>, StoreError> {
    let mut q = ws::table.select(SubscriptionRow::as_select()).into_boxed();
    if let Some(o) = owner {
        let (role, id) = o.parts();
        q = q
            .filter(ws::owner_role.eq(role.to_owned()))
            .filter(ws::owner_id.eq(id.to_owned()));
    }
    Ok(q.order((ws::created_at, ws::id)).load(db)?)
}

/// Replaces subscription `row.id` if it is still at revision `row.revision - 1`; false when it
/// changed meanwhile (nothing is written).
pub fn update(
    db: &mut Db,
    row: &SubscriptionRow,
    event: &NewAuditEvent,
) -> Result<bool, StoreError> {
    db.transaction(|db| {
        let done = diesel::update(
            ws::table
                .filter(ws::id.eq(&row.id))
                .filter(ws::revision.eq(row.revision - 1)),
        )
        .set(row)
        .execute(db)?;
        if done == 1 {
            audit(db, event)?;
        }
        Ok(done == 1)
    })
}

/// Removes a subscription and its delivery log; false when it was gone already.
pub fn delete(db: &mut Db, id: &str, event: &NewAuditEvent) -> Result<bool, StoreError> {
    db.transaction(|db| {
        diesel::delete(wd::table.filter(wd::subscription_id.eq(id))).execute(db)?;
        let done = diesel::delete(ws::table.find(id)).execute(db)?;
        if done == 1 {
            audit(db, event)?;
        }
        Ok(done == 1)
    })
}

/// The newest `limit` deliveries of a subscription, newest first.
pub fn deliveries(
    db: &mut Db,
    subscription: &str,
    limit: i64,
) -> Result<Vec<DeliveryRow>, StoreError> {
    Ok(wd::table
        .filter(wd::subscription_id.eq(subscription))
        .order((wd::created_at.desc(), wd::id.desc()))
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(db)?)
}

pub fn delivery(
    db: &mut Db,
    subscription: &str,
    id: &str,
) -> Result<Option<DeliveryRow>, StoreError> {
    Ok(wd::table
        .filter(wd::subscription_id.eq(subscription))
        .filter(wd::id.eq(id))
        .select(DeliveryRow::as_select())
        .first(db)
        .optional()?)
}

/// Sends delivery `id` again as soon as the dispatcher comes to it, with the same `webhook-id`
/// and body, and a fresh retry period; audited.
pub fn redeliver(
    db: &mut Db,
    subscription: &str,
    id: &str,
    now: DateTime<Utc>,
    event: &NewAuditEvent,
) -> Result<bool, StoreError> {
    db.transaction(|db| {
        let done = diesel::update(
            wd::table
                .filter(wd::subscription_id.eq(subscription))
                .filter(wd::id.eq(id)),
        )
        .set((
            wd::status.eq(DeliveryStatus::Pending.as_str()),
            wd::retry_from.eq(Moment(now)),
            wd::next_attempt_at.eq(Moment(now)),
            wd::claimed_by.eq(None::<String>),
            wd::claimed_until.eq(None::<Moment>),
        ))
        .execute(db)?;
        if done == 1 {
            audit(db, event)?;
        }
        Ok(done == 1)
    })
}

/// Takes the fan-out's lease for `holder` until `until` (see `announcements::take_lease`).
pub fn take_lease(
    db: &mut Db,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    super::announcements::take_lease(db, FAN_OUT_TASK, holder, now, until)
}

pub fn release_lease(db: &mut Db, holder: &str) -> Result<(), StoreError> {
    super::announcements::release_lease(db, FAN_OUT_TASK, holder)
}

/// Writes first (SQLite takes its write lock before anything is read, see `bump_version`), and
/// fails the transaction when `holder` no longer holds the lease.
fn hold_lease(db: &mut Db, holder: &str) -> Result<(), StoreError> {
    let held = diesel::update(
        task_leases::table
            .filter(task_leases::name.eq(FAN_OUT_TASK))
            .filter(task_leases::holder.eq(holder)),
    )
    .set(task_leases::holder.eq(holder))
    .execute(db)?;
    if held == 1 {
        Ok(())
    } else {
        Err(StoreError::Query(
            diesel::result::Error::RollbackTransaction,
        ))
    }
}

#[derive(Queryable)]
struct EventRow {
    seq: i64,
    event_type: String,
    service_id: Option<String>,
    vendor_id: Option<String>,
    municipality_id: Option<String>,
    data: String,
    created_at: Moment,
}

/// The municipalities with `service` in their portfolio.
fn users_of(db: &mut Db, service: &str) -> Result<HashSet<String>, StoreError> {
    Ok(portfolio_entries::table
        .filter(portfolio_entries::service_id.eq(service))
        .filter(portfolio_entries::removed.eq(false))
        .select(portfolio_entries::municipality_id)
        .load::<String>(db)?
        .into_iter()
        .collect())
}

/// Whether `sub` receives an event of `scope`, with the portfolios of services read once per
/// round (`users`).
fn recipient(
    db: &mut Db,
    users: &mut HashMap<String, HashSet<String>>,
    sub: &SubscriptionRow,
    scope: &Scope,
) -> Result<bool, StoreError> {
    let Some(owner) = sub.owner() else {
        return Ok(false);
    };
    let in_portfolio = match (&owner, &scope.service) {
        (Owner::Municipality(m), Some(service)) => {
            if !users.contains_key(service) {
                let found = users_of(db, service)?;
                users.insert(service.clone(), found);
            }
            users.get(service).is_some_and(|u| u.contains(m))
        }
        _ => false,
    };
    Ok(receives(&owner, scope, in_portfolio))
}

fn new_delivery(
    sub: &SubscriptionRow,
    kind: EventType,
    dedupe: String,
    body: &str,
    now: DateTime<Utc>,
) -> NewDelivery {
    NewDelivery {
        id: new_delivery_id(),
        subscription_id: sub.id.clone(),
        event_type: kind.as_str().to_owned(),
        dedupe: Some(dedupe),
        payload: body.to_owned(),
        status: DeliveryStatus::Pending.as_str().to_owned(),
        attempts: 0,
        created_at: Moment(now),
        retry_from: Moment(now),
        next_attempt_at: Moment(now),
    }
}

/// Whether the outbox holds an event (a read, so that an idle dispatcher writes nothing).
pub fn has_events(db: &mut Db) -> Result<bool, StoreError> {
    Ok(we::table
        .select(we::seq)
        .first::<i64>(db)
        .optional()?
        .is_some())
}

/// Turns up to `limit` outbox events, oldest first, into deliveries for the enabled
/// subscriptions that receive them (each subscribed before the event), and removes the events;
/// one transaction, under the fan-out lease `holder` holds. Answers how many deliveries it made.
pub fn fan_out(
    db: &mut Db,
    holder: &str,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    db.transaction(|db| {
        hold_lease(db, holder)?;
        let events: Vec<EventRow> = we::table.order(we::seq).limit(limit).load(db)?;
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(0);
        };
        let subs: Vec<SubscriptionRow> = ws::table
            .filter(ws::enabled.eq(true))
            .select(SubscriptionRow::as_select())
            .load(db)?;
        let mut users = HashMap::new();
        let mut made = Vec::new();
        for e in &events {
            let Some(kind) = EventType::parse(&e.event_type) else {
                continue;
            };
            let scope = Scope {
                service: e.service_id.clone(),
                vendor: e.vendor_id.clone(),
                municipality: e.municipality_id.clone(),
            };
            let data: Value = serde_json::from_str(&e.data)
                .map_err(|err| StoreError::Corrupt(format!("webhook event {}: {err}", e.seq)))?;
            let body = payload(kind, e.created_at.0, &data);
            for sub in subs
                .iter()
                .filter(|s| s.wants(kind) && s.created_at <= e.created_at)
            {
                if recipient(db, &mut users, sub, &scope)? {
                    made.push(new_delivery(
                        sub,
                        kind,
                        format!("event:{}", e.seq),
                        &body,
                        now,
                    ));
                }
            }
        }
        // one row per statement: diesel's multi-engine connection has no batch insert
        for d in &made {
            diesel::insert_into(wd::table).values(d).execute(db)?;
        }
        diesel::delete(we::table.filter(we::seq.le(last))).execute(db)?;
        Ok(made.len())
    })
}

/// What an announcement's deadline event tells.
#[derive(Queryable)]
struct Pending {
    id: String,
    service_id: String,
    vendor_id: String,
    effective_date: String,
    objection_deadline: Option<String>,
}

/// Makes the `announcement.deadline_approaching` deliveries due by `today`: one per subscription
/// and pending announcement whose objection deadline is within the subscription's
/// `deadline_days`, never twice (the delivery's dedupe key is the announcement). Under the
/// fan-out lease.
pub fn deadlines(
    db: &mut Db,
    holder: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    db.transaction(|db| {
        hold_lease(db, holder)?;
        let kind = EventType::AnnouncementDeadlineApproaching;
        let subs: Vec<SubscriptionRow> = ws::table
            .filter(ws::enabled.eq(true))
            .filter(ws::deadline_days.is_not_null())
            .select(SubscriptionRow::as_select())
            .load::<SubscriptionRow>(db)?
            .into_iter()
            .filter(|s| s.wants(kind))
            .collect();
        if subs.is_empty() {
            return Ok(0);
        }
        use announcements::dsl as a;
        let pending: Vec<Pending> = a::announcements
            .filter(a::status.eq(AnnouncementStatus::Pending.as_str()))
            .filter(a::objection_deadline.is_not_null())
            .select((
                a::id,
                a::service_id,
                a::vendor_id,
                a::effective_date,
                a::objection_deadline,
            ))
            .load(db)?;
        let sent: HashSet<(String, String)> = wd::table
            .filter(wd::dedupe.like("deadline:%"))
            .select((wd::subscription_id, wd::dedupe.assume_not_null()))
            .load(db)?
            .into_iter()
            .collect();
        let mut users = HashMap::new();
        let mut made = Vec::new();
        for ann in &pending {
            let Some(deadline) = ann
                .objection_deadline
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            else {
                continue;
            };
            let scope = Scope {
                service: Some(ann.service_id.clone()),
                vendor: Some(ann.vendor_id.clone()),
                municipality: None,
            };
            for sub in &subs {
                let days = sub.deadline_days.unwrap_or_default();
                if !deadline_near(deadline, days, today) || !recipient(db, &mut users, sub, &scope)?
                {
                    continue;
                }
                let dedupe = format!("deadline:{}", ann.id);
                if sent.contains(&(sub.id.clone(), dedupe.clone())) {
                    continue;
                }
                let data = serde_json::json!({
                    "announcement": ann.id,
                    "service": ann.service_id,
                    "vendor": ann.vendor_id,
                    "effective_date": ann.effective_date,
                    "objection_deadline": ann.objection_deadline,
                    "days_left": (deadline - today).num_days(),
                    "self": format!("/api/v1/announcements/{}", ann.id),
                });
                made.push(new_delivery(
                    sub,
                    kind,
                    dedupe,
                    &payload(kind, now, &data),
                    now,
                ));
            }
        }
        // one row per statement: diesel's multi-engine connection has no batch insert
        for d in &made {
            diesel::insert_into(wd::table).values(d).execute(db)?;
        }
        Ok(made.len())
    })
}

/// A delivery this process claimed, with where and how to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub subscription_id: String,
    pub payload: String,
    pub attempts: i32,
    pub retry_from: DateTime<Utc>,
    pub url: String,
    pub secret: String,
}

/// Claims up to `limit` pending deliveries that are due at `now`, of enabled subscriptions and
/// not claimed by a sender whose claim still runs, for `token` until `until`. One conditional
/// UPDATE claims them, so two senders never both hold one.
pub fn claim_due(
    db: &mut Db,
    token: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let free = || {
        wd::status
            .eq(DeliveryStatus::Pending.as_str())
            .and(wd::next_attempt_at.le(Moment(now)))
            .and(
                wd::claimed_until
                    .is_null()
                    .or(wd::claimed_until.lt(Moment(now))),
            )
    };
    let candidates: Vec<String> = wd::table
        .inner_join(ws::table)
        .filter(ws::enabled.eq(true))
        .filter(free())
        .order(wd::next_attempt_at)
        .limit(limit)
        .select(wd::id)
        .load(db)?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(wd::table.filter(wd::id.eq_any(&candidates)).filter(free()))
        .set((
            wd::claimed_by.eq(Some(token)),
            wd::claimed_until.eq(Some(Moment(until))),
        ))
        .execute(db)?;
    let rows: Vec<(String, String, String, i32, Moment, String, String)> = wd::table
        .inner_join(ws::table)
        .filter(wd::claimed_by.eq(token))
        .filter(wd::id.eq_any(&candidates))
        .filter(wd::status.eq(DeliveryStatus::Pending.as_str()))
        .select((
            wd::id,
            wd::subscription_id,
            wd::payload,
            wd::attempts,
            wd::retry_from,
            ws::url,
            ws::secret,
        ))
        .load(db)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, subscription_id, payload, attempts, retry_from, url, secret)| Claimed {
                id,
                subscription_id,
                payload,
                attempts,
                retry_from: retry_from.0,
                url,
                secret,
            },
        )
        .collect())
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    Delivered {
        status: i32,
    },
    /// Failed; tried again at `retry_at`.
    Retry {
        error: String,
        status: Option<i32>,
        retry_at: DateTime<Utc>,
    },
    /// Failed, and the retry period is over: the delivery is `failed` and its subscription is
    /// disabled, saying why.
    GiveUp {
        error: String,
        status: Option<i32>,
        reason: String,
    },
}

/// Records the outcome of an attempt at a delivery `token` claimed.
pub fn record_attempt(
    db: &mut Db,
    delivery: &Claimed,
    token: &str,
    attempt: &Attempt,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mine = wd::table
        .filter(wd::id.eq(&delivery.id))
        .filter(wd::claimed_by.eq(token));
    let attempts = wd::attempts.eq(wd::attempts + 1);
    let when = wd::last_attempt_at.eq(Some(Moment(now)));
    let unclaimed = (
        wd::claimed_by.eq(None::<String>),
        wd::claimed_until.eq(None::<Moment>),
    );
    db.transaction(|db| {
        match attempt {
            Attempt::Delivered { status } => {
                diesel::update(mine)
                    .set((
                        wd::status.eq(DeliveryStatus::Delivered.as_str()),
                        attempts,
                        when,
                        wd::last_status.eq(Some(*status)),
                        wd::last_error.eq(None::<String>),
                        unclaimed,
                    ))
                    .execute(db)?;
            }
            Attempt::Retry {
                error,
                status,
                retry_at,
            } => {
                diesel::update(mine)
                    .set((
                        attempts,
                        when,
                        wd::last_status.eq(*status),
                        wd::last_error.eq(Some(error)),
                        wd::next_attempt_at.eq(Moment(*retry_at)),
                        unclaimed,
                    ))
                    .execute(db)?;
            }
            Attempt::GiveUp {
                error,
                status,
                reason,
            } => {
                let done = diesel::update(mine)
                    .set((
                        wd::status.eq(DeliveryStatus::Failed.as_str()),
                        attempts,
                        when,
                        wd::last_status.eq(*status),
                        wd::last_error.eq(Some(error)),
                        unclaimed,
                    ))
                    .execute(db)?;
                if done == 1 {
                    diesel::update(
                        ws::table
                            .filter(ws::id.eq(&delivery.subscription_id))
                            .filter(ws::enabled.eq(true)),
                    )
                    .set((
                        ws::enabled.eq(false),
                        ws::disabled_reason.eq(Some(reason)),
                        ws::disabled_at.eq(Some(Moment(now))),
                        ws::revision.eq(ws::revision + 1),
                        ws::updated_at.eq(Moment(now)),
                    ))
                    .execute(db)?;
                }
            }
        }
        Ok(())
    })
}

/// How long finished deliveries stay in the log: longer than the longest `deadline_days`, so
/// that a deadline event's record outlives the time its announcement can be within range (it is
/// what keeps the event from being sent twice).
pub const KEEP_DELIVERIES_DAYS: i64 = 100;

/// Removes finished deliveries older than [`KEEP_DELIVERIES_DAYS`].
pub fn prune(db: &mut Db, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let before = Moment(now - chrono::Duration::days(KEEP_DELIVERIES_DAYS));
    Ok(diesel::delete(
        wd::table
            .filter(wd::status.ne(DeliveryStatus::Pending.as_str()))
            .filter(wd::created_at.lt(before)),
    )
    .execute(db)?)
}

/// The event a revision tells of, if any: a service's change, or a change to an entry of a
/// municipality's portfolio (`{municipality}/{service}`), which is that municipality's own.
pub fn revision_event(
    kind: crate::domain::writes::EntityKind,
    id: &str,
    revision: i32,
    action: &str,
    after: &Value,
    at: DateTime<Utc>,
) -> Option<NewEvent> {
    use crate::domain::writes::EntityKind;
    match kind {
        EntityKind::Service => {
            let vendor = after
                .get("vendor")
                .and_then(Value::as_str)
                .map(str::to_owned);
            Some(NewEvent {
                event: EventType::ServiceChanged,
                data: serde_json::json!({
                    "service": id,
                    "vendor": vendor,
                    "revision": revision,
                    "action": action,
                    "self": format!("/api/v1/services/{id}"),
                }),
                scope: Scope {
                    service: Some(id.to_owned()),
                    vendor,
                    municipality: None,
                },
                at,
            })
        }
        EntityKind::PortfolioEntry => {
            let (municipality, service) = id.split_once('/')?;
            Some(NewEvent {
                event: EventType::PortfolioChanged,
                data: serde_json::json!({
                    "municipality": municipality,
                    "service": service,
                    "revision": revision,
                    "action": action,
                    "self": format!("/api/v1/municipalities/{municipality}/portfolio/{service}"),
                }),
                scope: Scope {
                    service: Some(service.to_owned()),
                    vendor: None,
                    municipality: Some(municipality.to_owned()),
                },
                at,
            })
        }
        _ => None,
    }
}

/// The event of an announcement (`announcement.created` or `announcement.applied`).
pub fn announcement_event(
    event: EventType,
    row: &super::announcements::AnnouncementRow,
    at: DateTime<Utc>,
) -> NewEvent {
    NewEvent {
        event,
        data: serde_json::json!({
            "announcement": row.id,
            "service": row.service_id,
            "vendor": row.vendor_id,
            "effective_date": row.effective_date,
            "objection_deadline": row.objection_deadline,
            "short_notice": row.short_notice,
            "self": format!("/api/v1/announcements/{}", row.id),
        }),
        scope: Scope {
            service: Some(row.service_id.clone()),
            vendor: Some(row.vendor_id.clone()),
            municipality: None,
        },
        at,
    }
}
