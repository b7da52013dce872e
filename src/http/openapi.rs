//! The OpenAPI 3.1 document, generated from the handlers' annotations (the operations of
//! `routes`' table) and the views' schemas.

use actix_web::HttpResponse;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;
use utoipa::{Modify, OpenApi, PartialSchema};

use super::exports::CsvSwitch;
use super::routes::Operations;
use super::{history, ops, service_writes, token, views};
use crate::domain::{
    catalogue, compare, derive, facets, flags::Flag, portfolio, reference, terms, validate,
};
use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "feide-registry",
        description = "A public catalogue of Norwegian edtech services: the Feide attributes each receives and why, \
its sub-processors and the countries they use, and its data processing agreement's terms. \
Reading is public. Lists page with `limit` and `cursor` (with an RFC 8288 `Link` header: `rel=\"next\"` and `rel=\"first\"`), \
answer `text/csv` when asked, and send an `ETag` and `Last-Modified` for conditional requests. Answers are gzip, br or zstd \
compressed when `Accept-Encoding` asks. Rate-limited routes say where the caller stands in `RateLimit` and `RateLimit-Policy`. Errors are RFC 9457 problem documents; \
an unknown or malformed query parameter is a 400 listing every problem.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
        contact(name = "feide-registry maintainers"),
    ),
    components(schemas(
        Problem, validate::FieldProblem, Flag, facets::Facet, facets::FacetCount,
        catalogue::Vendor, catalogue::Contact, catalogue::SubProcessor, catalogue::Service,
        catalogue::Status, catalogue::DataSubject, catalogue::AttributeRequest, catalogue::ScopeRequest,
        catalogue::Role, catalogue::Basis, derive::CountryBasis, catalogue::Location, catalogue::UseLocation, catalogue::TransferMechanism,
        catalogue::SubProcessorUse, catalogue::BreachNotice, catalogue::SubProcessorChange, catalogue::Terms,
        catalogue::Source, terms::StatedTerm, terms::Unit, terms::Bound, terms::Action, reference::Sensitivity, reference::Adequacy,
        views::AttributeList, views::AttributeView, views::AttributeDetail, views::AttributeUse,
        views::ScopeList, views::ScopeView, views::VendorList, views::VendorView, views::VendorRef, views::ServiceRef,
        views::ServiceList, views::ServiceSummary, views::ServiceProfile, views::ReceivedAttribute,
        views::ServiceSubProcessor, views::SubProcessorList, views::SubProcessorView, views::SubProcessorUseView,
        views::CountryList, views::CountryView, views::CountryDetail, views::CountryUse, ops::Health, ops::Root,
        compare::Comparison, compare::ComparedService, compare::AttributeRow, compare::AttributeCell, compare::CountryRow,
        compare::CountryCell, compare::SubProcessorRow, compare::SubProcessorCell, compare::TermRow, compare::FlagRow,
        portfolio::PortfolioRequest, portfolio::PortfolioReport, portfolio::CountryExposure, portfolio::Transfer,
        portfolio::SubProcessorExposure, portfolio::SensitiveAttribute, portfolio::AttributeReceiver, portfolio::FlaggedServices,
        portfolio::WeakestTerms, portfolio::DaysAndServices,
        token::TokenRequest, token::TokenResponse, token::OAuthError, service_writes::ServiceWrite,
        history::Revision, history::HistoryList, history::ChangeEntry, history::ChangeFeed,
        history::AuditEvent, history::AuditList,
        super::feide::FeideView, super::feide::FeideServiceView, crate::feide::model::FeideProvider,
        crate::feide::sync::SyncReport, crate::feide::crosscheck::FeideSides,
        crate::feide::model::FeideDetails, crate::feide::coverage::Coverage,
        crate::feide::providers::MappingState, crate::feide::providers::Decision,
        crate::feide::providers::DecisionKind, super::feide::ProviderView, super::feide::ProviderList,
    )),
    tags(
        (name = "attributes", description = "The Feide attribute catalogue and OIDC scopes"),
        (name = "vendors", description = "Vendors (databehandlere)"),
        (name = "services", description = "Edtech services and their profiles"),
        (name = "sub-processors", description = "Sub-processors (underdatabehandlere), shared across services"),
        (name = "countries", description = "ISO 3166-1 countries with EEA and adequacy status"),
        (name = "reports", description = "Comparisons and portfolio reports"),
        (name = "auth", description = "Access tokens for writes (OAuth 2.0 client credentials)"),
        (name = "writes", description = "Vendors keep their own entries current; administrators everything. \
Every write needs a bearer token, and every change to an existing entry `If-Match` with its ETag."),
        (name = "history", description = "Revisions, the change feed, and the audit log"),
        (name = "catalogue", description = "The whole catalogue in its import format"),
        (name = "municipalities", description = "Municipalities (the controllers), the services each uses (its portfolio), \
and what the portfolio gives them: a report, reviews due, and a draft record of processing activities (GDPR art. 30)"),
        (name = "operations", description = "Health and readiness"),
        (name = "feide", description = "The link to Feide's own service catalogue (the Feide API's service information): \
what Feide really releases to each linked service, fetched and set against the agreement"),
        (name = "announcements", description = "Vendors' announced changes of sub-processors, with the objection \
clock computed from each agreement's terms, applied by the registry on their effective date"),
        (name = "feeds", description = "Atom 1.0 feeds (RFC 4287) of the change feed and the announcements"),
        (name = "webhooks", description = "Webhook subscriptions after the Standard Webhooks specification: signed \
deliveries of changes to the services a client cares for, retried with backoff, with a delivery log"),
    ),
    modifiers(&Operations, &FlagRules, &BearerAuth, &Flattened, &OperationIds, &Links, &AgeHeader, &ConventionHeaders, &CsvSwitch),
)]
pub struct ApiDoc;

