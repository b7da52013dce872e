//! What every test needs, and nothing else:
//!
//! - [`spawn`] starts the real registry on loopback over a fresh SQLite file or PostgreSQL
//!   database ([`TestApp`]); [`on_both_engines!`] and [`per_engine!`] run a test on each engine.
//! - Callers are values ([`Actor`]): `app.anonymous()`, `app.vendor("trygg-trafikk").await`,
//!   `app.admin().await`, each with `get`, `post`, `put`, `patch` and `delete`; a change names its
//!   precondition ([`IfMatch`]).
//! - Every request gives an [`Answer`], read whole, that decodes into the server's own view types
//!   (`feide_registry::http::views`, `http::history`, `domain::compare`, `domain::portfolio`,
//!   `error::Problem`).
//! - Request bodies a test sends ([`new_service`]) and the few answers whose server types cannot be
//!   decoded ([`views`]).
//!
//! A test reads like the user's question:
//!
//! ```ignore
//! async fn a_vendor_renames_itself(app: TestApp) {
//!     let vendor = app.vendor("trygg-trafikk").await;
//!     let path = "/api/v1/vendors/trygg-trafikk";
//!     let etag = app.etag(path).await;
//!     let res = vendor.patch(path, &etag, json!({"name": "Trygg Trafikk AS"})).await;
//!     assert_eq!(res.status(), 200);
//!     let renamed: VendorView = app.read(path).await;
//!     assert_eq!(renamed.name, "Trygg Trafikk AS");
//! }
//! on_both_engines!(a_vendor_renames_itself);
//! ```
//!
//! Run one module on both engines with `./scripts/test --test api writes::`, or its SQLite half
//! without PostgreSQL with `cargo test --test api writes:: -- --skip postgres`.

#[macro_use]
mod engines;
mod actor;
mod answer;
mod documents;
mod spawn;
pub mod views;

pub use actor::{Actor, ETag, IfMatch};
pub use answer::Answer;
pub use documents::{new_service, new_service_introducing};
pub use spawn::{
    fresh_database, open, seed_file, spawn, spawn_with, Engine, Kept, TestApp, TEST_KEY,
};
