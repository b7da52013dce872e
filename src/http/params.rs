//! Query parameters: one struct per endpoint that both documents them (`IntoParams`, named in
//! the operation's `params(...)`) and is what they parse into (`FromQuery`). The names an endpoint
//! accepts are read from its struct, so the document and the parser cannot disagree.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};

use super::negotiate::CsvDialect;
use super::pagination::{parse_cursor, parse_limit, Cursor, PageRequest};
use crate::catalogue::Snapshot;
use crate::domain::catalogue::{DataSubject, Status, TransferMechanism};
use crate::domain::compare::{MAX_SERVICES, MIN_SERVICES};
use crate::domain::facets::Facet;
use crate::domain::flags::Flag;
use crate::domain::ids::OrgNumber;
use crate::domain::query::{clip, parse_bool, parse_enum, parse_time, Params, ServiceFilter};
use crate::domain::reference::{Adequacy, Reference, Sensitivity};
use crate::error::AppError;
use crate::texts::Text;

/// A struct of query parameters that reads itself from the query.
pub trait FromQuery: IntoParams + Sized + 'static {
    /// What values are checked against (the reference data, the catalogue), or `()`.
    type Context: ?Sized;

    /// Reads every parameter, recording each problem in `p` rather than stopping at the first.
    fn from_query(p: &mut Params, cx: &Self::Context) -> Self;
}

/// Parses `pairs` into `T`, or answers 400 with every problem: a name `T` does not document, a
/// single parameter given twice, and every bad value.
pub fn parse<T: FromQuery>(pairs: &[(String, String)], cx: &T::Context) -> Result<T, AppError> {
    let names = accepted::<T>();
    let mut p = Params::new(pairs, &names.single, &names.repeatable);
    let value = T::from_query(&mut p, cx);
    p.finish().map_err(AppError::BadRequest)?;
    Ok(value)
}

/// The query parameters a struct documents.
struct Accepted {
    /// Given at most once (a comma-separated list is one value).
    single: Vec<&'static str>,
    /// Given any number of times (`name=a&name=b`).
    repeatable: Vec<&'static str>,
}

/// The names `T` documents, read from it once per type.
fn accepted<T: IntoParams + 'static>() -> &'static Accepted {
    static KNOWN: LazyLock<RwLock<HashMap<TypeId, &'static Accepted>>> =
        LazyLock::new(Default::default);
    let id = TypeId::of::<T>();
    if let Some(known) = KNOWN.read().unwrap_or_else(|e| e.into_inner()).get(&id) {
        return known;
    }
    let mut known = KNOWN.write().unwrap_or_else(|e| e.into_inner());
    known.entry(id).or_insert_with(|| {
        let (mut single, mut repeatable) = (Vec::new(), Vec::new());
        let params = T::into_params(|| Some(ParameterIn::Query));
        for p in params
            .into_iter()
            .filter(|p| p.parameter_in == ParameterIn::Query)
        {
            let repeats = is_exploded_array(&p);
            let name: &'static str = Box::leak(p.name.into_boxed_str());
            if repeats {
                repeatable.push(name);
            } else {
                single.push(name);
            }
        }
        Box::leak(Box::new(Accepted { single, repeatable }))
    })
}

/// An array sent as repeated `name=value` (form style explodes unless told not to); with
/// `explode = false` it is one comma-separated value.
fn is_exploded_array(p: &Parameter) -> bool {
    matches!(p.schema, Some(RefOr::T(Schema::Array(_)))) && p.explode != Some(false)
}

/// An endpoint that takes no query parameters.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoQuery {}

impl FromQuery for NoQuery {
    type Context = ();
    fn from_query(_: &mut Params, _: &()) -> Self {
        NoQuery {}
    }
}

/// The query of an operation that can answer CSV: its own parameters and the `csv` switch
/// (`negotiate::CsvDialect`), documented and accepted together because the switch is one more
/// field of the query. `#[derive(IntoParams)]` cannot flatten a struct into another, so the
/// pair is written out here once.
#[derive(Debug)]
pub struct WithCsv<T> {
    /// The dialect asked for in the query, if any (`Accept` decides otherwise).
    pub csv: Option<CsvDialect>,
    pub query: T,
}

impl<T: IntoParams> IntoParams for WithCsv<T> {
    fn into_params(parameter_in_provider: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = T::into_params(&parameter_in_provider);
        params.push(super::exports::csv_parameter());
        params
    }
}

