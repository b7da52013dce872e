//! A vendor's announcement of a change to a service's sub-processors, and the objection clock.
//!
//! The agreements give the controller a window: Kikora's vendor must give 6 weeks' notice and the
//! municipality may object within 3 weeks; Glupus's must give a month's notice with a right to
//! object; others require prior approval. The clock is computed from the service's stated terms
//! when the change is announced, and never invented where the agreement is silent: a deadline
//! the terms do not give is null, with the reason.
//!
//! The change itself is the service's sub-processor list as a service write would state it, so
//! it is checked by the same rules (`writes::check_service`) when announced and when applied.

use std::collections::HashSet;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::raw::{self, SubProcessorUse, UseLocation};
use super::catalogue::{Service, SubProcessorChange, Terms, TransferMechanism};
use super::validate::FieldProblem;
use super::writes::{check_service, ServiceDocument, NEW_SUB_PROCESSORS};
use crate::catalogue::Snapshot;
use crate::texts::Text;

/// Where an announcement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementStatus {
    /// Announced; takes effect on its effective date.
    Pending,
    /// The registry changed the service's sub-processors on the effective date.
    Applied,
    /// The vendor withdrew it before it took effect.
    Withdrawn,
    /// On the effective date the change no longer fitted the service (e.g. the sub-processor to
    /// remove was removed by a later write); `failure` says why, and nothing was changed.
    Failed,
}

impl AnnouncementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Applied => "applied",
            Self::Withdrawn => "withdrawn",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Applied, Self::Withdrawn, Self::Failed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// One change to the service's sub-processors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum SubProcessorAmendment {
    /// Start using a sub-processor: an existing one by id, or one this announcement defines in
    /// `new_sub_processors`.
    Add { sub_processor: raw::SubProcessorUse },
    /// Stop using a sub-processor.
    Remove {
        #[schema(example = "raygun")]
        id: String,
    },
    /// Move a sub-processor the service uses: its new locations and transfer mechanism.
    ChangeLocations {
        #[schema(example = "sentry")]
        id: String,
        locations: Vec<raw::UseLocation>,
        transfer_mechanism: TransferMechanism,
    },
}

impl SubProcessorAmendment {
    /// The sub-processor it is about.
    pub fn sub_processor_id(&self) -> &str {
        match self {
            Self::Add { sub_processor } => &sub_processor.id,
            Self::Remove { id } | Self::ChangeLocations { id, .. } => id,
        }
    }
}

/// The body of `POST /api/v1/services/{id}/announcements`: what changes, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "effective_date": "2027-01-04",
    "summary": "Ny leverandør av feilrapportering i USA",
    "changes": [{"action": "add", "sub_processor": {"id": "bugsnag", "purpose": "Feilrapportering",
        "locations": [{"country": "US", "role": "processing"}], "transfer_mechanism": "dpf"}}],
    "new_sub_processors": [{"id": "bugsnag", "name": "Bugsnag Inc.", "legal_name": null, "org_number": null,
        "registration_number": null, "country": "US", "address": null, "website": "https://www.bugsnag.com"}]
}))]
pub struct AnnouncementWrite {
    /// The day the change takes effect (ISO 8601); after today.
    #[schema(format = Date, value_type = String, example = "2027-01-04")]
    pub effective_date: String,
    /// What the vendor says about the change, for people.
    #[serde(default)]
    pub summary: Option<String>,
    /// The changes, applied in order; each sub-processor at most once.
    pub changes: Vec<SubProcessorAmendment>,
    /// Shared sub-processors the announcement introduces (as in a service write); an `add`
    /// references each by id. They enter the catalogue when the change takes effect.
    #[serde(default)]
    pub new_sub_processors: Vec<raw::SubProcessor>,
}

/// A pending announcement as the service's profile shows it: the change is coming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PendingAnnouncement {
    #[schema(example = "ann-3k9d2mf7qx")]
    pub id: String,
    /// The day the change takes effect (ISO 8601).
    #[schema(format = Date, value_type = String, example = "2026-12-29")]
    pub effective_date: String,
    /// The last day to object; null where the agreement gives no period (the announcement says
    /// why).
    #[schema(format = Date, value_type = Option<String>, example = "2026-12-22")]
    pub objection_deadline: Option<String>,
    pub short_notice: bool,
    /// The announcement's path.
    #[serde(rename = "self")]
    #[schema(example = "/api/v1/announcements/ann-3k9d2mf7qx")]
    pub self_link: String,
}

/// Why an announcement has no objection deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoDeadline {
    /// The agreement requires each controller's prior approval: the change needs it before the
    /// effective date, and silence is no approval.
    PriorApproval,
    /// The agreement gives a right to object but states no period for it.
    ObjectionPeriodNotStated,
    /// The agreement says nothing of how sub-processor changes are made.
    ChangeTermsNotStated,
}

impl NoDeadline {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PriorApproval => "prior_approval",
            Self::ObjectionPeriodNotStated => "objection_period_not_stated",
            Self::ChangeTermsNotStated => "change_terms_not_stated",
        }
    }
}

