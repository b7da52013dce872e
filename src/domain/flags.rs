//! Derived risk flags. Each rule is one function of the entered data; the OpenAPI document quotes
//! `Flag::rule` for every flag, so the text a user reads is the rule the code runs.

use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::{Basis, Role, Service, SubProcessorChange, TransferMechanism};
use super::derive::ResolvedAttribute;
use super::reference::{Adequacy, Lang, Reference, Sensitivity};
use crate::texts::Text;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    ThirdCountryTransfer,
    NoAdequacyTransfer,
    InvalidTransferMechanism,
    LocationNotStated,
    SensitiveAttributes,
    MissingJustification,
    NoAttributeDeclaration,
    UndeclaredAttribute,
    NoBreachDeadline,
    ShortChangeNotice,
    ContradictoryTerms,
    Stale,
}

/// A change notice shorter than this leaves a municipality too little time to assess and object
/// to a new sub-processor (GDPR art. 28(2)).
pub const MIN_CHANGE_NOTICE_DAYS: i32 = 30;
/// A record untouched for this long may no longer describe the service.
pub const STALE_AFTER_MONTHS: u32 = 12;

impl Flag {
    pub const ALL: [Flag; 12] = [
        Flag::ThirdCountryTransfer,
        Flag::NoAdequacyTransfer,
        Flag::InvalidTransferMechanism,
        Flag::LocationNotStated,
        Flag::SensitiveAttributes,
        Flag::MissingJustification,
        Flag::NoAttributeDeclaration,
        Flag::UndeclaredAttribute,
        Flag::NoBreachDeadline,
        Flag::ShortChangeNotice,
        Flag::ContradictoryTerms,
        Flag::Stale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::ThirdCountryTransfer => "third_country_transfer",
            Flag::NoAdequacyTransfer => "no_adequacy_transfer",
            Flag::InvalidTransferMechanism => "invalid_transfer_mechanism",
            Flag::LocationNotStated => "location_not_stated",
            Flag::SensitiveAttributes => "sensitive_attributes",
            Flag::MissingJustification => "missing_justification",
            Flag::NoAttributeDeclaration => "no_attribute_declaration",
            Flag::UndeclaredAttribute => "undeclared_attribute",
            Flag::NoBreachDeadline => "no_breach_deadline",
            Flag::ShortChangeNotice => "short_change_notice",
            Flag::ContradictoryTerms => "contradictory_terms",
            Flag::Stale => "stale",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The rule, as documented to users (in English: the OpenAPI document quotes it).
    pub fn rule(self) -> String {
        self.rule_in(Lang::En)
    }

    /// The rule in `lang`; its numbers are the constants the checks use.
    pub fn rule_in(self, lang: Lang) -> String {
        let (_, rule) = self.texts();
        match self {
            Flag::ShortChangeNotice => rule.with(&[("days", &MIN_CHANGE_NOTICE_DAYS)]).render(lang),
            Flag::Stale => rule.with(&[("months", &STALE_AFTER_MONTHS)]).render(lang),
            _ => rule.get(lang).to_owned(),
        }
    }

    /// A short name for people, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        self.texts().0.get(lang)
    }

