//! A report across the services a municipality uses: where the data goes, who handles it, who
//! receives the most sensitive attributes, and the weakest contract terms. Nothing is stored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::{Basis, Role, Status, TransferMechanism};
use super::derive::resolve_attributes;
use super::flags::Flag;
use super::reference::{Adequacy, Lang, Sensitivity};
use crate::catalogue::{ServiceRecord, Snapshot};

pub const MAX_SERVICES: usize = 500;

/// The services a municipality uses.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"services": ["kikora", "glupus", "sykkeldyktig", "no-such-service"]}))]
pub struct PortfolioRequest {
    /// Service ids, 1 to 500.
    #[schema(min_items = 1, max_items = 500)]
    pub services: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "services": ["kikora", "glupus"], "unknown": ["no-such-service"],
    "countries": [{"code": "NO", "name": "Norge", "eea": true, "adequacy": "eea", "services": ["kikora", "glupus"]},
                  {"code": "US", "name": "USA", "eea": false, "adequacy": "partial", "services": ["kikora"]}],
    "third_country_transfers": [{"service": "kikora", "by": "salesforce", "country": "US", "role": "processing",
                                 "basis": "establishment", "adequacy": "partial", "transfer_mechanism": "bcr",
                                 "transfer_mechanisms": ["bcr", "privacy_shield", "scc"]}],
    "sub_processors": [{"id": "proisp", "name": "PROISP", "services": ["glupus"]}],
    "high_sensitivity_attributes": [],
    "flags": [{"flag": "third_country_transfer", "label": "Overføring til tredjeland",
        "rule": "Leverandøren eller en underdatabehandler lagrer, behandler, har tilgang til eller gir brukerstøtte på dataene fra et land utenfor EØS.",
        "services": ["kikora"]}],
    "location_not_stated": [],
    "weakest_terms": {"longest_deletion": {"days": 548, "services": ["kikora"]}, "deletion_not_stated": [],
                      "no_breach_deadline": ["glupus"], "shortest_change_notice": {"days": 30, "services": ["glupus"]}},
    "feide": [],
    "not_registered": []
}))]
pub struct PortfolioReport {
    /// The services found, in the order asked for (duplicates removed).
    pub services: Vec<String>,
    /// Ids asked for that the registry does not know.
    pub unknown: Vec<String>,
    pub countries: Vec<CountryExposure>,
    pub third_country_transfers: Vec<Transfer>,
    pub sub_processors: Vec<SubProcessorExposure>,
    pub high_sensitivity_attributes: Vec<SensitiveAttribute>,
    /// Services that do not state where (some of) their data is stored or processed (flag
    /// `location_not_stated`): counted apart, since `countries` and `third_country_transfers`
    /// cannot show what is not stated.
    pub location_not_stated: Vec<String>,
    pub flags: Vec<FlaggedServices>,
    pub weakest_terms: WeakestTerms,
    /// For each service linked to Feide, in the order asked for: what Feide releases to it and
    /// which of it the agreement does not declare.
    pub feide: Vec<crate::feide::crosscheck::FeideSides>,
    /// Services asked for that are known only from Feide's service listing (status
    /// `unregistered`): no agreement facts are registered for them, so every other part of the
    /// report leaves them out rather than read their silence as good news.
    #[serde(default)]
    pub not_registered: Vec<String>,
}

/// A country and the services whose data reaches it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CountryExposure {
    #[schema(example = "US")]
    pub code: String,
    pub name: String,
    pub eea: bool,
    pub adequacy: Adequacy,
    pub services: Vec<String>,
}

