//! Compare and portfolio reports through HTTP, on both engines, over the seeded catalogue and a
//! generated one of hundreds of services.

use std::collections::{BTreeMap, BTreeSet};

use feide_registry::domain::catalogue::TransferMechanism;
use feide_registry::domain::compare::Comparison;
use feide_registry::domain::facets::Facet;
use feide_registry::domain::flags::Flag;
use feide_registry::domain::portfolio::PortfolioReport;
use feide_registry::domain::reference::Adequacy;
use feide_registry::http::views::{ServiceList, ServiceSummary};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{seed_file, Answer, TestApp};

async fn post_portfolio(app: &TestApp, body: &Value) -> Answer {
    app.post("/api/v1/reports/portfolio", body).await
}

async fn kikora_and_sykkeldyktig_compared_side_by_side(app: TestApp) {
    let c: Comparison = app
        .read("/api/v1/compare?services=kikora,sykkeldyktig")
        .await;
    assert_eq!(
        c.services.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        vec!["kikora", "sykkeldyktig"]
    );
    assert_eq!(
        c.attributes.len(),
        17,
        "every attribute Sykkeldyktig receives, none for Kikora"
    );
    for a in &c.attributes {
        assert!(a.differs, "{a:?}");
        assert!(a.cells[0].is_none());
        assert!(
            a.cells[1].as_ref().unwrap().justification.is_some(),
            "{a:?}"
        );
    }
    let country = |code: &str| {
        c.countries
            .iter()
            .find(|r| r.code == code)
            .unwrap_or_else(|| panic!("no country {code}"))
    };
    let us = country("US");
    assert_eq!(us.adequacy, Adequacy::Partial);
    assert!(us.cells[1].is_none());
    let by = &us.cells[0].as_ref().unwrap().by;
    assert!(
        by.contains(&"salesforce".to_owned()) && by.contains(&"sentry".to_owned()),
        "{by:?}"
    );
    let nl = country("NL");
    assert!(nl.cells[0].is_none());
    assert_eq!(nl.cells[1].as_ref().unwrap().by, vec!["microsoft-azure"]);
    let azure = c
        .sub_processors
        .iter()
        .find(|r| r.id == "microsoft-azure")
        .unwrap();
    assert!(azure.cells[0].is_some());
    assert_eq!(
        azure.cells[1].as_ref().unwrap().purpose.as_deref(),
        Some("Hosting av tjenesten")
    );
    // term values are raw JSON: `null` where the agreement does not state the term
    let term = |c: &Comparison, name: &str| {
        c.terms
            .iter()
            .find(|t| t.term == name)
            .unwrap_or_else(|| panic!("no term {name}"))
            .values
            .clone()
    };
    assert_eq!(term(&c, "breach_notice_hours"), [json!(24), Value::Null]);
    assert_eq!(
        term(&c, "termination_notice_days"),
        [Value::Null, json!(91)]
    );
    let flag = |f: Flag| &c.flags.iter().find(|r| r.flag == f).unwrap().cells;
    assert_eq!(flag(Flag::InvalidTransferMechanism), &[true, false]);
    assert_eq!(flag(Flag::NoBreachDeadline), &[false, true]);

    // the order asked for is the order of every cell
    let reversed: Comparison = app
        .read("/api/v1/compare?services=sykkeldyktig,kikora")
        .await;
    assert_eq!(
        term(&reversed, "breach_notice_hours"),
        [Value::Null, json!(24)]
    );
}

async fn glupus_and_learning_id_differ_in_what_they_receive(app: TestApp) {
    let c: Comparison = app
        .read("/api/v1/compare?services=glupus,learning-id")
        .await;
    let shared: Vec<&str> = c
        .attributes
        .iter()
        .filter(|a| !a.differs)
        .map(|a| a.name.as_str())
        .collect();
    for name in ["cn", "displayName", "givenName", "sn", "mail", "uid"] {
        assert!(
            shared.contains(&name),
            "{name} should be received by both: {shared:?}"
        );
    }
    let entitlement = c
        .attributes
        .iter()
        .find(|a| a.name == "eduPersonEntitlement")
        .unwrap();
    assert!(entitlement.differs);
    assert_eq!(
        entitlement.cells[0].as_ref().unwrap().via_scopes,
        vec!["groups-edu"]
    );
    assert!(entitlement.cells[1].is_none());
    assert_eq!(entitlement.received_by, 1);
}