    /// The flag's label and rule in the catalogue of texts.
    fn texts(self) -> (Text, Text) {
        match self {
            Flag::ThirdCountryTransfer => (
                Text::FlagThirdCountryTransferLabel,
                Text::FlagThirdCountryTransferRule,
            ),
            Flag::NoAdequacyTransfer => (
                Text::FlagNoAdequacyTransferLabel,
                Text::FlagNoAdequacyTransferRule,
            ),
            Flag::InvalidTransferMechanism => (
                Text::FlagInvalidTransferMechanismLabel,
                Text::FlagInvalidTransferMechanismRule,
            ),
            Flag::LocationNotStated => (
                Text::FlagLocationNotStatedLabel,
                Text::FlagLocationNotStatedRule,
            ),
            Flag::SensitiveAttributes => (
                Text::FlagSensitiveAttributesLabel,
                Text::FlagSensitiveAttributesRule,
            ),
            Flag::MissingJustification => (
                Text::FlagMissingJustificationLabel,
                Text::FlagMissingJustificationRule,
            ),
            Flag::NoAttributeDeclaration => (
                Text::FlagNoAttributeDeclarationLabel,
                Text::FlagNoAttributeDeclarationRule,
            ),
            Flag::UndeclaredAttribute => (
                Text::FlagUndeclaredAttributeLabel,
                Text::FlagUndeclaredAttributeRule,
            ),
            Flag::NoBreachDeadline => (
                Text::FlagNoBreachDeadlineLabel,
                Text::FlagNoBreachDeadlineRule,
            ),
            Flag::ShortChangeNotice => (
                Text::FlagShortChangeNoticeLabel,
                Text::FlagShortChangeNoticeRule,
            ),
            Flag::ContradictoryTerms => (
                Text::FlagContradictoryTermsLabel,
                Text::FlagContradictoryTermsRule,
            ),
            Flag::Stale => (Text::FlagStaleLabel, Text::FlagStaleRule),
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
        (
            Flag::NoAdequacyTransfer,
            no_adequacy_transfer(service, reference),
        ),
        (
            Flag::InvalidTransferMechanism,
            invalid_transfer_mechanism(service, reference),
        ),
        (Flag::LocationNotStated, location_not_stated(service)),
        (
            Flag::SensitiveAttributes,
            attributes
                .iter()
                .any(|a| a.sensitivity == Sensitivity::High),
        ),
        (
            Flag::MissingJustification,
            attributes
                .iter()
                .any(|a| is_blank(a.justification.as_deref())),
        ),
        (
            Flag::NoAttributeDeclaration,
            service.attributes.is_empty() && service.oidc_scopes.is_empty(),
        ),
        (
            Flag::NoBreachDeadline,
            service.terms.breach_notice_hours.is_none(),
        ),
        (Flag::ShortChangeNotice, short_change_notice(service)),
        (
            Flag::ContradictoryTerms,
            !service.terms.conflicts.is_empty(),
        ),
        (Flag::Stale, is_stale(updated_at, now)),
    ];
    checks
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(f, _)| f)
        .collect()
}

fn is_blank(text: Option<&str>) -> bool {
    text.is_none_or(|t| t.trim().is_empty())
}

fn adequacy_of(code: &str, reference: &Reference) -> Adequacy {
    reference
        .country(code)
        .map_or(Adequacy::None, |c| c.adequacy)
}

fn no_adequacy_transfer(service: &Service, reference: &Reference) -> bool {
    let own = service
        .locations
        .iter()
        .any(|l| adequacy_of(&l.country, reference) == Adequacy::None);
    let subs = service.sub_processors.iter().any(|u| {
        u.locations
            .iter()
            .any(|l| match adequacy_of(&l.country, reference) {
                Adequacy::None => true,
                Adequacy::Partial => !u
                    .mechanisms()
                    .iter()
                    .any(|m| matches!(m, TransferMechanism::Dpf | TransferMechanism::Adequacy)),
                Adequacy::Eea | Adequacy::Full => false,
            })
    });
    own || subs
}

/// A use is judged by every basis its agreement states: it is invalid when none of them holds
/// (Salesforce's Privacy Shield stands beside BCR and SCC, which still hold).
fn invalid_transfer_mechanism(service: &Service, reference: &Reference) -> bool {
    use TransferMechanism as M;
    service.sub_processors.iter().any(|u| {
        let all = u.mechanisms();
        all.iter().all(|m| *m == M::PrivacyShield)
            || u.locations
                .iter()
                .any(|l| match adequacy_of(&l.country, reference) {
                    Adequacy::None => all.iter().all(|m| {
                        matches!(m, M::Eea | M::Adequacy | M::NoneStated | M::PrivacyShield)
                    }),
                    Adequacy::Partial => all
                        .iter()
                        .all(|m| matches!(m, M::Eea | M::NoneStated | M::PrivacyShield)),
                    Adequacy::Eea | Adequacy::Full => false,
                })
    })
}

