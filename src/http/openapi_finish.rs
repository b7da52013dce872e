//! What utoipa's derive cannot say, applied once to the whole document (as JSON) so that no
//! handler or view has to repeat it: response fields the code always writes are `required`;
//! request bodies keep their own optional fields (a schema shared by both gets a `…Write` copy
//! for requests); times and dates carry their formats; every operation its security (public
//! reads say so); success answers their examples, taken from the seeded catalogue; schemas
//! nothing refers to are left out.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

/// Response fields that serde leaves out (`skip_serializing_if`) rather than writing `null`:
/// the only ones a reader may not find.
const SOMETIMES_ABSENT: &[(&str, &str)] = &[
    ("ServiceList", "facets"),
    ("Problem", "errors"),
    // an export leaves a service's empty list of Feide ids out
    ("Service", "feide_ids"),
    // ...and what it leaves empty of the agreement's statements, notes and transfer bases
    ("Service", "statements"),
    ("Service", "notes"),
    ("SubProcessorUse", "transfer_mechanisms"),
    ("SubProcessorUse", "transfer_evidence"),
    // the same, where an announcement carries a sub-processor use as written
    ("SubProcessorUseInput", "transfer_mechanisms"),
    ("SubProcessorUseInput", "transfer_evidence"),
    ("ServiceInput", "statements"),
    ("ServiceInput", "notes"),
];

/// The token endpoint, where the client-credentials flow gets its tokens.
const TOKEN_URL: &str = "/api/v1/auth/token";

