//! The one list of the API's endpoints. Each row names a handler with its `#[utoipa::path]`
//! operation; the actix routes, the OpenAPI `paths`, every resource's 405 `Allow` list and the
//! audit log's action names are all read from it, so adding an endpoint is one row.

use std::sync::LazyLock;

use actix_web::http::header::HeaderValue;
use actix_web::http::Method;
use actix_web::{guard, web, FromRequest, Handler, HttpRequest, Responder};
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::{Components, OpenApi};

use super::{
    announcements, atom, attributes, countries, exports, feide, history, metrics, municipalities,
    openapi, ops, reports, responses, service_writes, services, sub_processors, token,
    vendor_writes, vendors, webhooks,
};

/// Every endpoint, in the order the routes are registered.
static ENDPOINTS: LazyLock<Vec<Endpoint>> = LazyLock::new(|| {
    vec![
        documented(ops::__path_root, ops::root),
        documented(ops::__path_api_index, ops::api_index),
        documented(ops::__path_healthz, ops::healthz),
        documented(metrics::__path_metrics, metrics::metrics),
        documented(ops::__path_readyz, ops::readyz),
        // the document itself is not one of its own operations
        Endpoint::new(Method::GET, "/openapi.json".into(), openapi::serve, None),
        documented(attributes::__path_list, attributes::list),
        documented(attributes::__path_get, attributes::get),
        documented(attributes::__path_scopes, attributes::scopes),
        documented(vendors::__path_list, vendors::list),
        documented(vendor_writes::__path_create, vendor_writes::create).audit("vendor.create"),
        documented(vendors::__path_get, vendors::get),
        documented(vendor_writes::__path_replace, vendor_writes::replace).audit("vendor.replace"),
        documented(vendor_writes::__path_patch, vendor_writes::patch).audit("vendor.patch"),
        documented(history::__path_vendor_history, history::vendor_history),
        documented(services::__path_list, services::list),
        documented(service_writes::__path_create, service_writes::create).audit("service.create"),
        documented(services::__path_get, services::get),
        documented(service_writes::__path_replace, service_writes::replace)
            .audit("service.replace"),
        documented(service_writes::__path_patch, service_writes::patch).audit("service.patch"),
        documented(service_writes::__path_retire, service_writes::retire).audit("service.retire"),
        documented(history::__path_service_history, history::service_history),
        documented(history::__path_changes, history::changes),
        documented(history::__path_audit, history::audit).audit("audit.read"),
        documented(token::__path_token, token::token).audit("token.issue"),
        documented(sub_processors::__path_list, sub_processors::list),
        documented(sub_processors::__path_get, sub_processors::get),
        documented(reports::__path_compare, reports::compare),
        documented(reports::__path_portfolio, reports::portfolio),
        documented(countries::__path_list, countries::list),
        documented(countries::__path_get, countries::get),
        documented(feide::__path_sync_now, feide::sync_now).audit("feide.sync"),
        documented(feide::__path_coverage, feide::coverage),
        documented(feide::__path_providers, feide::providers),
        documented(feide::__path_decide, feide::decide).audit("feide.provider"),
        documented(exports::__path_catalogue, exports::catalogue),
        documented(municipalities::__path_list, municipalities::list),
        documented(municipalities::__path_create, municipalities::create)
            .audit("municipality.create"),
        documented(municipalities::__path_get, municipalities::get),
        documented(municipalities::__path_replace, municipalities::replace)
            .audit("municipality.replace"),
        documented(municipalities::__path_patch, municipalities::patch).audit("municipality.patch"),
        documented(municipalities::__path_portfolio, municipalities::portfolio),
        documented(municipalities::__path_entry, municipalities::entry),
        documented(municipalities::__path_put_entry, municipalities::put_entry)
            .audit("portfolio.put"),
        documented(
            municipalities::__path_patch_entry,
            municipalities::patch_entry,
        )
        .audit("portfolio.patch"),
        documented(
            municipalities::__path_remove_entry,
            municipalities::remove_entry,
        )
        .audit("portfolio.remove"),
        documented(
            municipalities::__path_entry_history,
            municipalities::entry_history,
        ),
        documented(
            history::__path_municipality_changes,
            history::municipality_changes,
        ),
        documented(municipalities::__path_report, municipalities::report),
        documented(
            municipalities::__path_record_of_processing,
            municipalities::record_of_processing,
        ),
        documented(announcements::__path_list, announcements::list),
        documented(announcements::__path_apply_due, announcements::apply_due)
            .audit("announcements.apply-due"),
        documented(announcements::__path_get, announcements::get),
        documented(announcements::__path_withdraw, announcements::withdraw)
            .audit("announcement.withdraw"),
        documented(announcements::__path_of_service, announcements::of_service),
        documented(announcements::__path_announce, announcements::announce)
            .audit("announcement.create"),
        documented(responses::__path_list, responses::list),
        documented(responses::__path_respond, responses::respond).audit("announcement.respond"),
        documented(atom::__path_changes, atom::changes),
        documented(atom::__path_announcements, atom::announcements),
        documented(atom::__path_service, atom::service),
        documented(atom::__path_vendor, atom::vendor),
        documented(atom::__path_municipality, atom::municipality),
        documented(webhooks::__path_list, webhooks::list),
        documented(webhooks::__path_create, webhooks::create).audit("webhook.create"),
        documented(webhooks::__path_get, webhooks::get),
        documented(webhooks::__path_patch, webhooks::patch).audit("webhook.patch"),
        documented(webhooks::__path_delete, webhooks::delete).audit("webhook.delete"),
        documented(webhooks::__path_deliveries, webhooks::deliveries),
        documented(webhooks::__path_redeliver, webhooks::redeliver).audit("webhook.redeliver"),
    ]
});

