//! Whole-catalogue validation: every problem is collected, each named by a JSON Pointer into the
//! document, so a caller fixes everything in one round.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// Validation reads the raw records: it names every bad identifier at once, where the checked
// types would stop at the first.
use super::catalogue::raw::{Catalogue, Service, SubProcessor, Vendor};
use super::catalogue::{Statements, Terms, TransferMechanism, FORMAT};
use super::ids::{check_country_shape, check_slug, OrgNumber};
use super::reference::{Lang, Reference};
use super::terms::{days, DAY_RULE, DAY_TERMS};
use crate::texts::{Said, Text};

/// One offending field and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldProblem {
    /// JSON Pointer (RFC 6901) to the field, or the query parameter's name.
    #[schema(example = "/services/0/attributes/2/name")]
    pub pointer: String,
    #[schema(example = "unknown Feide attribute `givenname`")]
    pub detail: String,
    /// The detail as a text of the catalogue, said in the caller's language when answered; None
    /// for a detail that exists in English only.
    #[serde(skip)]
    pub said: Option<Said>,
}

impl FieldProblem {
    pub fn new(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            detail: detail.into(),
            said: None,
        }
    }

    /// A problem whose detail is a text of the catalogue.
    pub fn said(pointer: impl Into<String>, said: impl Into<Said>) -> Self {
        let said = said.into();
        Self {
            pointer: pointer.into(),
            detail: said.render(Lang::En),
            said: Some(said),
        }
    }

    /// The problem with its detail in `lang`, where the catalogue has it.
    pub fn in_language(&self, lang: Lang) -> FieldProblem {
        FieldProblem {
            pointer: self.pointer.clone(),
            detail: self
                .said
                .as_ref()
                .map_or_else(|| self.detail.clone(), |s| s.render(lang)),
            said: self.said.clone(),
        }
    }
}