/// One example per success answer, by operation id and status: the seeded catalogue's own
/// answers (`scripts/openapi-examples` regenerates them from a running registry).
const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "get_root",
        "200",
        include_str!("../../openapi/examples/get_root.json"),
    ),
    (
        "get_api_v1",
        "200",
        include_str!("../../openapi/examples/get_root.json"),
    ),
    (
        "get_catalogue",
        "200",
        include_str!("../../openapi/examples/get_catalogue.json"),
    ),
    (
        "get_healthz",
        "200",
        include_str!("../../openapi/examples/get_healthz.json"),
    ),
    (
        "get_readyz",
        "200",
        include_str!("../../openapi/examples/get_readyz.json"),
    ),
    (
        "get_attributes",
        "200",
        include_str!("../../openapi/examples/get_attributes.json"),
    ),
    (
        "get_attributes_by_name",
        "200",
        include_str!("../../openapi/examples/get_attributes_by_name.json"),
    ),
    (
        "get_oidc_scopes",
        "200",
        include_str!("../../openapi/examples/get_oidc_scopes.json"),
    ),
    (
        "get_vendors",
        "200",
        include_str!("../../openapi/examples/get_vendors.json"),
    ),
    (
        "get_vendors_by_id",
        "200",
        include_str!("../../openapi/examples/get_vendors_by_id.json"),
    ),
    (
        "post_vendors",
        "201",
        include_str!("../../openapi/examples/get_vendors_by_id.json"),
    ),
    (
        "put_vendors_by_id",
        "200",
        include_str!("../../openapi/examples/get_vendors_by_id.json"),
    ),
    (
        "patch_vendors_by_id",
        "200",
        include_str!("../../openapi/examples/get_vendors_by_id.json"),
    ),
    (
        "get_vendors_by_id_history",
        "200",
        include_str!("../../openapi/examples/get_vendors_by_id_history.json"),
    ),
    (
        "get_services",
        "200",
        include_str!("../../openapi/examples/get_services.json"),
    ),
    (
        "get_services_by_id",
        "200",
        include_str!("../../openapi/examples/get_services_by_id.json"),
    ),
    (
        "post_services",
        "201",
        include_str!("../../openapi/examples/get_services_by_id.json"),
    ),
    (
        "put_services_by_id",
        "200",
        include_str!("../../openapi/examples/get_services_by_id.json"),
    ),
    (
        "patch_services_by_id",
        "200",
        include_str!("../../openapi/examples/get_services_by_id.json"),
    ),
    (
        "delete_services_by_id",
        "200",
        include_str!("../../openapi/examples/delete_services_by_id.json"),
    ),
    (
        "get_services_by_id_history",
        "200",
        include_str!("../../openapi/examples/get_services_by_id_history.json"),
    ),
    (
        "get_changes",
        "200",
        include_str!("../../openapi/examples/get_changes.json"),
    ),
    (
        "get_audit",
        "200",
        include_str!("../../openapi/examples/get_audit.json"),
    ),
    (
        "post_auth_token",
        "200",
        include_str!("../../openapi/examples/post_auth_token.json"),
    ),
    (
        "get_sub_processors",
        "200",
        include_str!("../../openapi/examples/get_sub_processors.json"),
    ),
    (
        "get_sub_processors_by_id",
        "200",
        include_str!("../../openapi/examples/get_sub_processors_by_id.json"),
    ),
    (
        "get_compare",
        "200",
        include_str!("../../openapi/examples/get_compare.json"),
    ),
    (
        "post_reports_portfolio",
        "200",
        include_str!("../../openapi/examples/post_reports_portfolio.json"),
    ),
    (
        "get_countries",
        "200",
        include_str!("../../openapi/examples/get_countries.json"),
    ),
    (
        "get_countries_by_code",
        "200",
        include_str!("../../openapi/examples/get_countries_by_code.json"),
    ),
    (
        "post_feide_sync",
        "200",
        include_str!("../../openapi/examples/post_feide_sync.json"),
    ),
    (
        "get_municipalities",
        "200",
        include_str!("../../openapi/examples/get_municipalities.json"),
    ),
    (
        "post_municipalities",
        "201",
        include_str!("../../openapi/examples/post_municipalities.json"),
    ),
    (
        "get_municipalities_by_id",
        "200",
        include_str!("../../openapi/examples/get_municipalities_by_id.json"),
    ),
    (
        "put_municipalities_by_id",
        "200",
        include_str!("../../openapi/examples/get_municipalities_by_id.json"),
    ),
    (
        "patch_municipalities_by_id",
        "200",
        include_str!("../../openapi/examples/get_municipalities_by_id.json"),
    ),
    (
        "get_municipalities_by_id_portfolio",
        "200",
        include_str!("../../openapi/examples/get_municipalities_by_id_portfolio.json"),
    ),
    (
        "get_municipalities_by_id_portfolio_by_service",
        "200",
        include_str!("../../openapi/examples/get_municipalities_by_id_portfolio_by_service.json"),
    ),
    (
        "put_municipalities_by_id_portfolio_by_service",
        "201",
        include_str!("../../openapi/examples/put_municipalities_by_id_portfolio_by_service.json"),
    ),
    (
        "put_municipalities_by_id_portfolio_by_service",
        "200",
        include_str!("../../openapi/examples/get_municipalities_by_id_portfolio_by_service.json"),
    ),
    (
        "patch_municipalities_by_id_portfolio_by_service",
        "200",
        include_str!("../../openapi/examples/get_municipalities_by_id_portfolio_by_service.json"),
    ),
    (
        "delete_municipalities_by_id_portfolio_by_service",
        "200",
        include_str!("../../openapi/examples/get_municipalities_by_id_portfolio_by_service.json"),
    ),
    (
        "get_municipalities_by_id_portfolio_by_service_history",
        "200",
        include_str!(
            "../../openapi/examples/get_municipalities_by_id_portfolio_by_service_history.json"
        ),
    ),
    (
        "get_municipalities_by_id_report",
        "200",
        include_str!("../../openapi/examples/get_municipalities_by_id_report.json"),
    ),
    (
        "get_municipalities_by_id_record_of_processing",
        "200",
        include_str!("../../openapi/examples/get_municipalities_by_id_record_of_processing.json"),
    ),
    (
        "get_municipalities_by_id_changes",
        "200",
        include_str!("../../openapi/examples/get_municipalities_by_id_changes.json"),
    ),
    (
        // written by hand: another process's lease cannot be held from the examples script
        "post_feide_sync",
        "202",
        include_str!("../../openapi/examples/post_feide_sync_busy.json"),
    ),
    (
        "get_coverage",
        "200",
        include_str!("../../openapi/examples/get_coverage.json"),
    ),
    (
        "get_feide_providers",
        "200",
        include_str!("../../openapi/examples/get_feide_providers.json"),
    ),
    (
        "put_feide_providers_by_id",
        "200",
        include_str!("../../openapi/examples/put_feide_providers_by_id.json"),
    ),
    (
        "post_services_by_id_announcements",
        "201",
        include_str!("../../openapi/examples/post_services_by_id_announcements.json"),
    ),
    (
        "get_announcements",
        "200",
        include_str!("../../openapi/examples/get_announcements.json"),
    ),
    (
        "get_announcements_by_id",
        "200",
        include_str!("../../openapi/examples/get_announcements_by_id.json"),
    ),
    (
        "get_services_by_id_announcements",
        "200",
        include_str!("../../openapi/examples/get_services_by_id_announcements.json"),
    ),
    (
        "put_announcements_by_id_responses_by_municipality",
        "201",
        include_str!(
            "../../openapi/examples/put_announcements_by_id_responses_by_municipality.json"
        ),
    ),
    (
        // a second answer replaces the first and is answered alike
        "put_announcements_by_id_responses_by_municipality",
        "200",
        include_str!(
            "../../openapi/examples/put_announcements_by_id_responses_by_municipality.json"
        ),
    ),
    (
        "get_announcements_by_id_responses",
        "200",
        include_str!("../../openapi/examples/get_announcements_by_id_responses.json"),
    ),
    (
        "delete_announcements_by_id",
        "200",
        include_str!("../../openapi/examples/delete_announcements_by_id.json"),
    ),
    (
        "post_announcements_apply_due",
        "200",
        include_str!("../../openapi/examples/post_announcements_apply_due.json"),
    ),
    (
        // written by hand, as the Feide sync's
        "post_announcements_apply_due",
        "202",
        include_str!("../../openapi/examples/post_announcements_apply_due_busy.json"),
    ),
    (
        "post_webhooks",
        "201",
        include_str!("../../openapi/examples/post_webhooks.json"),
    ),
    (
        "get_webhooks",
        "200",
        include_str!("../../openapi/examples/get_webhooks.json"),
    ),
    (
        "get_webhooks_by_id",
        "200",
        include_str!("../../openapi/examples/get_webhooks_by_id.json"),
    ),
    (
        "patch_webhooks_by_id",
        "200",
        include_str!("../../openapi/examples/patch_webhooks_by_id.json"),
    ),
    (
        "get_webhooks_by_id_deliveries",
        "200",
        include_str!("../../openapi/examples/get_webhooks_by_id_deliveries.json"),
    ),
    (
        "post_webhooks_by_id_deliveries_by_delivery_redeliver",
        "202",
        include_str!(
            "../../openapi/examples/post_webhooks_by_id_deliveries_by_delivery_redeliver.json"
        ),
    ),
    // Atom feeds: the example is the feed's text
    (
        "get_feeds_changes_atom",
        "200",
        include_str!("../../openapi/examples/get_feeds_changes_atom.xml"),
    ),
    (
        "get_feeds_announcements_atom",
        "200",
        include_str!("../../openapi/examples/get_feeds_announcements_atom.xml"),
    ),
    (
        "get_feeds_services_by_id_atom",
        "200",
        include_str!("../../openapi/examples/get_feeds_services_by_id_atom.xml"),
    ),
    (
        "get_feeds_vendors_by_id_atom",
        "200",
        include_str!("../../openapi/examples/get_feeds_vendors_by_id_atom.xml"),
    ),
];