/// One method on one path: how to route it, how to document it, and what the audit log calls it.
pub struct Endpoint {
    method: Method,
    path: String,
    /// The action name in the audit log; other requests are logged as method and path.
    audit: Option<&'static str>,
    route: Box<dyn Fn() -> actix_web::Route + Send + Sync>,
    /// Adds the operation (and the schemas it refers to) to a document.
    document: Option<fn(&mut OpenApi)>,
}

/// An endpoint from a handler and the operation `#[utoipa::path]` generated for it (`__path_f`
/// for `f`): its method and path are the operation's own.
fn documented<P, F, Args>(_operation: P, handler: F) -> Endpoint
where
    P: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
    F: Handler<Args> + Send + Sync,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    let methods = P::methods();
    let [method] = methods.as_slice() else {
        panic!("{} documents more than one method", P::path());
    };
    Endpoint::new(
        actix_method(method),
        P::path(),
        handler,
        Some(add_operation::<P>),
    )
}

impl Endpoint {
    fn new<F, Args>(
        method: Method,
        path: String,
        handler: F,
        document: Option<fn(&mut OpenApi)>,
    ) -> Self
    where
        F: Handler<Args> + Send + Sync,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        Endpoint {
            method,
            path,
            audit: None,
            route: Box::new(move || web::route().to(handler.clone())),
            document,
        }
    }

    fn audit(self, name: &'static str) -> Self {
        Endpoint {
            audit: Some(name),
            ..self
        }
    }

    /// The actix route. A GET also answers HEAD, with the same headers and no body (actix-web
    /// leaves the body out of an answer to HEAD and keeps its length).
    fn route(&self) -> actix_web::Route {
        let route = (self.route)();
        if self.method == Method::GET {
            route.guard(guard::Any(guard::Get()).or(guard::Head()))
        } else {
            route.method(self.method.clone())
        }
    }
}

