//! Side-by-side comparison of services: one matrix a dashboard can render as is. Every row has one
//! cell per compared service, in the order asked for; `null` where that service has nothing.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::{Basis, Role, Status, TransferMechanism, UseLocation};
use super::derive::{resolve_attributes, ResolvedAttribute};
use super::flags::Flag;
use super::reference::{Adequacy, Lang, Sensitivity};
use super::terms::StatedTerm;
use crate::catalogue::{ServiceRecord, Snapshot};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "services": [
        {"id": "kikora", "name": "Kikora", "vendor_id": "eldur-learning", "vendor_name": "Eldur Learning AS", "agreement_facts": true, "feide": null},
        {"id": "sykkeldyktig", "name": "Sykkeldyktig.no", "vendor_id": "trygg-trafikk", "vendor_name": "Trygg Trafikk", "agreement_facts": true, "feide": null}
    ],
    "attributes": [{"name": "mail", "sensitivity": "medium", "category": "contact", "received_by": 1, "differs": true,
        "cells": [null, {"justification": "Brukes for å kunne sende informasjon om kurset til lærer.", "declared": true, "via_scopes": []}]}],
    "countries": [{"code": "US", "name": "USA", "eea": false, "adequacy": "partial",
        "cells": [{"roles": ["processing"], "by": ["sentry", "salesforce"], "bases": ["establishment"]}, null]}],
    "sub_processors": [{"id": "microsoft-azure", "name": "Microsoft Azure", "cells": [
        {"purpose": "Co-Hoste, drift, oppdatere og feilrette hardware og OS på Kikoras servere", "locations": [{"country": "IE", "role": "storage", "basis": "establishment", "evidence": null}], "transfer_mechanism": "eea"},
        {"purpose": "Hosting av tjenesten", "locations": [{"country": "NL", "role": "storage", "basis": "stated", "evidence": "Data lagres i Nederland."}], "transfer_mechanism": "eea"}]}],
    "terms": [{"term": "breach_notice_hours", "values": [24, null], "stated": [null, null]}],
    "flags": [{"flag": "no_breach_deadline", "label": "No breach notice deadline", "rule": "The agreement sets no fixed number of hours for breach notice.", "cells": [false, true]}]
}))]
pub struct Comparison {
    pub services: Vec<ComparedService>,
    /// Every attribute any compared service receives, in catalogue order.
    pub attributes: Vec<AttributeRow>,
    /// Every country any compared service's data reaches.
    pub countries: Vec<CountryRow>,
    pub sub_processors: Vec<SubProcessorRow>,
    /// Every contract term, in the order of the `Terms` schema.
    pub terms: Vec<TermRow>,
    /// Every derived flag, with its rule.
    pub flags: Vec<FlagRow>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ComparedService {
    #[schema(example = "kikora")]
    pub id: String,
    pub name: String,
    pub vendor_id: String,
    pub vendor_name: String,
    /// False for a service known only from Feide (status `unregistered`): no agreement facts
    /// are registered, so its cells say nothing about an agreement.
    pub agreement_facts: bool,
    /// What Feide releases to the service and which of it the agreement does not declare;
    /// null for a service linked to no Feide id.
    pub feide: Option<crate::feide::crosscheck::FeideSides>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttributeRow {
    #[schema(example = "mail")]
    pub name: String,
    pub sensitivity: Sensitivity,
    pub category: String,
    /// How many of the compared services receive it.
    pub received_by: usize,
    /// True when some, but not all, compared services receive it: a data-minimisation difference.
    pub differs: bool,
    pub cells: Vec<Option<AttributeCell>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttributeCell {
    pub justification: Option<String>,
    pub declared: bool,
    pub via_scopes: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CountryRow {
    #[schema(example = "US")]
    pub code: String,
    /// In the language chosen by `Accept-Language`.
    pub name: String,
    pub eea: bool,
    pub adequacy: Adequacy,
    pub cells: Vec<Option<CountryCell>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CountryCell {
    /// What happens to the data there.
    pub roles: Vec<Role>,
    /// `vendor` and/or the ids of the sub-processors there.
    pub by: Vec<String>,
    /// The bases of those locations: `stated`, and/or `establishment` for a company's
    /// registered address.
    pub bases: Vec<Basis>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubProcessorRow {
    #[schema(example = "microsoft-azure")]
    pub id: String,
    pub name: String,
    pub cells: Vec<Option<SubProcessorCell>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubProcessorCell {
    pub purpose: Option<String>,
    pub locations: Vec<UseLocation>,
    pub transfer_mechanism: TransferMechanism,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TermRow {
    #[schema(example = "breach_notice_hours")]
    pub term: String,
    /// The term's value per service (`null`: the agreement does not state it).
    pub values: Vec<serde_json::Value>,
    /// Per service, the term as the agreement states it (quantity, unit, bound), when recorded.
    pub stated: Vec<Option<StatedTerm>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FlagRow {
    pub flag: Flag,
    /// The flag's name for people, in the language chosen by `Accept-Language`.
    #[schema(example = "Ingen frist for varsling av avvik")]
    pub label: String,
    /// The rule, in the language chosen by `Accept-Language`.
    pub rule: String,
    pub cells: Vec<bool>,
}

pub const MIN_SERVICES: usize = 2;
pub const MAX_SERVICES: usize = 20;

/// Compares `services` (already checked to exist, distinct, in the caller's order).
pub fn compare(snapshot: &Snapshot, services: &[&ServiceRecord], lang: Lang) -> Comparison {
    let reference = &snapshot.reference;
    let resolved: Vec<Vec<ResolvedAttribute>> = services
        .iter()
        .map(|r| resolve_attributes(&r.service, reference))
        .collect();
    let attributes = reference
        .attributes
        .iter()
        .filter_map(|attr| {
            let cells: Vec<Option<AttributeCell>> = resolved
                .iter()
                .map(|attributes| {
                    attributes
                        .iter()
                        .find(|a| a.name == attr.name)
                        .map(|a| AttributeCell {
                            justification: a.justification.as_deref().map(str::to_owned),
                            declared: a.declared,
                            via_scopes: a.via_scopes.clone(),
                        })
                })
                .collect();
            let received_by = cells.iter().filter(|c| c.is_some()).count();
            (received_by > 0).then(|| AttributeRow {
                name: attr.name.clone(),
                sensitivity: attr.sensitivity,
                category: attr.category.clone(),
                received_by,
                differs: received_by < services.len(),
                cells,
            })
        })
        .collect();

    let mut codes: Vec<String> = services
        .iter()
        .flat_map(|r| super::derive::all_countries(&r.service))
        .map(str::to_owned)
        .collect();
    codes.sort();
    codes.dedup();
    let countries = codes
        .into_iter()
        .map(|code| {
            let country = reference.country(&code);
            CountryRow {
                name: country.map_or_else(|| code.clone(), |c| c.name.get(lang).to_owned()),
                eea: country.is_some_and(|c| c.eea),
                adequacy: country.map_or(Adequacy::None, |c| c.adequacy),
                cells: services.iter().map(|r| country_cell(r, &code)).collect(),
                code,
            }
        })
        .collect();

    let mut sub_ids: Vec<&str> = services
        .iter()
        .flat_map(|r| r.service.sub_processors.iter().map(|u| u.id.as_str()))
        .collect();
    sub_ids.sort_unstable();
    sub_ids.dedup();
    let sub_processors = sub_ids
        .into_iter()
        .map(|id| SubProcessorRow {
            id: id.to_owned(),
            name: snapshot
                .sub_processor(id)
                .map_or_else(|| id.to_owned(), |p| p.name.clone()),
            cells: services
                .iter()
                .map(|r| {
                    r.service
                        .sub_processors
                        .iter()
                        .find(|u| u.id == id)
                        .map(|u| SubProcessorCell {
                            purpose: u.purpose.as_deref().map(str::to_owned),
                            locations: u.locations.to_vec(),
                            transfer_mechanism: u.transfer_mechanism,
                        })
                })
                .collect(),
        })
        .collect();

    let term_values: Vec<serde_json::Map<String, serde_json::Value>> = services
        .iter()
        .map(|r| match serde_json::to_value(&r.service.terms) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        })
        .collect();
    let terms = term_values
        .first()
        .map(|m| {
            m.keys()
                // the words and the statements are shown beside each value; conflicting clauses
                // raise the flag `contradictory_terms`, in the flag rows
                .filter(|k| !matches!(k.as_str(), "evidence" | "stated" | "conflicts"))
                .cloned()
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .map(|term| TermRow {
            stated: services
                .iter()
                .map(|r| r.service.terms.stated.get(&term).cloned())
                .collect(),
            values: term_values
                .iter()
                .map(|m| m.get(&term).cloned().unwrap_or(serde_json::Value::Null))
                .collect(),
            term,
        })
        .collect();

    let flags = Flag::ALL
        .iter()
        .map(|&flag| FlagRow {
            flag,
            label: flag.label(lang).to_owned(),
            rule: flag.rule_in(lang),
            cells: services
                .iter()
                .map(|r| r.derived.flags.contains(&flag))
                .collect(),
        })
        .collect();

    Comparison {
        services: services
            .iter()
            .map(|r| ComparedService {
                id: r.service.id.to_string(),
                name: r.service.name.clone(),
                vendor_id: r.service.vendor.to_string(),
                vendor_name: snapshot
                    .vendor(&r.service.vendor)
                    .map(|v| v.vendor.name.clone())
                    .unwrap_or_default(),
                agreement_facts: r.service.status != Status::Unregistered,
                feide: crate::feide::crosscheck::FeideSides::of(r, &snapshot.reference),
            })
            .collect(),
        attributes,
        countries,
        sub_processors,
        terms,
        flags,
    }
}

fn country_cell(r: &ServiceRecord, code: &str) -> Option<CountryCell> {
    let mut roles = Vec::new();
    let mut by = Vec::new();
    let mut bases = Vec::new();
    for l in r.service.locations.iter().filter(|l| l.country == code) {
        roles.push(l.role);
        bases.push(l.basis);
        if !by.iter().any(|b| b == "vendor") {
            by.push("vendor".to_owned());
        }
    }
    for u in &r.service.sub_processors {
        for l in u.locations.iter().filter(|l| l.country == code) {
            roles.push(l.role);
            bases.push(l.basis);
            if !by.iter().any(|b| u.id == *b) {
                by.push(u.id.to_string());
            }
        }
    }
    roles.sort_by_key(|r| *r as u8);
    roles.dedup();
    bases.sort();
    bases.dedup();
    (!by.is_empty()).then_some(CountryCell { roles, by, bases })
}

impl Comparison {
    /// The matrix as spreadsheet rows: `section, key, <one column per service>`.
    pub fn csv_rows(&self) -> Vec<Vec<String>> {
        let mut rows = vec![["section".to_owned(), "key".to_owned()]
            .into_iter()
            .chain(self.services.iter().map(|s| s.id.clone()))
            .collect::<Vec<_>>()];
        let mut push = |section: &str, key: &str, cells: Vec<String>| {
            rows.push(
                [section.to_owned(), key.to_owned()]
                    .into_iter()
                    .chain(cells)
                    .collect(),
            );
        };
        for a in &self.attributes {
            let cells = a
                .cells
                .iter()
                .map(|c| match c {
                    None => String::new(),
                    Some(c) => c
                        .justification
                        .clone()
                        .unwrap_or_else(|| "(no justification)".into()),
                })
                .collect();
            push("attribute", &a.name, cells);
        }
        for c in &self.countries {
            let cells = c
                .cells
                .iter()
                .map(|cell| {
                    cell.as_ref()
                        .map(|x| {
                            // a stated location is the rule; only an inferred one is marked
                            if x.bases.contains(&Basis::Establishment) {
                                let bases: Vec<_> = x.bases.iter().map(|b| b.as_str()).collect();
                                format!("{} ({})", x.by.join(";"), bases.join(";"))
                            } else {
                                x.by.join(";")
                            }
                        })
                        .unwrap_or_default()
                })
                .collect();
            push("country", &c.code, cells);
        }
        for p in &self.sub_processors {
            let cells = p
                .cells
                .iter()
                .map(|cell| {
                    cell.as_ref()
                        .map(|u| u.transfer_mechanism.as_str().to_owned())
                        .unwrap_or_default()
                })
                .collect();
            push("sub_processor", &p.id, cells);
        }
        for t in &self.terms {
            let cells = t
                .values
                .iter()
                .map(|v| match v {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            push("term", &t.term, cells);
            if t.stated.iter().any(Option::is_some) {
                let cells = t
                    .stated
                    .iter()
                    .map(|s| s.as_ref().map(StatedTerm::describe).unwrap_or_default())
                    .collect();
                push("term_stated", &t.term, cells);
            }
        }
        for f in &self.flags {
            push(
                "flag",
                f.flag.as_str(),
                f.cells
                    .iter()
                    .map(|on| if *on { "yes".into() } else { String::new() })
                    .collect(),
            );
        }
        rows
    }
}