pub fn finish(doc: &mut Value) {
    doc["servers"] = json!([{"url": "/", "description": "The registry serving this document"}]);
    security(doc);
    split_shared_schemas(doc);
    require_response_fields(doc);
    formats_and_enums(doc);
    examples(doc);
    prune_unused(doc);
}

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

fn operations(doc: &mut Value) -> Vec<&mut Map<String, Value>> {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return Vec::new();
    };
    paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| {
            item.iter_mut()
                .filter(|(m, _)| METHODS.contains(&m.as_str()))
                .filter_map(|(_, op)| op.as_object_mut())
        })
        .collect()
}

fn schemas(doc: &mut Value) -> &mut Map<String, Value> {
    doc["components"]["schemas"]
        .as_object_mut()
        .expect("the document has component schemas")
}

/// Writes need a bearer token, from this registry's client-credentials flow or an external
/// issuer; everything else is public, which the document states per operation.
fn security(doc: &mut Value) {
    doc["components"]["securitySchemes"]["oauth2"] = json!({
        "type": "oauth2",
        "description": "A client's id and secret (`feide-registry client create`) exchanged for a bearer token",
        "flows": {"clientCredentials": {"tokenUrl": TOKEN_URL, "scopes": {}}}
    });
    doc["components"]["securitySchemes"]["client"] = json!({
        "type": "http",
        "scheme": "basic",
        "description": "A client's id and secret, to ask for a token (they may also come in the form body)"
    });
    for op in operations(doc) {
        let wants_bearer = op
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
        let security = if wants_bearer {
            json!([{"bearer": []}, {"oauth2": []}])
        } else if op["operationId"] == "post_auth_token" {
            json!([{"client": []}, {}])
        } else {
            // an empty list: no identity needed (an absent one would leave it unsaid)
            json!([])
        };
        op.insert("security".into(), security);
    }
}

