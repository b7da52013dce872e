//! The link to Feide's own service catalogue: which Feide services a registry entry is, what the
//! Feide API says it releases to them, and how that compares with what the agreement declares.
//!
//! `id` is the shape of a Feide service id; the rest fetches and stores Feide's answers.

pub mod id;
