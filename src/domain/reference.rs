//! Reference data shipped with the code and loaded by migration: the Feide attribute catalogue,
//! the Feide OIDC scopes, and ISO 3166-1 countries with their EEA and adequacy status.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    Low,
    Medium,
    High,
}

impl Sensitivity {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "low" => Some(Self::Low),
            "medium" => Some(Self::Medium),
            "high" => Some(Self::High),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// Whether personal data may flow to a country without further safeguards (GDPR art. 45).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Adequacy {
    /// Inside the EEA: no transfer at all.
    Eea,
    /// An adequacy decision covering every recipient.
    Full,
    /// An adequacy decision covering only some recipients (the US: DPF-certified organisations).
    Partial,
    /// No adequacy decision: a transfer needs SCCs, BCRs or a derogation.
    None,
}

impl Adequacy {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "eea" => Some(Self::Eea),
            "full" => Some(Self::Full),
            "partial" => Some(Self::Partial),
            "none" => Some(Self::None),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eea => "eea",
            Self::Full => "full",
            Self::Partial => "partial",
            Self::None => "none",
        }
    }
}

/// A language the registry's multilingual texts come in; `nb` unless the client asks otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nb,
    Nn,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::Nb => "nb",
            Self::Nn => "nn",
            Self::En => "en",
        }
    }
}

/// A text in the three languages the registry serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Texts {
    pub nb: String,
    pub nn: String,
    pub en: String,
}

impl Texts {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.nb,
            Lang::Nn => &self.nn,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub oid: Option<String>,
    pub category: String,
    pub sensitivity: Sensitivity,
    pub multi_valued: bool,
    pub oidc_scopes: Vec<String>,
    pub description: Texts,
    pub source: Option<String>,
    /// Why the registry rates the sensitivity differently from Feide, where it does.
    pub sensitivity_note: Option<Texts>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub scope: String,
    pub justification_required: bool,
    pub attributes: Vec<String>,
    pub description: Texts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Country {
    pub code: String,
    pub name: Texts,
    pub eea: bool,
    pub eu: bool,
    pub adequacy: Adequacy,
    pub adequacy_decision: Option<String>,
    pub adequacy_note: Option<String>,
}

/// All reference data, indexed for lookups.
#[derive(Debug, Clone, Default)]
pub struct Reference {
    pub attributes: Vec<Attribute>,
    pub scopes: Vec<Scope>,
    pub countries: Vec<Country>,
}

impl Reference {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attribute_at(name).map(|(_, a)| a)
    }
    /// The attribute and its place in `attributes`.
    pub fn attribute_at(&self, name: &str) -> Option<(usize, &Attribute)> {
        self.attributes
            .iter()
            .enumerate()
            .find(|(_, a)| a.name == name)
    }
    pub fn scope(&self, scope: &str) -> Option<&Scope> {
        self.scopes.iter().find(|s| s.scope == scope)
    }
    pub fn country(&self, code: &str) -> Option<&Country> {
        self.countries
            .binary_search_by(|c| c.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.countries[i])
    }
    /// Outside the EEA. An unknown code counts as outside: the registry never assumes safety.
    pub fn is_third_country(&self, code: &str) -> bool {
        self.country(code).is_none_or(|c| !c.eea)
    }
}