/// Every schema name a value refers to.
fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                if let Some(name) = r.strip_prefix("#/components/schemas/") {
                    out.insert(name.to_owned());
                }
            }
            m.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The schemas reachable from `roots`, following references.
fn closure(schemas: &Map<String, Value>, roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(s) = schemas.get(&name) {
            let mut next = BTreeSet::new();
            refs(s, &mut next);
            todo.extend(next);
        }
    }
    seen
}

/// (schemas requests reach, schemas answers reach).
fn directions(doc: &mut Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut req, mut resp) = (BTreeSet::new(), BTreeSet::new());
    for op in operations(doc) {
        if let Some(b) = op.get("requestBody") {
            refs(b, &mut req);
        }
        if let Some(p) = op.get("parameters") {
            refs(p, &mut req);
        }
        if let Some(r) = op.get("responses") {
            refs(r, &mut resp);
        }
    }
    let schemas = schemas(doc);
    (closure(schemas, req), closure(schemas, resp))
}

fn rename_refs(v: &mut Value, renamed: &BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                if let Some(name) = r.strip_prefix("#/components/schemas/") {
                    if renamed.contains(name) {
                        *r = format!("#/components/schemas/{name}Write");
                    }
                }
            }
            m.values_mut().for_each(|v| rename_refs(v, renamed));
        }
        Value::Array(a) => a.iter_mut().for_each(|v| rename_refs(v, renamed)),
        _ => {}
    }
}

fn has_optional_fields(schema: &Value) -> bool {
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    schema["properties"]
        .as_object()
        .is_some_and(|p| p.keys().any(|k| !required.contains(k.as_str())))
}

/// A catalogue type both written and answered (a service's `terms`) may be left out of a write
/// but is always in the answer: requests get a copy named `…Write` that keeps the optional
/// fields, and the original is made honest for answers.
fn split_shared_schemas(doc: &mut Value) {
    let (req, resp) = directions(doc);
    let schemas = schemas(doc);
    let shared: BTreeSet<String> = req.intersection(&resp).cloned().collect();
    // a shared schema must be copied when it has optional fields or refers to one that is copied
    let mut split: BTreeSet<String> = shared
        .iter()
        .filter(|n| schemas.get(*n).is_some_and(has_optional_fields))
        .cloned()
        .collect();
    loop {
        let more: Vec<String> = shared
            .iter()
            .filter(|n| !split.contains(*n))
            .filter(|n| {
                let mut r = BTreeSet::new();
                refs(&schemas[n.as_str()], &mut r);
                r.iter().any(|x| split.contains(x))
            })
            .cloned()
            .collect();
        if more.is_empty() {
            break;
        }
        split.extend(more);
    }
    for name in &split {
        let mut copy = schemas[name.as_str()].clone();
        rename_refs(&mut copy, &split);
        schemas.insert(format!("{name}Write"), copy);
    }
    for name in req.difference(&resp) {
        if let Some(s) = schemas.get_mut(name) {
            rename_refs(s, &split);
        }
    }
    for op in operations(doc) {
        if let Some(b) = op.get_mut("requestBody") {
            rename_refs(b, &split);
        }
        if let Some(p) = op.get_mut("parameters") {
            rename_refs(p, &split);
        }
    }
}

/// Every field of an answer is written, as `null` when unknown, so it is `required` (its schema
/// already allows `null` where it can be).
fn require_response_fields(doc: &mut Value) {
    let (_, resp) = directions(doc);
    let schemas = schemas(doc);
    for name in resp {
        if let Some(s) = schemas.get_mut(&name) {
            require_all(s, &name);
        }
    }
}

fn require_all(schema: &mut Value, name: &str) {
    let Some(m) = schema.as_object_mut() else {
        return;
    };
    if let Some(props) = m.get("properties").and_then(Value::as_object) {
        let required: Vec<Value> = props
            .keys()
            .filter(|k| !SOMETIMES_ABSENT.contains(&(name, k.as_str())))
            .map(|k| Value::String(k.clone()))
            .collect();
        if required.is_empty() {
            m.remove("required");
        } else {
            m.insert("required".into(), Value::Array(required));
        }
    }
    // inline parts (a flattened part, a map's values, a list's items) are written whole too
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = m.get_mut(key) {
            parts.iter_mut().for_each(|p| require_all(p, name));
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = m.get_mut(key) {
            require_all(inner, "");
        }
    }
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        props.values_mut().for_each(|p| require_all(p, ""));
    }
}

