//! Compare and portfolio reports through HTTP, on both engines, over the seeded catalogue and a
//! generated one of hundreds of services.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::TestApp;
use serde_json::{json, Value};

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

async fn post_portfolio(app: &TestApp, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/reports/portfolio"))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn kikora_and_sykkeldyktig_compared_side_by_side(app: TestApp) {
    let c = app
        .json("/api/v1/compare?services=kikora,sykkeldyktig")
        .await;
    assert_eq!(
        c["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["kikora", "sykkeldyktig"]
    );
    let attrs = c["attributes"].as_array().unwrap();
    assert_eq!(
        attrs.len(),
        17,
        "every attribute Sykkeldyktig receives, none for Kikora"
    );
    for a in attrs {
        assert_eq!(a["differs"], true, "{a}");
        assert!(a["cells"][0].is_null());
        assert!(a["cells"][1]["justification"].is_string(), "{a}");
    }
    let row = |section: &str, key: &str, field: &str| -> Value {
        c[section]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[field] == key)
            .unwrap_or_else(|| panic!("no {section} {key}"))
            .clone()
    };
    let us = row("countries", "US", "code");
    assert_eq!(us["adequacy"], "partial");
    assert!(us["cells"][1].is_null());
    let by = strs(&us["cells"][0]["by"]);
    assert!(
        by.contains(&"salesforce".to_owned()) && by.contains(&"sentry".to_owned()),
        "{by:?}"
    );
    let nl = row("countries", "NL", "code");
    assert!(nl["cells"][0].is_null());
    assert_eq!(strs(&nl["cells"][1]["by"]), vec!["microsoft-azure"]);
    let azure = row("sub_processors", "microsoft-azure", "id");
    assert!(azure["cells"][0].is_object() && azure["cells"][1].is_object());
    assert_eq!(azure["cells"][1]["purpose"], "Hosting av tjenesten");
    assert_eq!(
        row("terms", "breach_notice_hours", "term")["values"],
        json!([24, null])
    );
    assert_eq!(
        row("terms", "termination_notice_days", "term")["values"],
        json!([null, 90])
    );
    assert_eq!(
        row("flags", "invalid_transfer_mechanism", "flag")["cells"],
        json!([true, false])
    );
    assert_eq!(
        row("flags", "no_breach_deadline", "flag")["cells"],
        json!([false, true])
    );

    // the order asked for is the order of every cell
    let reversed = app
        .json("/api/v1/compare?services=sykkeldyktig,kikora")
        .await;
    let terms = reversed["terms"].as_array().unwrap();
    let breach = terms
        .iter()
        .find(|t| t["term"] == "breach_notice_hours")
        .unwrap();
    assert_eq!(breach["values"], json!([null, 24]));
}

async fn glupus_and_learning_id_differ_in_what_they_receive(app: TestApp) {
    let c = app
        .json("/api/v1/compare?services=glupus,learning-id")
        .await;
    let attrs = c["attributes"].as_array().unwrap();
    let shared: Vec<&str> = attrs
        .iter()
        .filter(|a| a["differs"] == false)
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    for name in ["cn", "displayName", "givenName", "sn", "mail", "uid"] {
        assert!(
            shared.contains(&name),
            "{name} should be received by both: {shared:?}"
        );
    }
    let entitlement = attrs
        .iter()
        .find(|a| a["name"] == "eduPersonEntitlement")
        .unwrap();
    assert_eq!(entitlement["differs"], true);
    assert_eq!(
        strs(&entitlement["cells"][0]["via_scopes"]),
        vec!["groups-edu"]
    );
    assert!(entitlement["cells"][1].is_null());
    assert_eq!(entitlement["received_by"], 1);
}