/// Unique operation ids from method and path (`get_services_by_id`): utoipa would name each after
/// its handler function, and several are called `get`.
struct OperationIds;

impl Modify for OperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            // the two entry points would both be `get_`
            let entry = match path.as_str() {
                "/" => Some("root"),
                "/api/v1" => Some("api_v1"),
                _ => None,
            };
            let name: Vec<String> = path
                .trim_start_matches("/api/v1")
                .split('/')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    // `{id}.atom` names `by_id_atom`: identifiers of letters, digits and `_`
                    s.replace('{', "by_")
                        .replace('}', "")
                        .replace(['-', '.'], "_")
                })
                .chain(entry.map(str::to_owned))
                .collect();
            let ops = [
                ("get", item.get.as_mut()),
                ("put", item.put.as_mut()),
                ("post", item.post.as_mut()),
                ("delete", item.delete.as_mut()),
                ("patch", item.patch.as_mut()),
            ];
            for (method, op) in ops {
                if let Some(op) = op {
                    op.operation_id = Some(format!("{method}_{}", name.join("_")));
                }
            }
        }
    }
}

/// Reads of the catalogue answer from memory while the database cannot be reached, and then say
/// how old their data is (`headers::mark_age`).
struct AgeHeader;

impl Modify for AgeHeader {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{header::HeaderBuilder, schema::Type, ObjectBuilder};
        let from_db = ["/history", "/changes", "/audit"];
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1") || from_db.iter().any(|p| path.contains(p)) {
                continue;
            }
            let Some(get) = item.get.as_mut() else {
                continue;
            };
            for (status, response) in get.responses.responses.iter_mut() {
                let (true, RefOr::T(response)) = (status.starts_with('2'), response) else {
                    continue;
                };
                let header = HeaderBuilder::new()
                    .schema(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(0)),
                    )
                    .description(Some(
                        "Present only when the database could not be reached: the answer comes \
                         from the catalogue held in memory, last confirmed this many seconds ago \
                         (RFC 9111 `Age`). Writes made since may be missing.",
                    ))
                    .build();
                response.headers.insert("Age".to_owned(), header);
            }
        }
    }
}