/// Times are RFC 3339 (`at`, `*_at`), a source's `date` an ISO 8601 date (validated on write);
/// a revision's `changes` map each changed field to its old and new value; closed sets of
/// names are enums.
fn formats_and_enums(doc: &mut Value) {
    let schemas = schemas(doc);
    for schema in schemas.values_mut() {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (name, prop) in props.iter_mut() {
            let format = match name.as_str() {
                n if n == "at" || n.ends_with("_at") => "date-time",
                "date" => "date",
                _ => continue,
            };
            let is_string = match &prop["type"] {
                Value::String(t) => t == "string",
                Value::Array(ts) => ts.iter().any(|t| t == "string"),
                _ => false,
            };
            if is_string {
                prop["format"] = json!(format);
            }
        }
    }
    for name in ["Revision", "ChangeEntry"] {
        let Some(props) = schemas
            .get_mut(name)
            .and_then(|s| s.get_mut("properties"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        if let Some(changes) = props.get_mut("changes") {
            let description = changes["description"].clone();
            *changes = json!({
                "type": "object",
                "description": description,
                "additionalProperties": {
                    "type": "object",
                    "description": "The field's value before and after (`null` where it had none)",
                    "properties": {"from": {}, "to": {}},
                    "required": ["from", "to"],
                    "additionalProperties": false
                }
            });
        }
        if let Some(action) = props.get_mut("action") {
            action["enum"] = json!(super::routes::revision_actions());
        }
        if let Some(entity) = props.get_mut("entity") {
            entity["enum"] = json!(crate::store::REVISED_ENTITIES);
        }
    }
}

fn examples(doc: &mut Value) {
    for op in operations(doc) {
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        for (_, status, text) in EXAMPLES.iter().filter(|(o, _, _)| *o == id) {
            // a feed's example is its XML, as text; every other example is JSON
            let atom = text.starts_with("<?xml");
            let media_type = if atom {
                "application/atom+xml"
            } else {
                "application/json"
            };
            let Some(media) = op
                .get_mut("responses")
                .and_then(|r| r.get_mut(*status))
                .and_then(|r| r.get_mut("content"))
                .and_then(|c| c.get_mut(media_type))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let example: Value = if atom {
                Value::String((*text).to_owned())
            } else {
                serde_json::from_str(text).expect("the examples are JSON")
            };
            media.insert("example".into(), example);
        }
    }
}

/// Leaves out schemas nothing in the paths refers to (directly or through other schemas).
fn prune_unused(doc: &mut Value) {
    let mut roots = BTreeSet::new();
    refs(&doc["paths"], &mut roots);
    let schemas = schemas(doc);
    let used = closure(schemas, roots);
    schemas.retain(|name, _| used.contains(name));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_name_operations_of_the_document() {
        let doc: Value = serde_json::from_str(&super::super::openapi::document()).unwrap();
        let ids: BTreeSet<&str> = METHODS
            .iter()
            .flat_map(|m| {
                doc["paths"]
                    .as_object()
                    .unwrap()
                    .values()
                    .filter_map(move |i| i[*m]["operationId"].as_str())
            })
            .collect();
        for (op, _, _) in EXAMPLES {
            assert!(ids.contains(op), "{op} is not an operation");
        }
    }

    #[test]
    fn every_json_success_answer_has_an_example() {
        let doc: Value = serde_json::from_str(&super::super::openapi::document()).unwrap();
        let mut missing = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for m in METHODS {
                let Some(responses) = item[m]["responses"].as_object() else {
                    continue;
                };
                for (status, answer) in responses {
                    let json = &answer["content"]["application/json"];
                    if status.starts_with('2') && json.is_object() && json["example"].is_null() {
                        missing.push(format!("{m} {path} {status}"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "no example: {missing:?}");
    }

    #[test]
    fn a_shared_schema_with_optional_fields_gets_a_write_copy() {
        let doc: Value = serde_json::from_str(&super::super::openapi::document()).unwrap();
        let s = &doc["components"]["schemas"];
        let required = |n: &str| s[n]["required"].as_array().cloned().unwrap_or_default();
        assert!(required("Terms").contains(&json!("breach_notice_hours")));
        assert!(!required("TermsWrite").contains(&json!("breach_notice_hours")));
        assert_eq!(
            s["ServiceWrite"]["properties"]["terms"]["$ref"],
            "#/components/schemas/TermsWrite"
        );
    }
}
