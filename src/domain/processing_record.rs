//! What a municipality's saved portfolio says for its own work: reviews coming due, and a draft of
//! its record of processing activities (GDPR art. 30(1)) as the controller, per service. Every
//! fact is read from the agreement as the catalogue holds it and named with its source; where the
//! agreement is silent the field is null and listed in `not_stated`, never filled in.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::{Basis, BreachNotice, DataSubject, Role, Source, TransferMechanism};
use super::municipalities::{LocalStatus, PortfolioEntry};
use super::portfolio::Transfer;
use super::terms::StatedTerm;
use crate::catalogue::{ServiceRecord, Snapshot};

/// A review is "due" this many days ahead, so that it can be planned.
pub const REVIEW_HORIZON_DAYS: i64 = 30;

/// A portfolio entry whose review is due within `REVIEW_HORIZON_DAYS` or past.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReviewDue {
    pub service: String,
    pub next_review_due: NaiveDate,
    /// The date has passed.
    pub overdue: bool,
}

/// The entries whose review falls on or before `today + REVIEW_HORIZON_DAYS`, soonest first.
pub fn reviews_due<'a>(
    entries: impl IntoIterator<Item = &'a PortfolioEntry>,
    today: NaiveDate,
) -> Vec<ReviewDue> {
    let horizon = today + chrono::Duration::days(REVIEW_HORIZON_DAYS);
    let mut due: Vec<ReviewDue> = entries
        .into_iter()
        .filter_map(|e| {
            let when = e.next_review_due.filter(|d| *d <= horizon)?;
            Some(ReviewDue {
                service: e.service.clone(),
                next_review_due: when,
                overdue: when < today,
            })
        })
        .collect();
    due.sort_by(|a, b| (a.next_review_due, &a.service).cmp(&(b.next_review_due, &b.service)));
    due
}

/// Who receives the data: the vendor (the processor) or one of its sub-processors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Recipient {
    /// `processor` (the vendor) or `sub_processor`.
    #[schema(example = "sub_processor")]
    pub kind: String,
    #[schema(example = "sentry")]
    pub id: String,
    pub name: String,
    /// What the agreement says it does (null when it says nothing).
    pub purpose: Option<String>,
    pub locations: Vec<RecipientLocation>,
    /// The stated transfer mechanism (null for the vendor, whose locations state none).
    pub transfer_mechanism: Option<TransferMechanism>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RecipientLocation {
    #[schema(example = "US")]
    pub country: String,
    pub role: Role,
    /// `stated` by the agreement, or the company's `establishment` only.
    pub basis: Basis,
    /// The agreement's words for this location.
    pub evidence: Option<String>,
}

/// A time limit for erasure (art. 30(1)(f)) as the agreement states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErasureLimit {
    /// The term's name in the service profile's `terms`.
    #[schema(example = "deletion_days_after_end")]
    pub term: String,
    /// The limit in days (null: not stated).
    pub days: Option<i32>,
    /// The quantity and unit as the agreement states them, when recorded.
    pub stated: Option<StatedTerm>,
    /// The agreement's own words.
    pub evidence: Option<String>,
}

/// The security measures the agreement states (art. 30(1)(g), art. 32).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SecurityMeasures {
    pub security_level: Option<String>,
    /// How often the processor's security is audited.
    pub security_audit_months: Option<i32>,
    pub breach_notice: Option<BreachNotice>,
    pub breach_notice_hours: Option<i32>,
    /// The agreement's words for these terms, by term name.
    pub evidence: BTreeMap<String, String>,
}

