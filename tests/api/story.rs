//! The whole story of a sub-processor change, as issue 14 tells it, on both engines: a
//! municipality builds its portfolio and subscribes a webhook; a vendor announces a new
//! sub-processor in the US with 4 weeks' notice where the agreement asks 6; the announcement is
//! flagged `short_notice` with the agreement's objection deadline; the municipality's receiver
//! gets a verified Standard Webhooks event and its Atom feed shows the announcement; it objects;
//! the effective date passes and the registry changes the catalogue, with history naming the
//! announcement, and says so by webhook.

use chrono::{Days, NaiveDate, Utc};
use feide_registry::domain::announcements::AnnouncementStatus;
use feide_registry::http::announcements::AnnouncementView;
use feide_registry::http::history::HistoryList;
use feide_registry::http::responses::ResponseList;
use feide_registry::http::views::ServiceProfile;
use feide_registry::schedule::{ApplyReport, Clock};
use serde_json::json;

use crate::atom::parsed;
use crate::helpers::{Engine, IfMatch};
use crate::municipalities::municipality_client;
use crate::webhooks::{spawn_quick, subscribe, Receiver};

fn in_days(n: u64) -> NaiveDate {
    Utc::now()
        .date_naive()
        .checked_add_days(Days::new(n))
        .unwrap()
}

async fn a_sub_processor_change_from_announcement_to_catalogue(engine: Engine) {
    let app = spawn_quick(engine, std::time::Duration::from_secs(60)).await;
    let admin = app.admin().await;

    // Bergen builds its portfolio (public, so parents may read it) and subscribes a webhook
    let res = admin
        .post(
            "/api/v1/municipalities",
            json!({"id": "bergen", "name": "Bergen kommune", "org_number": "964338531",
                   "municipality_number": "4601", "kind": "municipality", "portfolio": "public"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let bergen = municipality_client(&app, "bergen").await;
    let res = bergen
        .put(
            "/api/v1/municipalities/bergen/portfolio/kikora",
            IfMatch::Absent,
            json!({"local_status": "in_use", "agreement_signed_on": "2024-08-01"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let receiver = Receiver::start();
    subscribe(
        &bergen,
        &receiver,
        "/bergen",
        &[
            "announcement.created",
            "announcement.applied",
            "service.changed",
        ],
        0,
    )
    .await;

    // Kikora's vendor announces a US sub-processor with 4 weeks' notice; the agreement asks 6
    let vendor = app.vendor("eldur-learning").await;
    let res = vendor
        .post(
            "/api/v1/services/kikora/announcements",
            json!({
                "effective_date": in_days(28).to_string(),
                "summary": "Ny leverandør av feilrapportering i USA",
                "changes": [{"action": "add", "sub_processor": {
                    "id": "bugsnag", "purpose": "Feilrapportering",
                    "locations": [{"country": "US", "role": "processing"}],
                    "transfer_mechanism": "dpf"}}],
                "new_sub_processors": [{"id": "bugsnag", "name": "Bugsnag Inc.",
                    "legal_name": null, "org_number": null, "registration_number": null,
                    "country": "US", "address": null, "website": null}]
            }),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let a: AnnouncementView = res.json();
    assert!(a.short_notice, "28 days where the agreement asks 42");
    assert_eq!((a.notice_days, a.required_notice_days), (28, Some(42)));
    let deadline = in_days(21).to_string();
    assert_eq!(
        a.objection_deadline.as_deref(),
        Some(deadline.as_str()),
        "3 weeks to object"
    );

    // Bergen's receiver gets it, signed: the receiver verified it with `standardwebhooks`
    let records = receiver
        .until("the announcement at Bergen's receiver", |r| {
            r.iter().any(|x| {
                x.path == "/bergen"
                    && x.event_type() == "announcement.created"
                    && x.payload.data.announcement.as_deref() == Some(a.id.as_str())
            })
        })
        .await;
    let told = records
        .iter()
        .find(|x| x.event_type() == "announcement.created")
        .unwrap();
    assert!(told.verified, "{told:?}");
    assert_eq!(told.payload.data.short_notice, Some(true));
    assert_eq!(told.payload.data.objection_deadline, Some(deadline.clone()));

    // ... and its Atom feed shows it
    let feeds = parsed(&app, &["/feeds/municipalities/bergen.atom"]).await;
    assert!(
        feeds[0]
            .entries
            .iter()
            .any(|e| e.id.ends_with(&format!("announcement/{}", a.id))),
        "{:?}",
        feeds[0].entries
    );

    // Bergen objects before the deadline; the vendor sees who objected
    let at_bergen = format!("/api/v1/announcements/{}/responses/bergen", a.id);
    let res = bergen
        .put(
            &at_bergen,
            IfMatch::Absent,
            json!({"response": "object", "note": "Ingen overføring til USA uten ny vurdering."}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let answers: ResponseList = vendor
        .read(&format!("/api/v1/announcements/{}/responses", a.id))
        .await;
    assert_eq!(answers.items.len(), 1);
    assert_eq!(answers.items[0].municipality, "bergen");

    // the effective date passes: the registry applies the change itself, once
    let effective = in_days(28).and_hms_opt(6, 0, 0).unwrap().and_utc();
    let later = app.another_process_with(|o| o.clock = Clock::Fixed(effective));
    let res = admin
        .at(&later.base)
        .post("/api/v1/announcements/apply-due", json!(null))
        .await;
    assert!(
        [200, 202].contains(&res.status().as_u16()),
        "{}",
        res.text()
    );
    let report: ApplyReport = res.json();
    assert_eq!(report.applied, [a.id.as_str()]);

    app.caught_up(&app.anonymous()).await;
    let done: AnnouncementView = app.read(&format!("/api/v1/announcements/{}", a.id)).await;
    assert_eq!(done.status, AnnouncementStatus::Applied);
    let kikora: ServiceProfile = app.read("/api/v1/services/kikora").await;
    assert!(kikora.sub_processors.iter().any(|s| s.id == "bugsnag"));
    let history: HistoryList = app.read("/api/v1/services/kikora/history").await;
    let last = history.items.last().unwrap();
    assert_eq!(last.actor, format!("announcement:{}", a.id));
    assert_eq!(last.action, "announcement.apply");

    // ... and tells Bergen, again signed
    let records = receiver
        .until("the applied change at Bergen's receiver", |r| {
            r.iter().any(|x| x.event_type() == "announcement.applied")
                && r.iter().any(|x| {
                    x.event_type() == "service.changed"
                        && x.payload.data.service.as_deref() == Some("kikora")
                })
        })
        .await;
    assert!(records.iter().all(|x| x.verified), "{records:#?}");
}

per_engine!(a_sub_processor_change_from_announcement_to_catalogue);
