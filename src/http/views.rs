//! Response bodies of the public read API (serde + utoipa), built from the domain model.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::negotiate::CsvRow;
use crate::catalogue::{ServiceRecord, Snapshot, VendorRecord};
use crate::domain::catalogue::{
    Contact, DataSubject, Location, Role, ScopeRequest, Source, Statements, Status, SubProcessor,
    Terms, TransferMechanism, UseLocation,
};
use crate::domain::derive::{resolve_attributes, third_country_bases, CountryBasis};
use crate::domain::flags::Flag;
use crate::domain::reference::{Adequacy, Attribute, Country, Lang, Scope, Sensitivity};
use crate::domain::usage::Usage;

fn join<T: AsRef<str>>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|s| s.as_ref().to_owned())
        .collect::<Vec<_>>()
        .join(";")
}

fn opt(v: &Option<impl ToString>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn enum_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A list page: `items` and the cursor of the next page (`null` on the last page).
macro_rules! page_type {
    ($name:ident, $item:ty) => {
        #[derive(Debug, Serialize, Deserialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Pass as `cursor` to get the next page; `null` on the last page.
            pub next_cursor: Option<String>,
        }
    };
}

page_type!(AttributeList, AttributeView);
page_type!(ScopeList, ScopeView);
page_type!(VendorList, VendorView);
page_type!(SubProcessorList, SubProcessorView);
page_type!(CountryList, CountryView);

/// A page of services, with facet counts over the whole filtered set when `facets` was asked for.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ServiceList {
    pub items: Vec<ServiceSummary>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// Per requested facet: each value and how many services of the whole filtered set (not just
    /// this page) have it, most frequent first.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = json!({"country": [{"value": "NO", "count": 4}, {"value": "US", "count": 1}]}))]
    // written out, not `FacetCounts`: utoipa would publish the alias as a schema of its own
    pub facets: Option<
        std::collections::BTreeMap<
            crate::domain::facets::Facet,
            Vec<crate::domain::facets::FacetCount>,
        >,
    >,
}

/// Per facet, its values with their counts: `ServiceList::facets`.
pub type FacetCounts = std::collections::BTreeMap<
    crate::domain::facets::Facet,
    Vec<crate::domain::facets::FacetCount>,
>;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ServiceRef {
    #[schema(example = "kikora")]
    pub id: String,
    #[schema(example = "Kikora")]
    pub name: String,
    pub status: Status,
}

impl ServiceRef {
    pub fn of(r: &ServiceRecord) -> Self {
        Self {
            id: r.service.id.to_string(),
            name: r.service.name.clone(),
            status: r.service.status,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VendorRef {
    #[schema(example = "eldur-learning")]
    pub id: String,
    #[schema(example = "Eldur Learning AS")]
    pub name: String,
}

impl VendorRef {
    pub fn of(snapshot: &Snapshot, id: &str) -> Self {
        let name = snapshot
            .vendor(id)
            .map(|v| v.vendor.name.clone())
            .unwrap_or_default();
        Self {
            id: id.to_owned(),
            name,
        }
    }
}

/// A Feide attribute.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "name": "norEduPersonNIN", "oid": "1.3.6.1.4.1.2428.90.1.5", "oidc_scopes": ["userid-nin"],
    "category": "nin", "sensitivity": "high", "multi_valued": false,
    "description": "Fødselsnummer / nasjonalt identitetsnummer", "sensitivity_note": null
}))]
pub struct AttributeView {
    pub name: String,
    pub oid: Option<String>,
    /// The Feide OIDC scopes that release it; empty when only SAML releases it.
    pub oidc_scopes: Vec<String>,
    pub category: String,
    pub sensitivity: Sensitivity,
    pub multi_valued: bool,
    /// In the language chosen by `Accept-Language` (nb, nn, en).
    pub description: String,
    /// Where the registry rates the sensitivity differently from Feide's own classification, or
    /// where its policy needs a word, why; null otherwise. The policy: identifiers that single out
    /// a person are at least medium; data that identifies a person outside school is high.
    pub sensitivity_note: Option<String>,
}

impl AttributeView {
    pub fn of(a: &Attribute, lang: Lang) -> Self {
        Self {
            name: a.name.clone(),
            oid: a.oid.clone(),
            oidc_scopes: a.oidc_scopes.clone(),
            category: a.category.clone(),
            sensitivity: a.sensitivity,
            multi_valued: a.multi_valued,
            description: a.description.get(lang).to_owned(),
            sensitivity_note: a.sensitivity_note.as_ref().map(|n| n.get(lang).to_owned()),
        }
    }
}

