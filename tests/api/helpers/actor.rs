//! A caller of the registry as a value: who it is (no credentials, or a bearer token) and where it
//! speaks. Reads and writes are methods on it, so a test says who does what.

use std::fmt;
use std::time::{Duration, Instant};

use feide_registry::http::history::{AuditEvent, AuditList};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::views::{Page, Token};
use super::Answer;
use feide_registry::error::Problem;

/// An entity tag a GET or a write answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ETag(pub String);

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `If-Match` precondition of a change.
#[derive(Debug, Clone)]
pub enum IfMatch {
    /// No `If-Match` header at all.
    Absent,
    /// `If-Match: *`: whatever is current.
    Any,
    /// The entry as it was when this tag was read.
    Tag(ETag),
}

impl From<&ETag> for IfMatch {
    fn from(tag: &ETag) -> Self {
        IfMatch::Tag(tag.clone())
    }
}

impl From<ETag> for IfMatch {
    fn from(tag: ETag) -> Self {
        IfMatch::Tag(tag)
    }
}

#[derive(Clone)]
pub struct Actor {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

/// A list item's id, whatever the list.
#[derive(serde::Deserialize)]
struct Id {
    id: String,
}

impl Actor {
    /// A caller with no credentials, speaking to the registry at `base`.
    pub fn anonymous(base: &str) -> Actor {
        Actor {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client"),
            base: base.to_owned(),
            token: None,
        }
    }

    /// This caller presenting `token` instead.
    pub fn with_bearer(&self, token: impl Into<String>) -> Actor {
        Actor {
            token: Some(token.into()),
            ..self.clone()
        }
    }

    /// The same caller speaking to another registry process at `base`.
    pub fn at(&self, base: &str) -> Actor {
        Actor {
            base: base.to_owned(),
            ..self.clone()
        }
    }

    /// Where this caller speaks: `http://127.0.0.1:<port>`.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with this caller's credentials, to finish by hand (headers, raw bodies) and send
    /// with [`Answer::of`].
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let rb = self.http.request(method, self.url(path));
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        Answer::of(self.request(Method::GET, path)).await
    }

    pub async fn head(&self, path: &str) -> Answer {
        Answer::of(self.request(Method::HEAD, path)).await
    }

    /// POST `body` as JSON.
    pub async fn post(&self, path: &str, body: impl Serialize) -> Answer {
        Answer::of(self.request(Method::POST, path).json(&body)).await
    }

    /// PUT `body` as JSON under the precondition `if_match`.
    pub async fn put(
        &self,
        path: &str,
        if_match: impl Into<IfMatch>,
        body: impl Serialize,
    ) -> Answer {
        let rb = precondition(self.request(Method::PUT, path), if_match.into());
        Answer::of(rb.json(&body)).await
    }

    /// PATCH with `body` as a JSON merge patch (RFC 7396) under the precondition `if_match`.
    pub async fn patch(
        &self,
        path: &str,
        if_match: impl Into<IfMatch>,
        body: impl Serialize,
    ) -> Answer {
        let rb = precondition(self.request(Method::PATCH, path), if_match.into())
            .header("Content-Type", "application/merge-patch+json")
            .body(serde_json::to_vec(&body).expect("a JSON body"));
        Answer::of(rb).await
    }

    pub async fn delete(&self, path: &str, if_match: impl Into<IfMatch>) -> Answer {
        Answer::of(precondition(
            self.request(Method::DELETE, path),
            if_match.into(),
        ))
        .await
    }

    /// GET that must answer 200 JSON, decoded.
    pub async fn read<T: DeserializeOwned>(&self, path: &str) -> T {
        self.get(path).await.ok()
    }

    /// GET that must fail with `status` and a problem document; returns it.
    pub async fn problem(&self, path: &str, status: u16) -> Problem {
        let answer = self.get(path).await;
        assert_eq!(answer.status(), status, "GET {path}: {}", answer.text());
        answer.problem()
    }

    /// [`Actor::problem`] with the problem said in English (`Accept-Language: en`), for tests that
    /// read its words.
    pub async fn problem_en(&self, path: &str, status: u16) -> Problem {
        let answer = Answer::of(
            self.request(Method::GET, path)
                .header("Accept-Language", "en"),
        )
        .await;
        assert_eq!(answer.status(), status, "GET {path}: {}", answer.text());
        answer.problem()
    }

    /// The ETag of a GET.
    pub async fn etag(&self, path: &str) -> ETag {
        let answer = self.get(path).await;
        assert_eq!(answer.status(), 200, "GET {path}");
        answer.etag()
    }

    /// Ids of the items of a list answer.
    pub async fn ids(&self, path: &str) -> Vec<String> {
        let list: Page<Id> = self.read(path).await;
        list.items.into_iter().map(|i| i.id).collect()
    }

    /// Every item of a list, following `next_cursor` from `path` (which has a query already).
    pub async fn every_page<T: DeserializeOwned>(&self, path: &str) -> Vec<T> {
        let mut all = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let url = match &next {
                None => path.to_owned(),
                Some(c) => format!("{path}&cursor={c}"),
            };
            let page: Page<T> = self.read(&url).await;
            all.extend(page.items);
            match page.next_cursor {
                Some(c) => next = Some(c),
                None => return all,
            }
        }
    }

    /// A token request (client credentials in the form).
    pub async fn token_request(&self, id: &str, secret: &str) -> Answer {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ];
        Answer::of(self.request(Method::POST, "/api/v1/auth/token").form(&form)).await
    }

    /// This caller signed in as client `id`: it presents the token the registry issues.
    pub async fn sign_in(&self, id: &str, secret: &str) -> Actor {
        let token: Token = self.token_request(id, secret).await.ok();
        self.with_bearer(token.access_token)
    }

    /// The first page (500) of the audit log matching `query` (this caller must be an
    /// administrator).
    pub async fn audit(&self, query: &str) -> Vec<AuditEvent> {
        let page: AuditList = self.read(&format!("/api/v1/audit?limit=500&{query}")).await;
        page.items
    }

    /// The audit rows matching `query` once they stand for at least `attempts` attempts (refusals
    /// of unidentified callers are written when their window ends), or after 20 s.
    pub async fn audited_attempts(&self, query: &str, attempts: i64) -> Vec<AuditEvent> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let rows = self.audit(query).await;
            let n: i64 = rows.iter().map(|r| i64::from(r.count)).sum();
            if n >= attempts || Instant::now() > deadline {
                return rows;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

fn precondition(rb: RequestBuilder, if_match: IfMatch) -> RequestBuilder {
    match if_match {
        IfMatch::Absent => rb,
        IfMatch::Any => rb.header("If-Match", "*"),
        IfMatch::Tag(tag) => rb.header("If-Match", tag.0),
    }
}