/// The objection clock of one announcement, from the agreement's terms when it was announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionClock {
    /// Days from the announcement to the effective date.
    pub notice_days: i32,
    pub change_rule: Option<SubProcessorChange>,
    /// The notice the agreement requires (`sub_processor_notice_days`); None when not stated.
    pub required_notice_days: Option<i32>,
    /// The agreement's objection period (`objection_days`); None when not stated.
    pub objection_days: Option<i32>,
    pub objection_deadline: Option<NaiveDate>,
    /// Less notice than the agreement requires.
    pub short_notice: bool,
}

impl ObjectionClock {
    /// The clock of a change announced on `announced` to take effect on `effective`, under
    /// `terms`. The objection period runs from the notice (Kikora: "Behandlingsansvarlig kan
    /// innen 3 uker motsette seg endringen" after the written notice).
    pub fn of(terms: &Terms, announced: NaiveDate, effective: NaiveDate) -> Self {
        let notice_days = i32::try_from((effective - announced).num_days()).unwrap_or(i32::MAX);
        let required = terms.sub_processor_notice_days;
        let objection_deadline = match terms.sub_processor_change {
            Some(SubProcessorChange::PriorApproval) => None,
            _ => terms
                .objection_days
                .and_then(|d| u64::try_from(d).ok())
                .and_then(|d| announced.checked_add_days(Days::new(d))),
        };
        Self {
            notice_days,
            change_rule: terms.sub_processor_change,
            required_notice_days: required,
            objection_days: terms.objection_days,
            objection_deadline,
            short_notice: required.is_some_and(|r| notice_days < r),
        }
    }

    /// Why there is no deadline, when there is none.
    pub fn no_deadline(&self) -> Option<NoDeadline> {
        if self.objection_deadline.is_some() {
            return None;
        }
        Some(match self.change_rule {
            Some(SubProcessorChange::PriorApproval) => NoDeadline::PriorApproval,
            Some(SubProcessorChange::Notice) => NoDeadline::ObjectionPeriodNotStated,
            None if self.required_notice_days.is_some() => NoDeadline::ObjectionPeriodNotStated,
            None => NoDeadline::ChangeTermsNotStated,
        })
    }
}

/// The service as it would be with the announced changes, as a service write, and the problems
/// of the announcement itself (pointers into the announcement). The service's own standing
/// problems (an imported agreement may lack a justification) are not the announcement's, so only
/// problems of what it changes are kept.
pub fn amended(
    service: &Service,
    write: &AnnouncementWrite,
    snap: &Snapshot,
) -> (ServiceDocument, Vec<FieldProblem>) {
    let mut p = Vec::new();
    let mut doc = ServiceDocument {
        service: raw::Service::from(service.clone()),
        new_sub_processors: write.new_sub_processors.clone(),
    };
    if write.changes.is_empty() {
        p.push(FieldProblem::said(
            "/changes",
            Text::AnnouncementChangesNothing,
        ));
    }
    let uses = &mut doc.service.sub_processors;
    let mut seen = HashSet::new();
    // for each change, where its sub-processor ends up in the amended list
    let mut placed: Vec<Option<String>> = Vec::new();
    for (i, change) in write.changes.iter().enumerate() {
        let id = change.sub_processor_id();
        let at = format!("/changes/{i}");
        if !seen.insert(id.to_owned()) {
            p.push(FieldProblem::said(
                format!("{at}/{}", id_member(change)),
                Text::SubProcessorChangedTwice.with(&[("id", &id)]),
            ));
            placed.push(None);
            continue;
        }
        let found = uses.iter().position(|u| u.id == id);
        match (change, found) {
            (SubProcessorAmendment::Add { sub_processor }, None) => {
                uses.push(sub_processor.clone());
                placed.push(Some(id.to_owned()));
            }
            (SubProcessorAmendment::Add { .. }, Some(_)) => {
                p.push(FieldProblem::said(
                    format!("{at}/sub_processor/id"),
                    Text::SubProcessorAlreadyUsed.with(&[("id", &id)]),
                ));
                placed.push(None);
            }
            (SubProcessorAmendment::Remove { .. }, Some(j)) => {
                uses.remove(j);
                placed.push(None);
            }
            (
                SubProcessorAmendment::ChangeLocations {
                    locations,
                    transfer_mechanism,
                    ..
                },
                Some(j),
            ) => {
                uses[j].locations = locations.clone();
                uses[j].transfer_mechanism = *transfer_mechanism;
                placed.push(Some(id.to_owned()));
            }
            (_, None) => {
                p.push(FieldProblem::said(
                    format!("{at}/id"),
                    Text::SubProcessorNotUsed.with(&[("id", &id)]),
                ));
                placed.push(None);
            }
        }
    }
    for (k, n) in write.new_sub_processors.iter().enumerate() {
        let added = write.changes.iter().any(|c| {
            matches!(c, SubProcessorAmendment::Add { sub_processor } if sub_processor.id == n.id)
        });
        if !added {
            p.push(FieldProblem::said(
                format!("/{NEW_SUB_PROCESSORS}/{k}/id"),
                Text::NewSubProcessorNotAdded.with(&[("id", &n.id)]),
            ));
        }
    }
    let id = service.id.as_str();
    for problem in check_service(&doc, snap, Some(id)) {
        if let Some(mapped) = onto_announcement(&problem.pointer, &doc, write, &placed) {
            p.push(FieldProblem {
                pointer: mapped,
                ..problem
            });
        }
    }
    (doc, p)
}

