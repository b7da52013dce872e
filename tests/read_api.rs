//! The public read API through real HTTP, on SQLite and PostgreSQL, over the seeded catalogue.

mod common;

use common::TestApp;
use serde_json::Value;

const SEEDED: [&str; 5] = [
    "alle-teller",
    "glupus",
    "kikora",
    "learning-id",
    "sykkeldyktig",
];

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

async fn the_five_seeded_services_are_listed_with_their_vendors(app: TestApp) {
    let body = app.json("/api/v1/services").await;
    let items = body["items"].as_array().unwrap();
    let pairs: Vec<(&str, &str)> = items
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap(),
                i["vendor"]["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("alle-teller", "matematikksenteret"),
            ("glupus", "aanestad-edtech"),
            ("kikora", "eldur-learning"),
            ("learning-id", "cerpus"),
            ("sykkeldyktig", "trygg-trafikk"),
        ]
    );
    assert!(body["next_cursor"].is_null());
    assert!(items.iter().all(|i| i["status"] == "active"));
}

async fn kikora_sends_data_outside_the_eea_under_privacy_shield(app: TestApp) {
    let p = app.json("/api/v1/services/kikora").await;
    assert_eq!(p["vendor"]["name"], "Eldur Learning AS");
    let third = strs(&p["third_countries"]);
    assert!(
        third.contains(&"US".to_owned()) && third.contains(&"NZ".to_owned()),
        "{third:?}"
    );
    let flags = strs(&p["flags"]);
    for f in [
        "third_country_transfer",
        "invalid_transfer_mechanism",
        "no_attribute_declaration",
    ] {
        assert!(flags.contains(&f.to_owned()), "kikora lacks {f}: {flags:?}");
    }
    assert_eq!(p["terms"]["breach_notice_hours"], 24);
    assert!(!flags.contains(&"no_breach_deadline".to_owned()));
    let shield: Vec<&str> = p["sub_processors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["transfer_mechanism"] == "privacy_shield")
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert!(!shield.is_empty(), "no Privacy Shield sub-processor in {p}");
    assert_eq!(p["sources"][0]["date"], "2018-12-18");
    assert_eq!(p["attributes"], serde_json::json!([]));
}

async fn glupus_scopes_are_resolved_to_the_attributes_they_release(app: TestApp) {
    let p = app.json("/api/v1/services/glupus").await;
    let attrs = p["attributes"].as_array().unwrap();
    let find = |name: &str| {
        attrs
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("glupus lacks {name}: {p}"))
    };
    assert_eq!(strs(&find("mail")["via_scopes"]), vec!["email"]);
    assert_eq!(find("mail")["declared"], false);
    assert_eq!(
        strs(&find("eduPersonPrincipalName")["via_scopes"]),
        vec!["userid-feide"]
    );
    assert!(find("displayName")["via_scopes"]
        .as_array()
        .unwrap()
        .contains(&Value::from("userinfo-name")));
    let scopes: Vec<&str> = p["oidc_scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scope"].as_str().unwrap())
        .collect();
    for s in [
        "userinfo-name",
        "userid-feide",
        "email",
        "groups-org",
        "groups-edu",
    ] {
        assert!(scopes.contains(&s), "{scopes:?}");
    }
}

async fn outside_eea_lists_only_services_with_third_countries(app: TestApp) {
    let outside = app.ids("/api/v1/services?outside_eea=true").await;
    let inside = app.ids("/api/v1/services?outside_eea=false").await;
    assert_eq!(outside, vec!["kikora"]);
    assert_eq!(inside.len() + outside.len(), SEEDED.len());
    for id in &inside {
        let p = app.json(&format!("/api/v1/services/{id}")).await;
        assert_eq!(p["third_countries"], serde_json::json!([]), "{id}");
    }
}

