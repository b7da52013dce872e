//! The application's one error type, answered as RFC 9457 problem details.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::validate::FieldProblem;
use crate::store::StoreError;
use crate::texts::{Lang, Said, Text};

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
    NotFound(Said),
    #[error("{0}")]
    NotAcceptable(Said),
    #[error("{0}")]
    UnsupportedMediaType(Said),
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the document is invalid")]
    Invalid(Vec<FieldProblem>),
    #[error("the body is malformed")]
    MalformedBody(Vec<FieldProblem>),
    #[error("{0}")]
    Unauthorized(Said),
    /// No credentials at all: RFC 6750 §3.1 gives such a request no error code.
    #[error("{0}")]
    MissingToken(Said),
    #[error("{0}")]
    Forbidden(Said),
    #[error("{0}")]
    Conflict(Said),
    #[error("{0}")]
    PreconditionFailed(Said),
    #[error("{0}")]
    PreconditionRequired(Said),
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
            WriteError::Stale => AppError::PreconditionFailed(Text::ChangedInFlight.into()),
            WriteError::Exists => AppError::Conflict(Text::EntryIdExists.into()),
            WriteError::NotFound => AppError::NotFound(Text::NoSuchEntry.into()),
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
    /// The problem's type, title, detail and offending fields, said in `lang`.
    fn parts(&self, lang: Lang) -> (&'static str, String, String, Vec<FieldProblem>) {
        let said =
            |t: Text, args: &[(&'static str, &dyn std::fmt::Display)]| t.with(args).render(lang);
        let listed = |p: &[FieldProblem]| p.iter().map(|f| f.in_language(lang)).collect::<Vec<_>>();
        let (kind, title, detail, errors) = match self {
            AppError::BadRequest(p) => (
                "invalid-parameters",
                Text::TitleInvalidQuery,
                count(
                    lang,
                    p.len(),
                    Text::QueryParamInvalid,
                    Text::QueryParamsInvalid,
                ) + &if p.len() > MAX_LISTED {
                    said(
                        Text::FirstListed,
                        &[("listed", &MAX_LISTED), ("more", &(p.len() - MAX_LISTED))],
                    )
                } else {
                    String::new()
                },
                listed(&p[..p.len().min(MAX_LISTED)]),
            ),
            AppError::BadPath(p) => (
                "invalid-parameters",
                Text::TitleInvalidPath,
                count(
                    lang,
                    p.len(),
                    Text::PathParamInvalid,
                    Text::PathParamsInvalid,
                ),
                listed(p),
            ),
            AppError::NotFound(d) => ("not-found", Text::TitleNotFound, d.render(lang), vec![]),
            AppError::RequestTimeout(n) => (
                "request-timeout",
                Text::TitleRequestTimeout,
                said(Text::BodyTimeout, &[("secs", n)]),
                vec![],
            ),
            AppError::NotAcceptable(d) => (
                "not-acceptable",
                Text::TitleNotAcceptable,
                d.render(lang),
                vec![],
            ),
            AppError::TooLarge(n) => (
                "too-large",
                Text::TitleTooLarge,
                said(Text::BodyTooLarge, &[("bytes", n)]),
                vec![],
            ),
            AppError::UnsupportedMediaType(d) => (
                "unsupported-media-type",
                Text::TitleUnsupportedMediaType,
                d.render(lang),
                vec![],
            ),
            AppError::Invalid(p) => (
                "invalid-document",
                Text::TitleInvalidDocument,
                count(lang, p.len(), Text::FieldInvalid, Text::FieldsInvalid),
                listed(p),
            ),
            AppError::MalformedBody(p) => (
                "malformed-body",
                Text::TitleMalformedBody,
                said(Text::BodyMalformed, &[]),
                listed(p),
            ),
            AppError::Unauthorized(d) | AppError::MissingToken(d) => (
                "unauthorized",
                Text::TitleUnauthorized,
                d.render(lang),
                vec![],
            ),
            AppError::Forbidden(d) => ("forbidden", Text::TitleForbidden, d.render(lang), vec![]),
            AppError::Conflict(d) => ("conflict", Text::TitleConflict, d.render(lang), vec![]),
            AppError::PreconditionFailed(d) => (
                "precondition-failed",
                Text::TitlePreconditionFailed,
                d.render(lang),
                vec![],
            ),
            AppError::PreconditionRequired(d) => (
                "precondition-required",
                Text::TitlePreconditionRequired,
                d.render(lang),
                vec![],
            ),
            AppError::TooManyRequests(secs) => (
                "too-many-requests",
                Text::TitleTooManyRequests,
                said(Text::RateLimited, &[("secs", secs)]),
                vec![],
            ),
            AppError::Unavailable => (
                "unavailable",
                Text::TitleUnavailable,
                said(Text::DatabaseUnreachable, &[]),
                vec![],
            ),
            // The cause goes to the log, never to the client.
            AppError::Internal(_) => (
                "internal",
                Text::TitleInternal,
                said(Text::FailedToAnswer, &[]),
                vec![],
            ),
        };
        (kind, title.get(lang).to_owned(), detail, errors)
    }

    /// The offending fields or parameters, said in `lang`: what a page lists for a bad query.
    pub fn field_problems(&self, lang: Lang) -> Vec<FieldProblem> {
        self.parts(lang).3
    }

    /// The problem document answering this error, in `lang`.
    pub fn render(&self, lang: Lang) -> HttpResponse {
        let (kind, title, detail, errors) = self.parts(lang);
        let mut res = problem_response(self.status_code(), kind, &title, detail, errors);
        let extra = match self {
            // RFC 6750 §3: a refused bearer token names the scheme and why.
            AppError::Unauthorized(_) => Some((
                header::WWW_AUTHENTICATE,
                "Bearer realm=\"feide-registry\", error=\"invalid_token\"".to_owned(),
            )),
            // RFC 6750 §3.1: no token at all is answered without an error code.
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
        res.headers_mut().insert(
            header::CONTENT_LANGUAGE,
            header::HeaderValue::from_static(lang.code()),
        );
        res
    }
}

fn count(lang: Lang, n: usize, one: Text, many: Text) -> String {
    let text = if n == 1 { one } else { many };
    text.with(&[("count", &n)]).render(lang)
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

    /// In the default language; `http::problems` says it again in the one the caller asked for.
    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(cause) = self {
            log::error!("internal error: {cause}");
        }
        self.render(Lang::default())
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