/// A processor must say where it processes personal data (GDPR art. 28(3), 30(2)); a place that
/// is not stated may be anywhere, so it is a finding of its own and never read as "inside the EEA".
/// A company's country of establishment says nothing of where the data is, so only a stated
/// location counts.
pub fn location_not_stated(service: &Service) -> bool {
    let places_data = |role: Role, basis: Basis| {
        basis == Basis::Stated && matches!(role, Role::Storage | Role::Processing)
    };
    let stated_anywhere = service
        .locations
        .iter()
        .any(|l| places_data(l.role, l.basis))
        || service
            .sub_processors
            .iter()
            .any(|u| u.locations.iter().any(|l| places_data(l.role, l.basis)));
    let sub_without_country = service
        .sub_processors
        .iter()
        .any(|u| !u.locations.iter().any(|l| l.basis == Basis::Stated));
    !stated_anywhere || sub_without_country
}

fn short_change_notice(service: &Service) -> bool {
    let terms = &service.terms;
    terms.sub_processor_change == Some(SubProcessorChange::Notice)
        && terms
            .sub_processor_notice_days
            .is_some_and(|d| d < MIN_CHANGE_NOTICE_DAYS)
}

fn is_stale(updated_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    stale_before(now).is_some_and(|limit| updated_at < limit)
}