async fn each_filter_narrows_the_list_to_the_services_it_names(app: TestApp) {
    let cases: &[(&str, &[&str])] = &[
        ("vendor=eldur-learning", &["kikora"]),
        ("vendor=nobody", &[]),
        ("sub_processor=microsoft-azure", &["kikora", "sykkeldyktig"]),
        ("sub_processor=proisp", &["glupus"]),
        ("country=NL", &["sykkeldyktig"]),
        ("country=NZ", &["kikora"]),
        ("transfer_mechanism=privacy_shield", &["kikora"]),
        ("flag=invalid_transfer_mechanism", &["kikora"]),
        ("flag=no_attribute_declaration", &["kikora"]),
        (
            "flag=third_country_transfer&flag=no_attribute_declaration",
            &["kikora"],
        ),
        ("flag=third_country_transfer&flag=sensitive_attributes", &[]),
        ("status=active", &SEEDED),
        ("status=retired", &[]),
        ("updated_since=2000-01-01", &SEEDED),
        ("updated_since=2999-01-01T00:00:00Z", &[]),
        ("q=kikora", &["kikora"]),
        ("q=KIKORA", &["kikora"]),
        ("q=ELDUR", &["kikora"]),
        (
            "attribute=eduPersonEntitlement&vendor=aanestad-edtech",
            &["glupus"],
        ),
    ];
    for (query, expected) in cases {
        let got = app.ids(&format!("/api/v1/services?{query}")).await;
        assert_eq!(
            got,
            expected.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "?{query}"
        );
    }
}

async fn repeated_attribute_filters_must_all_match(app: TestApp) {
    let mail = app.ids("/api/v1/services?attribute=mail").await;
    let entitlement = app
        .ids("/api/v1/services?attribute=eduPersonEntitlement")
        .await;
    let both = app
        .ids("/api/v1/services?attribute=mail&attribute=eduPersonEntitlement")
        .await;
    assert!(
        mail.contains(&"glupus".to_owned()) && mail.contains(&"learning-id".to_owned()),
        "{mail:?}"
    );
    let expected: Vec<String> = mail
        .iter()
        .filter(|id| entitlement.contains(id))
        .cloned()
        .collect();
    assert_eq!(both, expected);
    assert!(!both.is_empty());
}

async fn the_free_text_search_matches_norwegian_letters_in_any_case(app: TestApp) {
    // Matematikksenteret's service text is Norwegian; æ/ø/å must match across case.
    let lower = app.ids("/api/v1/services?q=kartlegging").await;
    assert_eq!(lower, vec!["alle-teller"]);
    let all_with_oe: Vec<String> = app.ids("/api/v1/services?q=%C3%B8").await; // "ø"
    let all_with_upper_oe: Vec<String> = app.ids("/api/v1/services?q=%C3%98").await; // "Ø"
    assert_eq!(all_with_oe, all_with_upper_oe);
    assert!(!all_with_oe.is_empty());
}

async fn sensitivity_filter_finds_services_receiving_high_sensitivity_attributes(app: TestApp) {
    let high = app.ids("/api/v1/services?sensitivity=high").await;
    let flagged = app.ids("/api/v1/services?flag=sensitive_attributes").await;
    assert_eq!(high, flagged);
    for id in &high {
        let p = app.json(&format!("/api/v1/services/{id}")).await;
        assert!(
            p["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["sensitivity"] == "high"),
            "{id}"
        );
    }
    let low = app.ids("/api/v1/services?sensitivity=low").await;
    assert!(low.contains(&"learning-id".to_owned()), "{low:?}");
}

async fn pages_follow_cursors_and_link_headers_without_gaps_or_repeats(app: TestApp) {
    for sort in ["id", "-id", "name", "-name", "updated_at", "-updated_at"] {
        let mut seen = Vec::new();
        let mut path = format!("/api/v1/services?limit=2&sort={sort}");
        let mut pages = 0;
        loop {
            let res = app.get(&path).await;
            assert_eq!(res.status(), 200, "{path}");
            let link = res
                .headers()
                .get("link")
                .map(|v| v.to_str().unwrap().to_owned());
            let body: Value = res.json().await.unwrap();
            let items = body["items"].as_array().unwrap();
            assert!(items.len() <= 2);
            seen.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
            pages += 1;
            match body["next_cursor"].as_str() {
                None => {
                    assert!(link.is_none(), "last page with a Link header");
                    break;
                }
                Some(cursor) => {
                    let link = link.expect("Link header on a page with a next cursor");
                    assert!(link.ends_with("rel=\"next\""), "{link}");
                    let target = link
                        .trim_start_matches('<')
                        .split('>')
                        .next()
                        .unwrap()
                        .to_owned();
                    assert!(target.contains(&format!("cursor={cursor}")), "{link}");
                    path = target;
                }
            }
        }
        assert_eq!(pages, 3, "{sort}");
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), SEEDED.len(), "{sort}: {seen:?}");
        if sort == "-id" {
            assert_eq!(
                seen,
                SEEDED
                    .iter()
                    .rev()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
            );
        }
    }
}

