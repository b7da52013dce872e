//! Facts derived from a service's entries, never typed in: the attributes it really receives
//! (declared ones plus those its OIDC scopes release) and the countries its data reaches.

use std::collections::BTreeSet;

use super::catalogue::{Role, Service};
use super::reference::{Reference, Sensitivity};

/// One Feide attribute a service receives.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedAttribute {
    pub name: String,
    pub justification: Option<String>,
    pub sensitivity: Sensitivity,
    pub category: String,
    /// True when the service names the attribute itself.
    pub declared: bool,
    /// The OIDC scopes through which it arrives.
    pub via_scopes: Vec<String>,
}

/// Declared attributes first, in the agreement's order, then those released by each declared
/// scope. A scope's justification covers the attributes it releases, since Feide asks services to
/// justify scopes, not single attributes. Unknown names are skipped: validation rejects them
/// before they are stored.
pub fn resolve_attributes(service: &Service, reference: &Reference) -> Vec<ResolvedAttribute> {
    let mut out: Vec<ResolvedAttribute> = Vec::new();
    for request in &service.attributes {
        if let Some(attr) = reference.attribute(&request.name) {
            out.push(ResolvedAttribute {
                name: attr.name.clone(),
                justification: request.justification.clone(),
                sensitivity: attr.sensitivity,
                category: attr.category.clone(),
                declared: true,
                via_scopes: Vec::new(),
            });
        }
    }
    for request in &service.oidc_scopes {
        let Some(scope) = reference.scope(&request.scope) else { continue };
        for name in &scope.attributes {
            if let Some(existing) = out.iter_mut().find(|a| &a.name == name) {
                existing.via_scopes.push(scope.scope.clone());
                if existing.justification.is_none() {
                    existing.justification = request.justification.clone();
                }
                continue;
            }
            if let Some(attr) = reference.attribute(name) {
                out.push(ResolvedAttribute {
                    name: attr.name.clone(),
                    justification: request.justification.clone(),
                    sensitivity: attr.sensitivity,
                    category: attr.category.clone(),
                    declared: false,
                    via_scopes: vec![scope.scope.clone()],
                });
            }
        }
    }
    out
}

/// Countries where the service's data is stored or processed, by the vendor or any
/// sub-processor. Access and support locations are not storage, so they are left out here (they
/// still count as third-country transfers).
pub fn storage_countries(service: &Service) -> Vec<String> {
    let keep = |role: Role| matches!(role, Role::Storage | Role::Processing);
    let own = service.locations.iter().filter(|l| keep(l.role)).map(|l| l.country.clone());
    let subs = service
        .sub_processors
        .iter()
        .flat_map(|u| u.locations.iter())
        .filter(|l| keep(l.role))
        .map(|l| l.country.clone());
    own.chain(subs).collect::<BTreeSet<_>>().into_iter().collect()
}

/// Every country outside the EEA the data reaches in any role: remote access and support from a
/// third country is a transfer under GDPR chapter V just as storage is.
pub fn third_countries(service: &Service, reference: &Reference) -> Vec<String> {
    all_countries(service)
        .into_iter()
        .filter(|c| reference.is_third_country(c))
        .collect()
}

/// Every country the data reaches, in any role.
pub fn all_countries(service: &Service) -> BTreeSet<String> {
    let own = service.locations.iter().map(|l| l.country.clone());
    let subs = service
        .sub_processors
        .iter()
        .flat_map(|u| u.locations.iter())
        .map(|l| l.country.clone());
    own.chain(subs).collect()
}
