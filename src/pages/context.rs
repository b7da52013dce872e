//! The language of one page request and its query, which every link on the page keeps.

use actix_web::HttpRequest;

use super::texts::T;
use crate::domain::reference::Lang;
use crate::http::negotiate::language;

/// One request's language and query: `?lang=` when given (and kept by every link), otherwise
/// `Accept-Language`, otherwise nb.
pub struct Ctx {
    pub lang: Lang,
    /// Chosen with `?lang=`: every link and form on the page carries it on.
    chosen: bool,
    path: String,
    /// The query without `lang`.
    query: Vec<(String, String)>,
}

pub fn parse_lang(s: &str) -> Option<Lang> {
    match s {
        "nb" => Some(Lang::Nb),
        "nn" => Some(Lang::Nn),
        "en" => Some(Lang::En),
        _ => None,
    }
}

impl Ctx {
    pub fn of(req: &HttpRequest) -> Ctx {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
        let chosen = pairs
            .iter()
            .filter(|(k, _)| k == "lang")
            .find_map(|(_, v)| parse_lang(v));
        Ctx {
            lang: chosen.unwrap_or_else(|| language(req.headers())),
            chosen: chosen.is_some(),
            path: req.path().to_owned(),
            query: pairs.into_iter().filter(|(k, _)| k != "lang").collect(),
        }
    }

    /// A page context in `lang` with nothing chosen: for unit tests of page parts.
    #[cfg(test)]
    pub fn for_tests(lang: Lang) -> Ctx {
        Ctx {
            lang,
            chosen: false,
            path: "/".to_owned(),
            query: Vec::new(),
        }
    }

    pub fn t(&self, t: T) -> &'static str {
        t.get(self.lang)
    }

    pub fn fill(&self, t: T, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        t.fill(self.lang, args)
    }

    /// The query as sent, without `lang`.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// `lang` when it was chosen, for a form's hidden field.
    pub fn chosen_lang(&self) -> Option<&'static str> {
        self.chosen.then(|| self.lang.code())
    }

    /// `target` (a path, with or without a query) with the chosen language kept.
    pub fn href(&self, target: &str) -> String {
        if !self.chosen {
            return target.to_owned();
        }
        let sep = if target.contains('?') { '&' } else { '?' };
        format!("{target}{sep}lang={}", self.lang.code())
    }

    /// A path with the query `pairs`, the chosen language kept.
    pub fn href_with(&self, path: &str, pairs: &[(String, String)]) -> String {
        let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
        if query.is_empty() {
            self.href(path)
        } else {
            self.href(&format!("{path}?{query}"))
        }
    }

    /// This page in `lang`: `?lang=` first, then the rest of the query.
    pub fn switch_to(&self, lang: Lang) -> String {
        let rest = serde_urlencoded::to_string(&self.query).unwrap_or_default();
        if rest.is_empty() {
            format!("?lang={}", lang.code())
        } else {
            format!("?lang={}&{rest}", lang.code())
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }
}
