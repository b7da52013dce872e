//! Webhooks after the Standard Webhooks specification (<https://www.standardwebhooks.com/>): the
//! events a client may subscribe to, who receives which event, how a delivery is signed, which
//! targets the registry calls, and when a failed delivery is tried again.
//!
//! Plain rules: the store fans events out and keeps the delivery log (`store::webhooks`), and the
//! dispatcher sends (`delivery`).

use std::net::IpAddr;
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;

use super::auth::Actor;
use crate::texts::{Said, Text};

/// What a subscription may be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum EventType {
    /// A service changed (any write, an import, or an applied announcement): for its vendor, the
    /// municipalities with it in their portfolio, and administrators.
    #[serde(rename = "service.changed")]
    ServiceChanged,
    /// A vendor announced a change to a service's sub-processors.
    #[serde(rename = "announcement.created")]
    AnnouncementCreated,
    /// An announcement's objection deadline is `deadline_days` away (sent once per subscription).
    #[serde(rename = "announcement.deadline_approaching")]
    AnnouncementDeadlineApproaching,
    /// An announced change took effect on its date.
    #[serde(rename = "announcement.applied")]
    AnnouncementApplied,
    /// An entry of a municipality's portfolio changed: for that municipality and administrators
    /// only, whether the portfolio is public or private.
    #[serde(rename = "portfolio.changed")]
    PortfolioChanged,
}

impl EventType {
    pub const ALL: [EventType; 5] = [
        EventType::ServiceChanged,
        EventType::AnnouncementCreated,
        EventType::AnnouncementDeadlineApproaching,
        EventType::AnnouncementApplied,
        EventType::PortfolioChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ServiceChanged => "service.changed",
            EventType::AnnouncementCreated => "announcement.created",
            EventType::AnnouncementDeadlineApproaching => "announcement.deadline_approaching",
            EventType::AnnouncementApplied => "announcement.applied",
            EventType::PortfolioChanged => "portfolio.changed",
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// Whose a subscription is: it hears of what its owner may see and cares for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Admin,
    Vendor(String),
    Municipality(String),
}

impl Owner {
    pub fn of(actor: &Actor) -> Owner {
        match actor {
            Actor::Admin { .. } => Owner::Admin,
            Actor::Vendor { vendor, .. } => Owner::Vendor(vendor.clone()),
            Actor::Municipality { municipality, .. } => Owner::Municipality(municipality.clone()),
        }
    }

    /// The stored pair: role and id (empty for an administrator).
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            Owner::Admin => ("admin", ""),
            Owner::Vendor(v) => ("vendor", v),
            Owner::Municipality(m) => ("municipality", m),
        }
    }

    pub fn from_parts(role: &str, id: &str) -> Option<Owner> {
        match role {
            "admin" => Some(Owner::Admin),
            "vendor" => Some(Owner::Vendor(id.to_owned())),
            "municipality" => Some(Owner::Municipality(id.to_owned())),
            _ => None,
        }
    }

    /// Whether `actor` may see and change this owner's subscriptions (administrators see all).
    pub fn visible_to(&self, actor: &Actor) -> bool {
        matches!(actor, Actor::Admin { .. }) || *self == Owner::of(actor)
    }
}

/// What an event is about, for deciding who receives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub service: Option<String>,
    pub vendor: Option<String>,
    /// Set for a municipality's own events (its portfolio): nobody but that municipality and
    /// administrators receives them.
    pub municipality: Option<String>,
}

/// Whether a subscription of `owner` receives an event of `scope`; `in_portfolio` says whether
/// the event's service is in the owner's portfolio (when the owner is a municipality).
pub fn receives(owner: &Owner, scope: &Scope, in_portfolio: bool) -> bool {
    if let Some(m) = &scope.municipality {
        return match owner {
            Owner::Admin => true,
            Owner::Municipality(own) => own == m,
            Owner::Vendor(_) => false,
        };
    }
    match owner {
        Owner::Admin => true,
        Owner::Vendor(v) => scope.vendor.as_deref() == Some(v.as_str()),
        Owner::Municipality(_) => scope.service.is_some() && in_portfolio,
    }
}

/// The state of one delivery in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not delivered yet; tried again at `next_attempt_at`.
    Pending,
    Delivered,
    /// Given up after the retry period; the subscription was disabled.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// The prefix of a signing secret, as Standard Webhooks spells it.
const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: `whsec_` and the base64 of 32 random bytes.
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// The `webhook-signature` of a message: `v1,` and the base64 HMAC-SHA256 of
/// `{id}.{timestamp}.{body}`, keyed by the secret's bytes (the base64 after `whsec_`).
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Which targets the registry calls: public HTTPS only, unless the operator allows any
/// (`WEBHOOK_ALLOW_INSECURE_TARGETS`, for tests and closed networks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Targets {
    #[default]
    PublicHttps,
    Any,
}

/// The longest target URL kept.
const MAX_URL: usize = 2000;