fn id_member(change: &SubProcessorAmendment) -> &'static str {
    match change {
        SubProcessorAmendment::Add { .. } => "sub_processor/id",
        _ => "id",
    }
}

/// The pointer into the announcement of a problem found in the amended service, or None for a
/// problem of something the announcement does not change.
fn onto_announcement(
    pointer: &str,
    doc: &ServiceDocument,
    write: &AnnouncementWrite,
    placed: &[Option<String>],
) -> Option<String> {
    if pointer.starts_with(&format!("/{NEW_SUB_PROCESSORS}/")) {
        return Some(pointer.to_owned());
    }
    let rest = pointer.strip_prefix("/sub_processors/")?;
    let (j, member) = rest.split_once('/').unwrap_or((rest, ""));
    let used: &SubProcessorUse = doc.service.sub_processors.get(j.parse::<usize>().ok()?)?;
    let i = placed
        .iter()
        .position(|p| p.as_deref() == Some(used.id.as_str()))?;
    let suffix = if member.is_empty() {
        String::new()
    } else {
        format!("/{member}")
    };
    Some(match &write.changes[i] {
        SubProcessorAmendment::Add { .. } => format!("/changes/{i}/sub_processor{suffix}"),
        _ => format!("/changes/{i}{suffix}"),
    })
}

/// Every problem of an announcement over the catalogue in `snap`, announced `today`.
pub fn problems(
    service: &Service,
    write: &AnnouncementWrite,
    effective: Option<NaiveDate>,
    snap: &Snapshot,
    today: NaiveDate,
) -> Vec<FieldProblem> {
    let mut p = Vec::new();
    if effective.is_some_and(|d| d <= today) {
        p.push(FieldProblem::said(
            "/effective_date",
            Text::EffectiveDateNotAfterToday.with(&[("today", &today)]),
        ));
    }
    p.extend(amended(service, write, snap).1);
    p
}

/// The effective date of a body, when it is one (the shape check names it when it is not).
pub fn effective_date(write: &AnnouncementWrite) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&write.effective_date, "%Y-%m-%d").ok()
}

/// The locations of a use, for a feed entry's words.
pub fn describe_locations(locations: &[UseLocation]) -> String {
    locations
        .iter()
        .map(|l| {
            let role = serde_json::to_value(l.role).unwrap_or_default();
            format!("{} {}", l.country, role.as_str().unwrap_or_default())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(
        change: Option<SubProcessorChange>,
        notice: Option<i32>,
        objection: Option<i32>,
    ) -> Terms {
        Terms {
            sub_processor_change: change,
            sub_processor_notice_days: notice,
            objection_days: objection,
            ..Terms::default()
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_clock_follows_the_stated_terms_and_invents_nothing() {
        let announced = day("2026-12-01");
        let in_four_weeks = day("2026-12-29");
        // Kikora: 6 weeks' notice, 3 weeks to object
        let kikora = ObjectionClock::of(
            &terms(Some(SubProcessorChange::Notice), Some(42), Some(21)),
            announced,
            in_four_weeks,
        );
        assert_eq!(kikora.notice_days, 28);
        assert!(kikora.short_notice);
        assert_eq!(kikora.objection_deadline, Some(day("2026-12-22")));
        assert_eq!(kikora.no_deadline(), None);
        // Glupus: a month's notice, a right to object with no period
        let glupus = ObjectionClock::of(
            &terms(Some(SubProcessorChange::Notice), Some(30), None),
            announced,
            day("2027-01-15"),
        );
        assert!(!glupus.short_notice);
        assert_eq!(glupus.objection_deadline, None);
        assert_eq!(
            glupus.no_deadline(),
            Some(NoDeadline::ObjectionPeriodNotStated)
        );
        let approval = ObjectionClock::of(
            &terms(Some(SubProcessorChange::PriorApproval), None, Some(14)),
            announced,
            in_four_weeks,
        );
        assert_eq!(approval.objection_deadline, None);
        assert_eq!(approval.no_deadline(), Some(NoDeadline::PriorApproval));
        assert!(!approval.short_notice, "no stated notice is never short");
        let silent = ObjectionClock::of(&Terms::default(), announced, in_four_weeks);
        assert_eq!(silent.no_deadline(), Some(NoDeadline::ChangeTermsNotStated));
        assert!(!silent.short_notice);
    }

    #[test]
    fn statuses_read_back() {
        for s in [
            AnnouncementStatus::Pending,
            AnnouncementStatus::Applied,
            AnnouncementStatus::Withdrawn,
            AnnouncementStatus::Failed,
        ] {
            assert_eq!(AnnouncementStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(AnnouncementStatus::parse("done"), None);
    }
}