impl<T: FromQuery> FromQuery for WithCsv<T> {
    type Context = T::Context;
    fn from_query(p: &mut Params, cx: &T::Context) -> Self {
        WithCsv {
            csv: p.parsed(
                CsvDialect::PARAMETER,
                Text::ExpectCsvDialect,
                CsvDialect::parse,
            ),
            query: T::from_query(p, cx),
        }
    }
}

// The order of the service list (no doc comment: the `sort` parameter describes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
pub enum ServiceSort {
    #[serde(rename = "relevance")]
    Relevance,
    #[serde(rename = "id")]
    Id,
    #[serde(rename = "-id")]
    IdDescending,
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "-name")]
    NameDescending,
    #[serde(rename = "updated_at")]
    UpdatedAt,
    #[serde(rename = "-updated_at")]
    UpdatedAtDescending,
}

impl ServiceSort {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::Id => "id",
            Self::IdDescending => "-id",
            Self::Name => "name",
            Self::NameDescending => "-name",
            Self::UpdatedAt => "updated_at",
            Self::UpdatedAtDescending => "-updated_at",
        }
    }
}

/// `GET /api/v1/services`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServiceQuery {
    /// Free text over service and vendor names, description, purposes and justifications (case-insensitive); every word must occur. At most 200 characters and 10 distinct words (400 beyond); a repeated word counts once
    #[param(max_length = 200, example = "matematikk")]
    pub q: Option<String>,
    /// Vendor id
    #[param(example = "eldur-learning")]
    pub vendor: Option<String>,
    /// Receives this Feide attribute (repeatable; all must match)
    #[param(required = false, style = Form, explode, example = json!(["mail"]))]
    pub attribute: Vec<String>,
    /// Receives at least one attribute of this sensitivity
    pub sensitivity: Option<Sensitivity>,
    /// Uses this sub-processor
    #[param(example = "microsoft-azure")]
    pub sub_processor: Option<String>,
    /// Data reaches this country (ISO 3166-1 alpha-2, any role; a stated location or a company's country of establishment alike)
    #[param(example = "US")]
    pub country: Option<String>,
    /// Data reaches (true) or is known never to reach (false) a country outside the EEA, by a stated location or a company's country of establishment alike; a service flagged `location_not_stated` matches neither
    pub outside_eea: Option<bool>,
    /// The agreement states this transfer basis for a sub-processor (alone or among several)
    pub transfer_mechanism: Option<TransferMechanism>,
    /// Has this derived flag (repeatable; all must match)
    #[param(required = false, style = Form, explode)]
    pub flag: Vec<Flag>,
    /// Processes data about these people
    pub data_subject: Option<DataSubject>,
    /// active, retired or unregistered (known only from Feide). Without it: active and retired,
    /// never unregistered
    pub status: Option<Status>,
    /// Updated at or after this RFC 3339 time or ISO 8601 date
    #[param(value_type = Option<String>, example = "2026-01-01")]
    pub updated_since: Option<DateTime<Utc>>,
    /// Linked to this service in Feide's own service catalogue (its id in https://api.feide.no/2/sp/{id})
    #[param(example = "16540")]
    pub feide_id: Option<String>,
    /// relevance (the default with `q`: best matches first), id (the default without `q`), name or updated_at; prefix - for descending
    #[param(inline, value_type = Option<ServiceSort>, example = "-updated_at")]
    pub sort: ServiceSort,
    /// Comma-separated facets to count over the whole filtered set: attribute, country, sub_processor, flag, vendor
    #[param(inline, required = false, style = Form, explode = false, example = json!(["country", "flag"]))]
    pub facets: Vec<Facet>,
    /// Page size, 1 to 500 (default 50)
    #[param(required = false, default = 50, minimum = 1, maximum = 500)]
    pub limit: usize,
    /// `next_cursor` of the previous page
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

impl ServiceQuery {
    /// The filters, the order and the page asked for.
    pub fn into_parts(self) -> (ServiceFilter, ServiceSort, Vec<Facet>, PageRequest) {
        let page = PageRequest::new(self.limit, self.cursor, self.sort.as_str());
        let filter = ServiceFilter {
            q: self.q,
            vendor: self.vendor,
            attributes: self.attribute,
            sensitivity: self.sensitivity,
            sub_processor: self.sub_processor,
            country: self.country,
            outside_eea: self.outside_eea,
            transfer_mechanism: self.transfer_mechanism,
            flags: self.flag,
            data_subject: self.data_subject,
            status: self.status,
            updated_since: self.updated_since,
            feide_id: self.feide_id,
        };
        (filter, self.sort, self.facets, page)
    }
}

