//! Services known only from Feide's listing, and what the registry covers.
//!
//! A listed Feide service that no registry entry links becomes an entry of its own with status
//! `unregistered`: Feide's name, description and about page, linked to its Feide id (so the
//! profile's `feide` block shows the attributes Feide releases, the privacy policy links, areas
//! of use and levels), and no agreement facts at all. Its vendor is the registry vendor the
//! provider maps to (`providers`), or until then a vendor entry standing for the Feide provider.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{FeideProvider, FeideService};
use crate::catalogue::Snapshot;
use crate::domain::catalogue::{Service, Status, Terms, Vendor};
use crate::domain::flags::Flag;
use crate::domain::ids::{ServiceId, VendorId};

/// The id of the entry made for Feide service `feide_id`.
pub fn entry_id(feide_id: &str) -> String {
    format!("feide-{feide_id}")
}

/// How the ids of vendor entries standing for Feide providers begin.
pub const PLACEHOLDER_PREFIX: &str = "feide-provider-";

/// The id of the vendor entry standing for Feide provider `provider_id` until it is matched.
pub fn placeholder_id(provider_id: &str) -> String {
    format!("{PLACEHOLDER_PREFIX}{provider_id}")
}

/// The provider's name as Feide gives it (nb, nn or en first).
pub fn provider_name(provider: &FeideProvider) -> String {
    text_of(&provider.name).unwrap_or_else(|| format!("Feide provider {}", provider.id))
}

/// Feide's text in the first of nb, nn, en that it has, else any.
fn text_of(texts: &std::collections::BTreeMap<String, String>) -> Option<String> {
    ["nb", "nn", "en"]
        .iter()
        .find_map(|l| texts.get(*l))
        .or_else(|| texts.values().next())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The `unregistered` entry for listed service `s`, under vendor `vendor`; None when an id
/// cannot be made from it (the listing's ids are checked before, so only a bug gets here).
pub fn unregistered_entry(s: &FeideService, vendor: &str) -> Option<Service> {
    Some(Service {
        id: ServiceId::parse(&entry_id(&s.id)).ok()?,
        name: text_of(&s.name).unwrap_or_else(|| format!("Feide service {}", s.id)),
        vendor: VendorId::parse(vendor).ok()?,
        description: text_of(&s.details.description),
        website: s.details.about_url.clone().filter(|u| !u.trim().is_empty()),
        status: Status::Unregistered,
        purposes: Vec::new(),
        data_subjects: Vec::new(),
        personal_data: Vec::new(),
        attributes: Vec::new(),
        oidc_scopes: Vec::new(),
        locations: Vec::new(),
        sub_processors: Vec::new(),
        terms: Terms::default(),
        sources: Vec::new(),
        feide_ids: vec![s.id.clone()],
        statements: Default::default(),
        notes: Vec::new(),
    })
}

/// The vendor entry standing for `provider` until an organisation number or an administrator
/// says which vendor it is.
pub fn placeholder_vendor(provider: &FeideProvider) -> Option<Vendor> {
    Some(Vendor {
        id: VendorId::parse(&placeholder_id(&provider.id)).ok()?,
        // not the provider's bare name: a vendor entry of that name may be another company
        name: format!(
            "{} (Feide provider {})",
            provider_name(provider),
            provider.id
        ),
        org_number: None,
        country: None,
        address: None,
        contact: None,
        website: None,
    })
}

/// What the registry covers, by the snapshot: the answer of `GET /api/v1/coverage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Coverage {
    /// Services with agreement facts registered (status `active`).
    #[schema(example = 5)]
    pub with_agreement_facts: usize,
    /// Services known only from Feide's listing (status `unregistered`): no agreement facts yet.
    #[schema(example = 2)]
    pub only_from_feide: usize,
    /// Of the services with agreement facts, those Feide releases attributes to that the
    /// agreement does not declare (flag `undeclared_attribute`).
    #[schema(example = 1)]
    pub disagree_with_feide: usize,
    /// Of the services with agreement facts, those linked to at least one Feide service.
    #[schema(example = 3)]
    pub linked_to_feide: usize,
    /// Services retired (not counted above).
    #[schema(example = 0)]
    pub retired: usize,
}

impl Coverage {
    pub fn of(snapshot: &Snapshot) -> Self {
        let mut c = Coverage::default();
        for r in &snapshot.services {
            match r.service.status {
                Status::Active => {
                    c.with_agreement_facts += 1;
                    if r.derived.flags.contains(&Flag::UndeclaredAttribute) {
                        c.disagree_with_feide += 1;
                    }
                    if !r.service.feide_ids.is_empty() {
                        c.linked_to_feide += 1;
                    }
                }
                Status::Unregistered => c.only_from_feide += 1,
                Status::Retired => c.retired += 1,
            }
        }
        c
    }

    /// The counts as Prometheus gauges.
    pub fn render(&self) -> String {
        format!(
            "# HELP feide_registry_coverage_services Services in the registry: with agreement facts, known only from Feide, disagreeing with what Feide releases, linked to Feide, retired.\n\
             # TYPE feide_registry_coverage_services gauge\n\
             feide_registry_coverage_services{{kind=\"with_agreement_facts\"}} {}\n\
             feide_registry_coverage_services{{kind=\"only_from_feide\"}} {}\n\
             feide_registry_coverage_services{{kind=\"disagree_with_feide\"}} {}\n\
             feide_registry_coverage_services{{kind=\"linked_to_feide\"}} {}\n\
             feide_registry_coverage_services{{kind=\"retired\"}} {}\n",
            self.with_agreement_facts,
            self.only_from_feide,
            self.disagree_with_feide,
            self.linked_to_feide,
            self.retired,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unregistered_entry_holds_feide_facts_and_no_agreement_facts() {
        let s: FeideService = serde_json::from_str(
            r#"{"id": "20002", "name": {"en": "Mathland", "nb": "Matteland"},
                "attributes": ["cn"], "provider": null,
                "description": {"nb": "Matte."}, "about_url": "",
                "privacy_policy_urls": null, "areas_of_use": ["educational"], "levels": []}"#,
        )
        .unwrap();
        let e = unregistered_entry(&s, "feide-provider-1").unwrap();
        assert_eq!(
            (e.id.as_str(), e.name.as_str(), e.status),
            ("feide-20002", "Matteland", Status::Unregistered)
        );
        assert_eq!(e.description.as_deref(), Some("Matte."));
        assert_eq!(e.website, None);
        assert!(e.attributes.is_empty() && e.locations.is_empty() && e.sources.is_empty());
        assert_eq!(e.feide_ids, ["20002"]);
    }
}