/// The headers `headers.rs` and the rate limits add to answers: `Last-Modified` on catalogue
/// reads, both `Link` relations on lists, and `RateLimit`/`RateLimit-Policy` on limited routes.
struct ConventionHeaders;

impl Modify for ConventionHeaders {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::header::{Header, HeaderBuilder};
        let text = |description: &str| -> Header {
            HeaderBuilder::new()
                .schema(String::schema())
                .description(Some(description))
                .build()
        };
        let from_db = ["/history", "/changes", "/audit"];
        for (path, item) in openapi.paths.paths.iter_mut() {
            let catalogue =
                path.starts_with("/api/v1") && !from_db.iter().any(|p| path.contains(p));
            let ops = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for op in ops.into_iter().flatten() {
                let limited = op.responses.responses.contains_key("429");
                for (status, response) in op.responses.responses.iter_mut() {
                    let RefOr::T(response) = response else {
                        continue;
                    };
                    if response.headers.contains_key("Link") {
                        response.headers.insert(
                            "Link".to_owned(),
                            text(
                                "RFC 8288 links with absolute URLs: `rel=\"next\"` to the next page \
                                 (when there is one) and `rel=\"first\"` to the first",
                            ),
                        );
                    }
                    if catalogue && status == "200" && response.headers.contains_key("ETag") {
                        response.headers.insert(
                            "Last-Modified".to_owned(),
                            text(
                                "When the catalogue this answer comes from last changed (HTTP \
                                 date); `If-Modified-Since` gives 304 when no `If-None-Match` is \
                                 sent",
                            ),
                        );
                    }
                    if limited && (status.starts_with('2') || status == "429") {
                        response.headers.insert(
                            "RateLimit-Policy".to_owned(),
                            text(
                                "The rate limits of this route (draft-ietf-httpapi-ratelimit-headers: \
                                 `\"name\";q=requests;w=seconds`)",
                            ),
                        );
                        response.headers.insert(
                            "RateLimit".to_owned(),
                            text(
                                "Where the caller stands under each limit: `\"name\";r=remaining;t=seconds` \
                                 until the whole quota is back",
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// OpenAPI links from a created service to what can be done with it next, carrying its id and
/// ETag, so clients (and stateful contract tests) can follow create → read → patch → retire.
struct Links;

impl Modify for Links {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::link::LinkBuilder;
        let Some(create) = openapi
            .paths
            .paths
            .get_mut("/api/v1/services")
            .and_then(|p| p.post.as_mut())
        else {
            return;
        };
        let Some(RefOr::T(created)) = create.responses.responses.get_mut("201") else {
            return;
        };
        let targets = [
            (
                "GetService",
                "get_services_by_id",
                false,
                "Read the new service",
            ),
            (
                "ServiceHistory",
                "get_services_by_id_history",
                false,
                "Its history",
            ),
            (
                "PatchService",
                "patch_services_by_id",
                true,
                "Change it, with the ETag just answered",
            ),
            (
                "ReplaceService",
                "put_services_by_id",
                true,
                "Replace it, with the ETag just answered",
            ),
            (
                "RetireService",
                "delete_services_by_id",
                true,
                "Retire it, with the ETag just answered",
            ),
        ];
        for (name, operation, with_etag, description) in targets {
            let mut link = LinkBuilder::new()
                .operation_id(operation)
                .description(description)
                .parameter("id", "$response.body#/id");
            if with_etag {
                link = link.parameter("header.If-Match", "$response.header.ETag");
            }
            created
                .links
                .insert(name.to_owned(), RefOr::T(link.build()));
        }
    }
}

/// utoipa renders a `#[serde(flatten)]` field as `allOf` with the flattened type's schema; when
/// that type denies unknown fields (the catalogue types do), the `allOf` can never validate. These
/// schemas are merged into one closed object instead, as the JSON really is.
struct Flattened;

const FLATTENED: &[&str] = &["SubProcessorView", "ServiceWrite", "ChangeEntry"];

impl Modify for Flattened {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{AdditionalProperties, Object};
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for name in FLATTENED {
            let Some(RefOr::T(Schema::AllOf(all))) = components.schemas.get(*name).cloned() else {
                continue;
            };
            let mut merged = Object::new();
            for part in &all.items {
                let part = match part {
                    RefOr::Ref(r) => r
                        .ref_location
                        .rsplit('/')
                        .next()
                        .and_then(|n| components.schemas.get(n))
                        .cloned(),
                    other => Some(other.clone()),
                };
                if let Some(RefOr::T(Schema::Object(o))) = part {
                    merged.properties.extend(o.properties);
                    merged.required.extend(o.required);
                    if merged.description.is_none() {
                        merged.description = o.description;
                    }
                }
            }
            merged.description = all.description.clone().or(merged.description);
            merged.example = all.example.clone();
            merged.schema_type =
                utoipa::openapi::schema::SchemaType::Type(utoipa::openapi::Type::Object);
            merged.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
            components
                .schemas
                .insert((*name).to_owned(), RefOr::T(Schema::Object(merged)));
        }
    }
}

/// The bearer scheme of writes: the registry's own tokens from `/api/v1/auth/token`, or an
/// external issuer's (Maskinporten) when the operator trusts one.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .description(Some(
                            "A token from POST /api/v1/auth/token, or from the external issuer the operator configured",
                        ))
                        .build(),
                ),
            );
        }
    }
}