impl FromQuery for ServiceQuery {
    type Context = Reference;
    fn from_query(p: &mut Params, reference: &Reference) -> Self {
        let attribute: Vec<String> = p
            .texts("attribute")
            .into_iter()
            .map(str::to_owned)
            .collect();
        for a in &attribute {
            if reference.attribute(a).is_none() {
                p.problem(
                    "attribute",
                    Text::NotAnAttributeSee.with(&[("name", &clip(a))]),
                );
            }
        }
        let country = known_country(p, reference, true);
        let q = p
            .text("q")
            .and_then(|raw| match crate::domain::search::terms(raw) {
                Ok(terms) => Some(terms),
                Err(e) => {
                    p.problem("q", e);
                    None
                }
            });
        let vendor = p.text("vendor").map(str::to_owned);
        let sensitivity = p.parsed("sensitivity", Text::ExpectSensitivity, Sensitivity::parse);
        let sub_processor = p.text("sub_processor").map(str::to_owned);
        let outside_eea = p.parsed("outside_eea", Text::ExpectTrueOrFalse, parse_bool);
        let transfer_mechanism = p.parsed("transfer_mechanism", Text::ExpectMechanism, parse_enum);
        let flag = p.parsed_all("flag", Text::ExpectFlag, Flag::parse);
        let data_subject = p.parsed("data_subject", Text::ExpectDataSubject, parse_enum);
        let status = p.parsed("status", Text::ExpectStatus, parse_enum);
        let updated_since = p.parsed("updated_since", Text::ExpectTime, parse_time);
        let feide_id = p.parsed("feide_id", Text::ExpectFeideId, |v| {
            crate::feide::id::check(v).is_none().then(|| v.to_owned())
        });
        let sort = p
            .parsed("sort", Text::ExpectServiceSort, parse_enum)
            .unwrap_or(if q.is_some() {
                ServiceSort::Relevance
            } else {
                ServiceSort::Id
            });
        if sort == ServiceSort::Relevance && q.is_none() {
            p.problem("sort", Text::RelevanceNeedsQ);
        }
        ServiceQuery {
            q,
            vendor,
            attribute,
            sensitivity,
            sub_processor,
            country,
            outside_eea,
            transfer_mechanism,
            flag,
            data_subject,
            status,
            updated_since,
            feide_id,
            sort,
            facets: parse_facets(p),
            limit: parse_limit(p),
            cursor: parse_cursor(p, sort.as_str()),
        }
    }
}

/// `country`, which must be in the reference data; `echo` quotes the bad value in the problem.
fn known_country(p: &mut Params, reference: &Reference, echo: bool) -> Option<String> {
    let country = p.text("country")?;
    if reference.country(country).is_none() {
        if echo {
            p.problem(
                "country",
                Text::ValueNotACountryCode.with(&[("value", &clip(country))]),
            );
        } else {
            p.problem("country", Text::NotACountryCode);
        }
    }
    Some(country.to_owned())
}

fn parse_facets(p: &mut Params) -> Vec<Facet> {
    let Some(list) = p.text("facets") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim) {
        match Facet::parse(name) {
            Some(f) if !out.contains(&f) => out.push(f),
            Some(_) => {}
            None => p.problem("facets", Text::NotAFacet.with(&[("value", &clip(name))])),
        }
    }
    out
}

/// `GET /api/v1/vendors`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VendorQuery {
    /// Vendors established in this country
    #[param(example = "NO")]
    pub country: Option<String>,
    /// The vendor with this Norwegian organisation number
    #[param(value_type = Option<String>, example = "918781293")]
    pub org_number: Option<OrgNumber>,
    /// Page size, 1 to 500 (default 50)
    #[param(required = false, default = 50, minimum = 1, maximum = 500)]
    pub limit: usize,
    /// `next_cursor` of the previous page
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

impl VendorQuery {
    const SORT: &str = "id";
    pub fn page(&mut self) -> PageRequest {
        PageRequest::new(self.limit, self.cursor.take(), Self::SORT)
    }
}

impl FromQuery for VendorQuery {
    type Context = ();
    fn from_query(p: &mut Params, _: &()) -> Self {
        VendorQuery {
            country: p.text("country").map(str::to_owned),
            org_number: p.parsed("org_number", Text::ExpectOrgNumber, |s| {
                OrgNumber::parse(s).ok()
            }),
            limit: parse_limit(p),
            cursor: parse_cursor(p, Self::SORT),
        }
    }
}

/// `GET /api/v1/sub-processors`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubProcessorQuery {
    /// Used with a location in this country
    #[param(example = "US")]
    pub country: Option<String>,
    /// Page size, 1 to 500 (default 50)
    #[param(required = false, default = 50, minimum = 1, maximum = 500)]
    pub limit: usize,
    /// `next_cursor` of the previous page
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

