//! Sub-processor change announcements: a vendor announces, the registry computes the objection
//! clock from the agreement's terms (flagging short notice, inventing no deadline), everyone reads
//! them, the vendor may withdraw, and on the effective date the registry applies the change once,
//! however many processes run the task, with the history naming the announcement.

use chrono::{Days, NaiveDate, Utc};
use feide_registry::domain::announcements::{AnnouncementStatus, NoDeadline};
use feide_registry::domain::responses::ResponseKind;
use feide_registry::http::announcements::{AnnouncementList, AnnouncementView};
use feide_registry::http::history::HistoryList;
use feide_registry::http::responses::{ResponseList, ResponseView};
use feide_registry::http::views::ServiceProfile;
use feide_registry::schedule::{ApplyReport, Clock};
use serde_json::{json, Value};

use crate::helpers::{spawn, Actor, Answer, Engine, IfMatch, TestApp};
use crate::municipalities::municipality_client;

const KIKORA_ANNOUNCEMENTS: &str = "/api/v1/services/kikora/announcements";

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn in_days(n: u64) -> NaiveDate {
    today().checked_add_days(Days::new(n)).unwrap()
}

/// Kikora's vendor announces a new error-reporting sub-processor in the US.
fn new_us_sub_processor(effective: NaiveDate) -> Value {
    json!({
        "effective_date": effective.to_string(),
        "summary": "Ny leverandør av feilrapportering i USA",
        "changes": [{"action": "add", "sub_processor": {
            "id": "bugsnag", "purpose": "Feilrapportering",
            "locations": [{"country": "US", "role": "processing"}],
            "transfer_mechanism": "dpf"}}],
        "new_sub_processors": [{"id": "bugsnag", "name": "Bugsnag Inc.", "legal_name": null,
            "org_number": null, "registration_number": null, "country": "US", "address": null,
            "website": null}]
    })
}

async fn announce(vendor: &Actor, path: &str, body: Value) -> AnnouncementView {
    let res = vendor.post(path, body).await;
    assert_eq!(res.status(), 201, "{}", res.text());
    res.json()
}

/// 4 weeks' notice where Kikora's agreement asks 6: accepted, flagged `short_notice`, and the
/// deadline is the agreement's 3 weeks from the notice; the announcement is public at once.
async fn a_short_notice_is_accepted_flagged_with_the_agreements_deadline(app: TestApp) {
    let vendor = app.vendor("eldur-learning").await;
    let res = vendor
        .post(KIKORA_ANNOUNCEMENTS, new_us_sub_processor(in_days(28)))
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let a: AnnouncementView = res.json();
    assert_eq!(a.status, AnnouncementStatus::Pending);
    assert_eq!(a.service, "kikora");
    assert_eq!(a.vendor, "eldur-learning");
    assert_eq!(a.notice_days, 28);
    assert_eq!(a.required_notice_days, Some(42), "6 weeks");
    assert_eq!(a.objection_days, Some(21), "3 weeks");
    assert!(a.short_notice);
    assert_eq!(a.objection_deadline, Some(in_days(21).to_string()));
    assert_eq!(a.deadline_reason, None);
    assert_eq!(a.announced_by, "vendor:eldur-learning");
    let location = res.header("location").unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/announcements/{}", a.id));
    // anyone reads it, as it was answered
    let read = app.get(&location).await;
    assert_eq!(read.status(), 200);
    assert_eq!(
        read.etag(),
        res.etag(),
        "the write answered what a read gives"
    );
    let listed: AnnouncementList = app.read("/api/v1/announcements?status=pending").await;
    assert_eq!(
        listed.items.iter().map(|x| &x.id).collect::<Vec<_>>(),
        [&a.id]
    );
    let of_kikora: AnnouncementList = app.read(KIKORA_ANNOUNCEMENTS).await;
    assert_eq!(of_kikora.items.len(), 1);
    let by_vendor: AnnouncementList = app.read("/api/v1/announcements?vendor=cerpus").await;
    assert!(by_vendor.items.is_empty());
    let applied: AnnouncementList = app.read("/api/v1/announcements?status=applied").await;
    assert!(applied.items.is_empty());
    // the catalogue changes only on the effective date; until then the profile shows it coming
    let kikora: ServiceProfile = app.read("/api/v1/services/kikora").await;
    assert!(!kikora.sub_processors.iter().any(|s| s.id == "bugsnag"));
    let coming = &kikora.pending_announcements;
    assert_eq!(coming.len(), 1, "{coming:?}");
    assert_eq!(coming[0].id, a.id);
    assert_eq!(coming[0].effective_date, in_days(28).to_string());
    assert_eq!(coming[0].objection_deadline, a.objection_deadline);
    assert!(coming[0].short_notice);
}

