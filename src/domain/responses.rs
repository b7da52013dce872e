//! A controller's answer to a sub-processor change announcement: an objection or an acceptance,
//! given by a municipality that uses the service, within the announcement's objection period.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a municipality answers to an announced change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseKind {
    /// The municipality objects to the change (its right under GDPR Art. 28(2)).
    Object,
    /// The municipality accepts the change.
    Accept,
}

impl ResponseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Object => "object",
            Self::Accept => "accept",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Object, Self::Accept]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// The body of `PUT /api/v1/announcements/{id}/responses/{municipality}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"response": "object", "note": "Vi godtar ikke overføring til USA uten ny risikovurdering."}))]
pub struct ResponseWrite {
    pub response: ResponseKind,
    /// Why, in the municipality's words; null for none.
    #[schema(example = "Vi godtar ikke overføring til USA uten ny risikovurdering.")]
    pub note: Option<String>,
}

/// How many municipalities object to and accept one announcement (their latest answers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub objections: i32,
    pub acceptances: i32,
}

impl Tally {
    pub fn count(&mut self, kind: ResponseKind) {
        match kind {
            ResponseKind::Object => self.objections += 1,
            ResponseKind::Accept => self.acceptances += 1,
        }
    }
}

/// Whether an answer given on `today` is too late for `deadline` (the last day to object; an
/// announcement without one takes answers while it is pending).
pub fn past_deadline(deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    deadline.is_some_and(|d| today > d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_day_itself_is_still_in_time() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 22).unwrap();
        assert!(!past_deadline(Some(d), d));
        assert!(past_deadline(Some(d), d.succ_opt().unwrap()));
        assert!(!past_deadline(None, d.succ_opt().unwrap()));
    }
}
