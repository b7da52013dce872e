//! Row structs, one per table, fields in column order. API views are separate (`http::views`).
//! Child rows write `None` as NULL rather than as the column's default (they have none), so
//! that SQLite, which has no `DEFAULT` in a multi-row INSERT, takes many of them in one statement.

use diesel::prelude::*;

use super::schema::*;
use super::Moment;
use crate::domain::ids::{CountryCode, OrgNumber, ServiceId, SubProcessorId, VendorId};

#[derive(Queryable, Insertable)]
#[diesel(table_name = countries)]
pub struct CountryRow {
    pub code: String,
    pub name_nb: String,
    pub name_nn: String,
    pub name_en: String,
    pub eea: bool,
    pub eu: bool,
    pub adequacy: String,
    pub adequacy_decision: Option<String>,
    pub adequacy_note: Option<String>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = attributes)]
pub struct AttributeRow {
    pub name: String,
    pub position: i32,
    pub oid: Option<String>,
    pub category: String,
    pub sensitivity: String,
    pub multi_valued: bool,
    pub description_nb: String,
    pub description_nn: String,
    pub description_en: String,
    pub source: Option<String>,
    pub sensitivity_note_nb: Option<String>,
    pub sensitivity_note_nn: Option<String>,
    pub sensitivity_note_en: Option<String>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = oidc_scopes)]
pub struct ScopeRow {
    pub scope: String,
    pub position: i32,
    pub justification_required: bool,
    pub description_nb: String,
    pub description_nn: String,
    pub description_en: String,
}

#[derive(Queryable, Insertable, AsChangeset)]
#[diesel(table_name = vendors, treat_none_as_null = true)]
pub struct VendorRow {
    pub id: VendorId,
    pub name: String,
    pub org_number: Option<OrgNumber>,
    pub country: Option<String>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website: Option<String>,
    pub revision: i32,
    pub created_at: Moment,
    pub updated_at: Moment,
}

#[derive(Queryable, Insertable, AsChangeset)]
#[diesel(table_name = sub_processors, treat_none_as_null = true)]
pub struct SubProcessorRow {
    pub id: SubProcessorId,
    pub name: String,
    pub legal_name: Option<String>,
    pub org_number: Option<OrgNumber>,
    pub registration_number: Option<String>,
    pub country: Option<CountryCode>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub updated_at: Moment,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = services)]
pub struct ServiceRow {
    pub id: ServiceId,
    pub vendor_id: VendorId,
    pub name: String,
    pub description: Option<String>,
    pub website: Option<String>,
    pub status: String,
    pub revision: i32,
    pub created_at: Moment,
    pub updated_at: Moment,
}

/// The `service_texts` kind of the registry's notes; the agreement's statements are stored under
/// their list's name (`Statements::KINDS`).
pub const NOTE: &str = "note";

#[derive(Queryable, Insertable)]
#[diesel(table_name = service_texts)]
pub struct TextRow {
    pub service_id: ServiceId,
    pub kind: String,
    pub position: i32,
    pub text: String,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = service_attributes, treat_none_as_default_value = false)]
pub struct ServiceAttributeRow {
    pub service_id: ServiceId,
    pub attribute_name: String,
    pub position: i32,
    pub justification: Option<String>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = service_scopes, treat_none_as_default_value = false)]
pub struct ServiceScopeRow {
    pub service_id: ServiceId,
    pub scope: String,
    pub position: i32,
    pub justification: Option<String>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = service_locations, treat_none_as_default_value = false)]
pub struct LocationRow {
    pub service_id: ServiceId,
    pub position: i32,
    pub country: CountryCode,
    pub role: String,
    pub facility: Option<String>,
    pub basis: String,
    pub evidence: Option<String>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = sub_processor_uses, treat_none_as_default_value = false)]
pub struct UseRow {
    pub service_id: ServiceId,
    pub position: i32,
    pub sub_processor_id: SubProcessorId,
    pub purpose: Option<String>,
    pub transfer_mechanism: String,
    /// Every stated basis, comma-separated; empty when the agreement states one or none.
    pub transfer_mechanisms: String,
    pub transfer_evidence: Option<String>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = sub_processor_use_locations, treat_none_as_default_value = false)]
pub struct UseLocationRow {
    pub service_id: ServiceId,
    pub use_position: i32,
    pub position: i32,
    pub country: CountryCode,
    pub role: String,
    pub basis: String,
    pub evidence: Option<String>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = service_terms)]
pub struct TermsRow {
    pub service_id: ServiceId,
    pub deletion_days_after_end: Option<i32>,
    pub backup_deletion_days: Option<i32>,
    pub inactivity_deletion_days: Option<i32>,
    pub breach_notice_hours: Option<i32>,
    pub breach_notice: Option<String>,
    pub sub_processor_change: Option<String>,
    pub sub_processor_notice_days: Option<i32>,
    pub objection_days: Option<i32>,
    pub termination_notice_days: Option<i32>,
    pub log_retention_days: Option<i32>,
    pub security_audit_months: Option<i32>,
    pub security_level: Option<String>,
    pub governing_law: Option<String>,
    pub venue: Option<String>,
    pub evidence: String,
    pub return_request_days: Option<i32>,
    /// `Terms::stated` as JSON, like `evidence`: read and written whole, never queried.
    pub stated: String,
    /// `Terms::conflicts` as JSON, likewise.
    pub conflicts: String,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = service_feide_ids, treat_none_as_default_value = false)]
pub struct FeideIdRow {
    pub service_id: ServiceId,
    pub position: i32,
    pub feide_id: String,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = service_sources, treat_none_as_default_value = false)]
pub struct SourceRow {
    pub service_id: ServiceId,
    pub position: i32,
    pub title: String,
    pub date: Option<String>,
    pub url: Option<String>,
    pub document: Option<String>,
    pub controller: Option<String>,
    pub controller_org_number: Option<OrgNumber>,
}

/// Enum columns are stored as their JSON (snake_case) names, so the database reads like the API.
pub fn enum_to_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => unreachable!("enum columns serialise to strings"),
    }
}

pub fn text_to_enum<T: serde::de::DeserializeOwned>(
    column: &str,
    text: &str,
) -> Result<T, super::StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| super::StoreError::Corrupt(format!("{column} holds unknown value `{text}`")))
}
