//! A request body checked against the schema the OpenAPI document publishes for it, before it is
//! parsed: serde stops at the first problem and speaks of Rust types, while a caller needs every
//! wrong type, unknown member and missing required member, each by JSON Pointer, in words.
//! Checking against the published document keeps what is enforced and what is documented one
//! thing.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::openapi;
use crate::domain::validate::{pointer_to, FieldProblem};
use crate::texts::{Said, Text};

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(&openapi::document()).expect("the OpenAPI document is JSON")
});

/// Every problem with the shape of `body` against component schema `schema`, and the body with
/// each offending part taken out when that leaves a document of the right shape (so that its
/// meaning can still be checked); None when it does not.
pub fn check(schema: &str, body: &Value) -> (Vec<FieldProblem>, Option<Value>) {
    // A body schema the document does not publish is a mistake in the code, not in the request.
    let root = component(schema).unwrap_or_else(|| panic!("no schema {schema} in the document"));
    let mut walk = Walk::default();
    walk.value(root, body, "", None, noun(schema));
    let problems = walk.found.iter().map(|(p, _)| p.clone()).collect();
    let mut pruned = body.clone();
    for (_, at) in &walk.found {
        match at {
            Some(at) => remove(&mut pruned, at),
            None => return (problems, None),
        }
    }
    (problems, Some(pruned))
}

fn component(name: &str) -> Option<&'static Value> {
    DOCUMENT
        .pointer("/components/schemas")
        .and_then(|s| s.get(name))
}

/// What a closed object is called in a message about a member it does not have.
fn noun(schema: &str) -> Option<Text> {
    match schema {
        "ServiceWrite" | "ServiceInput" => Some(Text::ServiceNoun),
        "VendorInput" => Some(Text::VendorNoun),
        "SubProcessorInput" => Some(Text::SubProcessorNoun),
        "TermsWrite" => Some(Text::TermsNoun),
        "PortfolioRequest" => Some(Text::PortfolioNoun),
        _ => None,
    }
}

/// True when `v` carries the tag of `choice`: a required member whose schema allows exactly one
/// string, with that string as its value.
fn tag_matches(choice: &Value, v: &Value) -> bool {
    let required = choice.get("required").and_then(Value::as_array);
    let properties = choice.get("properties").and_then(Value::as_object);
    let (Some(required), Some(properties), Some(members)) = (required, properties, v.as_object())
    else {
        return false;
    };
    required.iter().filter_map(Value::as_str).any(|name| {
        let allowed = properties
            .get(name)
            .and_then(|p| p.get("enum"))
            .and_then(Value::as_array);
        matches!(allowed.map(Vec::as_slice), Some([only]) if only.is_string() && members.get(name) == Some(only))
    })
}

#[derive(Default)]
struct Walk {
    /// Each problem, with the member whose removal leaves a document of the right shape (None:
    /// only a required member could be removed, up to the root).
    found: Vec<(FieldProblem, Option<String>)>,
}

impl Walk {
    fn say(&mut self, at: &str, said: impl Into<Said>, removable: Option<&str>) {
        self.found
            .push((FieldProblem::said(at, said), removable.map(str::to_owned)));
    }

    /// Checks `v` at pointer `at` against `schema`; `removable` is the nearest optional member
    /// at or above `at`, and `noun` what the schema is called.
    fn value(
        &mut self,
        schema: &Value,
        v: &Value,
        at: &str,
        removable: Option<&str>,
        noun: Option<Text>,
    ) {
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            if let Some(target) = component(name) {
                self.value(target, v, at, removable, self::noun(name));
            }
            return;
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for s in all {
                self.value(s, v, at, removable, noun);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(choices) = schema.get(key).and_then(Value::as_array) {
                self.one_of(choices, v, at, removable, noun);
            }
        }
        let types = types(schema);
        if !types.is_empty() && !types.iter().any(|t| is_a(v, t)) {
            let expected = types.iter().find(|t| **t != "null").copied();
            let text = match (v, expected) {
                (Value::Null, _) => Text::MustNotBeNull,
                (_, Some("integer")) => whole_number(at),
                (_, Some("number")) => Text::MustBeNumber,
                (_, Some("string")) => Text::MustBeString,
                (_, Some("boolean")) => Text::MustBeBoolean,
                (_, Some("array")) => Text::MustBeList,
                _ => Text::MustBeObject,
            };
            self.say(at, text, removable);
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !v.is_null() && !allowed.contains(v) {
                let values = allowed
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ");
                self.say(
                    at,
                    Text::MustBeOneOf.with(&[("values", &values)]),
                    removable,
                );
                return;
            }
        }
        // A date the document promises is a date (`format: date`, RFC 3339 full-date).
        if schema.get("format").and_then(Value::as_str) == Some("date") {
            if let Some(text) = v.as_str() {
                if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() || text.len() != 10
                {
                    self.say(at, Text::MustBeDate, removable);
                    return;
                }
            }
        }
        if schema.get("format").and_then(Value::as_str) == Some("int32") {
            if let Some(n) = v.as_i64() {
                if i32::try_from(n).is_err() {
                    let said = Text::OutOfRange.with(&[("min", &i32::MIN), ("max", &i32::MAX)]);
                    self.say(at, said, removable);
                }
            }
        }
        match v {
            Value::Object(members) => self.object(schema, members, at, removable, noun),
            Value::Array(items) => {
                if let Some(item) = schema.get("items") {
                    for (i, x) in items.iter().enumerate() {
                        self.value(item, x, &format!("{at}/{i}"), removable, None);
                    }
                }
            }
            _ => {}
        }
    }

