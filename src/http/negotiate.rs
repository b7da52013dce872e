//! Content negotiation: JSON or CSV by `Accept`, nb/nn/en by `Accept-Language`, and conditional
//! GETs by `ETag` / `If-None-Match`.

use actix_web::http::header::{self, HeaderMap};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::catalogue::Rendered;
use crate::domain::reference::Lang;
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

/// The media types a list endpoint answers, ranked by the client's q-values; ties go to JSON.
pub fn format(headers: &HeaderMap, csv_allowed: bool) -> Result<Format, AppError> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(Format::Json);
    };
    let (mut json_q, mut csv_q) = (0.0f32, 0.0f32);
    for (range, q) in weighted(accept) {
        match range.as_str() {
            "application/json" | "application/problem+json" => json_q = json_q.max(q),
            "text/csv" if csv_allowed => csv_q = csv_q.max(q),
            "*/*" | "application/*" => json_q = json_q.max(q),
            "text/*" if csv_allowed => csv_q = csv_q.max(q),
            _ => {}
        }
    }
    if json_q == 0.0 && csv_q == 0.0 {
        let offered = if csv_allowed {
            crate::texts::Text::AvailableAsJsonOrCsv
        } else {
            crate::texts::Text::AvailableAsJson
        };
        return Err(AppError::NotAcceptable(offered.into()));
    }
    Ok(if csv_q > json_q {
        Format::Csv
    } else {
        Format::Json
    })
}

/// As [`format`], but the `csv` query parameter (see [`CsvDialect`]) asks for CSV by itself: a
/// spreadsheet user opens a URL and cannot set `Accept`. The parameter is checked with the
/// operation's other parameters (`parse_query`).
pub fn format_of(req: &HttpRequest, csv_allowed: bool) -> Result<Format, AppError> {
    if csv_allowed && query_value(req, CsvDialect::PARAMETER).is_some() {
        return Ok(Format::Csv);
    }
    format(req.headers(), csv_allowed)
}

/// How a CSV answer is written: `standard` (RFC 4180: `,` between cells, no byte order mark) or
/// `excel`, what a spreadsheet set to a Norwegian locale opens correctly with a double click: a
/// UTF-8 byte order mark (without it Excel reads `æøå` as Windows-1252) and `;` between cells
/// (`,` is the decimal separator there). Chosen with `?csv=excel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvDialect {
    Standard,
    Excel,
}

impl CsvDialect {
    /// The query parameter that chooses it, on every operation that answers CSV.
    pub const PARAMETER: &'static str = "csv";

    pub fn parse(s: &str) -> Option<CsvDialect> {
        match s {
            "standard" => Some(CsvDialect::Standard),
            "excel" => Some(CsvDialect::Excel),
            _ => None,
        }
    }

    /// The dialect the request names (standard when it names none or an unknown one, which
    /// `parse_query` refuses before anything is answered).
    pub fn of(req: &HttpRequest) -> CsvDialect {
        query_value(req, Self::PARAMETER)
            .and_then(|v| Self::parse(&v))
            .unwrap_or(CsvDialect::Standard)
    }
}

/// The value of the first query parameter called `name`, decoded.
fn query_value(req: &HttpRequest, name: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .ok()?
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// The first of nb, nn and en the client accepts (`no` and `nb-NO` count as nb); nb by default.
pub fn language(headers: &HeaderMap) -> Lang {
    let Some(value) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Lang::Nb;
    };
    let mut ranked = weighted(value);
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranked
        .into_iter()
        .filter(|(_, q)| *q > 0.0)
        .find_map(|(tag, _)| match tag.split('-').next().unwrap_or("") {
            "nb" | "no" => Some(Lang::Nb),
            "nn" => Some(Lang::Nn),
            "en" => Some(Lang::En),
            _ => None,
        })
        .unwrap_or_default()
}

/// `a;q=0.5, b` -> [(a, 0.5), (b, 1.0)], lower-cased, in the header's order.
pub(crate) fn weighted(value: &str) -> Vec<(String, f32)> {
    value
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let item = pieces.next()?.trim().to_ascii_lowercase();
            if item.is_empty() {
                return None;
            }
            let q = pieces
                .filter_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .next()
                .unwrap_or(1.0)
                .clamp(0.0, 1.0);
            Some((item, q))
        })
        .collect()
}