impl CsvRow for AttributeView {
    fn headers() -> &'static [&'static str] {
        &[
            "name",
            "oid",
            "oidc_scopes",
            "category",
            "sensitivity",
            "multi_valued",
            "description",
            "sensitivity_note",
        ]
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            opt(&self.oid),
            join(&self.oidc_scopes),
            self.category.clone(),
            self.sensitivity.as_str().into(),
            self.multi_valued.to_string(),
            self.description.clone(),
            opt(&self.sensitivity_note),
        ]
    }
}

/// One service receiving an attribute, and why.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttributeUse {
    pub service: ServiceRef,
    pub vendor: VendorRef,
    pub justification: Option<String>,
    /// True when the service names the attribute itself, false when a scope releases it.
    pub declared: bool,
    pub via_scopes: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttributeDetail {
    #[serde(flatten)]
    pub attribute: AttributeView,
    pub services: Vec<AttributeUse>,
}

/// A Feide OpenID Connect scope (attribute group).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"scope": "email", "justification_required": false, "attributes": ["mail"], "description": "E-postadresse"}))]
pub struct ScopeView {
    pub scope: String,
    /// Feide demands a written justification before granting it.
    pub justification_required: bool,
    /// The catalogue attributes it releases.
    pub attributes: Vec<String>,
    pub description: String,
}

impl ScopeView {
    pub fn of(s: &Scope, lang: Lang) -> Self {
        Self {
            scope: s.scope.clone(),
            justification_required: s.justification_required,
            attributes: s.attributes.clone(),
            description: s.description.get(lang).to_owned(),
        }
    }
}

impl CsvRow for ScopeView {
    fn headers() -> &'static [&'static str] {
        &[
            "scope",
            "justification_required",
            "attributes",
            "description",
        ]
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.scope.clone(),
            self.justification_required.to_string(),
            join(&self.attributes),
            self.description.clone(),
        ]
    }
}

/// A vendor (databehandler) and its services.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "eldur-learning", "name": "Eldur Learning AS", "org_number": "918781293", "country": "NO",
    "address": "Trondheimsveien 2A, 0560 Oslo", "contact": null, "website": null,
    "services": [{"id": "kikora", "name": "Kikora", "status": "active"}],
    "revision": 1, "updated_at": "2026-11-24T12:00:00.000000Z"
}))]
pub struct VendorView {
    pub id: String,
    pub name: String,
    pub org_number: Option<String>,
    pub country: Option<String>,
    pub address: Option<String>,
    pub contact: Option<Contact>,
    pub website: Option<String>,
    pub services: Vec<ServiceRef>,
    pub revision: i32,
    pub updated_at: DateTime<Utc>,
}

impl VendorView {
    pub fn of(v: &VendorRecord, snapshot: &Snapshot) -> Self {
        let vendor = &v.vendor;
        Self {
            id: vendor.id.to_string(),
            name: vendor.name.clone(),
            org_number: vendor.org_number.as_ref().map(ToString::to_string),
            country: vendor.country.clone(),
            address: vendor.address.clone(),
            contact: vendor.contact.clone(),
            website: vendor.website.clone(),
            services: snapshot
                .services_of_vendor(&vendor.id)
                .map(ServiceRef::of)
                .collect(),
            revision: v.stamp.revision,
            updated_at: v.stamp.updated_at,
        }
    }
}

impl CsvRow for VendorView {
    fn headers() -> &'static [&'static str] {
        &[
            "id",
            "name",
            "org_number",
            "country",
            "address",
            "website",
            "services",
            "revision",
            "updated_at",
        ]
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            opt(&self.org_number),
            opt(&self.country),
            opt(&self.address),
            opt(&self.website),
            join(self.services.iter().map(|s| &s.id)),
            self.revision.to_string(),
            csv_time(self.updated_at),
        ]
    }
}

