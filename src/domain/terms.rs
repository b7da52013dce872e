//! Terms as the agreement states them ("18 måneder", "i minimum 3 måneder", "6 uker") and the one
//! rule that turns a stated quantity into the day count every term is compared by.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hours => "hours",
            Self::Days => "days",
            Self::Weeks => "weeks",
            Self::Months => "months",
            Self::Years => "years",
        }
    }
}

/// Whether the stated quantity is the deadline itself, a ceiling or a floor ("i minimum 3
/// måneder" is a floor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    Exact,
    AtMost,
    AtLeast,
}

/// What happens to the data when the term runs out: an agreement may anonymise rather than
/// delete, which is not the same promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Deletion,
    Anonymisation,
    Overwrite,
}

/// One term in the agreement's own quantity and unit; its day count is `days(quantity, unit)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatedTerm {
    #[schema(example = 18)]
    pub quantity: f64,
    pub unit: Unit,
    pub bound: Bound,
    /// When the term applies, in the agreement's words ("if no main agreement is made").
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub action: Option<Action>,
}

/// Days in an average Gregorian year: months and years are converted by it so that 12 months
/// and 1 year give the same day count.
const DAYS_PER_YEAR: f64 = 365.25;

/// The one rule that converts a stated duration to days, used by validation and every view:
/// day = 1, week = 7, month = 365.25 / 12, year = 365.25 days, hour = 1/24, rounded to the
/// nearest day.
pub fn days(quantity: f64, unit: Unit) -> i64 {
    let per = match unit {
        Unit::Hours => 1.0 / 24.0,
        Unit::Days => 1.0,
        Unit::Weeks => 7.0,
        Unit::Months => DAYS_PER_YEAR / 12.0,
        Unit::Years => DAYS_PER_YEAR,
    };
    (quantity * per).round() as i64
}

/// The rule in words, for problem details and documentation.
pub const DAY_RULE: &str =
    "day = 1, week = 7, month = 365.25/12, year = 365.25 days, hour = 1/24, rounded to the nearest day";

/// The terms counted in days, which may carry a statement in `Terms::stated`.
pub const DAY_TERMS: [&str; 8] = [
    "deletion_days_after_end",
    "backup_deletion_days",
    "inactivity_deletion_days",
    "sub_processor_notice_days",
    "objection_days",
    "termination_notice_days",
    "log_retention_days",
    "return_request_days",
];

impl StatedTerm {
    /// How a reader sees it: "at most 18 months, anonymisation".
    pub fn describe(&self) -> String {
        let bound = match self.bound {
            Bound::Exact => "",
            Bound::AtMost => "at most ",
            Bound::AtLeast => "at least ",
        };
        let mut out = format!("{bound}{} {}", self.quantity, self.unit.as_str());
        if let Some(a) = self.action {
            out.push_str(match a {
                Action::Deletion => ", deletion",
                Action::Anonymisation => ", anonymisation",
                Action::Overwrite => ", overwrite",
            });
        }
        if let Some(c) = &self.condition {
            out.push_str(&format!(" ({c})"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_rule_gives_the_documented_examples() {
        for (quantity, unit, expected) in [
            (1.0, Unit::Months, 30),
            (3.0, Unit::Months, 91),
            (12.0, Unit::Months, 365),
            (1.0, Unit::Years, 365),
            (18.0, Unit::Months, 548),
            (36.0, Unit::Months, 1096),
            (6.0, Unit::Weeks, 42),
            (30.0, Unit::Days, 30),
            (24.0, Unit::Hours, 1),
        ] {
            assert_eq!(days(quantity, unit), expected, "{quantity} {unit:?}");
        }
    }
}
