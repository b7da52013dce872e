//! Answers whose server types cannot be decoded (their texts are `&'static str`): the fields the
//! tests read.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `feide_registry::http::token::TokenResponse`.
#[derive(Debug, Deserialize)]
pub struct Token {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
}

/// An OAuth 2.0 error (RFC 6749 §5.2), `http::token::OAuthError`.
#[derive(Debug, Deserialize)]
pub struct OAuthError {
    pub error: String,
    pub error_description: String,
}

/// `/healthz` and `/readyz`, `http::ops::Health`.
#[derive(Debug, Deserialize)]
pub struct Health {
    pub status: String,
}

/// `GET /`, `http::ops::Root`.
#[derive(Debug, Deserialize)]
pub struct Root {
    pub docs: String,
    pub openapi: String,
    pub collections: BTreeMap<String, String>,
}

/// The envelope every list answer shares (the server declares one per item type): a page of
/// `T`, the server's own item view.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
