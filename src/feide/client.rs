//! One conditional request for one Feide service, with a timeout and bounded retries.

use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::StatusCode;

use super::counters::{self, RETRIES};
use super::model::FeideService;
use super::FeideOptions;

/// What one check of a service found.
#[derive(Debug)]
pub enum Outcome {
    /// A new, well-formed answer and its validators.
    Fresh {
        service: Box<FeideService>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// 304: what is stored is still Feide's answer.
    Unchanged,
    /// No usable answer; what is stored stays.
    Failed(String),
}

/// Asks the API for service `id`, sending the validators of the last good answer.
pub async fn check(
    http: &reqwest::Client,
    options: &FeideOptions,
    id: &str,
    etag: Option<&str>,
    last_modified: Option<&str>,
) -> Outcome {
    let url = format!("{}/2/sp/{id}", options.api_url);
    let mut attempt = 0;
    loop {
        let mut request = http.get(&url).timeout(options.timeout);
        if let Some(e) = etag {
            request = request.header(IF_NONE_MATCH, e);
        }
        if let Some(m) = last_modified {
            request = request.header(IF_MODIFIED_SINCE, m);
        }
        let failure = match request.send().await {
            Ok(res) => match res.status() {
                StatusCode::NOT_MODIFIED => return Outcome::Unchanged,
                StatusCode::OK => return read(res, id).await,
                StatusCode::NOT_FOUND | StatusCode::GONE => {
                    return Outcome::Failed(format!(
                        "the Feide API no longer lists service {id} ({})",
                        res.status().as_u16()
                    ))
                }
                s if s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS => {
                    format!("the Feide API answered {}", s.as_u16())
                }
                s => return Outcome::Failed(format!("the Feide API answered {}", s.as_u16())),
            },
            Err(e) if e.is_timeout() => format!(
                "the Feide API did not answer within {} ms",
                options.timeout.as_millis()
            ),
            Err(e) => format!("the Feide API could not be reached: {e}"),
        };
        if attempt >= options.retries {
            return Outcome::Failed(failure);
        }
        counters::add(&RETRIES);
        actix_web::rt::time::sleep(options.backoff * 2u32.pow(attempt)).await;
        attempt += 1;
    }
}

async fn read(res: reqwest::Response, id: &str) -> Outcome {
    let header = |name| {
        res.headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let etag = header(ETAG);
    let last_modified = header(LAST_MODIFIED);
    let body = match res.bytes().await {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(format!("the Feide API's answer broke off: {e}")),
    };
    match FeideService::parse(&body, id) {
        Ok(service) => Outcome::Fresh {
            service: Box::new(service),
            etag,
            last_modified,
        },
        Err(why) => Outcome::Failed(why),
    }
}

/// One plain GET of `path` under the API's base (the service listing, an organisation), with
/// the same timeout and retry rule as a service check; the body of a 200, or why there is none.
pub async fn get(
    http: &reqwest::Client,
    options: &FeideOptions,
    path: &str,
) -> Result<Vec<u8>, String> {
    let url = format!("{}{path}", options.api_url);
    let mut attempt = 0;
    loop {
        let failure = match http.get(&url).timeout(options.timeout).send().await {
            Ok(res) if res.status() == StatusCode::OK => {
                return res
                    .bytes()
                    .await
                    .map(|b| b.to_vec())
                    .map_err(|e| format!("the Feide API's answer broke off: {e}"))
            }
            Ok(res)
                if res.status().is_server_error()
                    || res.status() == StatusCode::TOO_MANY_REQUESTS =>
            {
                format!(
                    "the Feide API answered {} for {path}",
                    res.status().as_u16()
                )
            }
            Ok(res) => {
                return Err(format!(
                    "the Feide API answered {} for {path}",
                    res.status().as_u16()
                ))
            }
            Err(e) if e.is_timeout() => format!(
                "the Feide API did not answer {path} within {} ms",
                options.timeout.as_millis()
            ),
            Err(e) => format!("the Feide API could not be reached: {e}"),
        };
        if attempt >= options.retries {
            return Err(failure);
        }
        counters::add(&RETRIES);
        actix_web::rt::time::sleep(options.backoff * 2u32.pow(attempt)).await;
        attempt += 1;
    }
}