async fn a_comparison_downloads_as_a_spreadsheet(app: TestApp) {
    let res = app
        .client
        .get(app.url("/api/v1/compare?services=kikora,glupus"))
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
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
    let p = app.problem("/api/v1/compare?services=kikora", 400).await;
    assert!(p["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("2 to 20"));
    let p = app
        .problem("/api/v1/compare?services=kikora,nope,kikora", 400)
        .await;
    let details: Vec<String> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"].as_str().unwrap().to_owned())
        .collect();
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
    let res = post_portfolio(&app, &json!({"services": ["kikora", "glupus", "sykkeldyktig", "learning-id", "alle-teller", "kikora", "nope"]})).await;
    assert_eq!(res.status(), 200);
    let r: Value = res.json().await.unwrap();
    assert_eq!(
        strs(&r["services"]),
        vec![
            "kikora",
            "glupus",
            "sykkeldyktig",
            "learning-id",
            "alle-teller"
        ]
    );
    assert_eq!(strs(&r["unknown"]), vec!["nope"]);
    let country = |code: &str| {
        r["countries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .unwrap_or_else(|| panic!("{code}"))
            .clone()
    };
    assert_eq!(strs(&country("US")["services"]), vec!["kikora"]);
    assert_eq!(strs(&country("NL")["services"]), vec!["sykkeldyktig"]);
    let transfers = r["third_country_transfers"].as_array().unwrap();
    assert!(transfers.iter().all(|t| t["service"] == "kikora"));
    let salesforce = transfers.iter().find(|t| t["by"] == "salesforce").unwrap();
    assert_eq!(
        (
            salesforce["country"].clone(),
            salesforce["transfer_mechanism"].clone()
        ),
        (json!("US"), json!("privacy_shield"))
    );
    let subs = r["sub_processors"].as_array().unwrap();
    assert_eq!(
        subs[0]["id"], "microsoft-azure",
        "the most used sub-processor comes first"
    );
    assert_eq!(strs(&subs[0]["services"]), vec!["kikora", "sykkeldyktig"]);
    let w = &r["weakest_terms"];
    assert_eq!(
        w["longest_deletion"],
        json!({"days": 540, "services": ["kikora"]})
    );
    assert_eq!(
        w["shortest_change_notice"],
        json!({"days": 30, "services": ["glupus"]})
    );
    assert_eq!(
        strs(&w["no_breach_deadline"]),
        vec!["glupus", "sykkeldyktig", "learning-id", "alle-teller"]
    );
    let flag = r["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["flag"] == "third_country_transfer")
        .unwrap();
    assert_eq!(strs(&flag["services"]), vec!["kikora"]);
    assert_eq!(
        r["high_sensitivity_attributes"],
        json!([]),
        "no seeded service receives a high-sensitivity attribute"
    );

    let csv = app
        .client
        .post(app.url("/api/v1/reports/portfolio"))
        .header("Accept", "text/csv")
        .json(&json!({"services": ["kikora", "nope"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("section,key,detail,services\n"), "{text}");
    assert!(text.contains("unknown_service,nope"), "{text}");
    assert!(
        text.contains("third_country_transfer,US,salesforce (privacy_shield),kikora"),
        "{text}"
    );
}

async fn bad_portfolio_requests_are_refused_with_problems(app: TestApp) {
    let url = app.url("/api/v1/reports/portfolio");
    let send = |body: Vec<u8>, ct: &'static str| {
        let client = app.client.clone();
        let url = url.clone();
        async move {
            client
                .post(url)
                .header("Content-Type", ct)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let cases: Vec<(Vec<u8>, &str, u16)> = vec![
        (b"{not json".to_vec(), "application/json", 400),
        (
            br#"{"services": "kikora"}"#.to_vec(),
            "application/json",
            400,
        ),
        (
            br#"{"services": ["kikora"], "extra": 1}"#.to_vec(),
            "application/json",
            400,
        ),
        (br#"["kikora"]"#.to_vec(), "application/json", 400),
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
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{shown}"
        );
    }
    let res = app.get("/api/v1/reports/portfolio").await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "POST");
}

/// Paging a filtered list page by page gives exactly the rows, in order, of the whole filtered
/// list: the paged walk (which stops after each page) agrees with the full filter-and-sort.
async fn filtered_pages_add_up_to_the_whole_filtered_list(app: TestApp) {
    let catalogue = common::generated_catalogue(300, 11);
    app.import(&catalogue).await;
    for (filter, sort) in [
        ("outside_eea=true", "id"),
        ("outside_eea=true", "-id"),
        ("attribute=mail&outside_eea=false", "id"),
        ("sub_processor=gen-sub-00", "-id"),
    ] {
        // with facets the whole filtered set is computed: the reference order
        let whole: Vec<String> = app
            .json(&format!(
                "/api/v1/services?{filter}&sort={sort}&limit=500&facets=vendor"
            ))
            .await["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(whole.len() > 20, "{filter}: {}", whole.len());
        let mut paged = Vec::new();
        let mut path = format!("/api/v1/services?{filter}&sort={sort}&limit=7");
        loop {
            let body = app.json(&path).await;
            paged.extend(
                body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["id"].as_str().unwrap().to_owned()),
            );
            match body["next_cursor"].as_str() {
                Some(c) => {
                    path = format!("/api/v1/services?{filter}&sort={sort}&limit=7&cursor={c}")
                }
                None => break,
            }
        }
        assert_eq!(paged, whole, "{filter} sorted by {sort}");
    }
}

async fn reports_over_a_generated_catalogue_count_every_service(app: TestApp) {
    let catalogue = common::generated_catalogue(300, 7);
    app.import(&catalogue).await;
    let chosen: Vec<String> = catalogue
        .services
        .iter()
        .step_by(2)
        .map(|s| s.id.clone())
        .take(150)
        .collect();
    let res = post_portfolio(&app, &json!({ "services": chosen })).await;
    assert_eq!(res.status(), 200);
    let r: Value = res.json().await.unwrap();

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
    let got: BTreeMap<String, BTreeSet<String>> = r["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                strs(&c["services"]).into_iter().collect(),
            )
        })
        .collect();
    assert_eq!(got, countries);
    let got_subs: Vec<(String, usize)> = r["sub_processors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_owned(),
                p["services"].as_array().unwrap().len(),
            )
        })
        .collect();
    let mut want_subs: Vec<(String, usize)> =
        subs.iter().map(|(k, v)| (k.clone(), v.len())).collect();
    want_subs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    assert_eq!(got_subs, want_subs, "sub-processors, most used first");
    assert_eq!(r["weakest_terms"]["longest_deletion"]["days"], longest);
    let nin = r["high_sensitivity_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "norEduPersonNIN")
        .unwrap();
    let want_nin = catalogue
        .services
        .iter()
        .filter(|s| {
            chosen.contains(&s.id) && s.attributes.iter().any(|a| a.name == "norEduPersonNIN")
        })
        .count();
    assert_eq!(nin["services"].as_array().unwrap().len(), want_nin);

    // facets over the whole catalogue agree with the data too
    let all = app
        .json("/api/v1/services?facets=sub_processor,country&limit=1")
        .await;
    let facet_subs: BTreeMap<String, u64> = all["facets"]["sub_processor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_owned(),
                v["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let seeded = feide_registry::app::read_catalogue(&common::seed_file()).unwrap();
    for (id, n) in &facet_subs {
        let want = catalogue
            .services
            .iter()
            .chain(&seeded.services)
            .filter(|s| s.sub_processors.iter().any(|u| &u.id == id))
            .count();
        assert_eq!(*n as usize, want, "{id}");
    }
    // ranked search across hundreds: name hits before purpose-only hits
    let ranked = app.ids("/api/v1/services?q=kartlegging&limit=500").await;
    let want = 1 + catalogue
        .services
        .iter()
        .filter(|s| {
            s.purposes
                .iter()
                .any(|p| p.to_lowercase().contains("kartlegging"))
        })
        .count();
    assert_eq!(ranked.len(), want);
    assert_eq!(
        ranked[0], "alle-teller",
        "described as kartleggingstester in its name-adjacent texts"
    );

    // a comparison of the most different pair still has one cell per service in every row
    let c = app
        .json("/api/v1/compare?services=gen-0000,gen-0001,gen-0002,kikora")
        .await;
    for section in ["attributes", "countries", "sub_processors"] {
        for row in c[section].as_array().unwrap() {
            assert_eq!(
                row["cells"].as_array().unwrap().len(),
                4,
                "{section}: {row}"
            );
        }
    }
}

/// The answer of a request: status, the headers a client relies on, and the bytes.
async fn answer(res: reqwest::Response) -> (u16, Vec<Option<String>>, Vec<u8>) {
    let headers = ["etag", "link", "content-type", "content-language"]
        .iter()
        .map(|h| {
            res.headers()
                .get(*h)
                .map(|v| v.to_str().unwrap().to_owned())
        })
        .collect();
    (
        res.status().as_u16(),
        headers,
        res.bytes().await.unwrap().to_vec(),
    )
}

/// Answers kept for a snapshot are the answers themselves: asked again, every header and byte
/// is the same, conditional requests still work, and a different representation or body is
/// never answered from another's entry.
async fn repeated_requests_get_the_same_answer(app: TestApp) {
    let get = |path: &str, accept: &str, lang: &str| {
        app.client
            .get(app.url(path))
            .header("Accept", accept)
            .header("Accept-Language", lang)
            .send()
    };
    let list = "/api/v1/services?limit=2&facets=country,flag";
    let first = answer(get(list, "application/json", "nb").await.unwrap()).await;
    assert_eq!(first.0, 200);
    assert!(first.1[1].as_deref().unwrap().contains("rel=\"next\""));
    for _ in 0..3 {
        assert_eq!(
            answer(get(list, "application/json", "nb").await.unwrap()).await,
            first
        );
    }
    let csv = answer(get(list, "text/csv", "nb").await.unwrap()).await;
    assert_eq!(csv.1[2].as_deref(), Some("text/csv; charset=utf-8"));
    assert_ne!(csv.2, first.2);
    let res = app
        .client
        .get(app.url(list))
        .header("If-None-Match", first.1[0].as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    let compare = "/api/v1/compare?services=kikora,sykkeldyktig";
    let nb = answer(get(compare, "application/json", "nb").await.unwrap()).await;
    let en = answer(get(compare, "application/json", "en").await.unwrap()).await;
    assert_eq!(nb.1[3].as_deref(), Some("nb"));
    assert_eq!(en.1[3].as_deref(), Some("en"));
    assert_eq!(
        answer(get(compare, "application/json", "en").await.unwrap()).await,
        en
    );

    let two = json!({"services": ["kikora", "glupus"]});
    let three = json!({"services": ["kikora", "glupus", "learning-id"]});
    let a = answer(post_portfolio(&app, &two).await).await;
    let b = answer(post_portfolio(&app, &three).await).await;
    assert_ne!(a.2, b.2, "another body, another report");
    assert_eq!(answer(post_portfolio(&app, &two).await).await, a);
    let report: Value = serde_json::from_slice(&b.2).unwrap();
    assert_eq!(report["services"].as_array().unwrap().len(), 3, "{report}");
}

/// The portfolio report takes its body as the write endpoints take theirs: the same media types
/// are refused with the same problem document, and the same spellings of JSON accepted.
async fn the_portfolio_takes_json_as_the_writes_do(app: TestApp) {
    let token = app.token("vendor", Some("trygg-trafikk")).await;
    let post = |path: &'static str, ct: &'static str| {
        app.client
            .post(app.url(path))
            .bearer_auth(&token)
            .header("Content-Type", ct)
            .body(r#"{"services": ["kikora"]}"#)
            .send()
    };
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
    ] {
        let report = post("/api/v1/reports/portfolio", ct).await.unwrap();
        let write = post("/api/v1/services", ct).await.unwrap();
        assert_eq!(report.status(), 415, "{ct}");
        assert_eq!(write.status(), 415, "{ct}");
        let report: Value = report.json().await.unwrap();
        let write: Value = write.json().await.unwrap();
        assert_eq!(report, write, "{ct}");
    }
    let res = post(
        "/api/v1/reports/portfolio",
        "Application/JSON; charset=utf-8",
    )
    .await
    .unwrap();
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
