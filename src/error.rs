//! The application's one error type, answered as RFC 9457 problem details.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::validate::FieldProblem;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the request's parameters are invalid")]
    BadRequest(Vec<FieldProblem>),
    /// A path parameter that cannot be read as its type, named by the route's own name for it.
    #[error("the request's path parameters are invalid")]
    BadPath(Vec<FieldProblem>),
    /// The request body did not arrive within this many seconds.
    #[error("the request body did not arrive within {0} s")]
    RequestTimeout(u64),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    NotAcceptable(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the document is invalid")]
    Invalid(Vec<FieldProblem>),
    #[error("the body is malformed")]
    MalformedBody(Vec<FieldProblem>),
    #[error("{0}")]
    Unauthorized(String),
    /// No credentials at all: RFC 6750 §3.1 gives such a request no error code.
    #[error("{0}")]
    MissingToken(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("{0}")]
    PreconditionRequired(String),
    #[error("too many requests; retry in {0} s")]
    TooManyRequests(u64),
    #[error("the database is unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Pool(_) | StoreError::Connect(_) => AppError::Unavailable,
            // The database went away mid-request: the same as not reaching it.
            StoreError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ClosedConnection
                | diesel::result::DatabaseErrorKind::UnableToSendCommand,
                _,
            )) => AppError::Unavailable,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<crate::store::changes::WriteError> for AppError {
    fn from(e: crate::store::changes::WriteError) -> Self {
        use crate::store::changes::WriteError;
        match e {
            WriteError::Stale => AppError::PreconditionFailed(
                "The resource changed while this write was in flight: read it again.".into(),
            ),
            WriteError::Exists => {
                AppError::Conflict("An entry with this id exists already.".into())
            }
            WriteError::NotFound => AppError::NotFound("No such entry.".into()),
            WriteError::Clash(what) => AppError::Conflict(what),
            WriteError::OverBudget(secs) => AppError::TooManyRequests(secs),
            WriteError::Store(s) => s.into(),
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(e.to_string())
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:feide-registry:problem:invalid-parameters",
    "title": "Invalid query parameters",
    "status": 400,
    "detail": "2 query parameters are invalid",
    "errors": [
        {"pointer": "outside_eea", "detail": "`maybe` is not true or false"},
        {"pointer": "colour", "detail": "unknown query parameter; this endpoint accepts: attribute, country, cursor, limit"}
    ]
}))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Every offending field or parameter, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// Problems listed in one 400 answer: enough to fix a request, not a megabyte echoed back.
const MAX_LISTED: usize = 20;

impl AppError {
    fn parts(&self) -> (&'static str, &'static str, String, &[FieldProblem]) {
        match self {
            AppError::BadRequest(p) => (
                "invalid-parameters",
                "Invalid query parameters",
                count(
                    p.len(),
                    "query parameter is invalid",
                    "query parameters are invalid",
                ) + &if p.len() > MAX_LISTED {
                    format!(
                        " (the first {MAX_LISTED} are listed, and {} more)",
                        p.len() - MAX_LISTED
                    )
                } else {
                    String::new()
                },
                &p[..p.len().min(MAX_LISTED)],
            ),
            AppError::BadPath(p) => (
                "invalid-parameters",
                "Invalid path parameters",
                count(
                    p.len(),
                    "path parameter is invalid",
                    "path parameters are invalid",
                ),
                p,
            ),
            AppError::NotFound(d) => ("not-found", "Not found", d.clone(), &[]),
            AppError::RequestTimeout(n) => (
                "request-timeout",
                "Request timeout",
                format!("The whole body must arrive within {n} s of the request."),
                &[],
            ),
            AppError::NotAcceptable(d) => ("not-acceptable", "Not acceptable", d.clone(), &[]),
            AppError::TooLarge(n) => (
                "too-large",
                "Payload too large",
                format!("The body must be at most {n} bytes."),
                &[],
            ),
            AppError::UnsupportedMediaType(d) => (
                "unsupported-media-type",
                "Unsupported media type",
                d.clone(),
                &[],
            ),
            AppError::Invalid(p) => (
                "invalid-document",
                "Invalid document",
                count(p.len(), "field is invalid", "fields are invalid"),
                p,
            ),
            AppError::MalformedBody(p) => (
                "malformed-body",
                "Malformed body",
                "The body cannot be read as the expected document.".into(),
                p,
            ),
            AppError::Unauthorized(d) | AppError::MissingToken(d) => {
                ("unauthorized", "Unauthorized", d.clone(), &[])
            }
            AppError::Forbidden(d) => ("forbidden", "Forbidden", d.clone(), &[]),
            AppError::Conflict(d) => ("conflict", "Conflict", d.clone(), &[]),
            AppError::PreconditionFailed(d) => {
                ("precondition-failed", "Precondition failed", d.clone(), &[])
            }
            AppError::PreconditionRequired(d) => (
                "precondition-required",
                "Precondition required",
                d.clone(),
                &[],
            ),
            AppError::TooManyRequests(secs) => (
                "too-many-requests",
                "Too many requests",
                format!("The rate limit is reached; retry in {secs} s."),
                &[],
            ),
            AppError::Unavailable => (
                "unavailable",
                "Service unavailable",
                "The database cannot be reached; try again shortly.".into(),
                &[],
            ),
            // The cause goes to the log, never to the client.
            AppError::Internal(_) => (
                "internal",
                "Internal error",
                "The registry failed to answer.".into(),
                &[],
            ),
        }
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) | AppError::BadPath(_) => StatusCode::BAD_REQUEST,
            AppError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::MalformedBody(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) | AppError::MissingToken(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            AppError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(cause) = self {
            log::error!("internal error: {cause}");
        }
        let (kind, title, detail, errors) = self.parts();
        let mut res = problem_response(self.status_code(), kind, title, detail, errors.to_vec());
        let extra = match self {
            // RFC 6750 §3: a refused bearer token names the scheme and why.
            AppError::Unauthorized(_) => Some((
                header::WWW_AUTHENTICATE,
                "Bearer realm=\"feide-registry\", error=\"invalid_token\"".to_owned(),
            )),
            AppError::MissingToken(_) => Some((
                header::WWW_AUTHENTICATE,
                "Bearer realm=\"feide-registry\"".to_owned(),
            )),
            AppError::TooManyRequests(secs) => Some((header::RETRY_AFTER, secs.to_string())),
            _ => None,
        };
        if let Some((name, value)) = extra {
            if let Ok(v) = header::HeaderValue::from_str(&value) {
                res.headers_mut().insert(name, v);
            }
        }
        res
    }
}

pub fn problem_response(
    status: StatusCode,
    kind: &str,
    title: &str,
    detail: String,
    errors: Vec<FieldProblem>,
) -> HttpResponse {
    let body = Problem {
        kind: format!("urn:feide-registry:problem:{kind}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail,
        errors,
    };
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
    if status == StatusCode::SERVICE_UNAVAILABLE {
        res.insert_header((header::RETRY_AFTER, "5"));
    }
    res.body(serde_json::to_vec(&body).unwrap_or_default())
}