async fn a_comparison_downloads_as_a_spreadsheet(app: TestApp) {
    let res = Answer::of(
        app.request(Method::GET, "/api/v1/compare?services=kikora,glupus")
            .header("Accept", "text/csv"),
    )
    .await;
    assert_eq!(res.status(), 200);
    let mut reader = csv::Reader::from_reader(res.text().as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["section", "key", "kikora", "glupus"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let term = rows
        .iter()
        .find(|r| &r[0] == "term" && &r[1] == "sub_processor_notice_days")
        .expect("term row");
    assert_eq!((&term[2], &term[3]), ("42", "30"));
    let flag = rows
        .iter()
        .find(|r| &r[0] == "flag" && &r[1] == "third_country_transfer")
        .unwrap();
    assert_eq!((&flag[2], &flag[3]), ("yes", ""));
}

async fn a_bad_comparison_lists_every_problem(app: TestApp) {
    let p = app.problem_en("/api/v1/compare?services=kikora", 400).await;
    assert!(p.errors[0].detail.contains("2 to 20"));
    let p = app
        .problem_en("/api/v1/compare?services=kikora,nope,kikora", 400)
        .await;
    let details: Vec<&str> = p.errors.iter().map(|e| e.detail.as_str()).collect();
    assert!(details.iter().any(|d| d.contains("`nope`")), "{details:?}");
    assert!(details.iter().any(|d| d.contains("twice")), "{details:?}");
    app.problem("/api/v1/compare", 400).await;
    let many = vec!["kikora"; 21].join(",");
    app.problem(&format!("/api/v1/compare?services={many}"), 400)
        .await;
    app.problem("/api/v1/compare?services=kikora,glupus&extra=1", 400)
        .await;
}

async fn a_portfolio_report_over_the_seeded_catalogue(app: TestApp) {
    let r: PortfolioReport = post_portfolio(&app, &json!({"services": ["kikora", "glupus", "sykkeldyktig", "learning-id", "alle-teller", "kikora", "nope"]}))
        .await
        .ok();
    assert_eq!(
        r.services,
        vec![
            "kikora",
            "glupus",
            "sykkeldyktig",
            "learning-id",
            "alle-teller"
        ]
    );
    assert_eq!(r.unknown, vec!["nope"]);
    let country = |code: &str| {
        &r.countries
            .iter()
            .find(|c| c.code == code)
            .unwrap_or_else(|| panic!("{code}"))
            .services
    };
    assert_eq!(country("US"), &["kikora"]);
    assert_eq!(country("NL"), &["sykkeldyktig"]);
    let transfers = &r.third_country_transfers;
    assert!(transfers.iter().all(|t| t.service == "kikora"));
    let salesforce = transfers.iter().find(|t| t.by == "salesforce").unwrap();
    assert_eq!(
        (salesforce.country.as_str(), salesforce.transfer_mechanism),
        ("US", Some(TransferMechanism::Bcr))
    );
    assert_eq!(
        r.sub_processors[0].id, "microsoft-azure",
        "the most used sub-processor comes first"
    );
    assert_eq!(r.sub_processors[0].services, ["kikora", "sykkeldyktig"]);
    let w = &r.weakest_terms;
    let longest = w.longest_deletion.as_ref().unwrap();
    assert_eq!(
        (longest.days, &longest.services[..]),
        (548, &["kikora".to_owned()][..])
    );
    let shortest = w.shortest_change_notice.as_ref().unwrap();
    assert_eq!(
        (shortest.days, &shortest.services[..]),
        (30, &["glupus".to_owned()][..])
    );
    assert_eq!(
        w.no_breach_deadline,
        vec!["glupus", "sykkeldyktig", "learning-id", "alle-teller"]
    );
    let flag = r
        .flags
        .iter()
        .find(|f| f.flag == Flag::ThirdCountryTransfer)
        .unwrap();
    assert_eq!(flag.services, vec!["kikora"]);
    // services that do not say where their data is are counted apart, not among the countries
    // (Kikora and Glupus name only their sub-processors' registered addresses)
    assert_eq!(
        r.location_not_stated,
        vec!["kikora", "glupus", "sykkeldyktig", "alle-teller"]
    );
    assert!(r
        .countries
        .iter()
        .all(|c| !c.services.contains(&"alle-teller".to_owned())));
    assert!(
        r.high_sensitivity_attributes.is_empty(),
        "no seeded service receives a high-sensitivity attribute"
    );

    let csv = Answer::of(
        app.request(Method::POST, "/api/v1/reports/portfolio")
            .header("Accept", "text/csv")
            .json(&json!({"services": ["kikora", "nope"]})),
    )
    .await;
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = csv.text();
    assert!(text.starts_with("section,key,detail,services\n"), "{text}");
    assert!(text.contains("unknown_service,nope"), "{text}");
    assert!(
        text.contains(
            "third_country_transfer,US,\"salesforce (bcr, privacy_shield, scc; establishment)\",kikora"
        ),
        "{text}"
    );
}

async fn bad_portfolio_requests_are_refused_with_problems(app: TestApp) {
    let send = |body: Vec<u8>, ct: &'static str| {
        Answer::of(
            app.request(Method::POST, "/api/v1/reports/portfolio")
                .header("Content-Type", ct)
                .body(body),
        )
    };
    let cases: Vec<(Vec<u8>, &str, u16)> = vec![
        (b"{not json".to_vec(), "application/json", 400),
        // the wrong shape: named field by field, as the writes name theirs
        (
            br#"{"services": "kikora"}"#.to_vec(),
            "application/json",
            422,
        ),
        (
            br#"{"services": ["kikora"], "extra": 1}"#.to_vec(),
            "application/json",
            422,
        ),
        (br#"["kikora"]"#.to_vec(), "application/json", 422),
        (br#"{"services": []}"#.to_vec(), "application/json", 422),
        (
            serde_json::to_vec(&json!({"services": vec!["x"; 501]})).unwrap(),
            "application/json",
            422,
        ),
        (br#"{"services": ["kikora"]}"#.to_vec(), "text/plain", 415),
        (
            format!(r#"{{"services": ["{}"]}}"#, "a".repeat(70_000)).into_bytes(),
            "application/json",
            413,
        ),
    ];
    for (body, ct, status) in cases {
        let shown = String::from_utf8_lossy(&body[..body.len().min(40)]).into_owned();
        let res = send(body, ct).await;
        assert_eq!(res.status().as_u16(), status, "{shown} as {ct}");
        res.problem();
    }
    let res = app.get("/api/v1/reports/portfolio").await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("POST"));
}

/// Paging a filtered list page by page gives exactly the rows, in order, of the whole filtered
/// list: the paged walk (which stops after each page) agrees with the full filter-and-sort.
async fn filtered_pages_add_up_to_the_whole_filtered_list(app: TestApp) {
    let catalogue = feide_registry::domain::generate::catalogue(GENERATED, 11);
    app.import(&catalogue).await;
    let top = format!("sub_processor={}", catalogue.sub_processors[0].id);
    for (filter, sort) in [
        ("outside_eea=true", "id"),
        ("outside_eea=true", "-id"),
        ("attribute=mail&outside_eea=false", "id"),
        (top.as_str(), "-id"),
    ] {
        // with facets the whole filtered set is computed: the reference order
        let whole: ServiceList = app
            .read(&format!(
                "/api/v1/services?{filter}&sort={sort}&limit=500&facets=vendor"
            ))
            .await;
        let whole: Vec<String> = whole.items.into_iter().map(|i| i.id).collect();
        // more than two pages of seven
        assert!(whole.len() > 14, "{filter}: {}", whole.len());
        let paged: Vec<ServiceSummary> = app
            .every_page(&format!("/api/v1/services?{filter}&sort={sort}&limit=7"))
            .await;
        let paged: Vec<String> = paged.into_iter().map(|i| i.id).collect();
        assert_eq!(paged, whole, "{filter} sorted by {sort}");
    }
}

/// Services in the generated catalogues of this module.
const GENERATED: usize = 300;

async fn reports_over_a_generated_catalogue_count_every_service(app: TestApp) {
    let catalogue = feide_registry::domain::generate::catalogue(GENERATED, 7);
    app.import(&catalogue).await;
    let chosen: Vec<String> = catalogue
        .services
        .iter()
        .step_by(2)
        .map(|s| s.id.clone())
        .take(150)
        .collect();
    let r: PortfolioReport = post_portfolio(&app, &json!({ "services": chosen }))
        .await
        .ok();

    // expectations recomputed from the generated data itself
    let mut countries: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut subs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut longest = 0;
    for s in catalogue.services.iter().filter(|s| chosen.contains(&s.id)) {
        for l in &s.locations {
            countries
                .entry(l.country.to_string())
                .or_default()
                .insert(s.id.clone());
        }
        for u in &s.sub_processors {
            subs.entry(u.id.to_string())
                .or_default()
                .insert(s.id.clone());
            for l in &u.locations {
                countries
                    .entry(l.country.to_string())
                    .or_default()
                    .insert(s.id.clone());
            }
        }
        longest = longest.max(s.terms.deletion_days_after_end.unwrap_or(0));
    }
    let got: BTreeMap<String, BTreeSet<String>> = r
        .countries
        .iter()
        .map(|c| (c.code.clone(), c.services.iter().cloned().collect()))
        .collect();
    assert_eq!(got, countries);
    let got_subs: Vec<(String, usize)> = r
        .sub_processors
        .iter()
        .map(|p| (p.id.clone(), p.services.len()))
        .collect();
    let mut want_subs: Vec<(String, usize)> =
        subs.iter().map(|(k, v)| (k.clone(), v.len())).collect();
    want_subs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    assert_eq!(got_subs, want_subs, "sub-processors, most used first");
    assert_eq!(
        r.weakest_terms.longest_deletion.as_ref().unwrap().days,
        longest
    );
    let nin = r
        .high_sensitivity_attributes
        .iter()
        .find(|a| a.name == "norEduPersonNIN")
        .unwrap();
    let want_nin = catalogue
        .services
        .iter()
        .filter(|s| {
            chosen.contains(&s.id) && s.attributes.iter().any(|a| a.name == "norEduPersonNIN")
        })
        .count();
    assert_eq!(nin.services.len(), want_nin);

    // facets over the whole catalogue agree with the data too
    let all: ServiceList = app
        .read("/api/v1/services?facets=sub_processor,country&limit=1")
        .await;
    let seeded = feide_registry::app::read_catalogue(&seed_file()).unwrap();
    for v in &all.facets.unwrap()[&Facet::SubProcessor] {
        let want = catalogue
            .services
            .iter()
            .chain(&seeded.services)
            .filter(|s| s.sub_processors.iter().any(|u| u.id == v.value))
            .count();
        assert_eq!(v.count, want, "{}", v.value);
    }
    // ranked search across hundreds: name hits before purpose-only hits (the generator writes
    // its purposes into purposes and justifications alike)
    let ranked = app.ids("/api/v1/services?q=kartlegging&limit=500").await;
    let mentions = |text: &str| text.to_lowercase().contains("kartlegging");
    let want = 1 + catalogue
        .services
        .iter()
        .filter(|s| {
            s.purposes.iter().any(|p| mentions(p))
                || s.attributes
                    .iter()
                    .any(|a| a.justification.as_deref().is_some_and(mentions))
        })
        .count();
    assert_eq!(ranked.len(), want);
    let rank = |id: &str| ranked.iter().position(|r| r == id).unwrap();
    let purpose_only: Vec<&str> = catalogue
        .services
        .iter()
        .filter(|s| {
            s.purposes.iter().any(|p| mentions(p))
                && !s
                    .attributes
                    .iter()
                    .any(|a| a.justification.as_deref().is_some_and(mentions))
        })
        .map(|s| s.id.as_str())
        .collect();
    assert!(!purpose_only.is_empty());
    for id in purpose_only {
        assert!(
            rank("alle-teller") < rank(id),
            "alle-teller, described as kartleggingstester in its name-adjacent texts, ranks \
             after {id}, which has the word in a purpose only"
        );
    }

    // a comparison of the most different pair still has one cell per service in every row
    let ids: Vec<&str> = catalogue.services[..3]
        .iter()
        .map(|s| s.id.as_str())
        .chain(["kikora"])
        .collect();
    let c: Comparison = app
        .read(&format!("/api/v1/compare?services={}", ids.join(",")))
        .await;
    for cells in c
        .attributes
        .iter()
        .map(|r| r.cells.len())
        .chain(c.countries.iter().map(|r| r.cells.len()))
        .chain(c.sub_processors.iter().map(|r| r.cells.len()))
    {
        assert_eq!(cells, 4);
    }
}

/// What a client relies on in an answer: status, the headers it reads, and the bytes.
type Fingerprint = (u16, Vec<Option<String>>, bytes::Bytes);

fn fingerprint(a: &Answer) -> Fingerprint {
    let headers = ["etag", "link", "content-type", "content-language"]
        .iter()
        .map(|h| a.header(h).map(str::to_owned))
        .collect();
    (a.status().as_u16(), headers, a.body.clone())
}

/// Answers kept for a snapshot are the answers themselves: asked again, every header and byte
/// is the same, conditional requests still work, and a different representation or body is
/// never answered from another's entry.
async fn repeated_requests_get_the_same_answer(app: TestApp) {
    let get = |path: &str, accept: &str, lang: &str| {
        let request = app
            .request(Method::GET, path)
            .header("Accept", accept)
            .header("Accept-Language", lang);
        async move { fingerprint(&Answer::of(request).await) }
    };
    let list = "/api/v1/services?limit=2&facets=country,flag";
    let first = get(list, "application/json", "nb").await;
    assert_eq!(first.0, 200);
    assert!(first.1[1].as_deref().unwrap().contains("rel=\"next\""));
    for _ in 0..3 {
        assert_eq!(get(list, "application/json", "nb").await, first);
    }
    let csv = get(list, "text/csv", "nb").await;
    assert_eq!(csv.1[2].as_deref(), Some("text/csv; charset=utf-8"));
    assert_ne!(csv.2, first.2);
    let res = Answer::of(
        app.request(Method::GET, list)
            .header("If-None-Match", first.1[0].as_deref().unwrap()),
    )
    .await;
    assert_eq!(res.status(), 304);

    let compare = "/api/v1/compare?services=kikora,sykkeldyktig";
    let nb = get(compare, "application/json", "nb").await;
    let en = get(compare, "application/json", "en").await;
    assert_eq!(nb.1[3].as_deref(), Some("nb"));
    assert_eq!(en.1[3].as_deref(), Some("en"));
    assert_eq!(get(compare, "application/json", "en").await, en);

    let two = json!({"services": ["kikora", "glupus"]});
    let three = json!({"services": ["kikora", "glupus", "learning-id"]});
    let a = fingerprint(&post_portfolio(&app, &two).await);
    let b = post_portfolio(&app, &three).await;
    assert_ne!(a.2, b.body, "another body, another report");
    assert_eq!(fingerprint(&post_portfolio(&app, &two).await), a);
    let report: PortfolioReport = b.json();
    assert_eq!(report.services.len(), 3, "{report:?}");
}

/// The portfolio report takes its body as the write endpoints take theirs: the same media types
/// are refused with the same problem document, and the same spellings of JSON accepted.
async fn the_portfolio_takes_json_as_the_writes_do(app: TestApp) {
    let vendor = app.vendor("trygg-trafikk").await;
    let post = |path: &'static str, ct: &'static str| {
        Answer::of(
            vendor
                .request(Method::POST, path)
                .header("Content-Type", ct)
                .body(r#"{"services": ["kikora"]}"#),
        )
    };
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
    ] {
        let report = post("/api/v1/reports/portfolio", ct).await;
        let write = post("/api/v1/services", ct).await;
        assert_eq!(report.status(), 415, "{ct}");
        assert_eq!(write.status(), 415, "{ct}");
        // the very same document, field for field
        assert_eq!(report.json::<Value>(), write.json::<Value>(), "{ct}");
    }
    let res = post(
        "/api/v1/reports/portfolio",
        "Application/JSON; charset=utf-8",
    )
    .await;
    assert_eq!(res.status(), 200);
}

on_both_engines!(
    the_portfolio_takes_json_as_the_writes_do,
    repeated_requests_get_the_same_answer,
    kikora_and_sykkeldyktig_compared_side_by_side,
    glupus_and_learning_id_differ_in_what_they_receive,
    a_comparison_downloads_as_a_spreadsheet,
    a_bad_comparison_lists_every_problem,
    a_portfolio_report_over_the_seeded_catalogue,
    bad_portfolio_requests_are_refused_with_problems,
    reports_over_a_generated_catalogue_count_every_service,
    filtered_pages_add_up_to_the_whole_filtered_list,
);