    /// `v` must match one of `choices`: null when one allows it, else the one it comes closest
    /// to, whose problems are the ones reported.
    fn one_of(
        &mut self,
        choices: &[Value],
        v: &Value,
        at: &str,
        removable: Option<&str>,
        noun: Option<Text>,
    ) {
        let mut best: Option<Walk> = None;
        // A tagged union (`"action": "add"`): the choice the tag names is the one meant, and its
        // problems are the ones to tell, however many another choice would have.
        let tagged: Vec<&Value> = choices.iter().filter(|c| tag_matches(c, v)).collect();
        let choices: Vec<&Value> = if tagged.len() == 1 {
            tagged
        } else {
            choices.iter().collect()
        };
        for c in choices {
            if types(c) == ["null"] && !v.is_null() {
                continue;
            }
            let mut w = Walk::default();
            w.value(c, v, at, removable, noun);
            if w.found.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|b| w.found.len() < b.found.len()) {
                best = Some(w);
            }
        }
        if let Some(b) = best {
            self.found.extend(b.found);
        }
    }

    fn object(
        &mut self,
        schema: &Value,
        members: &Map<String, Value>,
        at: &str,
        removable: Option<&str>,
        noun: Option<Text>,
    ) {
        let empty = Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let extra = schema.get("additionalProperties");
        for (key, item) in members {
            let here = pointer_to(at, key);
            let optional = !required.contains(&key.as_str());
            let item_removable = if optional {
                Some(here.as_str())
            } else {
                removable
            };
            if let Some(s) = properties.get(key) {
                self.value(s, item, &here, item_removable, None);
            } else if extra == Some(&Value::Bool(false)) {
                let fields = properties
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ");
                let said = match noun {
                    Some(what) => Text::NotAFieldOf
                        .with(&[("fields", &fields)])
                        .and_text("what", what),
                    None => Text::NotAField.with(&[("fields", &fields)]),
                };
                self.say(&here, said, Some(&here));
            } else if let Some(s) = extra.filter(|e| e.is_object()) {
                self.value(s, item, &here, Some(&here), None);
            }
        }
        for key in required {
            if !members.contains_key(key) {
                self.say(&pointer_to(at, key), Text::IsRequired, removable);
            }
        }
    }
}

/// Counts in the agreements are days, hours or months, and a field's name says which.
fn whole_number(at: &str) -> Text {
    let name = at.rsplit('/').next().unwrap_or("");
    let says = |unit: &str| name.split('_').any(|w| w == unit);
    if says("days") {
        Text::MustBeWholeDays
    } else if says("hours") {
        Text::MustBeWholeHours
    } else if says("months") {
        Text::MustBeWholeMonths
    } else {
        Text::MustBeWholeNumber
    }
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_a(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    }
}

/// Takes out the member at pointer `at` (RFC 6901), if there is one.
fn remove(doc: &mut Value, at: &str) {
    let Some((parent, last)) = at.rsplit_once('/') else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    if let Some(Value::Object(m)) = doc.pointer_mut(parent) {
        m.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn said(schema: &str, body: Value) -> Vec<(String, String)> {
        check(schema, &body)
            .0
            .into_iter()
            .map(|p| (p.pointer, p.detail))
            .collect()
    }

    #[test]
    fn a_date_must_be_a_calendar_date() {
        for bad in ["", "18.12.2018", "2018-02-30", "2018-12-18T00:00:00Z"] {
            let got = said(
                "ServiceWrite",
                json!({"sources": [{"title": "DPA", "date": bad}]}),
            );
            assert!(
                got.contains(&(
                    "/sources/0/date".into(),
                    "must be a date (YYYY-MM-DD)".into()
                )),
                "{bad}: {got:?}"
            );
        }
        let got = said(
            "ServiceWrite",
            json!({"sources": [{"title": "DPA", "date": "2018-12-18"}]}),
        );
        assert!(!got.iter().any(|(p, _)| p == "/sources/0/date"), "{got:?}");
    }

    #[test]
    fn every_problem_is_named_by_pointer_in_words() {
        let got = said(
            "VendorInput",
            json!({"id": 5, "colour": "red", "contact": {"email": true}}),
        );
        assert_eq!(
            got,
            [
                ("/id".into(), "must be a string".into()),
                (
                    "/colour".into(),
                    "is not a field of a vendor; fields are: id, name, org_number, country, address, contact, website".into()
                ),
                ("/contact/email".into(), "must be a string".into()),
                ("/name".into(), "is required".into()),
            ]
        );
    }

    #[test]
    fn counts_say_their_unit_and_enums_their_values() {
        let got = said(
            "Terms",
            json!({"deletion_days_after_end": "fourteen", "breach_notice_hours": 1.5,
                   "breach_notice": "sometime"}),
        );
        assert_eq!(got[0].1, "must be a whole number of days");
        assert_eq!(got[1].1, "must be a whole number of hours");
        assert_eq!(got[2].0, "/breach_notice");
        assert!(got[2].1.starts_with("must be one of: "), "{got:?}");
    }

    #[test]
    fn what_is_wrong_is_taken_out_when_the_rest_still_has_its_shape() {
        let (_, pruned) = check(
            "VendorInput",
            &json!({"id": "a", "name": "A", "colour": 1, "org_number": 9}),
        );
        assert_eq!(pruned, Some(json!({"id": "a", "name": "A"})));
        let (_, pruned) = check("VendorInput", &json!({"id": 1, "name": "A"}));
        assert_eq!(pruned, None, "a required member cannot be taken out");
    }
}