/// Entries last updated before this time are `stale` at `now`.
pub fn stale_before(now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    now.checked_sub_months(Months::new(STALE_AFTER_MONTHS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::*;
    use crate::domain::derive::{resolve_attributes, third_countries};
    use crate::domain::reference::{Attribute, Country, Scope, Texts};
    use chrono::TimeZone;

    fn texts(s: &str) -> Texts {
        Texts {
            nb: s.into(),
            nn: s.into(),
            en: s.into(),
        }
    }

    fn country(code: &str, eea: bool, adequacy: Adequacy) -> Country {
        Country {
            code: code.into(),
            name: texts(code),
            eea,
            eu: eea,
            adequacy,
            adequacy_decision: None,
            adequacy_note: None,
        }
    }

    fn attribute(name: &str, sensitivity: Sensitivity) -> Attribute {
        Attribute {
            name: name.into(),
            oid: None,
            category: "x".into(),
            sensitivity,
            multi_valued: false,
            oidc_scopes: vec![],
            description: texts(name),
            source: None,
            sensitivity_note: None,
        }
    }

    fn reference() -> Reference {
        Reference {
            attributes: vec![
                attribute("mail", Sensitivity::Medium),
                attribute("norEduPersonNIN", Sensitivity::High),
            ],
            scopes: vec![Scope {
                scope: "email".into(),
                justification_required: false,
                attributes: vec!["mail".into()],
                description: texts("email"),
            }],
            // sorted by code, as the store loads them
            countries: vec![
                country("CA", false, Adequacy::Partial),
                country("CN", false, Adequacy::None),
                country("NL", true, Adequacy::Eea),
                country("NO", true, Adequacy::Eea),
                country("NZ", false, Adequacy::Full),
                country("US", false, Adequacy::Partial),
            ],
        }
    }

    fn service() -> Service {
        Service {
            id: "s".into(),
            name: "S".into(),
            vendor: "v".into(),
            description: None,
            website: None,
            status: Status::Active,
            purposes: vec![],
            data_subjects: vec![],
            personal_data: vec![],
            attributes: vec![AttributeRequest {
                name: "mail".into(),
                justification: Some("login".into()),
            }],
            oidc_scopes: vec![],
            locations: vec![Location {
                country: "NO".into(),
                role: Role::Storage,
                facility: None,
                basis: Basis::Stated,
                evidence: None,
            }],
            sub_processors: vec![],
            terms: Terms {
                breach_notice_hours: Some(24),
                ..Terms::default()
            },
            sources: vec![],
            feide_ids: vec![],
            statements: Default::default(),
            notes: vec![],
        }
    }

    fn uses(country: &str, role: Role, mechanism: TransferMechanism) -> SubProcessorUse {
        SubProcessorUse {
            id: "p".into(),
            purpose: None,
            locations: vec![UseLocation {
                country: country.into(),
                role,
                basis: Basis::Stated,
                evidence: None,
            }],
            transfer_mechanism: mechanism,
            transfer_mechanisms: vec![],
            transfer_evidence: None,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
    }

    fn flags_of(s: &Service) -> Vec<Flag> {
        flags_at(s, now())
    }

    fn flags_at(s: &Service, updated: DateTime<Utc>) -> Vec<Flag> {
        let r = reference();
        let attrs = resolve_attributes(s, &r);
        let third = third_countries(s, &r);
        flags(s, &attrs, &third, updated, now(), &r)
    }

    #[test]
    fn a_justified_service_kept_in_norway_raises_no_flag() {
        assert_eq!(flags_of(&service()), vec![]);
    }

    #[test]
    fn third_country_rules_follow_the_country_and_the_stated_mechanism() {
        use Flag::*;
        use TransferMechanism as M;
        // (country, role, mechanism) -> the transfer flags expected
        let table: &[(&str, Role, M, &[Flag])] = &[
            ("NL", Role::Storage, M::Eea, &[]),
            (
                "NZ",
                Role::Processing,
                M::NoneStated,
                &[ThirdCountryTransfer],
            ),
            ("NZ", Role::Storage, M::Adequacy, &[ThirdCountryTransfer]),
            ("US", Role::Storage, M::Dpf, &[ThirdCountryTransfer]),
            (
                "US",
                Role::Storage,
                M::Scc,
                &[ThirdCountryTransfer, NoAdequacyTransfer],
            ),
            (
                "US",
                Role::Support,
                M::PrivacyShield,
                &[
                    ThirdCountryTransfer,
                    NoAdequacyTransfer,
                    InvalidTransferMechanism,
                ],
            ),
            (
                "US",
                Role::Access,
                M::NoneStated,
                &[
                    ThirdCountryTransfer,
                    NoAdequacyTransfer,
                    InvalidTransferMechanism,
                ],
            ),
            ("CA", Role::Storage, M::Adequacy, &[ThirdCountryTransfer]),
            (
                "CN",
                Role::Storage,
                M::Scc,
                &[ThirdCountryTransfer, NoAdequacyTransfer],
            ),
            (
                "CN",
                Role::Storage,
                M::Adequacy,
                &[
                    ThirdCountryTransfer,
                    NoAdequacyTransfer,
                    InvalidTransferMechanism,
                ],
            ),
        ];
        for (country, role, mechanism, expected) in table {
            let mut s = service();
            s.sub_processors.push(uses(country, *role, *mechanism));
            assert_eq!(&flags_of(&s), expected, "{country} {role:?} {mechanism:?}");
        }
    }

    #[test]
    fn a_vendors_own_location_without_adequacy_counts_as_a_no_adequacy_transfer() {
        let mut s = service();
        s.locations = vec![Location {
            country: "CN".into(),
            role: Role::Processing,
            facility: None,
            basis: Basis::Stated,
            evidence: None,
        }];
        assert_eq!(
            flags_of(&s),
            vec![Flag::ThirdCountryTransfer, Flag::NoAdequacyTransfer]
        );
    }

    #[test]
    fn a_place_of_storage_or_processing_not_stated_is_flagged() {
        let own = |role| Location {
            country: "NO".into(),
            role,
            facility: None,
            basis: Basis::Stated,
            evidence: None,
        };
        let established = SubProcessorUse {
            locations: vec![UseLocation {
                country: "US".into(),
                role: Role::Processing,
                basis: Basis::Establishment,
                evidence: None,
            }],
            ..uses("US", Role::Processing, TransferMechanism::NoneStated)
        };
        let unplaced = SubProcessorUse {
            locations: vec![],
            ..uses("NL", Role::Storage, TransferMechanism::Eea)
        };
        // (own locations, sub-processors used, flagged)
        let table: Vec<(Vec<Location>, Vec<SubProcessorUse>, bool)> = vec![
            (vec![own(Role::Storage)], vec![], false),
            (vec![own(Role::Processing)], vec![], false),
            // hosted wholly by a sub-processor whose country is stated
            (
                vec![],
                vec![uses("NL", Role::Storage, TransferMechanism::Eea)],
                false,
            ),
            // nothing stated at all (the seed's alle-teller)
            (vec![], vec![], true),
            (vec![], vec![unplaced.clone()], true),
            // support from Norway says nothing of where the data is kept
            (vec![own(Role::Support), own(Role::Access)], vec![], true),
            // one sub-processor with no country, beside a stated storage place
            (vec![own(Role::Storage)], vec![unplaced], true),
            // a sub-processor known only by the country of its address (the seed's kikora)
            (vec![own(Role::Storage)], vec![established.clone()], true),
            (vec![], vec![established], true),
        ];
        for (locations, sub_processors, flagged) in table {
            let mut s = service();
            s.locations = locations;
            s.sub_processors = sub_processors;
            assert_eq!(
                flags_of(&s).contains(&Flag::LocationNotStated),
                flagged,
                "{:?} {:?}",
                s.locations,
                s.sub_processors
            );
        }
    }

    #[test]
    fn high_sensitivity_attributes_are_flagged() {
        let mut s = service();
        s.attributes.push(AttributeRequest {
            name: "norEduPersonNIN".into(),
            justification: Some("x".into()),
        });
        assert_eq!(flags_of(&s), vec![Flag::SensitiveAttributes]);
    }

    #[test]
    fn an_attribute_without_justification_is_flagged_unless_its_scope_is_justified() {
        let mut s = service();
        s.attributes[0] = AttributeRequest {
            name: "mail".into(),
            justification: Some("  ".into()),
        };
        assert_eq!(flags_of(&s), vec![Flag::MissingJustification]);

        let mut s = service();
        s.attributes.clear();
        s.oidc_scopes.push(ScopeRequest {
            scope: "email".into(),
            justification: None,
        });
        assert_eq!(flags_of(&s), vec![Flag::MissingJustification]);
        s.oidc_scopes[0].justification = Some("receipts by e-mail".into());
        assert_eq!(flags_of(&s), vec![]);
    }

    #[test]
    fn no_attributes_and_no_scopes_is_no_declaration() {
        let mut s = service();
        s.attributes.clear();
        assert_eq!(flags_of(&s), vec![Flag::NoAttributeDeclaration]);
    }

    #[test]
    fn without_undue_delay_is_no_breach_deadline() {
        let mut s = service();
        s.terms.breach_notice_hours = None;
        s.terms.breach_notice = Some(BreachNotice::WithoutUndueDelay);
        assert_eq!(flags_of(&s), vec![Flag::NoBreachDeadline]);
    }

    #[test]
    fn change_notice_under_30_days_is_short_and_prior_approval_never_is() {
        let table = [
            (Some(SubProcessorChange::Notice), Some(29), true),
            (Some(SubProcessorChange::Notice), Some(30), false),
            (Some(SubProcessorChange::Notice), None, false),
            (Some(SubProcessorChange::PriorApproval), Some(7), false),
            (None, Some(7), false),
        ];
        for (regime, days, short) in table {
            let mut s = service();
            s.terms.sub_processor_change = regime;
            s.terms.sub_processor_notice_days = days;
            assert_eq!(
                flags_of(&s).contains(&Flag::ShortChangeNotice),
                short,
                "{regime:?} {days:?}"
            );
        }
    }

    #[test]
    fn an_entry_untouched_for_twelve_months_is_stale() {
        let s = service();
        let just_fresh = Utc.with_ymd_and_hms(2025, 11, 24, 12, 0, 0).unwrap();
        assert_eq!(flags_at(&s, just_fresh), vec![]);
        assert_eq!(
            flags_at(&s, just_fresh - chrono::Duration::seconds(1)),
            vec![Flag::Stale]
        );
    }

    #[test]
    fn the_rules_name_the_thresholds_the_checks_use() {
        let notice = Flag::ShortChangeNotice.rule();
        assert!(
            notice.contains(&format!("under {MIN_CHANGE_NOTICE_DAYS} days")),
            "{notice}"
        );
        let stale = Flag::Stale.rule();
        assert!(
            stale.contains(&format!("for {STALE_AFTER_MONTHS} months")),
            "{stale}"
        );
    }

    #[test]
    fn every_flag_is_said_in_every_language_with_its_numbers_filled_in() {
        for flag in Flag::ALL {
            for lang in [Lang::Nb, Lang::Nn, Lang::En] {
                let (label, rule) = (flag.label(lang), flag.rule_in(lang));
                assert!(!label.is_empty() && !rule.is_empty(), "{flag:?} {lang:?}");
                assert!(!rule.contains('{'), "{flag:?} {lang:?}: {rule}");
            }
            assert_ne!(flag.rule_in(Lang::Nb), flag.rule_in(Lang::En), "{flag:?}");
        }
    }
}
