//! Service profiles and list rows, serialised once per record and kept for it
//! (`catalogue::renders`): the hot reads answer bytes already made instead of building, serialising
//! and hashing a view on every request.

use serde::Serialize;

use super::negotiate::etag;
use super::views::{FacetCounts, ServiceProfile, ServiceSummary};
use crate::catalogue::{Kind, RenderCache};
use crate::catalogue::{Rendered, ServiceRecord, Snapshot};
use crate::error::AppError;

/// The whole profile of a service, as `GET /api/v1/services/{id}` answers it.
pub fn profile(
    record: &ServiceRecord,
    snap: &Snapshot,
    kept: &RenderCache,
) -> Result<Rendered, AppError> {
    kept.get_or_render((record.key, Kind::Profile), || {
        rendered(&ServiceProfile::of(record, snap))
    })
}

/// A service's row in a list, as JSON, with the digest a page's ETag is made from
/// (`service_list`).
fn summary(
    record: &ServiceRecord,
    snap: &Snapshot,
    kept: &RenderCache,
) -> Result<Rendered, AppError> {
    kept.get_or_render((record.key, Kind::Summary), || {
        rendered(&ServiceSummary::of(record, snap))
    })
}

/// A view serialised, with its ETag.
fn rendered<T: Serialize>(view: &T) -> Result<Rendered, AppError> {
    let bytes = to_json(view)?;
    Ok(Rendered {
        etag: etag(&bytes),
        bytes: bytes.into(),
    })
}

/// The JSON of a `ServiceList` page made of kept rows: the same bytes `serde_json` gives for the
/// `ServiceList` itself (its fields in order, `facets` left out when absent). Its strong ETag
/// is a digest of the rows' digests and the rest of the page: it changes exactly when the bytes
/// do, without hashing every row's bytes again on every request.
pub fn service_list(
    rows: &[&ServiceRecord],
    snap: &Snapshot,
    next_cursor: Option<String>,
    facets: Option<FacetCounts>,
    kept: &RenderCache,
) -> Result<Rendered, AppError> {
    let rendered = rows
        .iter()
        .map(|r| summary(r, snap, kept))
        .collect::<Result<Vec<_>, _>>()?;
    // Written out rather than through serde with `RawValue`s, which would parse every row
    // again to check it: the rows are our own serialisations. The unit test below holds this to
    // serde's output for the `ServiceList` itself.
    let size: usize = rendered.iter().map(|r| r.bytes.len() + 1).sum();
    let mut out = Vec::with_capacity(size + 128);
    out.extend_from_slice(b"{\"items\":[");
    for (i, r) in rendered.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&r.bytes);
    }
    out.extend_from_slice(b"],\"next_cursor\":");
    let tail = out.len();
    write_json(&mut out, &next_cursor)?;
    if let Some(facets) = &facets {
        out.extend_from_slice(b",\"facets\":");
        write_json(&mut out, facets)?;
    }
    out.push(b'}');
    let mut digests: Vec<u8> = rendered
        .iter()
        .flat_map(|r| r.etag.bytes().chain([b',']))
        .collect();
    digests.extend_from_slice(&out[tail..]);
    Ok(Rendered {
        etag: etag(&digests),
        bytes: out.into(),
    })
}

fn write_json<T: Serialize>(out: &mut Vec<u8>, value: &T) -> Result<(), AppError> {
    serde_json::to_writer(out, value).map_err(|e| AppError::Internal(e.to_string()))
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, AppError> {
    serde_json::to_vec(value).map_err(|e| AppError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::facets::{count, Facet};
    use crate::http::views::ServiceList;

    fn snapshot() -> Snapshot {
        let now = chrono::Utc::now();
        crate::catalogue::snapshot::generated_snapshot(30, 7, now, now)
    }

    #[test]
    fn a_page_of_kept_rows_is_the_bytes_serde_gives_for_the_list() {
        let snap = snapshot();
        let kept = RenderCache::new(1 << 20);
        let rows: Vec<&ServiceRecord> = snap.all_services().skip(3).take(7).collect();
        for (next, with_facets) in [(Some("abc\"d".to_owned()), true), (None, false)] {
            let facets = with_facets.then(|| {
                count(
                    &snap.reference,
                    &[Facet::Country, Facet::Vendor],
                    rows.iter().copied(),
                )
            });
            let ours = service_list(&rows, &snap, next.clone(), facets.clone(), &kept).unwrap();
            let ours = ours.bytes.to_vec();
            let theirs = serde_json::to_vec(&ServiceList {
                items: rows.iter().map(|r| ServiceSummary::of(r, &snap)).collect(),
                next_cursor: next,
                facets,
            })
            .unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
        // and the kept rows are reused, not rendered again
        assert!(kept.render_metrics().contains("{result=\"hit\"} 7\n"));
    }

    #[test]
    fn a_page_etag_changes_with_any_row_and_with_the_rest_of_the_page() {
        let snap = snapshot();
        let rows: Vec<&ServiceRecord> = snap.all_services().take(5).collect();
        let kept = RenderCache::new(1 << 20);
        let tag = |rows: &[&ServiceRecord], next: Option<&str>| {
            service_list(rows, &snap, next.map(str::to_owned), None, &kept)
                .unwrap()
                .etag
        };
        let base = tag(&rows, Some("x"));
        assert_eq!(base, tag(&rows, Some("x")), "the same page, the same ETag");
        assert_ne!(base, tag(&rows, Some("y")));
        assert_ne!(base, tag(&rows, None));
        assert_ne!(base, tag(&rows[..4], Some("x")));
        let mut swapped = rows.clone();
        swapped.swap(0, 1);
        assert_ne!(base, tag(&swapped, Some("x")));
        // a row rendered anew with different bytes (as after a write) changes the page's ETag
        let other = snap.all_services().nth(9).unwrap();
        let mut changed = rows.clone();
        changed[2] = other;
        assert_ne!(base, tag(&changed, Some("x")));
    }

    #[test]
    fn a_kept_profile_is_the_profile_and_its_etag() {
        let snap = snapshot();
        let record = snap.all_services().nth(4).unwrap();
        let kept = RenderCache::new(1 << 20);
        let first = profile(record, &snap, &kept).unwrap();
        let bytes = serde_json::to_vec(&ServiceProfile::of(record, &snap)).unwrap();
        assert_eq!(&first.bytes[..], &bytes[..]);
        assert_eq!(first.etag, etag(&bytes));
        assert!(std::ptr::eq(
            profile(record, &snap, &kept).unwrap().bytes.as_ptr(),
            first.bytes.as_ptr()
        ));
    }
}
