//! What the Feide sync reports in `/metrics`: counters since the process started.

use std::sync::atomic::{AtomicU64, Ordering};

pub static FETCHED: AtomicU64 = AtomicU64::new(0);
pub static UNCHANGED: AtomicU64 = AtomicU64::new(0);
pub static FAILED: AtomicU64 = AtomicU64::new(0);
pub static RETRIES: AtomicU64 = AtomicU64::new(0);
pub static LEASE_BUSY: AtomicU64 = AtomicU64::new(0);
pub static LISTINGS_READ: AtomicU64 = AtomicU64::new(0);
pub static LISTINGS_FAILED: AtomicU64 = AtomicU64::new(0);
pub static IMPORTED: AtomicU64 = AtomicU64::new(0);

pub fn add(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// The counters in Prometheus' text format.
pub fn render() -> String {
    let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
    format!(
        "# HELP feide_registry_feide_checks_total Feide API service checks, by outcome.\n\
         # TYPE feide_registry_feide_checks_total counter\n\
         feide_registry_feide_checks_total{{outcome=\"fetched\"}} {}\n\
         feide_registry_feide_checks_total{{outcome=\"unchanged\"}} {}\n\
         feide_registry_feide_checks_total{{outcome=\"failed\"}} {}\n\
         # HELP feide_registry_feide_retries_total Feide API requests repeated after a timeout or a 5xx answer.\n\
         # TYPE feide_registry_feide_retries_total counter\n\
         feide_registry_feide_retries_total {}\n\
         # HELP feide_registry_feide_syncs_skipped_total Syncs not run because another process held the lease.\n\
         # TYPE feide_registry_feide_syncs_skipped_total counter\n\
         feide_registry_feide_syncs_skipped_total {}\n\
         # HELP feide_registry_feide_listings_total Reads of Feide's service listing, by outcome; a failed one changes nothing stored.\n\
         # TYPE feide_registry_feide_listings_total counter\n\
         feide_registry_feide_listings_total{{outcome=\"read\"}} {}\n\
         feide_registry_feide_listings_total{{outcome=\"failed\"}} {}\n\
         # HELP feide_registry_feide_imported_total Listed Feide services imported as unregistered entries.\n\
         # TYPE feide_registry_feide_imported_total counter\n\
         feide_registry_feide_imported_total {}\n",
        get(&FETCHED),
        get(&UNCHANGED),
        get(&FAILED),
        get(&RETRIES),
        get(&LEASE_BUSY),
        get(&LISTINGS_READ),
        get(&LISTINGS_FAILED),
        get(&IMPORTED),
    )
}
