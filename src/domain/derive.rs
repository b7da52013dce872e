//! Facts derived from a service's entries, never typed in: the attributes it really receives
//! (declared ones plus those its OIDC scopes release) and the countries its data reaches.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::{Basis, Role, Service};
use super::reference::{Reference, Sensitivity};

/// One Feide attribute a service receives, with its justification and scopes: built when an
/// answer shows them, from the service and the reference catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedAttribute {
    /// Its place in `Reference::attributes`.
    pub position: usize,
    pub name: String,
    pub justification: Option<String>,
    pub sensitivity: Sensitivity,
    pub category: String,
    /// True when the service names the attribute itself.
    pub declared: bool,
    /// The OIDC scopes through which it arrives.
    pub via_scopes: Vec<String>,
}

/// One Feide attribute a service receives, as kept with its record for filters and counts: its
/// place in the reference catalogue and its sensitivity: a few bytes, where a
/// `ResolvedAttribute` copies names and justification (built only when an answer shows them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    pub position: u16,
    pub sensitivity: Sensitivity,
}

impl Received {
    pub fn of(a: &ResolvedAttribute) -> Self {
        Self {
            position: u16::try_from(a.position).expect("fewer than 65,536 Feide attributes"),
            sensitivity: a.sensitivity,
        }
    }
    pub fn name<'a>(&self, reference: &'a Reference) -> &'a str {
        &reference.attributes[usize::from(self.position)].name
    }
}

/// Declared attributes first, in the agreement's order, then those released by each declared
/// scope. A scope's justification covers the attributes it releases, since Feide asks services to
/// justify scopes, not single attributes. Unknown names are skipped: validation rejects them
/// before they are stored.
pub fn resolve_attributes(service: &Service, reference: &Reference) -> Vec<ResolvedAttribute> {
    let mut out: Vec<ResolvedAttribute> = Vec::new();
    for request in &service.attributes {
        if let Some((position, attr)) = reference.attribute_at(&request.name) {
            out.push(ResolvedAttribute {
                position,
                name: attr.name.clone(),
                justification: request.justification.clone(),
                sensitivity: attr.sensitivity,
                category: attr.category.clone(),
                declared: true,
                via_scopes: Vec::new(),
            });
        }
    }
    for request in &service.oidc_scopes {
        let Some(scope) = reference.scope(&request.scope) else {
            continue;
        };
        for name in &scope.attributes {
            if let Some(existing) = out.iter_mut().find(|a| &a.name == name) {
                existing.via_scopes.push(scope.scope.clone());
                if existing.justification.is_none() {
                    existing.justification = request.justification.clone();
                }
                continue;
            }
            if let Some((position, attr)) = reference.attribute_at(name) {
                out.push(ResolvedAttribute {
                    position,
                    name: attr.name.clone(),
                    justification: request.justification.clone(),
                    sensitivity: attr.sensitivity,
                    category: attr.category.clone(),
                    declared: false,
                    via_scopes: vec![scope.scope.clone()],
                });
            }
        }
    }
    out
}

/// Countries where the service's data is stored or processed, by the vendor or any
/// sub-processor. Access and support locations are not storage, so they are left out here (they
/// still count as third-country transfers).
pub fn storage_countries(service: &Service) -> Vec<String> {
    let keep = |role: Role| matches!(role, Role::Storage | Role::Processing);
    let own = service
        .locations
        .iter()
        .filter(|l| keep(l.role))
        .map(|l| l.country.to_string());
    let subs = service
        .sub_processors
        .iter()
        .flat_map(|u| u.locations.iter())
        .filter(|l| keep(l.role))
        .map(|l| l.country.to_string());
    own.chain(subs)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Every country outside the EEA the data reaches in any role: remote access and support from a
/// third country is a transfer under GDPR chapter V just as storage is.
pub fn third_countries(service: &Service, reference: &Reference) -> Vec<String> {
    all_countries(service)
        .into_iter()
        .filter(|c| reference.is_third_country(c))
        .map(str::to_owned)
        .collect()
}

/// A country outside the EEA the data reaches, and on what basis: `stated` when any location
/// there is stated, `establishment` when it is reached only through a company's registered
/// address (access from there is the transfer risk, so the country is kept, marked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CountryBasis {
    #[schema(example = "US")]
    pub country: String,
    pub basis: Basis,
}

/// `third_countries` with the basis of each, in the same order.
pub fn third_country_bases(service: &Service, reference: &Reference) -> Vec<CountryBasis> {
    let own = service
        .locations
        .iter()
        .map(|l| (l.country.as_str(), l.basis));
    let subs = service
        .sub_processors
        .iter()
        .flat_map(|u| u.locations.iter())
        .map(|l| (l.country.as_str(), l.basis));
    let mut strongest: std::collections::BTreeMap<&str, Basis> = Default::default();
    for (country, basis) in own.chain(subs) {
        if reference.is_third_country(country) {
            let held = strongest.entry(country).or_insert(basis);
            *held = (*held).min(basis);
        }
    }
    strongest
        .into_iter()
        .map(|(country, basis)| CountryBasis {
            country: country.to_owned(),
            basis,
        })
        .collect()
}

/// Every country the data reaches, in any role, borrowed from the entry: filters and reports
/// call this for every service they look at, so it copies nothing.
pub fn all_countries(service: &Service) -> BTreeSet<&str> {
    countries_reached(service).collect()
}

