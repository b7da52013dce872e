//! Every integration test, in one binary: each module is one area of the registry, tested over
//! HTTP against the real server on SQLite and on PostgreSQL (`scripts/test`). Start with
//! `helpers` (spawning, actors, typed answers); a new test is an `async fn(app: TestApp)` added to
//! its module's `on_both_engines!` list.

#[macro_use]
mod helpers;

mod abuse;
mod abuse_reads;
mod announcements;
mod atom;
mod bad_input;
mod browser;
mod catalogue_io;
mod conventions;
mod durability;
mod evidence;
mod exports;
mod external_issuer;
mod feide;
mod guard_rails;
mod municipalities;
mod openapi;
mod pages;
mod read_api;
mod reports;
mod schema;
mod snapshots;
mod soak;
mod stated;
mod story;
mod upgrade;
mod webhooks;
mod writes;
