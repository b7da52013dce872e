//! Whole exports: the catalogue in its import format (`GET /api/v1/catalogue`), and what makes
//! CSV answers whole and spreadsheet-ready (the `csv` parameter, a field of every CSV-capable
//! operation's query through `params::WithCsv`, and the lists whose CSV answer ignores paging).

use std::sync::Arc;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{schema::Type, ObjectBuilder, RefOr, Required};
use utoipa::Modify;

use super::negotiate::{self, CsvDialect};
use super::params::{self, NoQuery};
use super::{query_pairs, AppState};
use crate::catalogue::Snapshot;
use crate::domain::catalogue::{Catalogue, FORMAT};
use crate::error::{AppError, Problem};

/// The whole catalogue, in the format `feide-registry import` reads.
///
/// Every vendor, sub-processor and service (retired ones too) as entered, ordered by id: the same
/// document `feide-registry export` writes (`data/FORMAT.md`), so an export imports into another
/// registry unchanged. Derived facts (flags, `third_countries`) are not part of it. Streamed from
/// the catalogue held in memory. The ETag names the catalogue version, which every write raises:
/// send it back in `If-None-Match` to learn in a `304` that nothing changed.
// The answer publishes the records' schema (`Catalogue`, ids with their patterns), the same JSON
// as `raw::Catalogue`: were the body inputs' schemas (`CatalogueInput`) named by an answer, their
// always-present members would be marked required and the body shape check would ask for them.
#[utoipa::path(
    get, path = "/api/v1/catalogue", tag = "catalogue",
    responses(
        (status = 200, description = "The whole catalogue in the import format", body = Catalogue,
         content_type = "application/json",
         headers(("ETag" = String, description = "Strong; changes with every write to the catalogue"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 400, description = "Unknown query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "JSON is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn catalogue(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(&req)?;
    params::parse::<NoQuery>(&pairs, &())?;
    negotiate::format(req.headers(), false)?;
    let (version, snap) = state.catalogue.current_versioned();
    // The version names the stored entries in every process alike, and the export holds
    // nothing else (no derived fact that moves with time), so it can be the strong ETag.
    let etag = format!("\"catalogue-{}\"", version.0);
    let fresh = negotiate::client_has(&req, &etag);
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, etag.as_str()));
    res.insert_header((header::CACHE_CONTROL, "public, max-age=0, must-revalidate"));
    res.insert_header((header::VARY, "Accept"));
    if fresh {
        return Ok(res.finish());
    }
    res.insert_header((header::CONTENT_TYPE, "application/json"));
    Ok(res.streaming(futures_util::stream::iter(CatalogueChunks::new(snap))))
}

/// Entries per piece of the streamed export: pieces of some tens of kilobytes, so the answer
/// never holds more than one piece of a catalogue of any size.
const ENTRIES_PER_CHUNK: usize = 64;

/// The import-format document of a snapshot, written a few entries at a time. The entries are
/// serialised with the records' own `Serialize`, so the pieces joined are exactly
/// `serde_json::to_vec` of the `raw::Catalogue` that `app::export` writes (a unit test holds
/// them to it): the typed ids serialise as the strings the import format holds.
struct CatalogueChunks {
    snap: Arc<Snapshot>,
    /// 0 vendors, 1 sub-processors, 2 services, 3 done.
    section: usize,
    next: usize,
}

const SECTIONS: [&str; 3] = ["vendors", "sub_processors", "services"];

impl CatalogueChunks {
    fn new(snap: Arc<Snapshot>) -> Self {
        Self {
            snap,
            section: 0,
            next: 0,
        }
    }

    fn len(&self, section: usize) -> usize {
        match section {
            0 => self.snap.vendors.len(),
            1 => self.snap.sub_processors.len(),
            _ => self.snap.services.len(),
        }
    }

    fn write_entry(&self, section: usize, i: usize, out: &mut Vec<u8>) -> serde_json::Result<()> {
        match section {
            0 => serde_json::to_writer(out, &self.snap.vendors[i].vendor),
            1 => serde_json::to_writer(out, &*self.snap.sub_processors[i]),
            _ => serde_json::to_writer(out, &self.snap.services[i].service),
        }
    }

    fn piece(&mut self) -> serde_json::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(16 * 1024);
        if self.section == 0 && self.next == 0 {
            out.extend_from_slice(b"{\"format\":");
            serde_json::to_writer(&mut out, FORMAT)?;
            out.extend_from_slice(b",\"vendors\":[");
        }
        let end = (self.next + ENTRIES_PER_CHUNK).min(self.len(self.section));
        for i in self.next..end {
            if i > 0 {
                out.push(b',');
            }
            self.write_entry(self.section, i, &mut out)?;
        }
        self.next = end;
        if self.next == self.len(self.section) {
            self.section += 1;
            self.next = 0;
            match SECTIONS.get(self.section) {
                Some(name) => {
                    out.extend_from_slice(b"],\"");
                    out.extend_from_slice(name.as_bytes());
                    out.extend_from_slice(b"\":[");
                }
                None => out.extend_from_slice(b"]}"),
            }
        }
        Ok(out)
    }
}

impl Iterator for CatalogueChunks {
    type Item = Result<Bytes, serde_json::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        (self.section < SECTIONS.len()).then(|| self.piece().map(Bytes::from))
    }
}