/// One flow of data to a country outside the EEA.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Transfer {
    pub service: String,
    /// `vendor`, or the sub-processor's id.
    pub by: String,
    pub country: String,
    pub role: Role,
    /// Whether the agreement states the location or it is the company's registered address.
    pub basis: Basis,
    pub adequacy: Adequacy,
    /// The mechanism the flags judge by (`null` for the vendor's own locations, which state none).
    pub transfer_mechanism: Option<TransferMechanism>,
    /// Every basis the agreement states for it (empty for the vendor's own locations).
    pub transfer_mechanisms: Vec<TransferMechanism>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubProcessorExposure {
    pub id: String,
    pub name: String,
    pub services: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SensitiveAttribute {
    #[schema(example = "norEduPersonNIN")]
    pub name: String,
    pub services: Vec<AttributeReceiver>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttributeReceiver {
    pub service: String,
    pub justification: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FlaggedServices {
    pub flag: Flag,
    /// The flag's name for people, in the language chosen by `Accept-Language`.
    pub label: String,
    /// The rule, in the language chosen by `Accept-Language`.
    pub rule: String,
    pub services: Vec<String>,
}

/// The weakest terms across the portfolio, with the services that have them.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WeakestTerms {
    /// The longest time data is kept after the agreement ends.
    pub longest_deletion: Option<DaysAndServices>,
    /// Services whose agreement states no deletion deadline.
    pub deletion_not_stated: Vec<String>,
    /// Services with no fixed breach-notice deadline.
    pub no_breach_deadline: Vec<String>,
    /// The shortest notice of a sub-processor change, among agreements that change on notice.
    pub shortest_change_notice: Option<DaysAndServices>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DaysAndServices {
    pub days: i32,
    pub services: Vec<String>,
}

/// Splits the requested ids into known records (first occurrence, in order) and unknown ids.
pub fn resolve<'a>(
    snapshot: &'a Snapshot,
    ids: &[String],
) -> (Vec<&'a ServiceRecord>, Vec<String>) {
    let mut found: Vec<&ServiceRecord> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for id in ids {
        match snapshot.service(id) {
            Some(r) if !found.iter().any(|f| f.service.id == r.service.id) => found.push(r),
            Some(_) => {}
            None if !unknown.contains(id) => unknown.push(id.clone()),
            None => {}
        }
    }
    (found, unknown)
}

pub fn report(
    snapshot: &Snapshot,
    services: &[&ServiceRecord],
    unknown: Vec<String>,
    lang: Lang,
) -> PortfolioReport {
    let reference = &snapshot.reference;
    let all = services;
    let not_registered: Vec<String> = all
        .iter()
        .filter(|r| r.service.status == Status::Unregistered)
        .map(|r| r.service.id.to_string())
        .collect();
    let registered: Vec<&ServiceRecord> = all
        .iter()
        .copied()
        .filter(|r| r.service.status != Status::Unregistered)
        .collect();
    let services = registered.as_slice();
    let ids = |rs: &mut Vec<String>, id: &str| {
        if !rs.iter().any(|x| x == id) {
            rs.push(id.to_owned());
        }
    };

    let mut by_country: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut transfers = Vec::new();
    let mut by_sub: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut sensitive: BTreeMap<usize, SensitiveAttribute> = BTreeMap::new();
    for r in services {
        let s = &r.service;
        for c in super::derive::all_countries(s) {
            ids(by_country.entry(c).or_default(), &s.id);
        }
        for l in &s.locations {
            if reference.is_third_country(&l.country) {
                transfers.push(Transfer {
                    service: s.id.to_string(),
                    by: "vendor".into(),
                    country: l.country.to_string(),
                    role: l.role,
                    basis: l.basis,
                    adequacy: reference
                        .country(&l.country)
                        .map_or(Adequacy::None, |c| c.adequacy),
                    transfer_mechanism: None,
                    transfer_mechanisms: Vec::new(),
                });
            }
        }
        for u in &s.sub_processors {
            ids(by_sub.entry(u.id.as_str()).or_default(), &s.id);
            for l in u
                .locations
                .iter()
                .filter(|l| reference.is_third_country(&l.country))
            {
                transfers.push(Transfer {
                    service: s.id.to_string(),
                    by: u.id.to_string(),
                    country: l.country.to_string(),
                    role: l.role,
                    basis: l.basis,
                    adequacy: reference
                        .country(&l.country)
                        .map_or(Adequacy::None, |c| c.adequacy),
                    transfer_mechanism: Some(u.transfer_mechanism),
                    transfer_mechanisms: u.mechanisms().to_vec(),
                });
            }
        }
        let high = |a: &Sensitivity| *a == Sensitivity::High;
        if !r.derived.attributes.iter().any(|a| high(&a.sensitivity)) {
            continue;
        }
        for a in resolve_attributes(s, reference) {
            if !high(&a.sensitivity) {
                continue;
            }
            sensitive
                .entry(a.position)
                .or_insert_with(|| SensitiveAttribute {
                    name: a.name.clone(),
                    services: Vec::new(),
                })
                .services
                .push(AttributeReceiver {
                    service: s.id.to_string(),
                    justification: a.justification,
                });
        }
    }

    let mut sub_processors: Vec<SubProcessorExposure> = by_sub
        .into_iter()
        .map(|(id, services)| SubProcessorExposure {
            name: snapshot
                .sub_processor(id)
                .map_or_else(|| id.to_owned(), |p| p.name.clone()),
            id: id.to_owned(),
            services,
        })
        .collect();
    sub_processors.sort_by(|a, b| {
        b.services
            .len()
            .cmp(&a.services.len())
            .then_with(|| a.id.cmp(&b.id))
    });

    let flags = Flag::ALL
        .iter()
        .map(|&flag| FlaggedServices {
            flag,
            label: flag.label(lang).to_owned(),
            rule: flag.rule_in(lang),
            services: services
                .iter()
                .filter(|r| r.derived.flags.contains(&flag))
                .map(|r| r.service.id.to_string())
                .collect(),
        })
        .filter(|f| !f.services.is_empty())
        .collect();

    PortfolioReport {
        feide: services
            .iter()
            .filter_map(|r| crate::feide::crosscheck::FeideSides::of(r, reference))
            .collect(),
        services: all.iter().map(|r| r.service.id.to_string()).collect(),
        not_registered,
        unknown,
        countries: by_country
            .into_iter()
            .map(|(code, services)| {
                let c = reference.country(code);
                CountryExposure {
                    name: c.map_or_else(|| code.to_owned(), |c| c.name.get(lang).to_owned()),
                    eea: c.is_some_and(|c| c.eea),
                    adequacy: c.map_or(Adequacy::None, |c| c.adequacy),
                    code: code.to_owned(),
                    services,
                }
            })
            .collect(),
        third_country_transfers: transfers,
        sub_processors,
        high_sensitivity_attributes: sensitive.into_values().collect(),
        location_not_stated: services
            .iter()
            .filter(|r| r.derived.flags.contains(&Flag::LocationNotStated))
            .map(|r| r.service.id.to_string())
            .collect(),
        flags,
        weakest_terms: weakest_terms(services),
    }
}

fn extreme(
    services: &[&ServiceRecord],
    value: impl Fn(&ServiceRecord) -> Option<i32>,
    longest: bool,
) -> Option<DaysAndServices> {
    let days = services.iter().filter_map(|r| value(r)).reduce(|a, b| {
        if longest {
            a.max(b)
        } else {
            a.min(b)
        }
    })?;
    Some(DaysAndServices {
        days,
        services: services
            .iter()
            .filter(|r| value(r) == Some(days))
            .map(|r| r.service.id.to_string())
            .collect(),
    })
}

fn weakest_terms(services: &[&ServiceRecord]) -> WeakestTerms {
    use super::catalogue::SubProcessorChange;
    let notice = |r: &ServiceRecord| {
        let t = &r.service.terms;
        if t.sub_processor_change == Some(SubProcessorChange::Notice) {
            t.sub_processor_notice_days
        } else {
            None
        }
    };
    WeakestTerms {
        longest_deletion: extreme(services, |r| r.service.terms.deletion_days_after_end, true),
        deletion_not_stated: services
            .iter()
            .filter(|r| r.service.terms.deletion_days_after_end.is_none())
            .map(|r| r.service.id.to_string())
            .collect(),
        no_breach_deadline: services
            .iter()
            .filter(|r| r.service.terms.breach_notice_hours.is_none())
            .map(|r| r.service.id.to_string())
            .collect(),
        shortest_change_notice: extreme(services, notice, false),
    }
}

impl PortfolioReport {
    /// The report as spreadsheet rows: `section, key, detail, services`.
    pub fn csv_rows(&self) -> Vec<Vec<String>> {
        let mut rows: Vec<Vec<String>> = vec![vec![
            "section".into(),
            "key".into(),
            "detail".into(),
            "services".into(),
        ]];
        let mut push = |section: &str, key: &str, detail: String, services: String| {
            rows.push(vec![section.into(), key.into(), detail, services]);
        };
        for c in &self.countries {
            push(
                "country",
                &c.code,
                format!(
                    "{} (eea: {}, adequacy: {})",
                    c.name,
                    c.eea,
                    c.adequacy.as_str()
                ),
                c.services.join(";"),
            );
        }
        for t in &self.third_country_transfers {
            let mechanism = if t.transfer_mechanisms.is_empty() {
                "vendor's own location".to_owned()
            } else {
                let all: Vec<&str> = t.transfer_mechanisms.iter().map(|m| m.as_str()).collect();
                all.join(", ")
            };
            push(
                "third_country_transfer",
                &t.country,
                // a stated location is the rule; only an inferred one is marked
                match t.basis {
                    Basis::Stated => format!("{} ({mechanism})", t.by),
                    Basis::Establishment => format!("{} ({mechanism}; establishment)", t.by),
                },
                t.service.clone(),
            );
        }
        for p in &self.sub_processors {
            push("sub_processor", &p.id, p.name.clone(), p.services.join(";"));
        }
        for a in &self.high_sensitivity_attributes {
            push(
                "high_sensitivity_attribute",
                &a.name,
                String::new(),
                a.services
                    .iter()
                    .map(|s| s.service.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
            );
        }
        push(
            "location_not_stated",
            "",
            Flag::LocationNotStated.rule(),
            self.location_not_stated.join(";"),
        );
        for f in &self.flags {
            push(
                "flag",
                f.flag.as_str(),
                f.rule.clone(),
                f.services.join(";"),
            );
        }
        let w = &self.weakest_terms;
        if let Some(d) = &w.longest_deletion {
            push(
                "weakest_term",
                "longest_deletion",
                format!("{} days", d.days),
                d.services.join(";"),
            );
        }
        push(
            "weakest_term",
            "deletion_not_stated",
            String::new(),
            w.deletion_not_stated.join(";"),
        );
        push(
            "weakest_term",
            "no_breach_deadline",
            String::new(),
            w.no_breach_deadline.join(";"),
        );
        if let Some(d) = &w.shortest_change_notice {
            push(
                "weakest_term",
                "shortest_change_notice",
                format!("{} days", d.days),
                d.services.join(";"),
            );
        }
        for id in &self.unknown {
            push("unknown_service", id, String::new(), String::new());
        }
        for id in &self.not_registered {
            push("not_registered", id, String::new(), String::new());
        }
        rows
    }
}