/// Writes each flag's rule into the `Flag` schema, from the same `Flag::rule` the code applies.
struct FlagRules;

impl Modify for FlagRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        if let Some(RefOr::T(Schema::Object(flag))) = components.schemas.get_mut("Flag") {
            let rules: Vec<String> = Flag::ALL
                .iter()
                .map(|f| format!("- `{}`: {}", f.as_str(), f.rule()))
                .collect();
            flag.description = Some(format!(
                "A derived risk flag, computed from the entered data:\n{}",
                rules.join("\n")
            ));
        }
    }
}

/// The document as served and committed: pretty JSON with a final newline.
pub fn document() -> String {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serialises");
    fix_link_keys(&mut doc);
    super::openapi_finish::finish(&mut doc);
    let mut json = serde_json::to_string_pretty(&doc).expect("JSON serialises");
    json.push('\n');
    json
}

/// utoipa 5 writes a link's `operationId` as `operation_id`; OpenAPI 3.1 §4.8.20 names it
/// `operationId`, and clients following links look for that.
fn fix_link_keys(doc: &mut serde_json::Value) {
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for item in paths.values_mut().filter_map(|i| i.as_object_mut()) {
        for op in item.values_mut() {
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            for response in responses.values_mut() {
                let Some(links) = response.get_mut("links").and_then(|l| l.as_object_mut()) else {
                    continue;
                };
                for link in links.values_mut().filter_map(|l| l.as_object_mut()) {
                    if let Some(id) = link.remove("operation_id") {
                        link.insert("operationId".into(), id);
                    }
                }
            }
        }
    }
}

pub async fn serve(req: actix_web::HttpRequest) -> HttpResponse {
    // made once: the document changes only with the binary, and clients revalidate by ETag
    static SERVED: std::sync::OnceLock<super::negotiate::Body> = std::sync::OnceLock::new();
    SERVED
        .get_or_init(|| {
            let mut body = super::negotiate::Body::json_bytes(document().into_bytes());
            body.etag = Some(super::negotiate::etag(&body.bytes));
            body
        })
        .clone()
        .respond(&req)
}