/// Glupus's agreement asks a month's notice and gives a right to object with no period: no
/// deadline is invented, and the reason says so.
async fn no_deadline_is_invented_where_the_agreement_states_none(app: TestApp) {
    let vendor = app.vendor("aanestad-edtech").await;
    let body = json!({
        "effective_date": in_days(40).to_string(),
        "changes": [{"action": "change_locations", "id": "proisp",
            "locations": [{"country": "SE", "role": "storage"}], "transfer_mechanism": "eea"}]
    });
    let a = announce(&vendor, "/api/v1/services/glupus/announcements", body).await;
    assert_eq!(a.required_notice_days, Some(30));
    assert!(!a.short_notice, "40 days of 30");
    assert_eq!(a.objection_deadline, None);
    assert_eq!(
        a.deadline_reason,
        Some(NoDeadline::ObjectionPeriodNotStated)
    );
}

/// A vendor announces only for its own services: another's is refused and nothing is stored.
async fn another_vendors_service_is_forbidden(app: TestApp) {
    let other = app.vendor("trygg-trafikk").await;
    let res = other
        .post(KIKORA_ANNOUNCEMENTS, new_us_sub_processor(in_days(50)))
        .await;
    assert_eq!(res.status(), 403, "{}", res.text());
    assert!(res.problem().detail.contains("vendor:trygg-trafikk"));
    let listed: AnnouncementList = app.read("/api/v1/announcements").await;
    assert!(listed.items.is_empty());
    let anonymous = app
        .post(KIKORA_ANNOUNCEMENTS, new_us_sub_processor(in_days(50)))
        .await;
    assert_eq!(anonymous.status(), 401);
}

/// A bad announcement is refused naming every problem, and nothing is stored.
async fn a_bad_announcement_names_every_problem(app: TestApp) {
    let vendor = app.vendor("eldur-learning").await;
    let res = vendor
        .post(
            KIKORA_ANNOUNCEMENTS,
            json!({
                "effective_date": "2020-01-01",
                "changes": [
                    {"action": "add", "sub_processor": {"id": "nope", "purpose": "x",
                        "locations": [{"country": "XX", "role": "processing"}],
                        "transfer_mechanism": "none_stated"}},
                    {"action": "remove", "id": "ghost"},
                    {"action": "add", "sub_processor": {"id": "sentry", "purpose": "x",
                        "locations": [], "transfer_mechanism": "dpf"}},
                    {"action": "change_locations", "id": "raygun",
                        "locations": [{"country": "US", "role": "processing"}], "transfer_mechanism": "none_stated"}
                ],
                "new_sub_processors": [{"id": "unused", "name": "Unused Ltd", "legal_name": null,
                    "org_number": null, "registration_number": null, "country": "US",
                    "address": null, "website": null}],
                "colour": "red"
            }),
        )
        .await;
    assert_eq!(res.status(), 422, "{}", res.text());
    let pointers = res.pointers();
    assert_eq!(
        pointers,
        [
            "/changes/0/sub_processor/id",
            "/changes/0/sub_processor/locations/0/country",
            "/changes/1/id",
            "/changes/2/sub_processor/id",
            "/changes/3/transfer_mechanism",
            "/colour",
            "/effective_date",
            "/new_sub_processors/0/id",
        ],
        "{}",
        res.text()
    );
    // a change of the wrong shape is named by its own kind's members
    let res = vendor
        .post(
            KIKORA_ANNOUNCEMENTS,
            json!({"effective_date": "2030-02-30", "changes": [{"action": "change_locations",
                "id": "raygun", "locations": [{"country": "NZ", "role": "teleport"}],
                "transfer_mechanism": "adequacy"}]}),
        )
        .await;
    assert_eq!(res.status(), 422, "{}", res.text());
    let pointers = res.pointers();
    assert_eq!(pointers, ["/changes/0/locations/0/role", "/effective_date"]);
    let listed: AnnouncementList = app.read("/api/v1/announcements").await;
    assert!(listed.items.is_empty(), "nothing stored");
}