/// One service's entry in the record of processing activities.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordEntry {
    #[schema(example = "kikora")]
    pub service: String,
    pub service_name: String,
    pub local_status: LocalStatus,
    /// Art. 30(1)(b); null when the agreement states none.
    pub purposes: Option<Vec<String>>,
    /// Art. 30(1)(c).
    pub data_subjects: Option<Vec<DataSubject>>,
    /// Art. 30(1)(c): categories beyond Feide attributes.
    pub personal_data: Option<Vec<String>>,
    /// Feide attributes the service receives.
    pub feide_attributes: Vec<String>,
    /// Art. 30(1)(d): the vendor and each sub-processor.
    pub recipients: Vec<Recipient>,
    /// Art. 30(1)(e): every flow outside the EEA, with its mechanism.
    pub third_country_transfers: Vec<Transfer>,
    /// Art. 30(1)(f).
    pub erasure: Vec<ErasureLimit>,
    /// Art. 30(1)(g); null when the agreement states none of them.
    pub security: Option<SecurityMeasures>,
    /// The documents these facts come from.
    pub sources: Vec<Source>,
    /// The document the municipality signed (its portfolio entry), when recorded.
    pub signed: Option<super::municipalities::SignedSource>,
    /// Every field above the agreement is silent on (JSON pointers within this entry).
    pub not_stated: Vec<String>,
}

/// The record of processing activities of a municipality: one entry per service in use or
/// approved, the local statuses under which a service processes the municipality's data.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProcessingRecord {
    #[schema(example = "bergen")]
    pub municipality: String,
    pub controller: String,
    #[schema(example = "964338531")]
    pub controller_org_number: String,
    pub services: Vec<RecordEntry>,
}

/// The terms that limit how long data is kept.
const ERASURE_TERMS: [&str; 5] = [
    "deletion_days_after_end",
    "backup_deletion_days",
    "inactivity_deletion_days",
    "log_retention_days",
    "return_request_days",
];

const SECURITY_TERMS: [&str; 4] = [
    "security_level",
    "security_audit_months",
    "breach_notice",
    "breach_notice_hours",
];

/// The record of `controller` over the services of `entries` (each one the controller processes
/// data with), in `lang`.
pub fn record(
    snap: &Snapshot,
    controller: Controller,
    entries: &[&PortfolioEntry],
    lang: crate::domain::reference::Lang,
) -> ProcessingRecord {
    let ids: Vec<String> = entries.iter().map(|e| e.service.clone()).collect();
    let (found, unknown) = super::portfolio::resolve(snap, &ids);
    let transfers = super::portfolio::report(snap, &found, unknown, lang).third_country_transfers;
    ProcessingRecord {
        municipality: controller.municipality,
        controller: controller.name,
        controller_org_number: controller.org_number,
        services: entries
            .iter()
            .filter_map(|e| {
                let r = snap.service(&e.service)?;
                Some(record_entry(snap, r, e, &transfers))
            })
            .collect(),
    }
}

/// Who keeps the record: the municipality's id, name and organisation number (empty where a
/// record is drafted for no municipality in particular).
pub struct Controller {
    pub municipality: String,
    pub name: String,
    pub org_number: String,
}

