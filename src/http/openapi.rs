//! The OpenAPI 3.1 document, generated from the handlers' annotations and the views' schemas.

use actix_web::HttpResponse;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;
use utoipa::{Modify, OpenApi};

use super::{
    attributes, countries, history, metrics, ops, reports, service_writes, services,
    sub_processors, token, vendor_writes, vendors, views,
};
use crate::domain::{catalogue, compare, facets, flags::Flag, portfolio, reference, validate};
use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "feide-registry",
        description = "A public catalogue of Norwegian edtech services: the Feide attributes each receives and why, \
its sub-processors and the countries they use, and its data processing agreement's terms. \
Reading is public. Lists page with `limit` and `cursor` (with an RFC 8288 `Link: rel=\"next\"` header), \
answer `text/csv` when asked, and send an `ETag` for conditional requests. Errors are RFC 9457 problem documents; \
an unknown or malformed query parameter is a 400 listing every problem.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        attributes::list, attributes::get, attributes::scopes,
        vendors::list, vendors::get,
        services::list, services::get,
        sub_processors::list, sub_processors::get,
        countries::list, countries::get,
        reports::compare, reports::portfolio,
        ops::healthz, ops::readyz, metrics::metrics,
        token::token,
        service_writes::create, service_writes::replace, service_writes::patch, service_writes::retire,
        vendor_writes::create, vendor_writes::replace, vendor_writes::patch,
        history::service_history, history::vendor_history, history::changes, history::audit,
    ),
    components(schemas(
        Problem, validate::FieldProblem, Flag, facets::Facet, facets::FacetCount,
        catalogue::Catalogue, catalogue::Vendor, catalogue::Contact, catalogue::SubProcessor, catalogue::Service,
        catalogue::Status, catalogue::DataSubject, catalogue::AttributeRequest, catalogue::ScopeRequest,
        catalogue::Role, catalogue::Location, catalogue::UseLocation, catalogue::TransferMechanism,
        catalogue::SubProcessorUse, catalogue::BreachNotice, catalogue::SubProcessorChange, catalogue::Terms,
        catalogue::Source, reference::Sensitivity, reference::Adequacy,
        views::AttributeList, views::AttributeView, views::AttributeDetail, views::AttributeUse,
        views::ScopeList, views::ScopeView, views::VendorList, views::VendorView, views::VendorRef, views::ServiceRef,
        views::ServiceList, views::ServiceSummary, views::ServiceProfile, views::ReceivedAttribute,
        views::ServiceSubProcessor, views::SubProcessorList, views::SubProcessorView, views::SubProcessorUseView,
        views::CountryList, views::CountryView, views::CountryDetail, views::CountryUse, ops::Health,
        compare::Comparison, compare::ComparedService, compare::AttributeRow, compare::AttributeCell, compare::CountryRow,
        compare::CountryCell, compare::SubProcessorRow, compare::SubProcessorCell, compare::TermRow, compare::FlagRow,
        portfolio::PortfolioRequest, portfolio::PortfolioReport, portfolio::CountryExposure, portfolio::Transfer,
        portfolio::SubProcessorExposure, portfolio::SensitiveAttribute, portfolio::AttributeReceiver, portfolio::FlaggedServices,
        portfolio::WeakestTerms, portfolio::DaysAndServices,
        token::TokenResponse, token::OAuthError, service_writes::ServiceWrite,
        history::Revision, history::HistoryList, history::ChangeEntry, history::ChangeFeed,
        history::AuditEvent, history::AuditList,
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
        (name = "operations", description = "Health and readiness"),
    ),
    modifiers(&FlagRules, &BearerAuth),
)]
pub struct ApiDoc;

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
    let mut json = ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    json.push('\n');
    json
}

pub async fn serve() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document())
}