/// A service in a list: enough to filter, compare and link to its profile.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "kikora", "name": "Kikora", "vendor": {"id": "eldur-learning", "name": "Eldur Learning AS"},
    "status": "active", "attributes": [], "storage_countries": ["IE", "NO"],
    "third_countries": ["NZ", "US"],
    "third_country_bases": [{"country": "NZ", "basis": "establishment"}, {"country": "US", "basis": "establishment"}],
    "flags": ["third_country_transfer", "invalid_transfer_mechanism"],
    "revision": 1, "updated_at": "2026-11-24T12:00:00.000000Z"
}))]
pub struct ServiceSummary {
    pub id: String,
    pub name: String,
    pub vendor: VendorRef,
    pub status: Status,
    /// Every Feide attribute the service receives, declared or through a scope.
    pub attributes: Vec<String>,
    pub storage_countries: Vec<String>,
    pub third_countries: Vec<String>,
    /// `third_countries` with the basis of each: `establishment` when the country is reached
    /// only through a company's registered address, not a stated location.
    pub third_country_bases: Vec<CountryBasis>,
    pub flags: Vec<Flag>,
    pub revision: i32,
    pub updated_at: DateTime<Utc>,
}

impl ServiceSummary {
    pub fn of(r: &ServiceRecord, snapshot: &Snapshot) -> Self {
        Self {
            id: r.service.id.to_string(),
            name: r.service.name.clone(),
            vendor: VendorRef::of(snapshot, &r.service.vendor),
            status: r.service.status,
            attributes: r
                .derived
                .attributes
                .iter()
                .map(|a| a.name(&snapshot.reference).to_owned())
                .collect(),
            storage_countries: strings(&r.derived.storage_countries),
            third_countries: strings(&r.derived.third_countries),
            third_country_bases: third_country_bases(&r.service, &snapshot.reference),
            flags: r.derived.flags.to_vec(),
            revision: r.stamp.revision,
            updated_at: r.stamp.updated_at,
        }
    }
}

impl CsvRow for ServiceSummary {
    fn headers() -> &'static [&'static str] {
        &[
            "id",
            "name",
            "vendor_id",
            "vendor_name",
            "status",
            "attributes",
            "storage_countries",
            "third_countries",
            "third_country_bases",
            "flags",
            "revision",
            "updated_at",
        ]
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.vendor.id.clone(),
            self.vendor.name.clone(),
            enum_name(&self.status),
            join(&self.attributes),
            join(&self.storage_countries),
            join(&self.third_countries),
            join(
                self.third_country_bases
                    .iter()
                    .map(|c| format!("{}:{}", c.country, c.basis.as_str())),
            ),
            join(self.flags.iter().map(|f| f.as_str())),
            self.revision.to_string(),
            csv_time(self.updated_at),
        ]
    }
}

/// An attribute a service receives, with the vendor's justification.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReceivedAttribute {
    #[schema(example = "givenName")]
    pub name: String,
    pub justification: Option<String>,
    pub sensitivity: Sensitivity,
    pub category: String,
    pub declared: bool,
    pub via_scopes: Vec<String>,
}

/// A sub-processor as one service uses it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ServiceSubProcessor {
    #[schema(example = "microsoft-azure")]
    pub id: String,
    #[schema(example = "Microsoft Azure")]
    pub name: String,
    pub purpose: Option<String>,
    pub locations: Vec<UseLocation>,
    /// The basis the flags judge the transfer by.
    pub transfer_mechanism: TransferMechanism,
    /// Every basis the agreement states, in its order (at least `transfer_mechanism`).
    pub transfer_mechanisms: Vec<TransferMechanism>,
    /// The agreement's words for the transfer basis.
    pub transfer_evidence: Option<String>,
}

