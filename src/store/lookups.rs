//! Single facts about the stored catalogue, each one targeted query, for callers that need one
//! fact and not the whole catalogue (an import checks against the reference data; a new vendor
//! client needs its vendor to exist).

use std::collections::HashMap;

use diesel::dsl::exists;
use diesel::prelude::*;

use super::rows::{AttributeRow, CountryRow, ScopeRow};
use super::schema::*;
use super::{Db, StoreError};
use crate::domain::reference::{
    Adequacy, Attribute, Country, Reference, Scope, Sensitivity, Texts,
};

/// Whether a vendor with this id is stored.
pub fn vendor_exists(db: &mut Db, id: &str) -> Result<bool, StoreError> {
    Ok(diesel::select(exists(vendors::table.find(id))).get_result(db)?)
}

/// The reference data (Feide attributes, OIDC scopes, countries) without any catalogue entry.
pub fn reference(db: &mut Db) -> Result<Reference, StoreError> {
    let links: Vec<(String, String)> = scope_attributes::table
        .inner_join(attributes::table.on(attributes::name.eq(scope_attributes::attribute_name)))
        .order((scope_attributes::scope, attributes::position))
        .select((scope_attributes::scope, scope_attributes::attribute_name))
        .load(db)?;
    let scopes_rows: Vec<ScopeRow> = oidc_scopes::table.order(oidc_scopes::position).load(db)?;
    let scope_order: HashMap<&str, i32> = scopes_rows
        .iter()
        .map(|s| (s.scope.as_str(), s.position))
        .collect();
    let attributes = attributes::table
        .order(attributes::position)
        .load::<AttributeRow>(db)?
        .into_iter()
        .map(|r| {
            let mut oidc_scopes: Vec<String> = links
                .iter()
                .filter(|(_, a)| *a == r.name)
                .map(|(s, _)| s.clone())
                .collect();
            oidc_scopes.sort_by_key(|s| scope_order.get(s.as_str()).copied());
            Ok(Attribute {
                sensitivity: Sensitivity::parse(&r.sensitivity).ok_or_else(|| {
                    StoreError::Corrupt(format!("attributes.sensitivity `{}`", r.sensitivity))
                })?,
                name: r.name,
                oid: r.oid,
                category: r.category,
                multi_valued: r.multi_valued,
                oidc_scopes,
                description: Texts {
                    nb: r.description_nb,
                    nn: r.description_nn,
                    en: r.description_en,
                },
                source: r.source,
                sensitivity_note: match (
                    r.sensitivity_note_nb,
                    r.sensitivity_note_nn,
                    r.sensitivity_note_en,
                ) {
                    (Some(nb), Some(nn), Some(en)) => Some(Texts { nb, nn, en }),
                    _ => None,
                },
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let scopes = scopes_rows
        .into_iter()
        .map(|r| Scope {
            attributes: links
                .iter()
                .filter(|(s, _)| *s == r.scope)
                .map(|(_, a)| a.clone())
                .collect(),
            scope: r.scope,
            justification_required: r.justification_required,
            description: Texts {
                nb: r.description_nb,
                nn: r.description_nn,
                en: r.description_en,
            },
        })
        .collect();
    let countries = countries::table
        .order(countries::code)
        .load::<CountryRow>(db)?
        .into_iter()
        .map(|r| {
            Ok(Country {
                adequacy: Adequacy::parse(&r.adequacy).ok_or_else(|| {
                    StoreError::Corrupt(format!("countries.adequacy `{}`", r.adequacy))
                })?,
                code: r.code,
                name: Texts {
                    nb: r.name_nb,
                    nn: r.name_nn,
                    en: r.name_en,
                },
                eea: r.eea,
                eu: r.eu,
                adequacy_decision: r.adequacy_decision,
                adequacy_note: r.adequacy_note,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Reference {
        attributes,
        scopes,
        countries,
    })
}