impl SubProcessorQuery {
    const SORT: &str = "id";
    pub fn page(&mut self) -> PageRequest {
        PageRequest::new(self.limit, self.cursor.take(), Self::SORT)
    }
}

impl FromQuery for SubProcessorQuery {
    type Context = Reference;
    fn from_query(p: &mut Params, reference: &Reference) -> Self {
        SubProcessorQuery {
            country: known_country(p, reference, false),
            limit: parse_limit(p),
            cursor: parse_cursor(p, Self::SORT),
        }
    }
}

/// `GET /api/v1/countries`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountryQuery {
    /// Only EEA members (true) or only third countries (false)
    pub eea: Option<bool>,
    /// Only this adequacy status
    pub adequacy: Option<Adequacy>,
    /// Only countries some service's data reaches (true), or none does (false)
    pub in_use: Option<bool>,
    /// Page size, 1 to 500 (default 50)
    #[param(required = false, default = 50, minimum = 1, maximum = 500)]
    pub limit: usize,
    /// `next_cursor` of the previous page
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

impl CountryQuery {
    const SORT: &str = "code";
    pub fn page(&mut self) -> PageRequest {
        PageRequest::new(self.limit, self.cursor.take(), Self::SORT)
    }
}

impl FromQuery for CountryQuery {
    type Context = ();
    fn from_query(p: &mut Params, _: &()) -> Self {
        CountryQuery {
            eea: p.parsed("eea", Text::ExpectTrueOrFalse, parse_bool),
            adequacy: p.parsed("adequacy", Text::ExpectAdequacy, Adequacy::parse),
            in_use: p.parsed("in_use", Text::ExpectTrueOrFalse, parse_bool),
            limit: parse_limit(p),
            cursor: parse_cursor(p, Self::SORT),
        }
    }
}

/// `GET /api/v1/attributes`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttributeQuery {
    /// Only this category (name, identity, nin, contact, affiliation, organization, group, other)
    #[param(example = "contact")]
    pub category: Option<String>,
    /// Only this sensitivity
    pub sensitivity: Option<Sensitivity>,
    /// Only attributes this OIDC scope releases
    #[param(example = "userinfo-name")]
    pub scope: Option<String>,
    /// Page size, 1 to 500 (default 50)
    #[param(required = false, default = 50, minimum = 1, maximum = 500)]
    pub limit: usize,
    /// `next_cursor` of the previous page
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

/// The attribute catalogue and the scopes are listed in the catalogue's own order.
const IN_CATALOGUE_ORDER: &str = "position";

impl AttributeQuery {
    pub fn page(&mut self) -> PageRequest {
        PageRequest::new(self.limit, self.cursor.take(), IN_CATALOGUE_ORDER)
    }
}

impl FromQuery for AttributeQuery {
    type Context = Reference;
    fn from_query(p: &mut Params, reference: &Reference) -> Self {
        let scope = p.text("scope").map(str::to_owned);
        if scope
            .as_deref()
            .is_some_and(|s| reference.scope(s).is_none())
        {
            p.problem("scope", Text::NotAScope);
        }
        AttributeQuery {
            category: p.text("category").map(str::to_owned),
            scope,
            sensitivity: p.parsed("sensitivity", Text::ExpectSensitivity, Sensitivity::parse),
            limit: parse_limit(p),
            cursor: parse_cursor(p, IN_CATALOGUE_ORDER),
        }
    }
}

/// A page of a list in one fixed order (the OIDC scopes, an entry's history): `limit` and
/// `cursor` only.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 500 (default 50)
    #[param(required = false, default = 50, minimum = 1, maximum = 500)]
    pub limit: usize,
    /// `next_cursor` of the previous page
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
    /// The list's order, which the cursor was checked against.
    #[param(ignore)]
    sort: &'static str,
}

impl PageQuery {
    pub fn page(self) -> PageRequest {
        PageRequest::new(self.limit, self.cursor, self.sort)
    }
}

impl FromQuery for PageQuery {
    /// The order the list is in.
    type Context = &'static str;
    fn from_query(p: &mut Params, sort: &&'static str) -> Self {
        PageQuery {
            limit: parse_limit(p),
            cursor: parse_cursor(p, sort),
            sort,
        }
    }
}

/// The order of the OIDC scopes.
pub const SCOPE_ORDER: &str = IN_CATALOGUE_ORDER;
/// The order of an entry's history.
pub const REVISION_ORDER: &str = "revision";