async fn an_unchanged_resource_answers_304_to_its_etag(app: TestApp) {
    for path in [
        "/api/v1/services/kikora",
        "/api/v1/services?outside_eea=true",
        "/api/v1/attributes",
    ] {
        let first = app.get(path).await;
        let etag = first
            .headers()
            .get("etag")
            .expect("ETag")
            .to_str()
            .unwrap()
            .to_owned();
        let again = app
            .client
            .get(app.url(path))
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert!(again.bytes().await.unwrap().is_empty());
        let other = app
            .client
            .get(app.url(path))
            .header("If-None-Match", "\"stale\"")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 200, "{path}");
    }
}

async fn lists_answer_csv_for_spreadsheets(app: TestApp) {
    let res = app
        .client
        .get(app.url("/api/v1/services?outside_eea=true"))
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(headers[0], "id");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "kikora");
    let third = headers.iter().position(|h| h == "third_countries").unwrap();
    assert!(rows[0][third].split(';').any(|c| c == "US"), "{text}");

    for path in [
        "/api/v1/attributes",
        "/api/v1/vendors",
        "/api/v1/sub-processors",
        "/api/v1/countries",
        "/api/v1/oidc-scopes",
    ] {
        let res = app
            .client
            .get(app.url(path))
            .header("Accept", "text/csv")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let text = res.text().await.unwrap();
        assert!(text.lines().count() > 1, "{path}: {text}");
    }
    let refused = app
        .client
        .get(app.url("/api/v1/services"))
        .header("Accept", "application/xml")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 406);
}

async fn texts_follow_accept_language(app: TestApp) {
    let get = |lang: &'static str| {
        let app = &app;
        async move {
            let res = app
                .client
                .get(app.url("/api/v1/countries/DE"))
                .header("Accept-Language", lang)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            let content_language = res.headers()["content-language"]
                .to_str()
                .unwrap()
                .to_owned();
            let body: Value = res.json().await.unwrap();
            (content_language, body["name"].as_str().unwrap().to_owned())
        }
    };
    assert_eq!(get("en").await, ("en".to_owned(), "Germany".to_owned()));
    assert_eq!(
        get("nb-NO, en;q=0.5").await,
        ("nb".to_owned(), "Tyskland".to_owned())
    );
    assert_eq!(get("fr, nn;q=0.8, en;q=0.5").await.0, "nn");
    assert_eq!(get("fr").await.0, "nb");

    let en = app
        .client
        .get(app.url("/api/v1/attributes/mail"))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    let en: Value = en.json().await.unwrap();
    let nb = app.json("/api/v1/attributes/mail").await;
    assert_ne!(en["description"], nb["description"]);
    assert!(en["description"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("mail"));
}

async fn bad_parameters_are_answered_with_every_problem_listed(app: TestApp) {
    let p = app
        .problem("/api/v1/services?outside_eea=maybe&colour=red&limit=0&cursor=forged&sort=size&attribute=notAnAttribute&country=no&status=active&status=retired", 400)
        .await;
    let pointers: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    for name in [
        "outside_eea",
        "colour",
        "limit",
        "cursor",
        "sort",
        "attribute",
        "country",
        "status",
    ] {
        assert!(pointers.contains(&name), "{name} missing from {p}");
    }
    for (path, name) in [
        ("/api/v1/services?limit=501", "limit"),
        ("/api/v1/services?flag=bogus", "flag"),
        ("/api/v1/services?updated_since=yesterday", "updated_since"),
        ("/api/v1/services?sensitivity=extreme", "sensitivity"),
        ("/api/v1/services?data_subject=cats", "data_subject"),
        (
            "/api/v1/services?transfer_mechanism=handshake",
            "transfer_mechanism",
        ),
        ("/api/v1/attributes?scope=nope", "scope"),
        ("/api/v1/countries?eea=yes", "eea"),
        ("/api/v1/countries?adequacy=some", "adequacy"),
        ("/api/v1/vendors?org_number=918781294", "org_number"),
        ("/api/v1/sub-processors?country=XX", "country"),
        ("/api/v1/services/kikora?verbose=true", "verbose"),
    ] {
        let p = app.problem(path, 400).await;
        assert_eq!(p["errors"][0]["pointer"], name, "{path}: {p}");
    }
    // a cursor issued for one sort is refused under another
    let page = app.json("/api/v1/services?limit=1&sort=name").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    app.problem(
        &format!("/api/v1/services?limit=1&sort=id&cursor={cursor}"),
        400,
    )
    .await;
}

