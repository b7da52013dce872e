//! An HTTP answer read whole: status, headers and body, decoded on demand into the server's own
//! view types.

use feide_registry::error::Problem;
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use super::ETag;

pub struct Answer {
    status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

impl Answer {
    /// Sends `request` and reads the whole answer.
    pub async fn of(request: RequestBuilder) -> Answer {
        Answer::try_of(request).await.expect("an answer")
    }

    /// Sends `request` and reads the whole answer, or says why there was none (the server is
    /// gone, or took too long).
    pub async fn try_of(request: RequestBuilder) -> Result<Answer, reqwest::Error> {
        let res = request.send().await?;
        Ok(Answer {
            status: res.status(),
            headers: res.headers().clone(),
            body: res.bytes().await?,
        })
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The target of the `Link` relation `rel` (RFC 8288), as the absolute URL sent.
    pub fn link(&self, rel: &str) -> Option<String> {
        let header = self.header("link")?;
        header.split(", <").find_map(|part| {
            let (target, params) = part.trim_start_matches('<').split_once('>')?;
            params
                .contains(&format!("rel=\"{rel}\""))
                .then(|| target.to_owned())
        })
    }

    /// As [`link`](Self::link), the path and query only, to request from any caller.
    pub fn link_path(&self, rel: &str) -> Option<String> {
        self.link(rel).map(|url| {
            let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
            after_scheme
                .find('/')
                .map_or("/".to_owned(), |i| after_scheme[i..].to_owned())
        })
    }

    pub fn etag(&self) -> ETag {
        ETag(self.header("etag").expect("an ETag").to_owned())
    }

    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }

    /// The body decoded as `T`, whatever the status.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not a {} ({e}): {}",
                std::any::type_name::<T>(),
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body of a 200 answer, decoded as `T`.
    pub fn ok<T: DeserializeOwned>(&self) -> T {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.body));
        self.json()
    }

    /// The problem document (RFC 9457) this answer must be: its media type, and its status the
    /// answer's.
    pub fn problem(&self) -> Problem {
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}: {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        let p: Problem = self.json();
        assert_eq!(p.status, self.status.as_u16(), "{p:?}");
        p
    }

    /// The problem's pointers, sorted: every field a client must show an error beside.
    pub fn pointers(&self) -> Vec<String> {
        let mut named: Vec<String> = self
            .problem()
            .errors
            .into_iter()
            .map(|e| e.pointer)
            .collect();
        named.sort();
        named
    }
}