/// Everything the registry knows about one service.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ServiceProfile {
    #[schema(example = "sykkeldyktig")]
    pub id: String,
    #[schema(example = "Sykkeldyktig.no")]
    pub name: String,
    pub vendor: VendorRef,
    pub description: Option<String>,
    pub website: Option<String>,
    pub status: Status,
    /// False: no agreement facts registered yet (status `unregistered`). Everything shown comes
    /// from Feide's service listing (see `feide`), and no agreement-based flag is derived.
    #[schema(example = true)]
    pub agreement_facts: bool,
    pub purposes: Vec<String>,
    pub data_subjects: Vec<DataSubject>,
    pub personal_data: Vec<String>,
    /// Every attribute received, declared or released by a declared OIDC scope.
    pub attributes: Vec<ReceivedAttribute>,
    pub oidc_scopes: Vec<ScopeRequest>,
    pub sub_processors: Vec<ServiceSubProcessor>,
    /// The vendor's own storage and processing locations.
    pub locations: Vec<Location>,
    /// Derived: countries where the vendor or a sub-processor stores or processes the data.
    pub storage_countries: Vec<String>,
    /// Derived: countries outside the EEA the data reaches in any role, on either basis.
    pub third_countries: Vec<String>,
    /// Derived: `third_countries` with the basis of each (`stated`, or `establishment` when the
    /// country is reached only through a company's registered address).
    pub third_country_bases: Vec<CountryBasis>,
    pub terms: Terms,
    pub sources: Vec<Source>,
    /// The service's ids in Feide's own service catalogue (`https://api.feide.no/2/sp/{id}`).
    #[schema(example = json!(["16540"]))]
    pub feide_ids: Vec<String>,
    /// What Feide's own catalogue releases to the service, set against the agreement; null for
    /// a service linked to no Feide id.
    pub feide: Option<super::feide::FeideView>,
    /// What else the agreement states, in its own words (legal basis, access control, ...).
    pub statements: Statements,
    /// The registry's remarks on how it read the agreement: its words, not the agreement's.
    pub notes: Vec<String>,
    /// Announced changes of the service's sub-processors not yet in effect, soonest first
    /// (`/api/v1/services/{id}/announcements` has them whole).
    pub pending_announcements: Vec<crate::domain::announcements::PendingAnnouncement>,
    /// Derived risk flags; each rule is documented in the `Flag` schema.
    pub flags: Vec<Flag>,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ServiceProfile {
    pub fn of(r: &ServiceRecord, snapshot: &Snapshot) -> Self {
        let s = &r.service;
        Self {
            id: s.id.to_string(),
            name: s.name.clone(),
            vendor: VendorRef::of(snapshot, &s.vendor),
            description: s.description.clone(),
            website: s.website.clone(),
            status: s.status,
            agreement_facts: s.status != Status::Unregistered,
            purposes: strings(&s.purposes),
            data_subjects: s.data_subjects.to_vec(),
            personal_data: strings(&s.personal_data),
            attributes: resolve_attributes(s, &snapshot.reference)
                .into_iter()
                .map(|a| ReceivedAttribute {
                    name: a.name,
                    justification: a.justification,
                    sensitivity: a.sensitivity,
                    category: a.category,
                    declared: a.declared,
                    via_scopes: a.via_scopes,
                })
                .collect(),
            oidc_scopes: s.oidc_scopes.clone(),
            sub_processors: s
                .sub_processors
                .iter()
                .map(|u| ServiceSubProcessor {
                    id: u.id.to_string(),
                    name: snapshot
                        .sub_processor(&u.id)
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    purpose: u.purpose.as_deref().map(str::to_owned),
                    locations: u.locations.to_vec(),
                    transfer_mechanism: u.transfer_mechanism,
                    transfer_mechanisms: u.mechanisms().to_vec(),
                    transfer_evidence: u.transfer_evidence.clone(),
                })
                .collect(),
            locations: s.locations.to_vec(),
            storage_countries: strings(&r.derived.storage_countries),
            third_countries: strings(&r.derived.third_countries),
            third_country_bases: third_country_bases(s, &snapshot.reference),
            terms: s.terms.clone(),
            sources: s.sources.clone(),
            feide_ids: s.feide_ids.clone(),
            feide: super::feide::FeideView::of(r, snapshot),
            statements: s.statements.clone(),
            notes: s.notes.clone(),
            pending_announcements: r.announcements.clone(),
            flags: r.derived.flags.to_vec(),
            revision: r.stamp.revision,
            created_at: r.stamp.created_at,
            updated_at: r.stamp.updated_at,
        }
    }
}

/// One service's use of a sub-processor.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubProcessorUseView {
    pub service: ServiceRef,
    pub vendor: VendorRef,
    pub purpose: Option<String>,
    pub locations: Vec<UseLocation>,
    /// The basis the flags judge the transfer by.
    pub transfer_mechanism: TransferMechanism,
    /// Every basis the agreement states, in its order (at least `transfer_mechanism`).
    pub transfer_mechanisms: Vec<TransferMechanism>,
    /// The agreement's words for the transfer basis.
    pub transfer_evidence: Option<String>,
}