/// The vendor withdraws a pending announcement with its ETag; it stays listed as withdrawn, and
/// cannot be withdrawn twice.
async fn a_vendor_withdraws_a_pending_announcement(app: TestApp) {
    let vendor = app.vendor("eldur-learning").await;
    let a = announce(
        &vendor,
        KIKORA_ANNOUNCEMENTS,
        new_us_sub_processor(in_days(60)),
    )
    .await;
    let path = format!("/api/v1/announcements/{}", a.id);
    assert_eq!(vendor.delete(&path, IfMatch::Absent).await.status(), 428);
    let other = app.vendor("trygg-trafikk").await;
    assert_eq!(other.delete(&path, IfMatch::Any).await.status(), 403);
    let etag = app.etag(&path).await;
    let res = vendor.delete(&path, &etag).await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let withdrawn: AnnouncementView = res.json();
    assert_eq!(withdrawn.status, AnnouncementStatus::Withdrawn);
    assert!(withdrawn.withdrawn_at.is_some());
    let again = vendor.delete(&path, IfMatch::Any).await;
    assert_eq!(again.status(), 409, "{}", again.text());
    let listed: AnnouncementList = app.read("/api/v1/announcements?status=withdrawn").await;
    assert_eq!(listed.items.len(), 1);
    let pending: AnnouncementList = app.read("/api/v1/announcements?status=pending").await;
    assert!(pending.items.is_empty());
    let kikora: ServiceProfile = app.read("/api/v1/services/kikora").await;
    assert!(kikora.pending_announcements.is_empty(), "no longer coming");
}

/// A malformed filter is a 400 naming it.
async fn an_unknown_status_is_refused(app: TestApp) {
    let res = app
        .get("/api/v1/announcements?status=done&colour=red")
        .await;
    assert_eq!(res.status(), 400);
    let named = res.pointers();
    assert_eq!(named, ["colour", "status"]);
    assert_eq!(
        app.get("/api/v1/announcements/ann-none").await.status(),
        404
    );
}