async fn unknown_resources_are_404_problems_and_wrong_methods_405(app: TestApp) {
    for path in [
        "/api/v1/services/nope",
        "/api/v1/vendors/nope",
        "/api/v1/sub-processors/nope",
        "/api/v1/countries/XX",
        "/api/v1/attributes/nope",
        "/api/v1/nothing-here",
    ] {
        app.problem(path, 404).await;
    }
    let res = app
        .client
        .delete(app.url("/api/v1/attributes"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
}

async fn the_attribute_catalogue_lists_feide_attributes_with_scopes_and_sensitivity(app: TestApp) {
    let all = app.json("/api/v1/attributes?limit=500").await;
    let items = all["items"].as_array().unwrap();
    assert!(items.len() >= 44, "{}", items.len());
    let by_name = |n: &str| {
        items
            .iter()
            .find(|a| a["name"] == n)
            .unwrap_or_else(|| panic!("no {n}"))
            .clone()
    };
    for high in ["norEduPersonNIN", "norEduPersonBirthDate", "jpegPhoto"] {
        assert_eq!(by_name(high)["sensitivity"], "high", "{high}");
    }
    assert_eq!(strs(&by_name("mail")["oidc_scopes"]), vec!["email"]);
    assert_eq!(by_name("norEduPersonNIN")["oid"], "1.3.6.1.4.1.2428.90.1.5");

    let names = app.json("/api/v1/attributes?scope=userinfo-name").await;
    let names: Vec<&str> = names["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    for n in ["cn", "displayName", "givenName", "sn"] {
        assert!(names.contains(&n), "{names:?}");
    }
    let high = app.json("/api/v1/attributes?sensitivity=high").await;
    assert!(high["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["sensitivity"] == "high"));

    let scopes = app.json("/api/v1/oidc-scopes").await;
    let email = scopes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == "email")
        .unwrap()
        .clone();
    assert_eq!(strs(&email["attributes"]), vec!["mail"]);
    let nin = scopes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == "userid-nin")
        .unwrap()
        .clone();
    assert_eq!(nin["justification_required"], true);
}

async fn an_attribute_lists_every_service_receiving_it_and_why(app: TestApp) {
    let mail = app.json("/api/v1/attributes/mail").await;
    let uses = mail["services"].as_array().unwrap();
    let glupus = uses
        .iter()
        .find(|u| u["service"]["id"] == "glupus")
        .expect("glupus receives mail via email");
    assert_eq!(glupus["declared"], false);
    assert_eq!(strs(&glupus["via_scopes"]), vec!["email"]);
    let learning = uses
        .iter()
        .find(|u| u["service"]["id"] == "learning-id")
        .expect("learning-id declares mail");
    assert_eq!(learning["declared"], true);
    let listed = app.ids("/api/v1/services?attribute=mail").await;
    let mut from_attribute: Vec<String> = uses
        .iter()
        .map(|u| u["service"]["id"].as_str().unwrap().to_owned())
        .collect();
    from_attribute.sort();
    assert_eq!(from_attribute, listed);
}

async fn vendors_carry_org_numbers_and_their_services(app: TestApp) {
    let ids = app.ids("/api/v1/vendors").await;
    assert_eq!(
        ids,
        vec![
            "aanestad-edtech",
            "cerpus",
            "eldur-learning",
            "matematikksenteret",
            "trygg-trafikk"
        ]
    );
    let eldur = app.json("/api/v1/vendors/eldur-learning").await;
    assert_eq!(eldur["org_number"], "918781293");
    assert_eq!(eldur["services"][0]["id"], "kikora");
    let by_org = app.ids("/api/v1/vendors?org_number=970%20133%20410").await;
    assert_eq!(by_org, vec!["trygg-trafikk"]);
    assert_eq!(
        app.ids("/api/v1/vendors?country=SE").await,
        Vec::<String>::new()
    );
}

async fn sub_processors_list_the_services_using_them(app: TestApp) {
    let azure = app.json("/api/v1/sub-processors/microsoft-azure").await;
    let uses = azure["services"].as_array().unwrap();
    let sykkel = uses
        .iter()
        .find(|u| u["service"]["id"] == "sykkeldyktig")
        .expect("sykkeldyktig uses Azure");
    assert!(sykkel["locations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["country"] == "NL"));
    assert!(strs(&azure["countries"]).contains(&"NL".to_owned()));
    let us = app.ids("/api/v1/sub-processors?country=US").await;
    assert!(!us.is_empty());
    for id in &us {
        let p = app.json(&format!("/api/v1/sub-processors/{id}")).await;
        assert!(strs(&p["countries"]).contains(&"US".to_owned()), "{id}");
    }
    let proisp = app.json("/api/v1/sub-processors/proisp").await;
    assert_eq!(proisp["org_number"], "896907662");
}

async fn countries_carry_eea_and_adequacy_and_who_uses_them(app: TestApp) {
    let us = app.json("/api/v1/countries/US").await;
    assert_eq!(us["eea"], false);
    assert_eq!(us["adequacy"], "partial");
    assert!(us["adequacy_note"]
        .as_str()
        .unwrap()
        .contains("Data Privacy Framework"));
    assert!(us["services"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["service"]["id"] == "kikora"));
    let no = app.json("/api/v1/countries/NO").await;
    assert_eq!(
        (no["eea"].clone(), no["eu"].clone(), no["adequacy"].clone()),
        (true.into(), false.into(), "eea".into())
    );
    let nz = app.json("/api/v1/countries/NZ").await;
    assert_eq!(nz["adequacy"], "full");

    let eea = app.json("/api/v1/countries?eea=true&limit=500").await;
    assert_eq!(eea["items"].as_array().unwrap().len(), 30);
    let all = app.json("/api/v1/countries?limit=500").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 249);
    let in_use = app.json("/api/v1/countries?in_use=true&eea=false").await;
    let codes: Vec<&str> = in_use["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"US") && codes.contains(&"NZ"), "{codes:?}");
}

async fn facets_count_each_value_over_the_whole_filtered_set(app: TestApp) {
    let all = app
        .json("/api/v1/services?facets=attribute,country,sub_processor,flag,vendor&limit=1")
        .await;
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        1,
        "the page is one item, the counts cover all"
    );
    let facets = all["facets"].as_object().unwrap();
    let filters = [
        ("attribute", "attribute"),
        ("country", "country"),
        ("sub_processor", "sub_processor"),
        ("flag", "flag"),
        ("vendor", "vendor"),
    ];
    for (facet, filter) in filters {
        let values = facets[facet]
            .as_array()
            .unwrap_or_else(|| panic!("no {facet} facet: {all}"));
        assert!(!values.is_empty(), "{facet}");
        let counts: Vec<u64> = values
            .iter()
            .map(|v| v["count"].as_u64().unwrap())
            .collect();
        assert!(
            counts.windows(2).all(|w| w[0] >= w[1]),
            "{facet} not most frequent first: {counts:?}"
        );
        for v in values {
            let value = v["value"].as_str().unwrap();
            let listed = app
                .ids(&format!("/api/v1/services?{filter}={value}&limit=500"))
                .await;
            assert_eq!(
                v["count"].as_u64().unwrap() as usize,
                listed.len(),
                "{facet}={value}"
            );
        }
    }
    // counts follow the filters
    let outside = app
        .json("/api/v1/services?outside_eea=true&facets=vendor")
        .await;
    assert_eq!(
        outside["facets"]["vendor"],
        serde_json::json!([{"value": "eldur-learning", "count": 1}])
    );
    assert!(app.json("/api/v1/services").await.get("facets").is_none());
    let p = app
        .problem("/api/v1/services?facets=country,colour", 400)
        .await;
    assert_eq!(p["errors"][0]["pointer"], "facets");
}

async fn free_text_results_are_ranked_by_relevance(app: TestApp) {
    // "learning" is Learning-ID's name (and in a purpose), but only Kikora's vendor and purposes
    assert_eq!(
        app.ids("/api/v1/services?q=learning").await,
        vec!["learning-id", "kikora"]
    );
    assert_eq!(
        app.ids("/api/v1/services?q=learning&sort=id").await,
        vec!["kikora", "learning-id"]
    );
    // every word must match somewhere
    assert_eq!(
        app.ids("/api/v1/services?q=eldur%20programvare").await,
        vec!["kikora"]
    );
    assert_eq!(
        app.ids("/api/v1/services?q=eldur%20sykkel").await,
        Vec::<String>::new()
    );
    // relevance pages like any other sort
    let first = app.json("/api/v1/services?q=learning&limit=1").await;
    let cursor = first["next_cursor"].as_str().unwrap();
    assert_eq!(
        app.ids(&format!(
            "/api/v1/services?q=learning&limit=1&cursor={cursor}"
        ))
        .await,
        vec!["kikora"]
    );
    app.problem("/api/v1/services?sort=relevance", 400).await;
}

async fn health_and_readiness_answer(app: TestApp) {
    assert_eq!(app.json("/healthz").await["status"], "ok");
    assert_eq!(app.json("/readyz").await["status"], "ok");
    app.get("/api/v1/services/nope").await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let count = |class: &str| -> u64 {
        let prefix = format!("feide_registry_http_requests_total{{class=\"{class}\"}} ");
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("{metrics}"))
            .parse()
            .unwrap()
    };
    assert!(count("2xx") >= 2, "{metrics}");
    assert!(count("4xx") >= 1, "{metrics}");
}

on_both_engines!(
    the_five_seeded_services_are_listed_with_their_vendors,
    kikora_sends_data_outside_the_eea_under_privacy_shield,
    glupus_scopes_are_resolved_to_the_attributes_they_release,
    outside_eea_lists_only_services_with_third_countries,
    each_filter_narrows_the_list_to_the_services_it_names,
    repeated_attribute_filters_must_all_match,
    the_free_text_search_matches_norwegian_letters_in_any_case,
    sensitivity_filter_finds_services_receiving_high_sensitivity_attributes,
    pages_follow_cursors_and_link_headers_without_gaps_or_repeats,
    an_unchanged_resource_answers_304_to_its_etag,
    lists_answer_csv_for_spreadsheets,
    texts_follow_accept_language,
    bad_parameters_are_answered_with_every_problem_listed,
    unknown_resources_are_404_problems_and_wrong_methods_405,
    the_attribute_catalogue_lists_feide_attributes_with_scopes_and_sensitivity,
    an_attribute_lists_every_service_receiving_it_and_why,
    vendors_carry_org_numbers_and_their_services,
    sub_processors_list_the_services_using_them,
    countries_carry_eea_and_adequacy_and_who_uses_them,
    health_and_readiness_answer,
    facets_count_each_value_over_the_whole_filtered_set,
    free_text_results_are_ranked_by_relevance,
    every_read_answers_head_with_the_headers_of_get,
    the_root_links_the_docs_and_every_collection,
);

/// A newcomer at `/` finds the documentation and the collections, and every link works.
async fn the_root_links_the_docs_and_every_collection(app: TestApp) {
    let root = app.json("/").await;
    let mut links = vec![
        root["docs"].as_str().unwrap().to_owned(),
        root["openapi"].as_str().unwrap().to_owned(),
    ];
    let collections = root["collections"].as_object().unwrap();
    for name in [
        "services",
        "vendors",
        "sub_processors",
        "countries",
        "attributes",
    ] {
        assert!(collections.contains_key(name), "{name} is not linked");
    }
    links.extend(collections.values().map(|v| v.as_str().unwrap().to_owned()));
    for link in links {
        assert_eq!(app.get(&link).await.status(), 200, "{link}");
    }
}

/// HEAD, which every `Allow` lists, answers 200 with the GET's headers and no body.
async fn every_read_answers_head_with_the_headers_of_get(app: TestApp) {
    for path in [
        "/healthz",
        "/readyz",
        "/openapi.json",
        "/api/v1/services",
        "/api/v1/services/kikora",
        "/api/v1/services/kikora/history",
        "/api/v1/vendors",
        "/api/v1/vendors/eldur-learning",
        "/api/v1/vendors/eldur-learning/history",
        "/api/v1/attributes",
        "/api/v1/attributes/cn",
        "/api/v1/oidc-scopes",
        "/api/v1/sub-processors",
        "/api/v1/sub-processors/raygun",
        "/api/v1/countries",
        "/api/v1/countries/NO",
        "/api/v1/compare?services=kikora,glupus",
        "/api/v1/changes",
    ] {
        let get = app.get(path).await;
        assert_eq!(get.status(), 200, "GET {path}");
        let head = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), 200, "HEAD {path}");
        for name in ["etag", "content-type", "content-length"] {
            assert_eq!(
                head.headers().get(name),
                get.headers().get(name),
                "HEAD {path}: {name}"
            );
        }
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path}: a body"
        );
    }
}