/// One service's record entry, from its profile and the municipality's entry; `transfers` are
/// the portfolio report's flows outside the EEA (one rule for what a transfer is).
pub fn record_entry(
    snap: &Snapshot,
    record: &ServiceRecord,
    entry: &PortfolioEntry,
    transfers: &[Transfer],
) -> RecordEntry {
    let s = &record.service;
    let mut not_stated = Vec::new();
    let mut listed = |name: &str, empty: bool| {
        if empty {
            not_stated.push(format!("/{name}"));
        }
        !empty
    };
    let purposes = listed("purposes", s.purposes.is_empty()).then(|| s.purposes.clone());
    let data_subjects =
        listed("data_subjects", s.data_subjects.is_empty()).then(|| s.data_subjects.clone());
    let personal_data =
        listed("personal_data", s.personal_data.is_empty()).then(|| s.personal_data.clone());
    let vendor = snap.vendor(s.vendor.as_str());
    let mut recipients = vec![Recipient {
        kind: "processor".into(),
        id: s.vendor.to_string(),
        name: vendor.map_or_else(|| s.vendor.to_string(), |v| v.vendor.name.clone()),
        purpose: None,
        locations: s
            .locations
            .iter()
            .map(|l| RecipientLocation {
                country: l.country.to_string(),
                role: l.role,
                basis: l.basis,
                evidence: l.evidence.clone(),
            })
            .collect(),
        transfer_mechanism: None,
    }];
    if s.locations.is_empty() {
        not_stated.push("/recipients/0/locations".into());
    }
    for u in &s.sub_processors {
        if u.locations.is_empty() {
            not_stated.push(format!("/recipients/{}/locations", recipients.len()));
        }
        recipients.push(Recipient {
            kind: "sub_processor".into(),
            id: u.id.to_string(),
            name: snap
                .sub_processor(u.id.as_str())
                .map_or_else(|| u.id.to_string(), |p| p.name.clone()),
            purpose: u.purpose.clone(),
            locations: u
                .locations
                .iter()
                .map(|l| RecipientLocation {
                    country: l.country.to_string(),
                    role: l.role,
                    basis: l.basis,
                    evidence: l.evidence.clone(),
                })
                .collect(),
            transfer_mechanism: Some(u.transfer_mechanism),
        });
    }
    let t = &s.terms;
    let erasure: Vec<ErasureLimit> = ERASURE_TERMS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let days = t.day_term(name).flatten();
            let stated = t.stated.get(*name).cloned();
            if days.is_none() && stated.is_none() {
                not_stated.push(format!("/erasure/{i}"));
            }
            ErasureLimit {
                term: (*name).to_owned(),
                days,
                stated,
                evidence: t.evidence.get(*name).cloned(),
            }
        })
        .collect();
    let security = SecurityMeasures {
        security_level: t.security_level.clone(),
        security_audit_months: t.security_audit_months,
        breach_notice: t.breach_notice,
        breach_notice_hours: t.breach_notice_hours,
        evidence: SECURITY_TERMS
            .iter()
            .filter_map(|n| t.evidence.get(*n).map(|e| ((*n).to_owned(), e.clone())))
            .collect(),
    };
    let security = {
        let said = [
            ("security_level", security.security_level.is_some()),
            (
                "security_audit_months",
                security.security_audit_months.is_some(),
            ),
            ("breach_notice", security.breach_notice.is_some()),
            (
                "breach_notice_hours",
                security.breach_notice_hours.is_some(),
            ),
        ];
        for (name, is) in said {
            if !is {
                not_stated.push(format!("/security/{name}"));
            }
        }
        said.iter().any(|(_, is)| *is).then_some(security)
    };
    if s.sources.is_empty() {
        not_stated.push("/sources".into());
    }
    RecordEntry {
        service: s.id.to_string(),
        service_name: s.name.clone(),
        local_status: entry.local_status,
        purposes,
        data_subjects,
        personal_data,
        feide_attributes: record
            .derived
            .attributes
            .iter()
            .map(|a| a.name(&snap.reference).to_owned())
            .collect(),
        recipients,
        third_country_transfers: transfers
            .iter()
            .filter(|x| x.service == s.id.as_str())
            .cloned()
            .collect(),
        erasure,
        security,
        sources: s.sources.clone(),
        signed: entry.source.clone(),
        not_stated,
    }
}