/// The lists whose CSV answer is the whole filtered set (`PageRequest::for_format`). History,
/// the change feed and the audit log are read from the database page by page, and say where the
/// next page is in `Link`.
const WHOLE_IN_CSV: [&str; 6] = [
    "/api/v1/services",
    "/api/v1/vendors",
    "/api/v1/sub-processors",
    "/api/v1/attributes",
    "/api/v1/oidc-scopes",
    "/api/v1/countries",
];

/// Says in every operation that answers `text/csv` how to ask for CSV and its dialect (the `csv`
/// parameter itself comes from the operation's query struct, `params::WithCsv`), and on the
/// lists that answer CSV whole, that `limit` and `cursor` shape JSON pages only.
pub struct CsvSwitch;

impl Modify for CsvSwitch {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let whole = WHOLE_IN_CSV.contains(&path.as_str());
            for op in [item.get.as_mut(), item.post.as_mut()]
                .into_iter()
                .flatten()
            {
                let answers_csv = op.responses.responses.values().any(|r| match r {
                    RefOr::T(r) => r.content.keys().any(|c| c.starts_with("text/csv")),
                    RefOr::Ref(_) => false,
                });
                if !answers_csv {
                    continue;
                }
                let params = op.parameters.get_or_insert_with(Vec::new);
                if whole {
                    for p in params.iter_mut().filter(|p| {
                        p.parameter_in == ParameterIn::Query
                            && (p.name == "limit" || p.name == "cursor")
                    }) {
                        let said = p.description.take().unwrap_or_default();
                        p.description = Some(format!(
                            "{said}. JSON only: a CSV answer is the whole filtered set"
                        ));
                    }
                }
                let whole_text = if whole {
                    " A CSV answer is never cut: it holds every matching row, whatever `limit` \
                     and `cursor` say."
                } else {
                    ""
                };
                let said = op.description.take().unwrap_or_default();
                op.description = Some(format!(
                    "{said}\n\nCSV: `Accept: text/csv`, or `csv=standard` in the query (a URL a \
                     spreadsheet can open); `csv=excel` for the dialect Excel opens with a double \
                     click in a Norwegian locale (`;` between cells, a UTF-8 byte order mark, \
                     `text/csv; charset=utf-8; header=present`).{whole_text}"
                ));
            }
        }
    }
}

/// The `csv` query parameter, as `params::WithCsv` documents it.
pub fn csv_parameter() -> Parameter {
    ParameterBuilder::new()
        .name(CsvDialect::PARAMETER)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(
            "Answer CSV whatever `Accept` says: `standard` (RFC 4180, `,`) or `excel` (`;` \
             between cells and a UTF-8 byte order mark, for spreadsheets in a Norwegian locale)",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["standard", "excel"])),
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streamed_pieces_are_the_catalogue_serialised_whole() {
        let now = chrono::Utc::now();
        // sizes around a piece's boundary, and an empty catalogue
        for services in [0, 1, ENTRIES_PER_CHUNK, ENTRIES_PER_CHUNK * 3 + 5] {
            let snap = crate::catalogue::snapshot::generated_snapshot(services, 7, now, now);
            let whole = crate::domain::catalogue::raw::Catalogue::from(Catalogue {
                format: FORMAT.to_owned(),
                vendors: snap.vendors.iter().map(|v| v.vendor.clone()).collect(),
                sub_processors: snap.sub_processors.iter().map(|p| (**p).clone()).collect(),
                services: snap.all_services().map(|s| s.service.clone()).collect(),
            });
            let pieces: Vec<Bytes> = CatalogueChunks::new(Arc::new(snap))
                .collect::<Result<_, _>>()
                .unwrap();
            let joined: Vec<u8> = pieces.concat();
            assert_eq!(joined, serde_json::to_vec(&whole).unwrap(), "{services}");
            if services > ENTRIES_PER_CHUNK {
                assert!(pieces.len() > 3, "{services} services in {}", pieces.len());
            }
        }
    }
}
