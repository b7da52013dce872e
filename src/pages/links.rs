//! Which page shows what an API answer holds: the `Link: <...>; rel="alternate"; type="text/html"`
//! every such answer carries.

/// The page of the API resource at `path` (with `query`), when it has one.
pub fn page_of_api(path: &str, query: &str) -> Option<String> {
    let rest = path.strip_prefix("/api/v1/")?.trim_end_matches('/');
    let with_query = |p: &str| {
        if query.is_empty() {
            p.to_owned()
        } else {
            format!("{p}?{query}")
        }
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        ["services"] => Some(with_query("/")),
        ["compare"] => Some(with_query("/compare")),
        [kind @ ("services" | "vendors" | "sub-processors" | "attributes" | "countries"), id] => {
            Some(format!("/{kind}/{id}"))
        }
        ["municipalities", id, "portfolio"] => Some(format!("/municipalities/{id}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::page_of_api;

    #[test]
    fn each_resource_with_a_page_names_it() {
        assert_eq!(
            page_of_api("/api/v1/services/kikora", ""),
            Some("/services/kikora".into())
        );
        assert_eq!(
            page_of_api("/api/v1/services", "country=US"),
            Some("/?country=US".into())
        );
        assert_eq!(
            page_of_api("/api/v1/municipalities/bergen/portfolio", ""),
            Some("/municipalities/bergen".into())
        );
        assert_eq!(
            page_of_api("/api/v1/countries/US", ""),
            Some("/countries/US".into())
        );
        assert_eq!(page_of_api("/api/v1/services/kikora/history", ""), None);
        assert_eq!(page_of_api("/api/v1/municipalities/bergen", ""), None);
        assert_eq!(page_of_api("/healthz", ""), None);
    }
}
