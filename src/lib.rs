//! feide-registry: a public catalogue of the Feide attributes, sub-processors, countries and
//! contract terms of Norwegian edtech services. Layers: `http` and `pages` -> `catalogue` (the read model) -> `domain` <- `store`.

pub mod allocator;
pub mod app;
pub mod audit;
pub mod catalogue;
pub mod config;
pub mod delivery;
pub mod domain;
pub mod error;
pub mod feide;
pub mod http;
pub mod issuer;
pub mod pages;
pub mod schedule;
pub mod store;
pub mod texts;
pub mod tokens;
