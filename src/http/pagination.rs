//! Cursor pagination. A cursor names the last item of the previous page by its sort key, so
//! pages stay correct while entries are added or removed in between (an offset would skip or
//! repeat items).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::domain::query::Params;

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
    p.parsed("limit", &format!("an integer from 1 to {MAX_LIMIT}"), |s| {
        s.parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
    })
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
            p.problem(
                "cursor",
                "belongs to another sort order; start again without a cursor",
            );
            None
        }
        None => {
            p.problem("cursor", "is not a cursor this registry issued");
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
    let mut kept: Vec<(String, String)> =
        pairs.iter().filter(|(k, _)| k != name).cloned().collect();
    kept.push((name.into(), cursor.to_owned()));
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(&kept).unwrap_or_default()
    )
}
