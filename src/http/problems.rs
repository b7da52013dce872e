//! Problem answers in the caller's language: an error is answered where it arises, before the
//! request's `Accept-Language` is at hand, so this middleware says it again in the language asked.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use super::negotiate::language;
use crate::error::AppError;

pub async fn in_language(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let lang = language(req.headers());
    let res = next.call(req).await?;
    let said = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .map(|e| e.render(lang));
    Ok(match said {
        Some(again) => res.into_response(again).map_into_right_body(),
        None => res.map_into_left_body(),
    })
}