/// An administrator registers municipality `id`; its own client comes from the command line,
/// and puts each of `services` in its portfolio as in use.
async fn municipality_using(
    app: &TestApp,
    id: &str,
    org: &str,
    number: &str,
    services: &[&str],
) -> Actor {
    let res = app
        .admin()
        .await
        .post(
            "/api/v1/municipalities",
            json!({"id": id, "name": format!("{id} kommune"), "org_number": org,
                   "municipality_number": number, "kind": "municipality"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let client = municipality_client(app, id).await;
    for service in services {
        let path = format!("/api/v1/municipalities/{id}/portfolio/{service}");
        let res = client
            .put(&path, IfMatch::Absent, json!({"local_status": "in_use"}))
            .await;
        assert_eq!(res.status(), 201, "{}", res.text());
    }
    client
}

const OBJECTION: &str = "Vi godtar ikke overføring til USA uten ny risikovurdering.";

/// Bergen uses Kikora and objects to its new US sub-processor (after first accepting: the latest
/// answer counts); Oslo, without Kikora, cannot answer, nor answer for Bergen; the vendor reads
/// who objected, everyone else the counts; the audit log has the answers.
async fn a_municipality_using_the_service_objects(app: TestApp) {
    let bergen = municipality_using(&app, "bergen", "964338531", "4601", &["kikora"]).await;
    let oslo = municipality_using(&app, "oslo", "958935420", "0301", &["glupus"]).await;
    let vendor = app.vendor("eldur-learning").await;
    let a = announce(
        &vendor,
        KIKORA_ANNOUNCEMENTS,
        new_us_sub_processor(in_days(28)),
    )
    .await;
    let at_bergen = format!("/api/v1/announcements/{}/responses/bergen", a.id);

    let res = bergen
        .put(
            &at_bergen,
            IfMatch::Absent,
            json!({"response": "accept", "note": null}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let res = bergen
        .put(
            &at_bergen,
            IfMatch::Absent,
            json!({"response": "object", "note": OBJECTION}),
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "the second answer replaces the first: {}",
        res.text()
    );
    let answer: ResponseView = res.json();
    assert_eq!(answer.municipality, "bergen");
    assert_eq!(answer.response, ResponseKind::Object);
    assert_eq!(answer.note.as_deref(), Some(OBJECTION));

    // nobody answers for Bergen but its own client (or an administrator)
    let body = json!({"response": "accept", "note": null});
    let res = oslo.put(&at_bergen, IfMatch::Absent, &body).await;
    assert_eq!(res.status(), 403, "{}", res.text());
    assert!(res.problem().detail.contains("municipality:oslo"));
    assert_eq!(
        vendor
            .put(&at_bergen, IfMatch::Absent, &body)
            .await
            .status(),
        403
    );
    assert_eq!(
        app.anonymous()
            .put(&at_bergen, IfMatch::Absent, &body)
            .await
            .status(),
        401
    );
    // Oslo does not use Kikora; a bad body is named member by member beside it
    let at_oslo = format!("/api/v1/announcements/{}/responses/oslo", a.id);
    let res = oslo
        .put(
            &at_oslo,
            IfMatch::Absent,
            json!({"response": "maybe", "colour": "red"}),
        )
        .await;
    assert_eq!(res.status(), 422, "{}", res.text());
    let named = res.pointers();
    assert_eq!(
        named,
        ["/colour", "/response", "municipality"],
        "{}",
        res.text()
    );
    let res = oslo.put(&at_oslo, IfMatch::Absent, &body).await;
    assert_eq!(res.status(), 422, "{}", res.text());
    assert!(res.problem().errors[0].detail.contains("kikora"));
    // nor once Oslo has weighed Kikora and rejected it: it no longer answers for it
    let res = oslo
        .put(
            "/api/v1/municipalities/oslo/portfolio/kikora",
            IfMatch::Absent,
            json!({"local_status": "rejected"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let res = oslo.put(&at_oslo, IfMatch::Absent, &body).await;
    assert_eq!(res.status(), 422, "{}", res.text());
    assert!(
        res.problem().errors[0].detail.contains("rejected"),
        "{}",
        res.text()
    );
    let unknown = format!("/api/v1/announcements/{}/responses/tromso", a.id);
    assert_eq!(
        app.admin()
            .await
            .put(&unknown, IfMatch::Absent, &body)
            .await
            .status(),
        404
    );
    let no_such = "/api/v1/announcements/ann-none/responses/bergen";
    assert_eq!(
        bergen.put(no_such, IfMatch::Absent, &body).await.status(),
        404
    );

    // the vendor reads who answered what; Oslo only its own (none); another vendor nothing
    let listing = format!("/api/v1/announcements/{}/responses", a.id);
    let seen: ResponseList = vendor.read(&listing).await;
    assert_eq!(seen.items.len(), 1, "one answer per municipality");
    assert_eq!(seen.items[0].municipality, "bergen");
    assert_eq!(seen.items[0].response, ResponseKind::Object);
    assert_eq!(seen.items[0].note.as_deref(), Some(OBJECTION));
    assert_eq!(seen.items[0].responded_at, answer.responded_at);
    let own: ResponseList = bergen.read(&listing).await;
    assert_eq!(own.items.len(), 1);
    let none: ResponseList = oslo.read(&listing).await;
    assert!(none.items.is_empty());
    assert_eq!(app.vendor("cerpus").await.get(&listing).await.status(), 403);
    assert_eq!(app.get(&listing).await.status(), 401);

    // everyone sees the counts, and no names
    let path = format!("/api/v1/announcements/{}", a.id);
    let public = app.get(&path).await;
    let view: AnnouncementView = public.json();
    assert_eq!((view.objections, view.acceptances), (1, 0));
    assert!(!public.text().contains("bergen"), "{}", public.text());
    let listed: AnnouncementList = app.read(KIKORA_ANNOUNCEMENTS).await;
    assert_eq!(listed.items[0].objections, 1);

    let log = app.admin().await.audit("").await;
    let answers: Vec<_> = log
        .iter()
        .filter(|e| e.action == "announcement.respond")
        .map(|e| (e.actor.clone().unwrap_or_default(), e.outcome))
        .collect();
    assert!(
        answers.contains(&("municipality:bergen".to_owned(), 200)),
        "{answers:?}"
    );
    assert!(
        answers.contains(&("municipality:bergen".to_owned(), 201)),
        "{answers:?}"
    );
    assert!(
        answers.contains(&("municipality:oslo".to_owned(), 403)),
        "{answers:?}"
    );
}

on_both_engines!(
    a_municipality_using_the_service_objects,
    a_short_notice_is_accepted_flagged_with_the_agreements_deadline,
    no_deadline_is_invented_where_the_agreement_states_none,
    another_vendors_service_is_forbidden,
    a_bad_announcement_names_every_problem,
    a_vendor_withdraws_a_pending_announcement,
    an_unknown_status_is_refused,
);

/// On the effective date two registry processes on one database both run the task, each twice,
/// at once: the change is applied exactly once, the new sub-processor enters the catalogue, and
/// the service's history names the announcement.
async fn the_change_takes_effect_once_across_processes(engine: Engine) {
    let app = spawn(engine).await;
    let vendor = app.vendor("eldur-learning").await;
    let admin = app.admin().await;
    let a = announce(
        &vendor,
        KIKORA_ANNOUNCEMENTS,
        new_us_sub_processor(in_days(28)),
    )
    .await;
    // before the effective date, nothing is due
    let early = post_empty(&admin, "/api/v1/announcements/apply-due").await;
    assert_eq!(early.status(), 200, "{}", early.text());
    let early: ApplyReport = early.json();
    assert!(early.ran && early.applied.is_empty(), "{early:?}");
    assert_eq!(
        vendor
            .post("/api/v1/announcements/apply-due", json!(null))
            .await
            .status(),
        403
    );

    let day_after = (in_days(29).and_hms_opt(6, 0, 0).unwrap()).and_utc();
    let b = app.another_process_with(|o| o.clock = Clock::Fixed(day_after));
    let c = app.another_process_with(|o| o.clock = Clock::Fixed(day_after));
    let (at_b, at_c) = (admin.at(&b.base), admin.at(&c.base));
    let path = "/api/v1/announcements/apply-due";
    let (r1, r2, r3, r4) = tokio::join!(
        post_empty(&at_b, path),
        post_empty(&at_c, path),
        post_empty(&at_b, path),
        post_empty(&at_c, path),
    );
    let mut applied = Vec::new();
    for r in [r1, r2, r3, r4] {
        assert!([200, 202].contains(&r.status().as_u16()), "{}", r.text());
        applied.extend(r.json::<ApplyReport>().applied);
    }
    assert_eq!(applied, [a.id.as_str()], "applied exactly once");

    app.caught_up(&app.anonymous()).await;
    let done: AnnouncementView = app.read(&format!("/api/v1/announcements/{}", a.id)).await;
    assert_eq!(done.status, AnnouncementStatus::Applied);
    let kikora: ServiceProfile = app.read("/api/v1/services/kikora").await;
    let bugsnag = kikora
        .sub_processors
        .iter()
        .find(|s| s.id == "bugsnag")
        .expect("the new sub-processor is in the profile");
    assert_eq!(bugsnag.locations[0].country.as_str(), "US");
    assert_eq!(bugsnag.transfer_mechanism.as_str(), "dpf");
    assert!(
        kikora.pending_announcements.is_empty(),
        "in effect, no longer coming"
    );
    assert_eq!(
        app.get("/api/v1/sub-processors/bugsnag").await.status(),
        200
    );
    let history: HistoryList = app.read("/api/v1/services/kikora/history").await;
    let by_announcement: Vec<_> = history
        .items
        .iter()
        .filter(|r| r.actor == format!("announcement:{}", a.id))
        .collect();
    assert_eq!(by_announcement.len(), 1, "one revision");
    assert_eq!(by_announcement[0].action, "announcement.apply");
    assert_eq!(Some(by_announcement[0].revision), done.applied_revision);
    assert!(by_announcement[0].changes.get("sub_processors").is_some());
    // a later round finds nothing due
    let later: ApplyReport = post_empty(&at_b, path).await.json();
    assert!(later.applied.is_empty());
}

/// After the objection deadline (a process whose clock reads the day after it) an answer is
/// refused; before it, it is taken; once the vendor withdraws, no answer is.
async fn no_answer_after_the_deadline_or_once_withdrawn(engine: Engine) {
    let app = spawn(engine).await;
    let bergen = municipality_using(&app, "bergen", "964338531", "4601", &["kikora"]).await;
    let vendor = app.vendor("eldur-learning").await;
    let a = announce(
        &vendor,
        KIKORA_ANNOUNCEMENTS,
        new_us_sub_processor(in_days(28)),
    )
    .await;
    assert_eq!(a.objection_deadline, Some(in_days(21).to_string()));
    let at_bergen = format!("/api/v1/announcements/{}/responses/bergen", a.id);
    let body = json!({"response": "object", "note": null});

    let day_after = in_days(22).and_hms_opt(6, 0, 0).unwrap().and_utc();
    let later = app.another_process_with(|o| o.clock = Clock::Fixed(day_after));
    let res = bergen
        .at(&later.base)
        .put(&at_bergen, IfMatch::Absent, &body)
        .await;
    assert_eq!(res.status(), 409, "{}", res.text());
    assert!(res.problem().detail.contains(&in_days(21).to_string()));
    let last_day = in_days(21).and_hms_opt(22, 0, 0).unwrap().and_utc();
    let in_time = app.another_process_with(|o| o.clock = Clock::Fixed(last_day));
    let res = bergen
        .at(&in_time.base)
        .put(&at_bergen, IfMatch::Absent, &body)
        .await;
    assert_eq!(
        res.status(),
        201,
        "the deadline's own day is in time: {}",
        res.text()
    );

    let path = format!("/api/v1/announcements/{}", a.id);
    let etag = app.etag(&path).await;
    assert_eq!(vendor.delete(&path, &etag).await.status(), 200);
    let res = bergen.put(&at_bergen, IfMatch::Absent, &body).await;
    assert_eq!(res.status(), 409, "{}", res.text());
    assert!(res.problem().detail.contains("withdrawn"));
}

per_engine!(the_change_takes_effect_once_across_processes);
per_engine!(no_answer_after_the_deadline_or_once_withdrawn);

/// A POST with no body, as the task endpoint takes.
async fn post_empty(actor: &Actor, path: &str) -> Answer {
    Answer::of(actor.request(reqwest::Method::POST, path)).await
}