/// The JSON Pointer (RFC 6901) to member `key` of the value at `parent` (`""` for the root):
/// `~` and `/` in the key are escaped as `~0` and `~1`, `~` first so that `~1` in a key stays
/// itself.
pub fn pointer_to(parent: &str, key: &str) -> String {
    format!("{parent}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// Longest duration a term may state, in days: nothing in an agreement runs past 100 years.
const MAX_DAYS: i32 = 36_500;

pub fn validate_catalogue(catalogue: &Catalogue, reference: &Reference) -> Vec<FieldProblem> {
    let mut p = Vec::new();
    if catalogue.format != FORMAT {
        p.push(FieldProblem::said(
            "/format",
            Text::MustBeFormat.with(&[("format", &FORMAT)]),
        ));
    }
    let mut vendor_ids = HashSet::new();
    for (i, v) in catalogue.vendors.iter().enumerate() {
        let at = format!("/vendors/{i}");
        validate_vendor(&mut p, &at, v, reference);
        if !vendor_ids.insert(v.id.as_str()) {
            p.push(FieldProblem::said(
                format!("{at}/id"),
                Text::DuplicateVendorId.with(&[("id", &v.id)]),
            ));
        }
    }
    let mut sub_ids = HashSet::new();
    for (i, s) in catalogue.sub_processors.iter().enumerate() {
        let at = format!("/sub_processors/{i}");
        validate_sub_processor(&mut p, &at, s, reference);
        if !sub_ids.insert(s.id.as_str()) {
            p.push(FieldProblem::said(
                format!("{at}/id"),
                Text::DuplicateSubProcessorId.with(&[("id", &s.id)]),
            ));
        }
    }
    let mut service_ids = HashSet::new();
    for (i, s) in catalogue.services.iter().enumerate() {
        let at = format!("/services/{i}");
        if !service_ids.insert(s.id.as_str()) {
            p.push(FieldProblem::said(
                format!("{at}/id"),
                Text::DuplicateServiceId.with(&[("id", &s.id)]),
            ));
        }
        if !vendor_ids.contains(s.vendor.as_str()) {
            p.push(FieldProblem::said(
                format!("{at}/vendor"),
                Text::UnknownVendor.with(&[("id", &s.vendor)]),
            ));
        }
        validate_service(&mut p, &at, s, &sub_ids, reference);
    }
    p
}

/// A vendor entry's own fields; `at` is its JSON Pointer.
pub fn validate_vendor(p: &mut Vec<FieldProblem>, at: &str, v: &Vendor, reference: &Reference) {
    slug(p, &format!("{at}/id"), &v.id);
    text(p, &format!("{at}/name"), &v.name);
    org(p, &format!("{at}/org_number"), v.org_number.as_deref());
    country(p, &format!("{at}/country"), v.country.as_deref(), reference);
}

pub fn validate_sub_processor(
    p: &mut Vec<FieldProblem>,
    at: &str,
    s: &SubProcessor,
    reference: &Reference,
) {
    slug(p, &format!("{at}/id"), &s.id);
    text(p, &format!("{at}/name"), &s.name);
    org(p, &format!("{at}/org_number"), s.org_number.as_deref());
    country(p, &format!("{at}/country"), s.country.as_deref(), reference);
}

/// One service's fields, with `sub_ids` the sub-processors it may reference.
pub fn validate_service(
    p: &mut Vec<FieldProblem>,
    at: &str,
    s: &Service,
    sub_ids: &HashSet<&str>,
    reference: &Reference,
) {
    slug(p, &format!("{at}/id"), &s.id);
    text(p, &format!("{at}/name"), &s.name);
    crate::feide::id::list_problems(p, &format!("{at}/feide_ids"), &s.feide_ids);
    let mut seen = HashSet::new();
    for (j, a) in s.attributes.iter().enumerate() {
        if reference.attribute(&a.name).is_none() {
            p.push(FieldProblem::said(
                format!("{at}/attributes/{j}/name"),
                Text::UnknownAttribute.with(&[("name", &a.name)]),
            ));
        } else if !seen.insert(a.name.as_str()) {
            p.push(FieldProblem::said(
                format!("{at}/attributes/{j}/name"),
                Text::ListedTwice.with(&[("name", &a.name)]),
            ));
        }
    }
    let mut seen = HashSet::new();
    for (j, sc) in s.oidc_scopes.iter().enumerate() {
        if reference.scope(&sc.scope).is_none() {
            p.push(FieldProblem::said(
                format!("{at}/oidc_scopes/{j}/scope"),
                Text::UnknownScope.with(&[("name", &sc.scope)]),
            ));
        } else if !seen.insert(sc.scope.as_str()) {
            p.push(FieldProblem::said(
                format!("{at}/oidc_scopes/{j}/scope"),
                Text::ListedTwice.with(&[("name", &sc.scope)]),
            ));
        }
    }
    for (j, l) in s.locations.iter().enumerate() {
        country(
            p,
            &format!("{at}/locations/{j}/country"),
            Some(&l.country),
            reference,
        );
    }
    for (j, u) in s.sub_processors.iter().enumerate() {
        let uat = format!("{at}/sub_processors/{j}");
        if !sub_ids.contains(u.id.as_str()) {
            p.push(FieldProblem::said(
                format!("{uat}/id"),
                Text::UnknownSubProcessor.with(&[("id", &u.id)]),
            ));
        }
        let mut third = false;
        for (k, l) in u.locations.iter().enumerate() {
            country(
                p,
                &format!("{uat}/locations/{k}/country"),
                Some(&l.country),
                reference,
            );
            third |= reference.country(&l.country).is_some_and(|c| !c.eea);
        }
        if third && u.transfer_mechanism == TransferMechanism::Eea {
            p.push(FieldProblem::said(
                format!("{uat}/transfer_mechanism"),
                Text::EeaMechanismOutsideEea,
            ));
        }
        if !u.transfer_mechanisms.is_empty()
            && !u.transfer_mechanisms.contains(&u.transfer_mechanism)
        {
            p.push(FieldProblem::said(
                format!("{uat}/transfer_mechanism"),
                Text::MechanismNotAmongStated
                    .with(&[("mechanism", &u.transfer_mechanism.as_str())]),
            ));
        }
        let mut seen = HashSet::new();
        for (k, m) in u.transfer_mechanisms.iter().enumerate() {
            if !seen.insert(m) {
                p.push(FieldProblem::said(
                    format!("{uat}/transfer_mechanisms/{k}"),
                    Text::ListedTwice.with(&[("name", &m.as_str())]),
                ));
            }
        }
        if let Some(e) = &u.transfer_evidence {
            not_blank(p, &format!("{uat}/transfer_evidence"), e);
        }
    }
    for kind in Statements::KINDS {
        for (j, t) in s.statements.list(kind).into_iter().flatten().enumerate() {
            not_blank(p, &format!("{at}/statements/{kind}/{j}"), t);
        }
    }
    for (j, t) in s.notes.iter().enumerate() {
        not_blank(p, &format!("{at}/notes/{j}"), t);
    }
    let t = &s.terms;
    let days = [
        ("deletion_days_after_end", t.deletion_days_after_end),
        ("backup_deletion_days", t.backup_deletion_days),
        ("inactivity_deletion_days", t.inactivity_deletion_days),
        ("breach_notice_hours", t.breach_notice_hours),
        ("sub_processor_notice_days", t.sub_processor_notice_days),
        ("objection_days", t.objection_days),
        ("termination_notice_days", t.termination_notice_days),
        ("log_retention_days", t.log_retention_days),
        ("security_audit_months", t.security_audit_months),
        ("return_request_days", t.return_request_days),
    ];
    for (name, value) in days {
        if let Some(v) = value {
            if !(0..=MAX_DAYS).contains(&v) {
                p.push(FieldProblem::said(
                    format!("{at}/terms/{name}"),
                    Text::OutOfRange.with(&[("min", &0), ("max", &MAX_DAYS)]),
                ));
            }
        }
    }
    stated_terms(p, at, t);
    conflicts(p, at, t);
    if let Some(law) = &t.governing_law {
        country(
            p,
            &format!("{at}/terms/governing_law"),
            Some(law),
            reference,
        );
    }
    for (j, src) in s.sources.iter().enumerate() {
        text(p, &format!("{at}/sources/{j}/title"), &src.title);
        if let Some(d) = &src.date {
            if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                p.push(FieldProblem::said(
                    format!("{at}/sources/{j}/date"),
                    Text::MustBeIsoDate,
                ));
            }
        }
        org(
            p,
            &format!("{at}/sources/{j}/controller_org_number"),
            src.controller_org_number.as_deref(),
        );
    }
}

/// Every stated term names a day term, and that term's day count is the statement's by the one
/// rule, so a reader can trust either.
fn stated_terms(p: &mut Vec<FieldProblem>, at: &str, t: &Terms) {
    for (name, stated) in &t.stated {
        let Some(value) = t.day_term(name) else {
            p.push(FieldProblem::new(
                pointer_to(&format!("{at}/terms/stated"), name),
                format!(
                    "`{name}` is not a term counted in days (one of {})",
                    DAY_TERMS.join(", ")
                ),
            ));
            continue;
        };
        if !(stated.quantity.is_finite() && (0.0..=f64::from(MAX_DAYS)).contains(&stated.quantity))
        {
            p.push(FieldProblem::new(
                format!(
                    "{}/quantity",
                    pointer_to(&format!("{at}/terms/stated"), name)
                ),
                format!("must be between 0 and {MAX_DAYS}"),
            ));
            continue;
        }
        let expected = days(stated.quantity, stated.unit);
        let said = stated.describe();
        match value {
            Some(v) if i64::from(v) == expected => {}
            Some(v) => p.push(FieldProblem::new(
                format!("{at}/terms/{name}"),
                format!("is {v} days, but the stated {said} are {expected} days ({DAY_RULE})"),
            )),
            None => p.push(FieldProblem::new(
                format!("{at}/terms/{name}"),
                format!("is null, but the agreement states {said}: {expected} days ({DAY_RULE})"),
            )),
        }
    }
}

/// Each conflict names a term and gives two readings or more, each with the clause's words.
fn conflicts(p: &mut Vec<FieldProblem>, at: &str, t: &Terms) {
    let mut seen = HashSet::new();
    for (j, c) in t.conflicts.iter().enumerate() {
        let cat = format!("{at}/terms/conflicts/{j}");
        if !Terms::NAMES.contains(&c.term.as_str()) {
            p.push(FieldProblem::said(
                format!("{cat}/term"),
                Text::NotATerm.with(&[("name", &c.term)]),
            ));
        } else if !seen.insert(c.term.as_str()) {
            p.push(FieldProblem::said(
                format!("{cat}/term"),
                Text::ListedTwice.with(&[("name", &c.term)]),
            ));
        }
        if c.readings.len() < 2 {
            p.push(FieldProblem::said(
                format!("{cat}/readings"),
                Text::TwoReadingsAtLeast,
            ));
        }
        for (k, r) in c.readings.iter().enumerate() {
            not_blank(p, &format!("{cat}/readings/{k}/evidence"), &r.evidence);
        }
    }
}

fn not_blank(p: &mut Vec<FieldProblem>, at: &str, value: &str) {
    if value.trim().is_empty() {
        p.push(FieldProblem::said(at, Text::MustNotBeBlank));
    }
}

fn slug(p: &mut Vec<FieldProblem>, at: &str, id: &str) {
    if let Err(e) = check_slug(id) {
        p.push(FieldProblem::said(at, e));
    }
}

fn text(p: &mut Vec<FieldProblem>, at: &str, value: &str) {
    if let Some(problem) = super::names::display_name_problem(value) {
        p.push(FieldProblem::said(at, problem));
    }
}

fn org(p: &mut Vec<FieldProblem>, at: &str, value: Option<&str>) {
    if let Some(v) = value {
        if let Err(e) = OrgNumber::parse(v) {
            p.push(FieldProblem::said(at, e));
        }
    }
}

fn country(p: &mut Vec<FieldProblem>, at: &str, value: Option<&str>, reference: &Reference) {
    let Some(code) = value else { return };
    if let Err(e) = check_country_shape(code) {
        p.push(FieldProblem::said(at, e));
    } else if reference.country(code).is_none() {
        p.push(FieldProblem::said(
            at,
            Text::UnknownCountry.with(&[("code", &code)]),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::pointer_to;

    #[test]
    fn pointers_escape_tilde_before_slash() {
        assert_eq!(pointer_to("", "terms"), "/terms");
        assert_eq!(pointer_to("/terms", "a/b"), "/terms/a~1b");
        assert_eq!(pointer_to("", "~1"), "/~01");
        assert_eq!(pointer_to("/x", ""), "/x/");
    }
}
