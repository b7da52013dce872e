//! The webhook dispatcher: a task in each serving process that fans the outbox's events out into
//! deliveries (under a lease, so one process at a time), makes the deadline events the day
//! brings, and sends due deliveries, signed after Standard Webhooks, at most `concurrency` at
//! once, each under a timeout and never following a redirect. A failed attempt is tried again
//! after an exponential, jittered wait until the retry period ends; then the delivery is
//! `failed` and its subscription disabled, saying why.
//!
//! Targets are checked when subscribed and again at every send: an address literal by
//! `domain::webhooks::check_target`, a host name by resolving it here and refusing private
//! addresses (the resolver the HTTP client uses drops them, so a name that later resolves to a
//! private address is not called either).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use tokio::sync::Semaphore;

use crate::domain::webhooks::{check_target, is_public, signature, Backoff, Targets};
use crate::schedule::Clock;
use crate::store::webhooks::{self as stored, Attempt, Claimed};
use crate::store::{on_db, Store, StoreError};
use crate::texts::{Said, Text};

/// How webhooks are delivered (`WEBHOOK_*` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookOptions {
    pub targets: Targets,
    /// Connecting and the whole request, each.
    pub timeout: Duration,
    /// Deliveries in flight at once, per process.
    pub concurrency: usize,
    pub backoff: Backoff,
    /// How often an idle dispatcher looks for work.
    pub poll: Duration,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        WebhookOptions {
            targets: Targets::PublicHttps,
            timeout: Duration::from_secs(10),
            concurrency: 16,
            backoff: Backoff {
                base: Duration::from_secs(5),
                cap: Duration::from_secs(4 * 3600),
                give_up_after: Duration::from_secs(3 * 86400),
            },
            poll: Duration::from_millis(500),
        }
    }
}

/// How long a subscription waits for its target's name to resolve.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// A fan-out round never holds the lease longer than this.
const LEASE: Duration = Duration::from_secs(60);

/// How often the deadline events are looked for: they are due by the day.
const DEADLINE_EVERY: Duration = Duration::from_secs(60);

/// Events turned into deliveries per transaction.
const FAN_OUT_BATCH: i64 = 200;

/// Batches per round, so that sending is not held up by a flood of events.
const FAN_OUT_ROUNDS: usize = 20;

/// A name unique to this process and moment: the holder of a lease, the token of claims.
fn holder() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    )
}

fn after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(1))
}

/// Resolves host names to public addresses only (unless every target is allowed): what the HTTP
/// client connects to is what was checked.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The HTTP client deliveries are sent with.
pub fn client(options: &WebhookOptions) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(options.timeout)
        .timeout(options.timeout)
        .user_agent(concat!(
            "feide-registry-webhooks/",
            env!("CARGO_PKG_VERSION")
        ));
    let builder = match options.targets {
        Targets::PublicHttps => builder.dns_resolver(Arc::new(PublicOnly)),
        Targets::Any => builder,
    };
    builder.build().expect("the webhook HTTP client")
}

/// Checks a target as a subscription is made: its text, and that its host name resolves to
/// public addresses only.
pub async fn check_subscribed(url: &str, targets: Targets) -> Result<(), Said> {
    let parsed = check_target(url, targets)?;
    if targets == Targets::Any {
        return Ok(());
    }
    let Some(url::Host::Domain(host)) = parsed.host() else {
        return Ok(());
    };
    let unresolved = || Text::WebhookUrlUnresolved.with(&[("host", &host)]);
    let addrs: Vec<SocketAddr> =
        tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host, 0)))
            .await
            .map_err(|_| unresolved())?
            .map_err(|_| unresolved())?
            .collect();
    if addrs.is_empty() {
        return Err(unresolved());
    }
    match addrs.iter().find(|a| !is_public(a.ip())) {
        Some(private) => Err(Text::WebhookUrlNotPublic.with(&[("address", &private.ip())])),
        None => Ok(()),
    }
}

/// The dispatcher of one process.
#[derive(Clone)]
pub struct Dispatcher {
    store: Store,
    options: WebhookOptions,
    clock: Clock,
    client: reqwest::Client,
    permits: Arc<Semaphore>,
    token: Arc<str>,
}

impl Dispatcher {
    pub fn new(store: Store, options: WebhookOptions, clock: Clock) -> Self {
        Dispatcher {
            client: client(&options),
            permits: Arc::new(Semaphore::new(options.concurrency.max(1))),
            token: holder().into(),
            store,
            options,
            clock,
        }
    }

    /// Runs until the process ends; a round that fails is logged and tried at the next tick.
    pub async fn run(self) {
        let mut deadlines_at: Option<std::time::Instant> = None;
        loop {
            let scan = deadlines_at.is_none_or(|t| t.elapsed() >= DEADLINE_EVERY);
            match self.fan_out(scan).await {
                Ok(()) if scan => deadlines_at = Some(std::time::Instant::now()),
                Ok(()) => {}
                Err(e) => log::warn!("webhooks: fan-out: {e}"),
            }
            match self.send_due().await {
                // every permit was used: more may be due at once
                Ok(true) => {
                    drop(self.permits.acquire().await);
                }
                Ok(false) => actix_web::rt::time::sleep(self.options.poll).await,
                Err(e) => {
                    log::warn!("webhooks: {e}");
                    actix_web::rt::time::sleep(self.options.poll).await;
                }
            }
        }
    }

