//! Derived risk flags. Each rule is one function of the entered data; the OpenAPI document quotes
//! `Flag::rule` for every flag, so the text a user reads is the rule the code runs.

use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::{Service, SubProcessorChange, TransferMechanism};
use super::derive::ResolvedAttribute;
use super::reference::{Adequacy, Reference, Sensitivity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    ThirdCountryTransfer,
    NoAdequacyTransfer,
    InvalidTransferMechanism,
    SensitiveAttributes,
    MissingJustification,
    NoAttributeDeclaration,
    NoBreachDeadline,
    ShortChangeNotice,
    Stale,
}

/// A change notice shorter than this leaves a municipality too little time to assess and object
/// to a new sub-processor (GDPR art. 28(2)).
pub const MIN_CHANGE_NOTICE_DAYS: i32 = 30;
/// A record untouched for this long may no longer describe the service.
pub const STALE_AFTER_MONTHS: u32 = 12;

impl Flag {
    pub const ALL: [Flag; 9] = [
        Flag::ThirdCountryTransfer,
        Flag::NoAdequacyTransfer,
        Flag::InvalidTransferMechanism,
        Flag::SensitiveAttributes,
        Flag::MissingJustification,
        Flag::NoAttributeDeclaration,
        Flag::NoBreachDeadline,
        Flag::ShortChangeNotice,
        Flag::Stale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::ThirdCountryTransfer => "third_country_transfer",
            Flag::NoAdequacyTransfer => "no_adequacy_transfer",
            Flag::InvalidTransferMechanism => "invalid_transfer_mechanism",
            Flag::SensitiveAttributes => "sensitive_attributes",
            Flag::MissingJustification => "missing_justification",
            Flag::NoAttributeDeclaration => "no_attribute_declaration",
            Flag::NoBreachDeadline => "no_breach_deadline",
            Flag::ShortChangeNotice => "short_change_notice",
            Flag::Stale => "stale",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The rule, as documented to users.
    pub fn rule(self) -> &'static str {
        match self {
            Flag::ThirdCountryTransfer => {
                "The vendor or a sub-processor stores, processes, accesses or supports the data from a country outside the EEA."
            }
            Flag::NoAdequacyTransfer => {
                "A third country without an EU adequacy decision is involved: adequacy `none`, or `partial` (e.g. the US) while the stated mechanism is neither `dpf` nor `adequacy`. The vendor's own third-country locations count too."
            }
            Flag::InvalidTransferMechanism => {
                "A sub-processor relies on EU-US Privacy Shield (invalid since CJEU C-311/18, 2020), or reaches a third country with no adequacy decision under mechanism `eea`, `adequacy` or `none_stated`, or one with partial adequacy under `eea` or `none_stated`."
            }
            Flag::SensitiveAttributes => {
                "The service receives at least one high-sensitivity attribute (national identity number, birth date, photo, home address), directly or through an OIDC scope."
            }
            Flag::MissingJustification => {
                "At least one attribute the service receives has no justification (nor does the scope releasing it)."
            }
            Flag::NoAttributeDeclaration => {
                "The service declares neither Feide attributes nor OIDC scopes, so what it receives is unknown."
            }
            Flag::NoBreachDeadline => {
                "The agreement sets no fixed number of hours for breach notice (absent, or only \"without undue delay\")."
            }
            Flag::ShortChangeNotice => {
                "Sub-processor changes take effect on notice, with a notice period under 30 days."
            }
            Flag::Stale => "The entry has not been updated for 12 months.",
        }
    }
}

/// Computes every flag of a service, sorted in `Flag::ALL` order.
pub fn flags(
    service: &Service,
    attributes: &[ResolvedAttribute],
    third_countries: &[String],
    updated_at: DateTime<Utc>,
    now: DateTime<Utc>,
    reference: &Reference,
) -> Vec<Flag> {
    let checks = [
        (Flag::ThirdCountryTransfer, !third_countries.is_empty()),
        (Flag::NoAdequacyTransfer, no_adequacy_transfer(service, reference)),
        (Flag::InvalidTransferMechanism, invalid_transfer_mechanism(service, reference)),
        (Flag::SensitiveAttributes, attributes.iter().any(|a| a.sensitivity == Sensitivity::High)),
        (Flag::MissingJustification, attributes.iter().any(|a| is_blank(a.justification.as_deref()))),
        (Flag::NoAttributeDeclaration, service.attributes.is_empty() && service.oidc_scopes.is_empty()),
        (Flag::NoBreachDeadline, service.terms.breach_notice_hours.is_none()),
        (Flag::ShortChangeNotice, short_change_notice(service)),
        (Flag::Stale, is_stale(updated_at, now)),
    ];
    checks.into_iter().filter(|(_, on)| *on).map(|(f, _)| f).collect()
}

fn is_blank(text: Option<&str>) -> bool {
    text.is_none_or(|t| t.trim().is_empty())
}

fn adequacy_of(code: &str, reference: &Reference) -> Adequacy {
    reference.country(code).map_or(Adequacy::None, |c| c.adequacy)
}

fn no_adequacy_transfer(service: &Service, reference: &Reference) -> bool {
    let own = service.locations.iter().any(|l| adequacy_of(&l.country, reference) == Adequacy::None);
    let subs = service.sub_processors.iter().any(|u| {
        u.locations.iter().any(|l| match adequacy_of(&l.country, reference) {
            Adequacy::None => true,
            Adequacy::Partial => !matches!(u.transfer_mechanism, TransferMechanism::Dpf | TransferMechanism::Adequacy),
            Adequacy::Eea | Adequacy::Full => false,
        })
    });
    own || subs
}

fn invalid_transfer_mechanism(service: &Service, reference: &Reference) -> bool {
    use TransferMechanism as M;
    service.sub_processors.iter().any(|u| {
        u.transfer_mechanism == M::PrivacyShield
            || u.locations.iter().any(|l| match adequacy_of(&l.country, reference) {
                Adequacy::None => matches!(u.transfer_mechanism, M::Eea | M::Adequacy | M::NoneStated),
                Adequacy::Partial => matches!(u.transfer_mechanism, M::Eea | M::NoneStated),
                Adequacy::Eea | Adequacy::Full => false,
            })
    })
}

fn short_change_notice(service: &Service) -> bool {
    let terms = &service.terms;
    terms.sub_processor_change == Some(SubProcessorChange::Notice)
        && terms.sub_processor_notice_days.is_some_and(|d| d < MIN_CHANGE_NOTICE_DAYS)
}

fn is_stale(updated_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now.checked_sub_months(Months::new(STALE_AFTER_MONTHS)).is_some_and(|limit| updated_at < limit)
}
