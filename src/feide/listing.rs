//! The listing part of a sync round: Feide's service listing read whole (or not at all), each
//! listed service's facts stored, the ones new to the registry imported as `unregistered`
//! entries under the vendor their provider maps to. A listing that fails or does not parse
//! changes nothing stored: every entry keeps its last good data.

use std::collections::{HashMap, HashSet};

use chrono::Utc;

use super::client;
use super::counters::{self, IMPORTED, LISTINGS_FAILED, LISTINGS_READ};
use super::coverage::{placeholder_id, placeholder_vendor, unregistered_entry};
use super::model::{parse_listing, FeideProvider, FeideService};
use super::providers::{self, vendor_of};
use super::sync::{Pacer, SyncReport};
use super::FeideOptions;
use crate::store::feide::{FeideRow, SYNC_ACTOR};
use crate::store::feide_coverage as stored;
use crate::store::on_db;
use crate::store::{Moment, Store, StoreError};

/// Reads the listing and stores what it says; returns the ids it delivered (none when the
/// listing is off or failed).
pub(crate) async fn run(
    store: &Store,
    http: &reqwest::Client,
    options: &FeideOptions,
    pacer: &mut Pacer,
    report: &mut SyncReport,
) -> Result<HashSet<String>, StoreError> {
    let Some(path) = &options.list_path else {
        return Ok(HashSet::new());
    };
    pacer.wait().await;
    let list = match client::get(http, options, path)
        .await
        .and_then(|body| parse_listing(&body))
    {
        Ok(list) => list,
        Err(why) => {
            counters::add(&LISTINGS_FAILED);
            log::warn!("Feide listing: {why}");
            report.listing_error = Some(why);
            return Ok(HashSet::new());
        }
    };
    counters::add(&LISTINGS_READ);
    report.listed = list.len();
    let mut vendors: HashMap<String, (String, Option<crate::domain::catalogue::Vendor>)> =
        HashMap::new();
    let mut delivered = HashSet::new();
    for s in list {
        let provider = s.provider.clone().unwrap_or_else(|| FeideProvider {
            id: "unknown".into(),
            name: Default::default(),
            realm: None,
        });
        if !vendors.contains_key(&provider.id) {
            let vendor = vendor_for(store, http, options, pacer, &provider).await?;
            vendors.insert(provider.id.clone(), vendor);
        }
        let (vendor, placeholder) = vendors[&provider.id].clone();
        let Some(entry) = unregistered_entry(&s, &vendor) else {
            continue;
        };
        let row = row_of(&s);
        delivered.insert(s.id.clone());
        let created = on_db(store, move |db| {
            stored::import_listed(db, &row, &entry, placeholder.as_ref(), Utc::now())
        })
        .await?;
        if created {
            counters::add(&IMPORTED);
            report.imported += 1;
        }
    }
    Ok(delivered)
}

/// The vendor a provider's services go under, and the placeholder vendor to create for it when
/// it maps to none yet. A provider that now maps to a vendor brings its earlier Feide-only
/// entries along.
async fn vendor_for(
    store: &Store,
    http: &reqwest::Client,
    options: &FeideOptions,
    pacer: &mut Pacer,
    provider: &FeideProvider,
) -> Result<(String, Option<crate::domain::catalogue::Vendor>), StoreError> {
    let before = {
        let id = provider.id.clone();
        on_db(store, move |db| stored::provider(db, &id)).await?
    };
    if provider.id != "unknown" && before.as_ref().and_then(vendor_of).is_none() {
        pacer.wait().await;
    }
    let mapping = if provider.id == "unknown" {
        None
    } else {
        Some(providers::map(http, options, store, before, provider).await?)
    };
    match mapping.as_ref().and_then(vendor_of) {
        Some(vendor) => {
            let (from, to) = (placeholder_id(&provider.id), vendor.to_owned());
            on_db(store, move |db| {
                stored::move_unregistered(db, &from, &to, SYNC_ACTOR, Utc::now())
            })
            .await?;
            Ok((vendor.to_owned(), None))
        }
        None => Ok((placeholder_id(&provider.id), placeholder_vendor(provider))),
    }
}

/// The stored state of a listed service: a good answer, fetched now.
fn row_of(s: &FeideService) -> FeideRow {
    let now = Moment(Utc::now());
    FeideRow {
        feide_id: s.id.clone(),
        name: serde_json::to_string(&s.name).ok(),
        provider: s
            .provider
            .as_ref()
            .and_then(|p| serde_json::to_string(p).ok()),
        attributes: serde_json::to_string(&s.attributes).ok(),
        etag: None,
        last_modified: None,
        fetched_at: Some(now),
        checked_at: now,
        error: None,
        details: serde_json::to_string(&s.details).ok(),
    }
}
