//! The catalogue as entered: vendors, shared sub-processors and services, exactly as the
//! catalogue file (`data/FORMAT.md`) holds them. Derived facts live in `derive` and `flags`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::{CountryCode, OrgNumber, ServiceId, SubProcessorId, VendorId};
use super::validate::{pointer_to, FieldProblem};

pub const FORMAT: &str = "feide-registry-catalogue/1";

/// Declares each record twice from one field list: the checked form, whose identifiers are the
/// types of `ids` (what the read model and the store hold), and in `raw` the form a body or the
/// catalogue file is read into, where a field marked `=> Raw` holds `Raw` instead. A body is
/// read raw so that validation can name every bad field at once (serde would stop at the first);
/// `Check` then turns the raw form into the checked one.
macro_rules! records {
    ($( $(#[$m:meta])* pub struct $name:ident as $input:ident { $($body:tt)* } )*) => {
        $( records!(@typed [$(#[$m])*] $name [] $($body)*); )*

        /// The records as read, before their identifiers are checked.
        pub mod raw {
            use super::*;
            $( records!(@raw [$(#[$m])*] $name $input [] [] $($body)*); )*
        }
    };
    (@typed [$($m:tt)*] $name:ident [$($done:tt)*]
        $(#[$fm:meta])* pub $f:ident : $t:ty => $r:ty $(, $($rest:tt)*)?) => {
        records!(@typed [$($m)*] $name [$($done)* $(#[$fm])* pub $f: $t,] $($($rest)*)?);
    };
    (@typed [$($m:tt)*] $name:ident [$($done:tt)*]
        $(#[$fm:meta])* pub $f:ident : $t:ty $(, $($rest:tt)*)?) => {
        records!(@typed [$($m)*] $name [$($done)* $(#[$fm])* pub $f: $t,] $($($rest)*)?);
    };
    (@typed [$($m:tt)*] $name:ident [$($done:tt)*]) => {
        $($m)*
        pub struct $name { $($done)* }
    };
    (@raw [$($m:tt)*] $name:ident $input:ident [$($done:tt)*] [$($conv:tt)*]
        $(#[$fm:meta])* pub $f:ident : $t:ty => $r:ty $(, $($rest:tt)*)?) => {
        records!(@raw [$($m)*] $name $input [$($done)* $(#[$fm])* pub $f: $r,]
            [$($conv)* ($f check)]
            $($($rest)*)?);
    };
    (@raw [$($m:tt)*] $name:ident $input:ident [$($done:tt)*] [$($conv:tt)*]
        $(#[$fm:meta])* pub $f:ident : $t:ty $(, $($rest:tt)*)?) => {
        records!(@raw [$($m)*] $name $input [$($done)* $(#[$fm])* pub $f: $t,]
            [$($conv)* ($f move)] $($($rest)*)?);
    };
    (@raw [$($m:tt)*] $name:ident $input:ident [$($done:tt)*] [$(($cf:ident $how:ident))*]) => {
        $($m)*
        #[schema(as = $input)]
        pub struct $name { $($done)* }

        impl Check<super::$name> for $name {
            fn check(self, at: &str) -> Result<super::$name, FieldProblem> {
                let raw = self;
                Ok(super::$name { $($cf: records!(@field raw at $cf $how)),* })
            }
        }

        impl From<super::$name> for $name {
            fn from(checked: super::$name) -> Self {
                $name { $($cf: records!(@back checked $cf $how)),* }
            }
        }
    };
    (@back $checked:ident $f:ident check) => {
        Unchecked::unchecked($checked.$f)
    };
    (@back $checked:ident $f:ident move) => {
        $checked.$f
    };
    (@field $raw:ident $at:ident $f:ident check) => {
        Check::check($raw.$f, &pointer_to($at, stringify!($f)))?
    };
    (@field $raw:ident $at:ident $f:ident move) => {
        $raw.$f
    };
}

/// Turns a raw value into its checked form; the error names the field (`at`, a JSON Pointer)
/// and why. After validation, which checks the same rules and names every problem at once, it
/// does not fail.
pub trait Check<T> {
    fn check(self, at: &str) -> Result<T, FieldProblem>;
}

macro_rules! checked_from_text {
    ($($name:ident),*) => {$(
        impl Check<$name> for String {
            fn check(self, at: &str) -> Result<$name, FieldProblem> {
                $name::parse(&self).map_err(|e| FieldProblem::said(at, e))
            }
        }
    )*};
}

checked_from_text!(ServiceId, VendorId, SubProcessorId, CountryCode, OrgNumber);

/// A checked value as raw again (to write it where the raw form is asked, as the export does).
pub trait Unchecked<R> {
    fn unchecked(self) -> R;
}

impl<T: Into<R>, R> Unchecked<Vec<R>> for Vec<T> {
    fn unchecked(self) -> Vec<R> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<T: Into<R>, R> Unchecked<Option<R>> for Option<T> {
    fn unchecked(self) -> Option<R> {
        self.map(Into::into)
    }
}

macro_rules! unchecked_to_text {
    ($($name:ident),*) => {$(
        impl Unchecked<String> for $name {
            fn unchecked(self) -> String {
                self.into()
            }
        }
    )*};
}

unchecked_to_text!(ServiceId, VendorId, SubProcessorId, CountryCode, OrgNumber);

impl<R: Check<T>, T> Check<Option<T>> for Option<R> {
    fn check(self, at: &str) -> Result<Option<T>, FieldProblem> {
        self.map(|r| r.check(at)).transpose()
    }
}

impl<R: Check<T>, T> Check<Vec<T>> for Vec<R> {
    fn check(self, at: &str) -> Result<Vec<T>, FieldProblem> {
        self.into_iter()
            .enumerate()
            .map(|(i, r)| r.check(&format!("{at}/{i}")))
            .collect()
    }
}

records! {
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalogue as CatalogueInput {
    #[schema(example = "feide-registry-catalogue/1")]
    pub format: String,
    pub vendors: Vec<Vendor> => Vec<raw::Vendor>,
    pub sub_processors: Vec<SubProcessor> => Vec<raw::SubProcessor>,
    pub services: Vec<Service> => Vec<raw::Service>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor as VendorInput {
    #[schema(example = "eldur-learning")]
    pub id: VendorId => String,
    #[schema(example = "Eldur Learning AS")]
    pub name: String,
    /// Norwegian organisation number, 9 digits with a valid MOD11 check digit.
    #[schema(example = "918781293")]
    pub org_number: Option<OrgNumber> => Option<String>,
    #[schema(example = "NO")]
    pub country: Option<String>,
    #[schema(example = "Trondheimsveien 2A, 0560 Oslo")]
    pub address: Option<String>,
    pub contact: Option<Contact>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubProcessor as SubProcessorInput {
    #[schema(example = "microsoft-azure")]
    pub id: SubProcessorId => String,
    #[schema(example = "Microsoft Azure")]
    pub name: String,
    pub legal_name: Option<String>,
    pub org_number: Option<OrgNumber> => Option<String>,
    /// A foreign registration number, as printed in the agreement.
    pub registration_number: Option<String>,
    /// Where the company is established.
    pub country: Option<CountryCode> => Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Service as ServiceInput {
    #[schema(example = "kikora")]
    pub id: ServiceId => String,
    #[schema(example = "Kikora")]
    pub name: String,
    /// The vendor's id.
    #[schema(example = "eldur-learning")]
    pub vendor: VendorId => String,
    pub description: Option<String>,
    pub website: Option<String>,
    pub status: Status,
    pub purposes: Vec<String>,
    pub data_subjects: Vec<DataSubject>,
    pub personal_data: Vec<String>,
    pub attributes: Vec<AttributeRequest>,
    pub oidc_scopes: Vec<ScopeRequest>,
    pub locations: Vec<Location> => Vec<raw::Location>,
    pub sub_processors: Vec<SubProcessorUse> => Vec<raw::SubProcessorUse>,
    pub terms: Terms,
    pub sources: Vec<Source> => Vec<raw::Source>,
    /// The service's ids in Feide's own service catalogue (the Feide API's service information,
    /// `/2/sp/{id}`), from which the registry fetches what Feide really releases to it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(example = json!(["16540"]))]
    pub feide_ids: Vec<String>,
    /// What else the agreement states, each in its own words; absent when it states none of it.
    #[serde(default, skip_serializing_if = "Statements::is_empty")]
    pub statements: Statements,
    /// The registry's remarks on how it read the agreement (judgement calls, inferences, OCR
    /// readings): the registry's words, not the agreement's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The vendor's own infrastructure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location as LocationInput {
    #[schema(example = "NO")]
    pub country: CountryCode => String,
    pub role: Role,
    #[schema(example = "DigiPlex Oslo Ulven")]
    pub facility: Option<String>,
    /// Where the location comes from; `stated` when absent (files written before it existed).
    #[serde(default)]
    pub basis: Basis,
    /// The agreement's words for this location.
    #[serde(default)]
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UseLocation as UseLocationInput {
    #[schema(example = "NL")]
    pub country: CountryCode => String,
    pub role: Role,
    /// Where the location comes from; `stated` when absent (files written before it existed).
    #[serde(default)]
    pub basis: Basis,
    /// The agreement's words for this location.
    #[serde(default)]
    pub evidence: Option<String>,
}

/// One service's use of a shared sub-processor.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubProcessorUse as SubProcessorUseInput {
    #[schema(example = "microsoft-azure")]
    pub id: SubProcessorId => String,
    #[schema(example = "Hosting av tjenesten")]
    pub purpose: Option<String>,
    pub locations: Vec<UseLocation> => Vec<raw::UseLocation>,
    /// The basis the flags judge the transfer by: the first of `transfer_mechanisms` that still
    /// holds, when the agreement states several.
    pub transfer_mechanism: TransferMechanism,
    /// Every basis the agreement states for this sub-processor, in its order (Salesforce: BCR,
    /// Privacy Shield and SCC); absent when it states one or none. Holds `transfer_mechanism`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfer_mechanisms: Vec<TransferMechanism>,
    /// The agreement's words for the transfer basis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_evidence: Option<String>,
}

/// A document the facts come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Source as SourceInput {
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
    pub controller_org_number: Option<OrgNumber> => Option<String>,
}
}

/// Facts of the agreement outside its terms, each list the agreement's own sentences. Only what
/// the agreement states goes here: a list is empty where it is silent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Statements {
    /// The legal basis of the processing (e.g. the Education Act).
    #[serde(default)]
    #[schema(example = json!(["Behandlingen er hjemlet i \"LOV-1998-07-17-61: Lov om grunnskolen og den vidaregåande opplæringa (Opplæringslova)\", samt tilhørende forskrifter."]))]
    pub legal_basis: Vec<String>,
    /// Purposes stated for the processing as a whole where the agreement gives them in place of a
    /// reason per attribute.
    #[serde(default)]
    pub general_purposes: Vec<String>,
    /// Who may see which data.
    #[serde(default)]
    pub access_control: Vec<String>,
    /// Retention of data the terms do not cover (sessions, cookies).
    #[serde(default)]
    pub retention: Vec<String>,
    /// What the agreement says of the data's sensitivity.
    #[serde(default)]
    pub sensitivity: Vec<String>,
    /// What follows when the controller objects to a sub-processor change.
    #[serde(default)]
    pub objection_outcome: Vec<String>,
    /// How long the agreement runs.
    #[serde(default)]
    pub duration: Vec<String>,
}

impl Statements {
    /// Each list with the name it has in the document and the kind its rows are stored under.
    pub const KINDS: [&'static str; 7] = [
        "legal_basis",
        "general_purposes",
        "access_control",
        "retention",
        "sensitivity",
        "objection_outcome",
        "duration",
    ];

    pub fn is_empty(&self) -> bool {
        Self::KINDS
            .iter()
            .all(|k| self.list(k).is_none_or(|l| l.is_empty()))
    }

    pub fn list(&self, kind: &str) -> Option<&Vec<String>> {
        Some(match kind {
            "legal_basis" => &self.legal_basis,
            "general_purposes" => &self.general_purposes,
            "access_control" => &self.access_control,
            "retention" => &self.retention,
            "sensitivity" => &self.sensitivity,
            "objection_outcome" => &self.objection_outcome,
            "duration" => &self.duration,
            _ => return None,
        })
    }

    pub fn list_mut(&mut self, kind: &str) -> Option<&mut Vec<String>> {
        Some(match kind {
            "legal_basis" => &mut self.legal_basis,
            "general_purposes" => &mut self.general_purposes,
            "access_control" => &mut self.access_control,
            "retention" => &mut self.retention,
            "sensitivity" => &mut self.sensitivity,
            "objection_outcome" => &mut self.objection_outcome,
            "duration" => &mut self.duration,
            _ => return None,
        })
    }
}

/// Clauses of one agreement that state a term differently, each with its words. The term's value
/// is the registry's reading; the flag `contradictory_terms` tells the reader to look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermConflict {
    /// The term's field name in `terms`.
    #[schema(example = "sub_processor_change")]
    pub term: String,
    /// Two or more readings, each with the clause's words.
    pub readings: Vec<Reading>,
}

/// One clause's reading of a term.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    /// The term's value by this clause, as the term's own field would hold it.
    pub value: ReadingValue,
    /// The clause's words.
    #[schema(
        example = "Enhver underleverandør skal godkjennes av Behandlingsansvarlig før underleverandøren kan behandle personopplysninger."
    )]
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ReadingValue {
    /// A count (days, hours or months, as the term counts).
    Count(i32),
    /// A value of the term's set of values (e.g. `prior_approval`).
    Word(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
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
    /// Known only from Feide's service listing: no agreement facts registered yet. Set by the
    /// Feide import alone; the vendor's first write of the whole service makes it `active`.
    Unregistered,
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

/// Where a location comes from. A company's registered address says nothing about where it
/// stores data, yet access from that country is still a transfer risk, so such a country is kept
/// and marked rather than dropped.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The agreement says the data is stored or processed there.
    #[default]
    Stated,
    /// The country of the company's registered address; the agreement says nothing about where
    /// the data goes.
    Establishment,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stated => "stated",
            Self::Establishment => "establishment",
        }
    }
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

impl SubProcessorUse {
    /// Every basis the agreement states: `transfer_mechanisms`, or the one `transfer_mechanism`.
    pub fn mechanisms(&self) -> &[TransferMechanism] {
        if self.transfer_mechanisms.is_empty() {
            std::slice::from_ref(&self.transfer_mechanism)
        } else {
            &self.transfer_mechanisms
        }
    }
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
    /// Days after the agreement ends within which the controller must ask for its data back.
    #[schema(example = 548)]
    pub return_request_days: Option<i32>,
    /// The agreement's own words for each term, keyed by the term's field name.
    #[serde(default)]
    pub evidence: std::collections::BTreeMap<String, String>,
    /// Each term counted in days as the agreement states it, keyed by the term's field name
    /// (`deletion_days_after_end`: at most 18 months, anonymisation). The term's day count is
    /// the statement's by the one rule (`domain::terms::days`).
    #[serde(default)]
    pub stated: std::collections::BTreeMap<String, super::terms::StatedTerm>,
    /// Terms the agreement states in clauses that disagree, each with every clause's words.
    #[serde(default)]
    pub conflicts: Vec<TermConflict>,
}

impl Terms {
    /// The name of every term, as `conflicts` names them.
    pub const NAMES: [&'static str; 15] = [
        "deletion_days_after_end",
        "backup_deletion_days",
        "inactivity_deletion_days",
        "breach_notice_hours",
        "breach_notice",
        "sub_processor_change",
        "sub_processor_notice_days",
        "objection_days",
        "termination_notice_days",
        "log_retention_days",
        "security_audit_months",
        "security_level",
        "governing_law",
        "venue",
        "return_request_days",
    ];

    /// The day count of the term named `name` (one of `terms::DAY_TERMS`); `None` for a name that
    /// is not a day term.
    pub fn day_term(&self, name: &str) -> Option<Option<i32>> {
        Some(match name {
            "deletion_days_after_end" => self.deletion_days_after_end,
            "backup_deletion_days" => self.backup_deletion_days,
            "inactivity_deletion_days" => self.inactivity_deletion_days,
            "sub_processor_notice_days" => self.sub_processor_notice_days,
            "objection_days" => self.objection_days,
            "termination_notice_days" => self.termination_notice_days,
            "log_retention_days" => self.log_retention_days,
            "return_request_days" => self.return_request_days,
            _ => return None,
        })
    }
}