    /// Turns the outbox's events into deliveries, and (when `deadlines`, or after events) makes
    /// the deadline events and (when `deadlines`) trims the delivery log, unless another process
    /// holds the lease.
    async fn fan_out(&self, deadlines: bool) -> Result<(), StoreError> {
        let events = on_db(&self.store, stored::has_events).await?;
        if !deadlines && !events {
            return Ok(());
        }
        // the log is trimmed on the timer; a new announcement may be within a subscription's
        // days of its deadline already, so deadlines are also looked at after events
        let prune = deadlines;
        let deadlines = deadlines || events;
        let holder = holder();
        let now = Utc::now();
        let taken = {
            let holder = holder.clone();
            on_db(&self.store, move |db| {
                stored::take_lease(db, &holder, now, after(now, LEASE))
            })
            .await?
        };
        if !taken {
            return Ok(());
        }
        let today = self.clock.today();
        let h = holder.clone();
        let done = on_db(&self.store, move |db| {
            for _ in 0..FAN_OUT_ROUNDS {
                if !stored::has_events(db)? {
                    break;
                }
                stored::fan_out(db, &h, Utc::now(), FAN_OUT_BATCH)?;
            }
            if deadlines {
                stored::deadlines(db, &h, today, Utc::now())?;
            }
            if prune {
                stored::prune(db, Utc::now())?;
            }
            Ok(())
        })
        .await;
        on_db(&self.store, move |db| stored::release_lease(db, &holder)).await?;
        done
    }

    /// Claims as many due deliveries as there are free permits and sends each on its own task;
    /// true when every permit was used.
    async fn send_due(&self) -> Result<bool, StoreError> {
        let free = self.permits.available_permits();
        if free == 0 {
            return Ok(true);
        }
        let now = Utc::now();
        // a claim outlasts the attempt it is for, so no other sender takes it meanwhile
        let until = after(now, self.options.timeout * 2 + Duration::from_secs(5));
        let token = self.token.clone();
        let claimed = on_db(&self.store, move |db| {
            stored::claim_due(db, &token, now, until, i64::try_from(free).unwrap_or(1))
        })
        .await?;
        let full = claimed.len() >= free;
        for delivery in claimed {
            let Ok(permit) = self.permits.clone().try_acquire_owned() else {
                break;
            };
            let me = self.clone();
            actix_web::rt::spawn(async move {
                let id = delivery.id.clone();
                if let Err(e) = me.send(delivery).await {
                    log::warn!("webhooks: delivery {id}: {e}");
                }
                drop(permit);
            });
        }
        Ok(full)
    }

    /// One attempt at one delivery, and its outcome recorded.
    async fn send(&self, delivery: Claimed) -> Result<(), StoreError> {
        let outcome = self.attempt(&delivery).await;
        let now = Utc::now();
        let attempts = delivery.attempts.saturating_add(1);
        let attempt = match outcome {
            Ok(status) => Attempt::Delivered { status },
            Err((error, status)) => {
                let wait = self
                    .options
                    .backoff
                    .delay(attempts, rand::thread_rng().gen::<f64>());
                let retry_at = after(now, wait);
                let horizon = after(delivery.retry_from, self.options.backoff.give_up_after);
                if retry_at > horizon {
                    let reason = format!(
                        "disabled at {}: delivery {} failed {attempts} times over {} h; the last error: {error}",
                        crate::store::fmt_time(now),
                        delivery.id,
                        (now - delivery.retry_from).num_hours()
                    );
                    log::warn!(
                        "webhooks: subscription {} {reason}",
                        delivery.subscription_id
                    );
                    Attempt::GiveUp {
                        error,
                        status,
                        reason,
                    }
                } else {
                    Attempt::Retry {
                        error,
                        status,
                        retry_at,
                    }
                }
            }
        };
        let token = self.token.clone();
        on_db(&self.store, move |db| {
            stored::record_attempt(db, &delivery, &token, &attempt, now)
        })
        .await
    }

    /// Sends a delivery: the HTTP status of a 2xx answer, or what went wrong (with the status
    /// when there was an answer).
    async fn attempt(&self, d: &Claimed) -> Result<i32, (String, Option<i32>)> {
        let url = check_target(&d.url, self.options.targets)
            .map_err(|said| (said.render(crate::texts::Lang::En), None))?;
        let timestamp = Utc::now().timestamp();
        let sig = signature(&d.secret, &d.id, timestamp, d.payload.as_bytes())
            .ok_or_else(|| ("the subscription's secret is not base64".to_owned(), None))?;
        let res = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &d.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", sig)
            .body(d.payload.clone())
            .send()
            .await
            .map_err(|e| (describe(&e), None))?;
        let status = i32::from(res.status().as_u16());
        if res.status().is_success() {
            Ok(status)
        } else {
            Err((
                format!("the receiver answered {}", res.status()),
                Some(status),
            ))
        }
    }
}

/// A send error in words, with its causes (reqwest's own message is often just "error sending
/// request").
fn describe(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out.chars().take(500).collect()
}