/// Checks a target URL by its text: scheme, no credentials, a host, and an address literal that
/// is public. Names are resolved (and their addresses checked) by the caller, at subscription
/// and again at every send.
pub fn check_target(url: &str, targets: Targets) -> Result<reqwest::Url, Said> {
    if url.len() > MAX_URL {
        return Err(Text::WebhookUrlTooLong.with(&[("max", &MAX_URL)]));
    }
    let parsed = reqwest::Url::parse(url).map_err(|_| Said::from(Text::WebhookUrlMalformed))?;
    let scheme_ok = match targets {
        Targets::PublicHttps => parsed.scheme() == "https",
        Targets::Any => matches!(parsed.scheme(), "https" | "http"),
    };
    if !scheme_ok {
        return Err(Text::WebhookUrlNotHttps.into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Text::WebhookUrlCredentials.into());
    }
    let host = match parsed.host() {
        None => return Err(Text::WebhookUrlMalformed.into()),
        Some(url_host) => url_host,
    };
    let literal = match host {
        url::Host::Ipv4(a) => Some(IpAddr::V4(a)),
        url::Host::Ipv6(a) => Some(IpAddr::V6(a)),
        url::Host::Domain(_) => None,
    };
    if let (Some(ip), Targets::PublicHttps) = (literal, targets) {
        if !is_public(ip) {
            return Err(Text::WebhookUrlNotPublic.with(&[("address", &ip)]));
        }
    }
    Ok(parsed)
}

/// Whether `ip` is an address on the public internet: not loopback, private, link-local,
/// shared (CGNAT), documentation, multicast, unspecified or reserved, in either family (and an
/// IPv4 address mapped into IPv6 as the IPv4 address).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let [b0, b1, b2, _] = a.octets();
            !(a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || a.is_broadcast()
                || a.is_documentation()
                || a.is_unspecified()
                || a.is_multicast()
                || b0 == 0
                || (b0 == 100 && (64..128).contains(&b1))
                || (b0 == 192 && b1 == 0 && b2 == 0)
                || (b0 == 198 && (18..20).contains(&b1))
                || b0 >= 240)
        }
        IpAddr::V6(a) => {
            if let Some(v4) = a.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = a.segments()[0];
            !(a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && a.segments()[1] == 0x0db8
                || first == 0x0064 && a.segments()[1] == 0xff9b)
        }
    }
}

/// How retries are spaced: exponential backoff from `base`, capped at `cap`, with full jitter,
/// given up `give_up_after` the first attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    pub give_up_after: Duration,
}

impl Backoff {
    /// The wait before the attempt after `attempts` failed ones, for a random `fraction` in
    /// [0, 1): a uniform share of the exponential ceiling ("full jitter"), so that many
    /// subscribers failing at once do not all come back at the same moment.
    pub fn delay(&self, attempts: i32, fraction: f64) -> Duration {
        let exp = u32::try_from(attempts.clamp(0, 30)).unwrap_or(30);
        let ceiling = self
            .base
            .saturating_mul(2u32.saturating_pow(exp))
            .min(self.cap);
        ceiling.mul_f64(fraction.clamp(0.0, 1.0))
    }
}

/// The body of `POST /api/v1/webhooks`: where to deliver, and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://hooks.bergen.kommune.no/feide-registry",
    "events": ["service.changed", "announcement.created", "announcement.deadline_approaching"],
    "description": "Varsler til personvernombudet", "deadline_days": 7}))]
pub struct WebhookWrite {
    /// The receiver: an https URL on a public address (the operator may allow others).
    #[schema(example = "https://hooks.bergen.kommune.no/feide-registry")]
    pub url: String,
    /// The events to deliver, at least one.
    pub events: Vec<EventType>,
    /// What the subscription is for, in the subscriber's words; null for none.
    #[schema(example = "Varsler til personvernombudet")]
    pub description: Option<String>,
    /// With `announcement.deadline_approaching`: how many days before an objection deadline to
    /// be told (1 to 90); null otherwise.
    #[schema(example = 7, minimum = 1, maximum = 90)]
    pub deadline_days: Option<i32>,
}

/// The longest description kept.
const MAX_DESCRIPTION: usize = 500;

impl WebhookWrite {
    /// Every problem of the subscription beyond its shape (the target is checked apart, as it
    /// needs the network).
    pub fn problems(&self) -> Vec<super::validate::FieldProblem> {
        use super::validate::FieldProblem;
        let mut p = Vec::new();
        if self.events.is_empty() {
            p.push(FieldProblem::said("/events", Text::WebhookEventsEmpty));
        }
        let wants_deadline = self
            .events
            .contains(&EventType::AnnouncementDeadlineApproaching);
        match self.deadline_days {
            None if wants_deadline => p.push(FieldProblem::said(
                "/deadline_days",
                Text::WebhookDeadlineDaysNeeded,
            )),
            Some(d) if !DEADLINE_DAYS.contains(&d) => p.push(FieldProblem::said(
                "/deadline_days",
                Text::WebhookDeadlineDaysRange
                    .with(&[("min", DEADLINE_DAYS.start()), ("max", DEADLINE_DAYS.end())]),
            )),
            _ => {}
        }
        if self
            .description
            .as_ref()
            .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
        {
            p.push(FieldProblem::said(
                "/description",
                Text::TextTooLong.with(&[("max", &MAX_DESCRIPTION)]),
            ));
        }
        p
    }

