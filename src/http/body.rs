//! Request bodies and preconditions of writes: size limit, media type, and `If-Match`.

use actix_web::http::header;
use actix_web::{web, HttpRequest};

use super::negotiate::etag;
use crate::domain::validate::FieldProblem;
use crate::error::AppError;
use crate::texts::Text;

/// Reads the body, refusing (413) as soon as it passes `limit` bytes, and (408) when it has not
/// all arrived within `deadline`: a caller that sends headers and then trickles or withholds the
/// body would otherwise hold a connection and its buffers for as long as it likes.
pub async fn read_body(
    mut payload: web::Payload,
    limit: usize,
    deadline: std::time::Duration,
) -> Result<Vec<u8>, AppError> {
    use futures_util::StreamExt;
    let read = async {
        let mut body = Vec::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| {
                AppError::BadRequest(vec![FieldProblem::said(
                    "body",
                    Text::BodyUnreadable.with(&[("error", &e)]),
                )])
            })?;
            if body.len() + chunk.len() > limit {
                return Err(AppError::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    };
    actix_web::rt::time::timeout(deadline, read)
        .await
        .unwrap_or(Err(AppError::RequestTimeout(deadline.as_secs())))
}

fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The body of a POST or PUT: `application/json`.
pub fn require_json(req: &HttpRequest) -> Result<(), AppError> {
    if media_type(req) == "application/json" {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType(Text::SendJson.into()))
    }
}

/// The body of a PATCH: a JSON Merge Patch (RFC 7396); plain JSON is taken as one too.
pub fn require_merge_patch(req: &HttpRequest) -> Result<(), AppError> {
    match media_type(req).as_str() {
        "application/merge-patch+json" | "application/json" => Ok(()),
        _ => Err(AppError::UnsupportedMediaType(Text::SendMergePatch.into())),
    }
}

/// A change to an existing resource must name the representation it was based on: 428 without
/// `If-Match`, 412 when the resource has changed since (`current` is its representation now).
pub fn check_if_match(req: &HttpRequest, current: &[u8]) -> Result<(), AppError> {
    let Some(value) = req
        .headers()
        .get(header::IF_MATCH)
        .map(|v| v.to_str().unwrap_or(""))
    else {
        return Err(AppError::PreconditionRequired(Text::SendIfMatch.into()));
    };
    let now = etag(current);
    let matches = value.trim() == "*" || value.split(',').any(|t| t.trim() == now);
    if matches {
        Ok(())
    } else {
        Err(AppError::PreconditionFailed(Text::ChangedSinceRead.into()))
    }
}
