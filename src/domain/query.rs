//! Query parameters of the list endpoints: parsed strictly (an unknown name, a repeated
//! single-valued name or a malformed value is a problem, never ignored) and matched against
//! entries by plain functions.

use chrono::{DateTime, NaiveDate, Utc};

use super::catalogue::{DataSubject, Status, TransferMechanism};
use super::flags::Flag;
use super::reference::{Reference, Sensitivity};
use super::validate::FieldProblem;
use crate::catalogue::ServiceRecord;
use crate::texts::{Arg, Said, Text};

/// Raw `name=value` pairs with the names an endpoint accepts.
pub struct Params<'a> {
    pairs: &'a [(String, String)],
    problems: Vec<FieldProblem>,
}

impl<'a> Params<'a> {
    /// `single` names may appear once, `repeatable` ones any number of times.
    pub fn new(pairs: &'a [(String, String)], single: &[&str], repeatable: &[&str]) -> Self {
        let mut problems = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (name, _) in pairs {
            let first = seen.insert(name.as_str());
            if repeatable.contains(&name.as_str()) || !first {
                if !first && single.contains(&name.as_str()) {
                    problems.push(FieldProblem::said(name.clone(), Text::GivenOnlyOnce));
                }
                continue;
            }
            if !single.contains(&name.as_str()) {
                let mut known: Vec<&str> = single.iter().chain(repeatable).copied().collect();
                known.sort_unstable();
                let detail = if known.is_empty() {
                    Text::UnknownParamNone.into()
                } else {
                    Text::UnknownParam.with(&[("names", &known.join(", "))])
                };
                problems.push(FieldProblem::said(clip(name), detail));
            }
        }
        Self { pairs, problems }
    }

    pub fn text(&self, name: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn texts(&self, name: &str) -> Vec<&'a str> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Parses one value with `parse`, recording `expected` as the problem when it fails.
    pub fn parsed<T>(
        &mut self,
        name: &str,
        expected: impl Into<Said>,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let raw = self.text(name)?;
        let value = parse(raw);
        if value.is_none() {
            self.problems
                .push(FieldProblem::said(name, is_not(raw, expected.into())));
        }
        value
    }

    pub fn parsed_all<T>(
        &mut self,
        name: &str,
        expected: impl Into<Said>,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Vec<T> {
        let expected = expected.into();
        let mut out = Vec::new();
        for raw in self.texts(name) {
            match parse(raw) {
                Some(v) => out.push(v),
                None => self
                    .problems
                    .push(FieldProblem::said(name, is_not(raw, expected.clone()))),
            }
        }
        out
    }

    pub fn problem(&mut self, name: &str, detail: impl Into<Said>) {
        self.problems.push(FieldProblem::said(name, detail));
    }

    /// Every problem found, one entry per parameter: the distinct details of a parameter are
    /// joined (the first five, then how many more), so a query repeating a bad name or value
    /// thousands of times gets a short answer that still says everything wrong.
    pub fn finish(self) -> Result<(), Vec<FieldProblem>> {
        if self.problems.is_empty() {
            return Ok(());
        }
        let mut once: Vec<(String, Vec<Said>, usize)> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for p in self.problems {
            let i = *index.entry(p.pointer.clone()).or_insert_with(|| {
                once.push((p.pointer, Vec::new(), 0));
                once.len() - 1
            });
            let said = p.said.unwrap_or_else(|| p.detail.into());
            let (_, details, more) = &mut once[i];
            if details.contains(&said) {
                continue;
            }
            if details.len() < 5 {
                details.push(said);
            } else {
                *more += 1;
            }
        }
        Err(once
            .into_iter()
            .map(|(name, mut details, more)| {
                let detail = if more > 0 {
                    Said {
                        text: Text::DetailsAndMore,
                        args: vec![("details", Arg::All(details))],
                    }
                    .and_plain("more", more)
                } else if details.len() == 1 {
                    details.remove(0)
                } else {
                    Said {
                        text: Text::Details,
                        args: vec![("details", Arg::All(details))],
                    }
                };
                FieldProblem::said(name, detail)
            })
            .collect())
    }
}

/// "`raw` is not `expected`": the expected text's own placeholders are filled before the value,
/// so a value that happens to hold `{max}` stays as it was written.
fn is_not(raw: &str, expected: Said) -> Said {
    let mut said = Said::from(Text::IsNotExpected).and_said("expected", expected);
    said.args.push(("value", Arg::Plain(clip(raw))));
    said
}

/// Echoed values are cut short: a problem document must not carry a megabyte of attacker input.
pub fn clip(raw: &str) -> String {
    let mut s: String = raw.chars().take(64).collect();
    if s.len() < raw.len() {
        s.push('…');
    }
    s
}

pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

pub fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

/// RFC 3339 date-time, or an ISO 8601 date meaning its start (UTC).
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap().and_utc())
        })
}

/// The filters of `GET /api/v1/services`; every given filter must match.
#[derive(Debug, Default, Clone)]
pub struct ServiceFilter {
    pub q: Option<String>,
    pub vendor: Option<String>,
    pub attributes: Vec<String>,
    pub sensitivity: Option<Sensitivity>,
    pub sub_processor: Option<String>,
    pub country: Option<String>,
    pub outside_eea: Option<bool>,
    pub transfer_mechanism: Option<TransferMechanism>,
    pub flags: Vec<Flag>,
    pub data_subject: Option<DataSubject>,
    pub status: Option<Status>,
    pub updated_since: Option<DateTime<Utc>>,
    pub feide_id: Option<String>,
}

impl ServiceFilter {
    pub fn matches(&self, r: &ServiceRecord, vendor_name: &str, reference: &Reference) -> bool {
        let s = &r.service;
        let d = &r.derived;
        self.q
            .as_deref()
            .is_none_or(|q| super::search::score(q, r, vendor_name) > 0)
            && self.vendor.as_deref().is_none_or(|v| s.vendor == v)
            && self
                .attributes
                .iter()
                .all(|a| d.attributes.iter().any(|x| x.name(reference) == a))
            && self
                .sensitivity
                .is_none_or(|level| d.attributes.iter().any(|x| x.sensitivity == level))
            && self
                .sub_processor
                .as_deref()
                .is_none_or(|id| s.sub_processors.iter().any(|u| u.id == id))
            && self
                .country
                .as_deref()
                .is_none_or(|c| super::derive::reaches(s, c))
            && self.outside_eea.is_none_or(|outside| {
                // `false` means known to stay inside the EEA: a place not stated may be anywhere
                if outside {
                    !d.third_countries.is_empty()
                } else {
                    d.third_countries.is_empty() && !d.flags.contains(&Flag::LocationNotStated)
                }
            })
            && self
                .transfer_mechanism
                .is_none_or(|m| s.sub_processors.iter().any(|u| u.mechanisms().contains(&m)))
            && self.flags.iter().all(|f| d.flags.contains(f))
            && self
                .data_subject
                .is_none_or(|ds| s.data_subjects.contains(&ds))
            && match self.status {
                Some(st) => s.status == st,
                // entries known only from Feide are asked for by name: hundreds of them would
                // bury the agreements, and their empty facts would read as "nothing to flag"
                None => s.status != Status::Unregistered,
            }
            && self.updated_since.is_none_or(|t| r.stamp.updated_at >= t)
            && self
                .feide_id
                .as_deref()
                .is_none_or(|f| s.feide_ids.iter().any(|x| x == f))
    }
}