fn join<T: Serialize>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| match serde_json::to_value(i) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(other) => other.to_string(),
            Err(_) => String::new(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Said for a cell where the agreement is silent.
pub const NOT_STATED: &str = "not stated";

impl ProcessingRecord {
    /// One row per service: the header, then the facts, lists joined with `; ` and silence said
    /// as `not stated`.
    pub fn csv_rows(&self) -> Vec<Vec<String>> {
        let header = [
            "service",
            "service_name",
            "local_status",
            "purposes",
            "data_subjects",
            "personal_data",
            "feide_attributes",
            "recipients",
            "third_country_transfers",
            "erasure",
            "security",
            "sources",
            "not_stated",
        ];
        let or_silent = |v: Option<String>| v.unwrap_or_else(|| NOT_STATED.to_owned());
        let mut rows = vec![header.iter().map(|h| (*h).to_owned()).collect()];
        for e in &self.services {
            let recipients = e
                .recipients
                .iter()
                .map(|r| {
                    let places = r
                        .locations
                        .iter()
                        .map(|l| format!("{} {} {}", l.country, join(&[l.role]), join(&[l.basis])))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let places = if places.is_empty() {
                        NOT_STATED.to_owned()
                    } else {
                        places
                    };
                    match r.transfer_mechanism {
                        Some(m) => format!("{} ({places}; {})", r.name, join(&[m])),
                        None => format!("{} ({places})", r.name),
                    }
                })
                .collect::<Vec<_>>()
                .join(" | ");
            let transfers = e
                .third_country_transfers
                .iter()
                .map(|t| {
                    let mechanism = t
                        .transfer_mechanism
                        .map_or_else(|| NOT_STATED.to_owned(), |m| join(&[m]));
                    format!("{} {} {mechanism}", t.by, t.country)
                })
                .collect::<Vec<_>>()
                .join("; ");
            let erasure = e
                .erasure
                .iter()
                .map(|x| match (&x.stated, x.days) {
                    // as the agreement says it, and in days by the one rule
                    (Some(s), Some(d)) => format!("{}: {} ({d} days)", x.term, s.describe()),
                    (Some(s), None) => format!("{}: {}", x.term, s.describe()),
                    (None, Some(d)) => format!("{}: {d} days", x.term),
                    (None, None) => format!("{}: {NOT_STATED}", x.term),
                })
                .collect::<Vec<_>>()
                .join("; ");
            let security = e.security.as_ref().map(|s| {
                [
                    s.security_level.as_ref().map(|l| format!("level {l}")),
                    s.security_audit_months
                        .map(|m| format!("audit every {m} months")),
                    s.breach_notice_hours
                        .map(|h| format!("breach notice {h} h")),
                    s.breach_notice
                        .filter(|n| *n == BreachNotice::WithoutUndueDelay)
                        .map(|_| "breach notice without undue delay".to_owned()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; ")
            });
            let sources = e
                .sources
                .iter()
                .map(|s| match &s.date {
                    Some(d) => format!("{} ({d})", s.title),
                    None => s.title.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ");
            rows.push(vec![
                e.service.clone(),
                e.service_name.clone(),
                join(&[e.local_status]),
                or_silent(e.purposes.as_ref().map(|p| p.join("; "))),
                or_silent(e.data_subjects.as_ref().map(|d| join(d))),
                or_silent(e.personal_data.as_ref().map(|p| p.join("; "))),
                e.feide_attributes.join("; "),
                recipients,
                transfers,
                erasure,
                or_silent(security),
                or_silent((!sources.is_empty()).then_some(sources)),
                e.not_stated.join("; "),
            ]);
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::municipalities::LocalStatus;

    fn entry(service: &str, due: Option<&str>) -> PortfolioEntry {
        PortfolioEntry {
            key: format!("bergen/{service}"),
            municipality: "bergen".into(),
            service: service.into(),
            local_status: LocalStatus::InUse,
            agreement_signed_on: None,
            dpia_done_on: None,
            next_review_due: due.map(|d| d.parse().unwrap()),
            source: None,
            note: None,
            removed: false,
        }
    }

    #[test]
    fn a_review_is_due_within_thirty_days_or_when_past() {
        let today: NaiveDate = "2026-11-30".parse().unwrap();
        let entries = [
            entry("past", Some("2026-11-01")),
            entry("soon", Some("2026-12-30")),
            entry("later", Some("2026-12-31")),
            entry("never", None),
        ];
        let due = reviews_due(&entries, today);
        let names: Vec<(&str, bool)> = due
            .iter()
            .map(|d| (d.service.as_str(), d.overdue))
            .collect();
        assert_eq!(names, [("past", true), ("soon", false)]);
    }
}