/// Rows for `text/csv`: a header row and one row per item, lists joined with `;`.
pub trait CsvRow {
    fn headers() -> &'static [&'static str];
    fn row(&self) -> Vec<String>;
}

pub fn csv_body<T: CsvRow>(items: &[T]) -> Result<Vec<u8>, AppError> {
    let header = T::headers().iter().map(|h| (*h).to_owned()).collect();
    write_csv(std::iter::once(header).chain(items.iter().map(CsvRow::row)))
}

/// Writes rows as CSV with every cell neutralised (see [`cell`]).
fn write_csv<R: AsRef<[String]>>(rows: impl IntoIterator<Item = R>) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(row.as_ref().iter().map(|c| cell(c).into_owned()))
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Standard CSV rewritten in the Excel dialect (see [`CsvDialect`]): the same cells, `;` between
/// them, a byte order mark in front. Cells holding `;` are quoted.
fn excel_csv(standard: &[u8]) -> Result<Vec<u8>, AppError> {
    let broken = |e: csv::Error| AppError::Internal(e.to_string());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(standard);
    let mut out = Vec::with_capacity(standard.len() + standard.len() / 16 + 3);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_writer(out);
    for record in reader.byte_records() {
        w.write_byte_record(&record.map_err(broken)?)
            .map_err(broken)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// A cell a spreadsheet will not run as a formula (OWASP "CSV injection"): a vendor writes names
/// and justifications, and a municipality opens the file. A leading `=`, `+`, `-`, `@`, tab or
/// carriage return gets a `'` in front, which spreadsheets show as text.
pub fn cell(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// Whether the client ranks an HTML page above JSON (a browser's address bar does; `curl` and
/// API clients do not): ties and wildcards go to JSON.
pub fn prefers_html(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let (mut html_q, mut json_q) = (0.0f32, 0.0f32);
    for (range, q) in weighted(accept) {
        match range.as_str() {
            "text/html" | "application/xhtml+xml" => html_q = html_q.max(q),
            "application/json" | "application/*" | "*/*" => json_q = json_q.max(q),
            _ => {}
        }
    }
    html_q > json_q
}

/// A finished body and its representation metadata.
#[derive(Clone)]
pub struct Body {
    pub bytes: Bytes,
    /// Known in advance for a rendering kept with its record; else computed when answering.
    pub etag: Option<String>,
    pub content_type: &'static str,
    pub lang: Option<Lang>,
    /// The next page's path and query, when there is one.
    pub link_next: Option<String>,
    /// The first page's path and query, on every page of a list.
    pub link_first: Option<String>,
}

impl Body {
    pub fn json<T: Serialize>(value: &T) -> Result<Body, AppError> {
        let bytes = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Body::json_bytes(bytes))
    }

    /// JSON serialised by the caller.
    pub fn json_bytes(bytes: Vec<u8>) -> Body {
        Body {
            bytes: bytes.into(),
            etag: None,
            content_type: "application/json",
            lang: None,
            link_next: None,
            link_first: None,
        }
    }

    pub fn csv<T: CsvRow>(items: &[T]) -> Result<Body, AppError> {
        Ok(Body {
            bytes: csv_body(items)?.into(),
            etag: None,
            content_type: "text/csv; charset=utf-8",
            lang: None,
            link_next: None,
            link_first: None,
        })
    }

    /// CSV from rows whose first row is the header.
    pub fn csv_rows(rows: &[Vec<String>]) -> Result<Body, AppError> {
        let bytes = write_csv(rows)?;
        Ok(Body {
            bytes: bytes.into(),
            etag: None,
            content_type: "text/csv; charset=utf-8",
            lang: None,
            link_next: None,
            link_first: None,
        })
    }

    /// A JSON answer rendered earlier, with its ETag.
    pub fn rendered(r: &Rendered) -> Body {
        Body {
            bytes: r.bytes.clone(),
            etag: Some(r.etag.clone()),
            content_type: "application/json",
            lang: None,
            link_next: None,
            link_first: None,
        }
    }

    /// A page of a list whose cursor parameter is `name`, with its `Link` targets: the next page
    /// (at `next`) if any, and the first.
    pub fn paged(
        mut self,
        path: &str,
        pairs: &[(String, String)],
        name: &str,
        next: Option<&str>,
    ) -> Body {
        self.link_next = next.map(|c| super::pagination::next_link_named(path, pairs, name, c));
        self.link_first = Some(super::pagination::first_link(path, pairs, name));
        self
    }

    pub fn in_language(mut self, lang: Lang) -> Body {
        self.lang = Some(lang);
        self
    }

    /// This CSV body in the dialect the request asks for.
    fn in_dialect(self, req: &HttpRequest) -> Result<Body, AppError> {
        if !self.content_type.starts_with("text/csv") || CsvDialect::of(req) != CsvDialect::Excel {
            return Ok(self);
        }
        Ok(Body {
            bytes: excel_csv(&self.bytes)?.into(),
            etag: None,
            content_type: "text/csv; charset=utf-8; header=present",
            ..self
        })
    }

    /// Answers 200 with a strong ETag over the exact bytes, or 304 when the client has them.
    pub fn respond(self, req: &HttpRequest) -> HttpResponse {
        let mut this = match self.in_dialect(req) {
            Ok(body) => body,
            Err(e) => return actix_web::ResponseError::error_response(&e),
        };
        let etag = this.etag.take().unwrap_or_else(|| etag(&this.bytes));
        let fresh = client_has(req, &etag);
        let mut res = if fresh {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        res.insert_header((header::ETAG, etag));
        res.insert_header((header::VARY, "Accept, Accept-Language"));
        res.insert_header((header::CACHE_CONTROL, "public, max-age=0, must-revalidate"));
        if let Some(lang) = this.lang {
            res.insert_header((header::CONTENT_LANGUAGE, lang.code()));
        }
        // made absolute here, per request, not kept with the answer: the host is the caller's
        if let Some(first) = &this.link_first {
            let link = super::pagination::link_header(req, this.link_next.as_deref(), first);
            res.insert_header((header::LINK, link));
        }
        if fresh {
            return res.finish();
        }
        if this.content_type.starts_with("text/csv") {
            res.insert_header((header::CONTENT_DISPOSITION, attachment(req.path())));
        }
        res.insert_header((header::CONTENT_TYPE, this.content_type));
        res.body(this.bytes)
    }
}

/// Whether the client holds the representation with `etag` (`If-None-Match`; weak comparison,
/// as RFC 9110 asks for it).
pub fn client_has(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim() == "*"
                || v.split(',')
                    .any(|t| t.trim().trim_start_matches("W/") == etag)
        })
}

/// `attachment` with a file name from the path's last segment (`/api/v1/services` gives
/// `services.csv`), so a browser saves the file instead of showing it.
fn attachment(path: &str) -> String {
    let name: String = path
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or("export")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(60)
        .collect();
    format!("attachment; filename=\"{name}.csv\"")
}

/// The strong ETag of a representation: a digest of its exact bytes.
pub fn etag(bytes: &[u8]) -> String {
    format!("\"{}\"", &hex(&Sha256::digest(bytes))[..32])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What an answer depends on besides the snapshot: the method, the path and query as sent, the
/// representation negotiated from the headers (not the headers themselves, which clients spell
/// in endless ways), and a digest of the request body (the portfolio report is a POST). Requests
/// that differ only in spelling get separate entries, never a wrong one.
pub fn answer_key(req: &HttpRequest, format: Format, lang: Lang, body: &[u8]) -> Vec<u8> {
    let format = match format {
        Format::Json => "json",
        Format::Csv => "csv",
    };
    let mut key = Vec::with_capacity(128);
    for part in [
        req.method().as_str(),
        req.path(),
        req.query_string(),
        format,
        lang.code(),
    ] {
        key.extend_from_slice(part.as_bytes());
        key.push(0);
    }
    if !body.is_empty() {
        key.extend_from_slice(&Sha256::digest(body));
    }
    key
}