/// True when the data reaches `country` in any role.
pub fn reaches(service: &Service, country: &str) -> bool {
    countries_reached(service).any(|c| c == country)
}

/// The countries of every location, the vendor's and its sub-processors', repeats included.
fn countries_reached(service: &Service) -> impl Iterator<Item = &str> {
    let own = service.locations.iter().map(|l| l.country.as_str());
    let subs = service
        .sub_processors
        .iter()
        .flat_map(|u| u.locations.iter())
        .map(|l| l.country.as_str());
    own.chain(subs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::*;
    use crate::domain::reference::{Adequacy, Attribute, Country, Scope, Texts};

    fn texts(s: &str) -> Texts {
        Texts {
            nb: s.into(),
            nn: s.into(),
            en: s.into(),
        }
    }

    fn reference() -> Reference {
        let attr = |name: &str| Attribute {
            name: name.into(),
            oid: None,
            category: "name".into(),
            sensitivity: Sensitivity::Low,
            multi_valued: false,
            oidc_scopes: vec!["userinfo-name".into()],
            description: texts(name),
            source: None,
            sensitivity_note: None,
        };
        let country = |code: &str, eea: bool| Country {
            code: code.into(),
            name: texts(code),
            eea,
            eu: eea,
            adequacy: if eea { Adequacy::Eea } else { Adequacy::None },
            adequacy_decision: None,
            adequacy_note: None,
        };
        Reference {
            attributes: vec![attr("cn"), attr("givenName"), attr("sn")],
            scopes: vec![Scope {
                scope: "userinfo-name".into(),
                justification_required: false,
                attributes: vec!["cn".into(), "givenName".into(), "sn".into()],
                description: texts("name"),
            }],
            countries: vec![
                country("DE", true),
                country("NO", true),
                country("US", false),
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
            attributes: vec![],
            oidc_scopes: vec![],
            locations: vec![],
            sub_processors: vec![],
            terms: Terms::default(),
            sources: vec![],
            feide_ids: vec![],
            statements: Default::default(),
            notes: vec![],
        }
    }

    #[test]
    fn a_scope_resolves_to_the_attributes_it_releases_carrying_its_justification() {
        let mut s = service();
        s.attributes.push(AttributeRequest {
            name: "sn".into(),
            justification: Some("sorting".into()),
        });
        s.oidc_scopes.push(ScopeRequest {
            scope: "userinfo-name".into(),
            justification: Some("show names".into()),
        });
        let got = resolve_attributes(&s, &reference());
        let summary: Vec<(&str, Option<&str>, bool, Vec<&str>)> = got
            .iter()
            .map(|a| {
                (
                    a.name.as_str(),
                    a.justification.as_deref(),
                    a.declared,
                    a.via_scopes.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("sn", Some("sorting"), true, vec!["userinfo-name"]),
                ("cn", Some("show names"), false, vec!["userinfo-name"]),
                (
                    "givenName",
                    Some("show names"),
                    false,
                    vec!["userinfo-name"]
                ),
            ]
        );
    }

    #[test]
    fn storage_countries_leave_out_access_and_third_countries_include_it() {
        let mut s = service();
        s.locations = vec![Location {
            country: "NO".into(),
            role: Role::Storage,
            facility: None,
            basis: Basis::Stated,
            evidence: None,
        }];
        s.sub_processors.push(SubProcessorUse {
            id: "p".into(),
            purpose: None,
            locations: vec![
                UseLocation {
                    country: "DE".into(),
                    role: Role::Processing,
                    basis: Basis::Stated,
                    evidence: None,
                },
                UseLocation {
                    country: "US".into(),
                    role: Role::Support,
                    basis: Basis::Stated,
                    evidence: None,
                },
            ],
            transfer_mechanism: TransferMechanism::Scc,
            transfer_mechanisms: vec![],
            transfer_evidence: None,
        });
        assert_eq!(storage_countries(&s), vec!["DE", "NO"]);
        assert_eq!(third_countries(&s, &reference()), vec!["US"]);
    }

    #[test]
    fn a_third_country_reached_only_through_an_establishment_is_kept_and_marked() {
        let mut s = service();
        let at = |country: &str, basis| UseLocation {
            country: country.into(),
            role: Role::Processing,
            basis,
            evidence: None,
        };
        let using = |id: &str, locations| SubProcessorUse {
            id: id.into(),
            purpose: None,
            locations,
            transfer_mechanism: TransferMechanism::NoneStated,
            transfer_mechanisms: vec![],
            transfer_evidence: None,
        };
        s.sub_processors = vec![
            using("a", vec![at("US", Basis::Establishment)]),
            using("b", vec![at("DE", Basis::Establishment)]),
        ];
        let bases = |s: &Service| third_country_bases(s, &reference());
        assert_eq!(third_countries(&s, &reference()), vec!["US"]);
        assert_eq!(
            bases(&s),
            vec![CountryBasis {
                country: "US".into(),
                basis: Basis::Establishment
            }]
        );
        // a stated location in the same country makes the country stated
        s.sub_processors
            .push(using("c", vec![at("US", Basis::Stated)]));
        assert_eq!(bases(&s)[0].basis, Basis::Stated);
    }
}
