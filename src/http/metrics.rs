//! Prometheus text metrics: requests by status class and latency, counted in-process (each
//! registry process reports its own; Prometheus sums them).

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{web, HttpResponse};

use super::AppState;

#[derive(Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    micros_total: AtomicU64,
}

impl Metrics {
    pub fn record(&self, status: u16, micros: u64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        self.micros_total.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::from(
            "# HELP feide_registry_http_requests_total HTTP requests answered, by status class.\n\
             # TYPE feide_registry_http_requests_total counter\n",
        );
        let mut total = 0;
        for (i, n) in self.by_class.iter().enumerate() {
            let n = n.load(Ordering::Relaxed);
            total += n;
            out.push_str(&format!(
                "feide_registry_http_requests_total{{class=\"{}xx\"}} {n}\n",
                i + 1
            ));
        }
        let seconds = self.micros_total.load(Ordering::Relaxed) as f64 / 1e6;
        out.push_str(
            "# HELP feide_registry_http_request_duration_seconds Time spent answering HTTP requests.\n\
             # TYPE feide_registry_http_request_duration_seconds summary\n",
        );
        out.push_str(&format!(
            "feide_registry_http_request_duration_seconds_sum {seconds}\n"
        ));
        out.push_str(&format!(
            "feide_registry_http_request_duration_seconds_count {total}\n"
        ));
        out
    }
}

/// Prometheus metrics of this process.
///
/// Requests by status class and their latency, the read model's snapshot version and age, and its caches'
/// hits and misses, in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain; version=0.0.4")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(
            state.metrics.render()
                + &state.catalogue.render_metrics()
                + &state.answers.render_metrics()
                + &state.refusals.render_metrics()
                + &crate::feide::counters::render()
                + &crate::feide::coverage::Coverage::of(&state.catalogue.current()).render(),
        )
}