/// What `#[derive(OpenApi)]` does with each entry of `paths(...)`: the operation with its tags,
/// and the schemas it refers to.
fn add_operation<P>(doc: &mut OpenApi)
where
    P: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
{
    let mut operation: Operation = P::operation();
    operation.tags.get_or_insert_with(Vec::new).extend(
        <P as utoipa::__dev::Tags>::tags()
            .iter()
            .map(|t| t.to_string()),
    );
    doc.paths
        .add_path_operation(P::path(), P::methods(), operation);
    let mut schemas = Vec::new();
    P::schemas(&mut schemas);
    doc.components
        .get_or_insert_with(Components::new)
        .schemas
        .extend(schemas);
}

fn actix_method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// Every path with its endpoints, in the order paths first appear in the table.
fn resources() -> Vec<(&'static str, Vec<&'static Endpoint>)> {
    let mut out: Vec<(&'static str, Vec<&'static Endpoint>)> = Vec::new();
    for e in ENDPOINTS.iter() {
        match out.iter_mut().find(|(path, _)| *path == e.path) {
            Some((_, endpoints)) => endpoints.push(e),
            None => out.push((e.path.as_str(), vec![e])),
        }
    }
    out
}

/// The `Allow` list of a resource: its methods, HEAD with GET, in a fixed order.
fn allow(endpoints: &[&Endpoint]) -> String {
    const ORDER: [Method; 6] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ];
    let served = |m: &Method| {
        endpoints
            .iter()
            .any(|e| e.method == *m || (*m == Method::HEAD && e.method == Method::GET))
    };
    ORDER
        .iter()
        .filter(|m| served(m))
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Registers every resource. Each is a `web::resource` with one route per method, so that a
/// wrong method answers 405 naming the methods it does serve, not 404.
pub fn configure(cfg: &mut web::ServiceConfig) {
    for (path, endpoints) in resources() {
        let allow = HeaderValue::from_str(&allow(&endpoints)).expect("method names are ASCII");
        let resource = endpoints
            .iter()
            .fold(web::resource(path), |r, e| r.route(e.route()))
            .default_service(web::to(move |req: HttpRequest| {
                let allow = allow.clone();
                async move { super::not_allowed(&req, allow) }
            }));
        cfg.service(resource);
    }
}

/// Adds every documented endpoint's operation to the OpenAPI document.
pub struct Operations;

impl utoipa::Modify for Operations {
    fn modify(&self, doc: &mut OpenApi) {
        for document in ENDPOINTS.iter().filter_map(|e| e.document) {
            document(doc);
        }
    }
}

/// What a revision records as its action: the audit name of the write to a service, vendor,
/// municipality or portfolio entry that made it, or `import`.
pub fn revision_actions() -> Vec<&'static str> {
    std::iter::once("import")
        .chain(std::iter::once(crate::schedule::APPLY_ACTION))
        .chain(ENDPOINTS.iter().filter_map(|e| e.audit).filter(|a| {
            ["service.", "vendor.", "municipality.", "portfolio."]
                .iter()
                .any(|kind| a.starts_with(kind))
        }))
        .collect()
}

/// The audit log's name for a request to a route pattern, when its endpoint has one.
pub fn audit_name(method: &Method, pattern: &str) -> Option<&'static str> {
    ENDPOINTS
        .iter()
        .find(|e| e.method == method && e.path == pattern)
        .and_then(|e| e.audit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_come_from_the_table() {
        let allows: Vec<(&str, String)> = resources()
            .into_iter()
            .map(|(path, endpoints)| (path, allow(&endpoints)))
            .collect();
        let of = |p: &str| {
            allows
                .iter()
                .find(|(path, _)| *path == p)
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(of("/api/v1/services/{id}"), "GET, HEAD, PUT, PATCH, DELETE");
        assert_eq!(of("/api/v1/vendors"), "GET, HEAD, POST");
        assert_eq!(of("/api/v1/auth/token"), "POST");
        assert_eq!(of("/openapi.json"), "GET, HEAD");
    }

    #[test]
    fn one_method_on_one_path_is_one_endpoint() {
        let mut seen = std::collections::HashSet::new();
        for e in ENDPOINTS.iter() {
            assert!(
                seen.insert((e.method.clone(), e.path.clone())),
                "{} {}",
                e.method,
                e.path
            );
        }
    }
}
