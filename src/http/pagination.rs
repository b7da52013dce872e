//! Cursor pagination. A cursor names the last item of the previous page by its sort key, so
//! pages stay correct while entries are added or removed in between (an offset would skip or
//! repeat items).

use actix_web::{web, HttpRequest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::negotiate::Format;
use crate::domain::query::Params;
use crate::texts::Text;

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: usize,
    after: Option<String>,
    sort: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CursorData {
    /// the sort this cursor belongs to
    s: String,
    /// the last key served
    k: String,
}

/// `limit`: 1 to 500, 50 when absent.
pub fn parse_limit(p: &mut Params) -> usize {
    p.parsed(
        "limit",
        Text::ExpectLimit.with(&[("max", &MAX_LIMIT)]),
        |s| {
            s.parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
        },
    )
    .unwrap_or(DEFAULT_LIMIT)
}

/// A `cursor` this registry issued, decoded: where a page resumes.
#[derive(Debug, Clone)]
pub struct Cursor(CursorData);

/// Reads `cursor` for a list in `sort` order: a cursor of another order is refused, so a cursor
/// cannot be replayed under another order.
pub fn parse_cursor(p: &mut Params, sort: &str) -> Option<Cursor> {
    match decode(p.text("cursor")?) {
        Some(c) if c.s == sort => Some(Cursor(c)),
        Some(_) => {
            p.problem("cursor", Text::CursorOtherSort);
            None
        }
        None => {
            p.problem("cursor", Text::NotOurCursor);
            None
        }
    }
}

impl PageRequest {
    /// A page of `limit` items in `sort` order, after the `cursor` read for that order
    /// (`parse_cursor`).
    pub fn new(limit: usize, cursor: Option<Cursor>, sort: &str) -> PageRequest {
        debug_assert!(cursor.as_ref().is_none_or(|c| c.0.s == sort));
        PageRequest {
            limit,
            after: cursor.map(|c| c.0.k),
            sort: sort.to_owned(),
        }
    }

    /// A CSV answer is the whole filtered set, in order: a spreadsheet has no cursor to follow,
    /// and an export cut at a page would be silently wrong. `limit` and `cursor` shape JSON pages
    /// only (they are still checked).
    pub fn for_format(self, fmt: Format) -> PageRequest {
        match fmt {
            Format::Json => self,
            Format::Csv => PageRequest {
                limit: usize::MAX,
                after: None,
                sort: self.sort,
            },
        }
    }

    /// The key of the last item of the previous page, if this is not the first page.
    pub fn after(&self) -> Option<&str> {
        self.after.as_deref()
    }

    /// The cursor of the page after the item with sort key `key`.
    pub fn cursor_after(&self, key: &str) -> String {
        encode(&self.sort, key)
    }

    /// Cuts one page from items already sorted by `key` (ascending, or descending when
    /// `descending`); returns it with the cursor of the next page, if any.
    pub fn page<T>(
        &self,
        items: Vec<T>,
        descending: bool,
        key: impl Fn(&T) -> String,
    ) -> (Vec<T>, Option<String>) {
        let mut rest: Vec<T> = match &self.after {
            None => items,
            Some(after) => items
                .into_iter()
                .filter(|t| {
                    let k = key(t);
                    if descending {
                        k.as_str() < after.as_str()
                    } else {
                        k.as_str() > after.as_str()
                    }
                })
                .collect(),
        };
        let more = rest.len() > self.limit;
        rest.truncate(self.limit);
        let next = if more {
            rest.last().map(|t| encode(&self.sort, &key(t)))
        } else {
            None
        };
        (rest, next)
    }
}

fn encode(sort: &str, key: &str) -> String {
    let data = CursorData {
        s: sort.to_owned(),
        k: key.to_owned(),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&data).unwrap_or_default())
}

fn decode(raw: &str) -> Option<CursorData> {
    if raw.len() > 2048 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The URL of the next page: the same path and parameters with the new cursor.
pub fn next_link(path: &str, pairs: &[(String, String)], cursor: &str) -> String {
    next_link_named(path, pairs, "cursor", cursor)
}

/// As `next_link`, for a feed whose cursor parameter is `name` (the change feed's `since`).
pub fn next_link_named(path: &str, pairs: &[(String, String)], name: &str, cursor: &str) -> String {
    let mut kept = without(pairs, name);
    kept.push((name.into(), cursor.to_owned()));
    with_query(path, &kept)
}

/// The URL of the first page: the same path and parameters without the cursor named `name`.
pub fn first_link(path: &str, pairs: &[(String, String)], name: &str) -> String {
    with_query(path, &without(pairs, name))
}

fn without(pairs: &[(String, String)], name: &str) -> Vec<(String, String)> {
    pairs.iter().filter(|(k, _)| k != name).cloned().collect()
}

fn with_query(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// Where the registry is reached from outside (`PUBLIC_BASE_URL`, e.g.
/// `https://registry.example.no`), when the operator says so. Without it, links are made from
/// the request's own scheme and host (`Forwarded`/`X-Forwarded-*` from a proxy count), which a
/// shared cache in front of the registry would then keep per host.
#[derive(Debug, Clone, Default)]
pub struct PublicBase(pub Option<String>);

/// `target` (a path with its query) as an absolute URL (RFC 8288 §3.2 resolves a relative one
/// against the request's URL, which clients get wrong behind proxies).
pub fn absolute(req: &HttpRequest, target: &str) -> String {
    let configured = req
        .app_data::<web::Data<PublicBase>>()
        .and_then(|b| b.0.clone());
    match configured {
        Some(base) => format!("{}{target}", base.trim_end_matches('/')),
        None => {
            let info = req.connection_info();
            format!("{}://{}{target}", info.scheme(), info.host())
        }
    }
}

/// The `Link` header of a page: `next` when there is one, and always `first`.
pub fn link_header(req: &HttpRequest, next: Option<&str>, first: &str) -> String {
    let mut links: Vec<String> = next
        .map(|n| format!("<{}>; rel=\"next\"", absolute(req, n)))
        .into_iter()
        .collect();
    links.push(format!("<{}>; rel=\"first\"", absolute(req, first)));
    links.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
    }

    #[test]
    fn links_keep_the_parameters_and_swap_the_cursor() {
        let p = pairs(&[("country", "US"), ("cursor", "abc"), ("limit", "5")]);
        assert_eq!(
            next_link("/api/v1/services", &p, "def"),
            "/api/v1/services?country=US&limit=5&cursor=def"
        );
        assert_eq!(
            first_link("/api/v1/services", &p, "cursor"),
            "/api/v1/services?country=US&limit=5"
        );
        assert_eq!(
            first_link("/api/v1/changes", &pairs(&[("since", "4")]), "since"),
            "/api/v1/changes"
        );
    }

    #[test]
    fn links_are_absolute_from_the_configured_base_or_the_request() {
        let req = actix_web::test::TestRequest::with_uri("/api/v1/services")
            .insert_header(("host", "registry.test:8080"))
            .to_http_request();
        assert_eq!(
            link_header(&req, Some("/a?cursor=x"), "/a"),
            "<http://registry.test:8080/a?cursor=x>; rel=\"next\", <http://registry.test:8080/a>; rel=\"first\""
        );
        let req = actix_web::test::TestRequest::with_uri("/api/v1/services")
            .app_data(web::Data::new(PublicBase(Some(
                "https://registry.example.no/".into(),
            ))))
            .to_http_request();
        assert_eq!(absolute(&req, "/a"), "https://registry.example.no/a");
    }
}