    /// The events once each, in the order of [`EventType::ALL`].
    pub fn normalised_events(&self) -> Vec<EventType> {
        EventType::ALL
            .into_iter()
            .filter(|e| self.events.contains(e))
            .collect()
    }
}

/// Days before an objection deadline a subscription may ask to be told.
pub const DEADLINE_DAYS: std::ops::RangeInclusive<i32> = 1..=90;

/// Whether an announcement with objection `deadline` is within `days` of `today` (and not past).
pub fn deadline_near(deadline: chrono::NaiveDate, days: i32, today: chrono::NaiveDate) -> bool {
    today <= deadline && deadline - chrono::Duration::days(i64::from(days)) <= today
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_specifications_example() {
        // the example of the Standard Webhooks specification's reference libraries
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_secret_is_whsec_and_32_bytes() {
        let s = new_secret();
        let key = base64::engine::general_purpose::STANDARD
            .decode(s.strip_prefix("whsec_").unwrap())
            .unwrap();
        assert_eq!(key.len(), 32);
        assert_ne!(s, new_secret());
    }

    #[test]
    fn targets_are_public_https() {
        let strict = Targets::PublicHttps;
        for (url, ok) in [
            ("https://hooks.example.com/feide", true),
            ("https://8.8.8.8/x", true),
            ("http://hooks.example.com/feide", false),
            ("ftp://hooks.example.com/", false),
            ("https://user:pw@hooks.example.com/", false),
            ("https://127.0.0.1/", false),
            ("https://10.1.2.3/", false),
            ("https://169.254.169.254/latest", false),
            ("https://[::1]/", false),
            ("https://[fd00::1]/", false),
            ("https://[::ffff:192.168.1.1]/", false),
            ("https://100.64.0.1/", false),
            ("not a url", false),
        ] {
            assert_eq!(check_target(url, strict).is_ok(), ok, "{url}");
        }
        assert!(check_target("http://127.0.0.1:9/x", Targets::Any).is_ok());
        assert!(check_target("ftp://127.0.0.1/", Targets::Any).is_err());
    }

    #[test]
    fn backoff_grows_to_its_cap_with_jitter() {
        let b = Backoff {
            base: Duration::from_secs(5),
            cap: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(3 * 86400),
        };
        assert_eq!(b.delay(0, 0.999_999).as_secs(), 4);
        assert_eq!(b.delay(3, 1.0), Duration::from_secs(40));
        assert_eq!(b.delay(20, 1.0), Duration::from_secs(3600));
        assert_eq!(b.delay(20, 0.0), Duration::ZERO);
        assert_eq!(b.delay(i32::MAX, 0.5), Duration::from_secs(1800));
    }

    #[test]
    fn who_receives_what() {
        let service = Scope {
            service: Some("kikora".into()),
            vendor: Some("eldur".into()),
            municipality: None,
        };
        let portfolio = Scope {
            municipality: Some("bergen".into()),
            ..service.clone()
        };
        let bergen = Owner::Municipality("bergen".into());
        let oslo = Owner::Municipality("oslo".into());
        let eldur = Owner::Vendor("eldur".into());
        let other = Owner::Vendor("other".into());
        for (owner, scope, in_portfolio, expected) in [
            (&Owner::Admin, &service, false, true),
            (&eldur, &service, false, true),
            (&other, &service, false, false),
            (&bergen, &service, true, true),
            (&oslo, &service, false, false),
            (&Owner::Admin, &portfolio, false, true),
            (&bergen, &portfolio, true, true),
            (&oslo, &portfolio, true, false),
            (&eldur, &portfolio, false, false),
        ] {
            assert_eq!(
                receives(owner, scope, in_portfolio),
                expected,
                "{owner:?} {scope:?}"
            );
        }
    }

    #[test]
    fn a_deadline_is_near_within_its_days() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(deadline_near(d("2026-12-22"), 3, d("2026-12-19")));
        assert!(deadline_near(d("2026-12-22"), 3, d("2026-12-22")));
        assert!(!deadline_near(d("2026-12-22"), 3, d("2026-12-18")));
        assert!(!deadline_near(d("2026-12-22"), 3, d("2026-12-23")));
    }

    #[test]
    fn event_names_round_trip() {
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Some(e));
            assert_eq!(
                serde_json::to_value(e).unwrap(),
                serde_json::json!(e.as_str())
            );
        }
    }
}
