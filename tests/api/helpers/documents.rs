//! Request bodies in the catalogue form. They stay JSON values: tests break them on purpose.

use serde_json::{json, Value};

/// A valid new service of Trygg Trafikk.
pub fn new_service(id: &str) -> Value {
    json!({
        "id": id, "name": format!("Ny tjeneste {id}"), "vendor": "trygg-trafikk",
        "description": "Trafikkopplæring", "website": null, "status": "active",
        "purposes": ["Levere opplæring i trafikk"], "data_subjects": ["pupils"], "personal_data": [],
        "attributes": [{"name": "eduPersonPrincipalName", "justification": "Identifiserer eleven ved innlogging"}],
        "oidc_scopes": [],
        "locations": [{"country": "NO", "role": "storage", "facility": null}],
        "sub_processors": [{"id": "microsoft-azure", "purpose": "Drift", "locations": [{"country": "NL", "role": "storage"}], "transfer_mechanism": "eea"}],
        "terms": {"deletion_days_after_end": 90},
        "sources": []
    })
}

/// A valid new service of Trygg Trafikk that introduces the new sub-processor `sub`, storing in
/// Sweden.
pub fn new_service_introducing(id: &str, sub: &str) -> Value {
    let mut doc = new_service(id);
    doc["sub_processors"] = json!([{"id": sub, "purpose": "Lagring", "transfer_mechanism": "eea",
        "locations": [{"country": "SE", "role": "storage"}]}]);
    doc["new_sub_processors"] = json!([{"id": sub, "name": format!("Vertskap {id}"),
        "legal_name": null, "org_number": null, "registration_number": null, "country": "SE",
        "address": null, "website": null}]);
    doc
}
