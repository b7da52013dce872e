//! Plain Rust: the catalogue's model and its rules. Knows nothing of HTTP or SQL.

pub mod announcements;
pub mod auth;
pub mod catalogue;
pub mod compare;
pub mod derive;
pub mod facets;
pub mod flags;
pub mod generate;
pub mod ids;
pub mod municipalities;
pub mod names;
pub mod patch;
pub mod portfolio;
pub mod processing_record;
pub mod query;
pub mod reference;
pub mod responses;
pub mod search;
pub mod terms;
pub mod usage;
pub mod validate;
pub mod webhooks;
pub mod writes;
