//! The catalogue as entered: vendors, shared sub-processors and services, exactly as the
//! catalogue file (`data/FORMAT.md`) holds them. Derived facts live in `derive` and `flags`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const FORMAT: &str = "feide-registry-catalogue/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[schema(example = "feide-registry-catalogue/1")]
    pub format: String,
    pub vendors: Vec<Vendor>,
    pub sub_processors: Vec<SubProcessor>,
    pub services: Vec<Service>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    #[schema(example = "eldur-learning")]
    pub id: String,
    #[schema(example = "Eldur Learning AS")]
    pub name: String,
    /// Norwegian organisation number, 9 digits with a valid MOD11 check digit.
    #[schema(example = "918781293")]
    pub org_number: Option<String>,
    #[schema(example = "NO")]
    pub country: Option<String>,
    #[schema(example = "Trondheimsveien 2A, 0560 Oslo")]
    pub address: Option<String>,
    pub contact: Option<Contact>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubProcessor {
    #[schema(example = "microsoft-azure")]
    pub id: String,
    #[schema(example = "Microsoft Azure")]
    pub name: String,
    pub legal_name: Option<String>,
    pub org_number: Option<String>,
    /// A foreign registration number, as printed in the agreement.
    pub registration_number: Option<String>,
    /// Where the company is established.
    pub country: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    #[schema(example = "kikora")]
    pub id: String,
    #[schema(example = "Kikora")]
    pub name: String,
    /// The vendor's id.
    #[schema(example = "eldur-learning")]
    pub vendor: String,
    pub description: Option<String>,
    pub website: Option<String>,
    pub status: Status,
    pub purposes: Vec<String>,
    pub data_subjects: Vec<DataSubject>,
    pub personal_data: Vec<String>,
    pub attributes: Vec<AttributeRequest>,
    pub oidc_scopes: Vec<ScopeRequest>,
    pub locations: Vec<Location>,
    pub sub_processors: Vec<SubProcessorUse>,
    pub terms: Terms,
    pub sources: Vec<Source>,
}

impl Service {
    /// Frees the spare capacity of every list in the entry, for entries held in memory.
    pub fn shrink_to_fit(&mut self) {
        self.attributes.shrink_to_fit();
        self.oidc_scopes.shrink_to_fit();
        self.sub_processors.shrink_to_fit();
        self.sources.shrink_to_fit();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Retired,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DataSubject {
    Pupils,
    Staff,
    Guardians,
    ContactPersons,
}

/// A Feide attribute the service receives and the vendor's reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeRequest {
    #[schema(example = "givenName")]
    pub name: String,
    #[schema(example = "Brukes for å vise navnet til eleven i tjenesten")]
    pub justification: Option<String>,
}

/// A Feide OpenID Connect scope (attribute group) the service requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeRequest {
    #[schema(example = "email")]
    pub scope: String,
    pub justification: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Storage,
    Processing,
    Access,
    Support,
}

/// The vendor's own infrastructure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    #[schema(example = "NO")]
    pub country: String,
    pub role: Role,
    #[schema(example = "DigiPlex Oslo Ulven")]
    pub facility: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UseLocation {
    #[schema(example = "NL")]
    pub country: String,
    pub role: Role,
}

/// How a transfer of personal data to a sub-processor is legitimised (GDPR chapter V).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransferMechanism {
    /// Every location is inside the EEA: no transfer.
    Eea,
    /// An EU adequacy decision (GDPR art. 45).
    Adequacy,
    /// The EU-US Data Privacy Framework (a partial adequacy decision, 2023/1795).
    Dpf,
    /// Standard contractual clauses (art. 46(2)(c)).
    Scc,
    /// Binding corporate rules (art. 47).
    Bcr,
    /// A derogation for specific situations (art. 49).
    Derogation,
    /// EU-US Privacy Shield, recorded as stated; invalidated by the CJEU in C-311/18 (2020).
    PrivacyShield,
    /// The agreement states no basis.
    NoneStated,
}

impl TransferMechanism {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eea => "eea",
            Self::Adequacy => "adequacy",
            Self::Dpf => "dpf",
            Self::Scc => "scc",
            Self::Bcr => "bcr",
            Self::Derogation => "derogation",
            Self::PrivacyShield => "privacy_shield",
            Self::NoneStated => "none_stated",
        }
    }
}

/// One service's use of a shared sub-processor.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubProcessorUse {
    #[schema(example = "microsoft-azure")]
    pub id: String,
    #[schema(example = "Hosting av tjenesten")]
    pub purpose: Option<String>,
    pub locations: Vec<UseLocation>,
    pub transfer_mechanism: TransferMechanism,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreachNotice {
    /// A fixed deadline, given in `breach_notice_hours`.
    Deadline,
    /// "Uten ugrunnet opphold": no fixed number of hours.
    WithoutUndueDelay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubProcessorChange {
    /// The controller must approve a new sub-processor in advance.
    PriorApproval,
    /// The vendor notifies; the controller may object.
    Notice,
}

/// The agreement's terms. `null` means the agreement does not state it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    #[schema(example = 30)]
    pub deletion_days_after_end: Option<i32>,
    pub backup_deletion_days: Option<i32>,
    pub inactivity_deletion_days: Option<i32>,
    /// Hours from discovery to notice; null when there is no fixed deadline.
    #[schema(example = 24)]
    pub breach_notice_hours: Option<i32>,
    pub breach_notice: Option<BreachNotice>,
    pub sub_processor_change: Option<SubProcessorChange>,
    pub sub_processor_notice_days: Option<i32>,
    pub objection_days: Option<i32>,
    pub termination_notice_days: Option<i32>,
    pub log_retention_days: Option<i32>,
    pub security_audit_months: Option<i32>,
    pub security_level: Option<String>,
    /// ISO 3166-1 code of the governing law.
    #[schema(example = "NO")]
    pub governing_law: Option<String>,
    #[schema(example = "Oslo tingrett")]
    pub venue: Option<String>,
    /// The agreement's own words for each term, keyed by the term's field name.
    #[serde(default)]
    pub evidence: std::collections::BTreeMap<String, String>,
}

/// A document the facts come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    #[schema(example = "Databehandleravtale")]
    pub title: String,
    /// ISO 8601 date.
    #[schema(example = "2018-12-18")]
    pub date: Option<String>,
    pub url: Option<String>,
    /// The file name of the source document in the registry's seed folder.
    pub document: Option<String>,
    /// The controller (municipality or county) that signed this copy, when named.
    #[schema(example = "Meland kommune")]
    pub controller: Option<String>,
    pub controller_org_number: Option<String>,
}