/// A feed position: a decimal sequence number this registry issued.
fn sequence(p: &mut Params, name: &str) -> i64 {
    p.parsed(name, Text::ExpectOurCursor, |s| {
        s.parse::<i64>().ok().filter(|n| *n >= 0)
    })
    .unwrap_or(0)
}

/// `GET /api/v1/changes`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// `next_cursor` of the previous answer; 0 or absent for the beginning
    #[param(value_type = Option<String>, example = "0")]
    pub since: i64,
    /// Page size, 1 to 500 (default 50)
    #[param(required = false, default = 50, minimum = 1, maximum = 500)]
    pub limit: usize,
}

impl FromQuery for ChangesQuery {
    type Context = ();
    fn from_query(p: &mut Params, _: &()) -> Self {
        ChangesQuery {
            limit: parse_limit(p),
            since: sequence(p, "since"),
        }
    }
}

/// `GET /api/v1/audit`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this client's events
    pub client_id: Option<String>,
    /// Only this action
    #[param(example = "service.patch")]
    pub action: Option<String>,
    /// Only events answered with this HTTP status
    #[param(value_type = Option<u16>, minimum = 100, maximum = 599, example = 403)]
    pub outcome: Option<i32>,
    /// `next_cursor` of the previous page
    #[param(value_type = Option<String>)]
    pub cursor: i64,
    /// Page size, 1 to 500 (default 50)
    #[param(required = false, default = 50, minimum = 1, maximum = 500)]
    pub limit: usize,
}

impl FromQuery for AuditQuery {
    type Context = ();
    fn from_query(p: &mut Params, _: &()) -> Self {
        let plain = |s: &str| (!s.chars().any(char::is_control)).then(|| s.to_owned());
        AuditQuery {
            client_id: p.parsed("client_id", Text::ExpectPlainText, plain),
            action: p.parsed("action", Text::ExpectPlainText, plain),
            outcome: p.parsed("outcome", Text::ExpectHttpStatus, |s| {
                s.parse::<i32>().ok().filter(|n| (100..=599).contains(n))
            }),
            limit: parse_limit(p),
            cursor: sequence(p, "cursor"),
        }
    }
}

/// `GET /api/v1/compare`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// 2 to 20 distinct service ids, comma-separated
    #[param(style = Form, explode = false, min_items = 2, max_items = 20, example = json!(["kikora", "sykkeldyktig"]))]
    pub services: Vec<String>,
}

impl FromQuery for CompareQuery {
    type Context = Snapshot;
    fn from_query(p: &mut Params, snap: &Snapshot) -> Self {
        let Some(list) = p.text("services") else {
            p.problem(
                "services",
                Text::ServicesRequired.with(&[("min", &MIN_SERVICES), ("max", &MAX_SERVICES)]),
            );
            return CompareQuery {
                services: Vec::new(),
            };
        };
        let ids: Vec<&str> = list.split(',').map(str::trim).collect();
        let mut services: Vec<String> = Vec::new();
        for id in &ids {
            match snap.service(id) {
                None => p.problem("services", Text::NoServiceWithId.with(&[("id", &clip(id))])),
                Some(r) if services.iter().any(|s| s == r.service.id.as_str()) => {
                    p.problem("services", Text::ListedTwice.with(&[("name", id)]))
                }
                Some(r) => services.push(r.service.id.as_str().to_owned()),
            }
        }
        if !(MIN_SERVICES..=MAX_SERVICES).contains(&ids.len()) {
            p.problem(
                "services",
                Text::ComparesServices.with(&[
                    ("min", &MIN_SERVICES),
                    ("max", &MAX_SERVICES),
                    ("given", &ids.len()),
                ]),
            );
        }
        CompareQuery { services }
    }
}

#[cfg(test)]
mod tests {
    use super::super::pagination::{DEFAULT_LIMIT, MAX_LIMIT};

    /// The structs state the paging bounds as literals (an attribute takes no constant); every
    /// `limit` in the document must still be the one the parser enforces.
    #[test]
    fn every_documented_limit_is_the_enforced_one() {
        let doc: serde_json::Value =
            serde_json::from_str(&super::super::openapi::document()).unwrap();
        let mut seen = 0;
        for item in doc["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                let params = op["parameters"].as_array().into_iter().flatten();
                for p in params.filter(|p| p["name"] == "limit" && p["in"] == "query") {
                    let s = &p["schema"];
                    assert_eq!(s["default"], DEFAULT_LIMIT, "{p}");
                    assert_eq!(s["minimum"], 1, "{p}");
                    assert_eq!(s["maximum"], MAX_LIMIT, "{p}");
                    seen += 1;
                }
            }
        }
        assert!(seen >= 8, "{seen}");
    }
}