/// A sub-processor (shared by every service that uses it) and those uses.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "microsoft-azure", "name": "Microsoft Azure", "legal_name": null, "org_number": null,
    "registration_number": null, "country": null, "address": null, "website": null,
    "countries": ["NL"],
    "services": [{"service": {"id": "sykkeldyktig", "name": "Sykkeldyktig.no", "status": "active"},
                  "vendor": {"id": "trygg-trafikk", "name": "Trygg Trafikk"},
                  "purpose": "Hosting av tjenesten",
                  "locations": [{"country": "NL", "role": "storage", "basis": "stated", "evidence": "Data lagres i Nederland."}],
                  "transfer_mechanism": "eea", "transfer_mechanisms": ["eea"], "transfer_evidence": null}],
    "services_total": 1,
    "services_href": "/api/v1/services?sub_processor=microsoft-azure"
}))]
pub struct SubProcessorView {
    #[serde(flatten)]
    pub sub_processor: SubProcessor,
    /// Every country where any service has it store, process, access or support data.
    pub countries: Vec<String>,
    /// The uses of the first services using it, by service id (100 when read alone, 10 in a
    /// list); `services_href` lists them all.
    pub services: Vec<SubProcessorUseView>,
    /// How many services use it.
    pub services_total: usize,
    /// The services list filtered to those using it.
    #[schema(example = "/api/v1/services?sub_processor=microsoft-azure")]
    pub services_href: String,
}

/// At most this many services are embedded in a sub-processor or a country read alone, and in
/// each entry of a list of them; the rest are one filtered list away (`services_href`), so an
/// answer stays small however widely an entry is used.
pub const EMBEDDED_SERVICES: usize = 100;
pub const EMBEDDED_SERVICES_IN_LISTS: usize = 10;

/// The services list filtered by `param`.
fn services_href(param: &str, value: &str) -> String {
    let query = serde_urlencoded::to_string([(param, value)]).unwrap_or_default();
    format!("/api/v1/services?{query}")
}

impl SubProcessorView {
    /// The view with the uses of at most `embed` services.
    pub fn of(p: &SubProcessor, usage: &Usage, snapshot: &Snapshot, embed: usize) -> Self {
        let used = usage.of_sub_processor(&p.id);
        let records = used.map_or(&[][..], |u| u.services.as_slice());
        let services = records
            .iter()
            .take(embed)
            .flat_map(|r| {
                r.service
                    .sub_processors
                    .iter()
                    .filter(|u| u.id == p.id)
                    .map(|u| SubProcessorUseView {
                        service: ServiceRef::of(r),
                        vendor: VendorRef::of(snapshot, &r.service.vendor),
                        purpose: u.purpose.as_deref().map(str::to_owned),
                        locations: u.locations.to_vec(),
                        transfer_mechanism: u.transfer_mechanism,
                        transfer_mechanisms: u.mechanisms().to_vec(),
                        transfer_evidence: u.transfer_evidence.clone(),
                    })
            })
            .collect();
        Self {
            sub_processor: p.clone(),
            countries: used
                .map(|u| u.countries.iter().map(|c| (*c).to_owned()).collect())
                .unwrap_or_default(),
            services,
            services_total: records.len(),
            services_href: services_href("sub_processor", &p.id),
        }
    }
}

impl CsvRow for SubProcessorView {
    fn headers() -> &'static [&'static str] {
        &[
            "id",
            "name",
            "legal_name",
            "org_number",
            "registration_number",
            "country",
            "countries",
            "services",
            "services_total",
        ]
    }
    fn row(&self) -> Vec<String> {
        let p = &self.sub_processor;
        vec![
            p.id.to_string(),
            p.name.clone(),
            opt(&p.legal_name),
            opt(&p.org_number),
            opt(&p.registration_number),
            opt(&p.country),
            join(&self.countries),
            join(self.services.iter().map(|u| &u.service.id)),
            self.services_total.to_string(),
        ]
    }
}

/// An ISO 3166-1 country with its data-protection status.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "code": "US", "name": "USA", "eea": false, "eu": false, "adequacy": "partial",
    "adequacy_decision": "Commission Implementing Decision (EU) 2023/1795",
    "adequacy_note": "Bare virksomheter som er sertifisert under EU-US Data Privacy Framework",
    "service_count": 1
}))]
pub struct CountryView {
    pub code: String,
    /// In the language chosen by `Accept-Language`.
    pub name: String,
    pub eea: bool,
    pub eu: bool,
    pub adequacy: Adequacy,
    pub adequacy_decision: Option<String>,
    /// Whom a partial adequacy decision covers, in the language chosen by `Accept-Language`.
    pub adequacy_note: Option<String>,
    /// How many services store, process, access or support data there.
    pub service_count: usize,
}

impl CountryView {
    pub fn of(c: &Country, lang: Lang, usage: &Usage) -> Self {
        Self {
            code: c.code.clone(),
            name: c.name.get(lang).to_owned(),
            eea: c.eea,
            eu: c.eu,
            adequacy: c.adequacy,
            adequacy_decision: c.adequacy_decision.clone(),
            adequacy_note: crate::texts::adequacy_note(&c.code)
                .map(|t| t.get(lang).to_owned())
                .or_else(|| c.adequacy_note.clone()),
            service_count: usage.services_in(&c.code).len(),
        }
    }
}

impl CsvRow for CountryView {
    fn headers() -> &'static [&'static str] {
        &[
            "code",
            "name",
            "eea",
            "eu",
            "adequacy",
            "adequacy_decision",
            "adequacy_note",
            "service_count",
        ]
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            self.name.clone(),
            self.eea.to_string(),
            self.eu.to_string(),
            self.adequacy.as_str().into(),
            opt(&self.adequacy_decision),
            opt(&self.adequacy_note),
            self.service_count.to_string(),
        ]
    }
}

/// Who handles a service's data in a country, and how.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CountryUse {
    pub service: ServiceRef,
    pub vendor: VendorRef,
    /// `vendor` for the vendor's own locations, otherwise the sub-processor's id.
    #[schema(example = "microsoft-azure")]
    pub by: String,
    pub roles: Vec<Role>,
    /// For a sub-processor: the stated transfer mechanism.
    pub transfer_mechanism: Option<TransferMechanism>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CountryDetail {
    #[serde(flatten)]
    pub country: CountryView,
    /// Who handles the data there, for the first 100 services by id; `services_href` lists them
    /// all.
    pub services: Vec<CountryUse>,
    /// How many services' data is handled there (`service_count`).
    pub services_total: usize,
    /// The services list filtered to those whose data reaches the country.
    #[schema(example = "/api/v1/services?country=US")]
    pub services_href: String,
}

impl CountryDetail {
    pub fn of(c: &Country, lang: Lang, usage: &Usage, snapshot: &Snapshot) -> Self {
        let records = usage.services_in(&c.code);
        Self {
            country: CountryView::of(c, lang, usage),
            services: records
                .iter()
                .take(EMBEDDED_SERVICES)
                .flat_map(|r| country_uses(r, snapshot, &c.code))
                .collect(),
            services_total: records.len(),
            services_href: services_href("country", &c.code),
        }
    }
}

/// Who handles one service's data in a country: the vendor itself and each sub-processor there.
fn country_uses(r: &ServiceRecord, snapshot: &Snapshot, code: &str) -> Vec<CountryUse> {
    let mut out = Vec::new();
    let own: Vec<Role> = r
        .service
        .locations
        .iter()
        .filter(|l| l.country == code)
        .map(|l| l.role)
        .collect();
    if !own.is_empty() {
        out.push(CountryUse {
            service: ServiceRef::of(r),
            vendor: VendorRef::of(snapshot, &r.service.vendor),
            by: "vendor".into(),
            roles: own,
            transfer_mechanism: None,
        });
    }
    for u in &r.service.sub_processors {
        let roles: Vec<Role> = u
            .locations
            .iter()
            .filter(|l| l.country == code)
            .map(|l| l.role)
            .collect();
        if !roles.is_empty() {
            out.push(CountryUse {
                service: ServiceRef::of(r),
                vendor: VendorRef::of(snapshot, &r.service.vendor),
                by: u.id.to_string(),
                roles,
                transfer_mechanism: Some(u.transfer_mechanism),
            });
        }
    }
    out
}

/// Owned copies of shared texts, for an answer.
fn strings(texts: &[String]) -> Vec<String> {
    texts.iter().map(|t| t.to_string()).collect()
}

/// A time in CSV exactly as JSON writes it (chrono's serde form: RFC 3339 in UTC with `Z`), so
/// that the two formats agree cell for cell.
fn csv_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}
