//! The public read API through real HTTP, on SQLite and PostgreSQL, over the seeded catalogue.

use feide_registry::domain::catalogue::{Status, TransferMechanism};
use feide_registry::domain::facets::Facet;
use feide_registry::domain::flags::Flag;
use feide_registry::domain::reference::{Adequacy, Sensitivity};
use feide_registry::http::views::{
    AttributeDetail, AttributeList, CountryDetail, CountryList, ScopeList, ServiceList,
    ServiceProfile, SubProcessorView, VendorView,
};
use reqwest::Method;

use crate::helpers::views::{Health, Root};
use crate::helpers::{Answer, TestApp};

const SEEDED: [&str; 5] = [
    "alle-teller",
    "glupus",
    "kikora",
    "learning-id",
    "sykkeldyktig",
];

/// A GET with extra request headers.
async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut rb = app.request(Method::GET, path);
    for (name, value) in headers {
        rb = rb.header(*name, *value);
    }
    Answer::of(rb).await
}

async fn the_five_seeded_services_are_listed_with_their_vendors(app: TestApp) {
    let list: ServiceList = app.read("/api/v1/services").await;
    let pairs: Vec<(&str, &str)> = list
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.vendor.id.as_str()))
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
    assert!(list.next_cursor.is_none());
    assert!(list.items.iter().all(|i| i.status == Status::Active));
}

async fn kikora_sends_data_outside_the_eea_under_privacy_shield(app: TestApp) {
    let p: ServiceProfile = app.read("/api/v1/services/kikora").await;
    assert_eq!(p.vendor.name, "Eldur Learning AS");
    let third = &p.third_countries;
    assert!(
        third.contains(&"US".to_owned()) && third.contains(&"NZ".to_owned()),
        "{third:?}"
    );
    for f in [
        Flag::ThirdCountryTransfer,
        Flag::InvalidTransferMechanism,
        Flag::NoAttributeDeclaration,
    ] {
        assert!(p.flags.contains(&f), "kikora lacks {f:?}: {:?}", p.flags);
    }
    assert_eq!(p.terms.breach_notice_hours, Some(24));
    assert!(!p.flags.contains(&Flag::NoBreachDeadline));
    let shield: Vec<&str> = p
        .sub_processors
        .iter()
        .filter(|u| {
            u.transfer_mechanisms
                .contains(&TransferMechanism::PrivacyShield)
        })
        .map(|u| u.id.as_str())
        .collect();
    assert!(
        !shield.is_empty(),
        "no Privacy Shield sub-processor in kikora"
    );
    assert_eq!(p.sources[0].date.as_deref(), Some("2018-12-18"));
    assert!(p.attributes.is_empty());
}

async fn glupus_scopes_are_resolved_to_the_attributes_they_release(app: TestApp) {
    let p: ServiceProfile = app.read("/api/v1/services/glupus").await;
    let find = |name: &str| {
        p.attributes
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("glupus lacks {name}"))
    };
    assert_eq!(find("mail").via_scopes, vec!["email"]);
    assert!(!find("mail").declared);
    assert_eq!(
        find("eduPersonPrincipalName").via_scopes,
        vec!["userid-feide"]
    );
    assert!(find("displayName")
        .via_scopes
        .contains(&"userinfo-name".to_owned()));
    let scopes: Vec<&str> = p.oidc_scopes.iter().map(|s| &*s.scope).collect();
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
    for id in &inside {
        let p: ServiceProfile = app.read(&format!("/api/v1/services/{id}")).await;
        assert!(p.third_countries.is_empty(), "{id}");
        assert!(!p.flags.contains(&Flag::LocationNotStated), "{id}");
    }
    // only Learning-ID states where all its data is; the rest leave some place unstated (or name
    // only a company's address), so they are neither known inside nor known outside, except
    // Kikora, whose sub-processors are established outside the EEA
    assert_eq!(inside, vec!["learning-id"]);
    let unknown: Vec<&str> = SEEDED
        .iter()
        .copied()
        .filter(|id| !inside.iter().chain(&outside).any(|x| x == id))
        .collect();
    assert_eq!(unknown, vec!["alle-teller", "glupus", "sykkeldyktig"]);
}

/// Alle-teller states no country for itself or its one sub-processor; Sykkeldyktig lists a
/// sub-processor (Inkrement) without a country; Glupus and Kikora name only their sub-processors'
/// registered addresses, which say nothing of where the data is. Unknown is not safe: all four
/// carry the flag, and none is taken for a service that keeps its data inside the EEA.
async fn a_service_that_does_not_say_where_its_data_is_is_flagged(app: TestApp) {
    let unstated = ["alle-teller", "glupus", "kikora", "sykkeldyktig"];
    for id in unstated {
        let p: ServiceProfile = app.read(&format!("/api/v1/services/{id}")).await;
        assert!(
            p.flags.contains(&Flag::LocationNotStated),
            "{id}: {:?}",
            p.flags
        );
    }
    let learning_id: ServiceProfile = app.read("/api/v1/services/learning-id").await;
    assert!(!learning_id.flags.contains(&Flag::LocationNotStated));
    let flagged = app.ids("/api/v1/services?flag=location_not_stated").await;
    assert_eq!(flagged, unstated);
    let inside = app.ids("/api/v1/services?outside_eea=false").await;
    let outside = app.ids("/api/v1/services?outside_eea=true").await;
    for id in ["alle-teller", "glupus", "sykkeldyktig"] {
        assert!(!inside.iter().any(|x| x == id), "{id} in {inside:?}");
        assert!(!outside.iter().any(|x| x == id), "{id} in {outside:?}");
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
        let p: ServiceProfile = app.read(&format!("/api/v1/services/{id}")).await;
        assert!(
            p.attributes
                .iter()
                .any(|a| a.sensitivity == Sensitivity::High),
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
            let answer = app.get(&path).await;
            let link = answer.link("next");
            let target = answer.link_path("next");
            let page: ServiceList = answer.ok();
            assert!(page.items.len() <= 2);
            seen.extend(page.items.into_iter().map(|i| i.id));
            pages += 1;
            match page.next_cursor {
                None => {
                    assert!(link.is_none(), "last page with a next link");
                    break;
                }
                Some(cursor) => {
                    let link = link.expect("a next link on a page with a next cursor");
                    assert!(link.contains(&format!("cursor={cursor}")), "{link}");
                    path = target.unwrap();
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
        let etag = app.etag(path).await;
        let again = get_with(&app, path, &[("If-None-Match", &etag.0)]).await;
        assert_eq!(again.status(), 304, "{path}");
        assert!(again.body.is_empty());
        let other = get_with(&app, path, &[("If-None-Match", "\"stale\"")]).await;
        assert_eq!(other.status(), 200, "{path}");
    }
}

async fn lists_answer_csv_for_spreadsheets(app: TestApp) {
    let res = get_with(
        &app,
        "/api/v1/services?outside_eea=true",
        &[("Accept", "text/csv")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = res.text();
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
        let res = get_with(&app, path, &[("Accept", "text/csv")]).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.text().lines().count() > 1, "{path}: {}", res.text());
    }
    let refused = get_with(&app, "/api/v1/services", &[("Accept", "application/xml")]).await;
    assert_eq!(refused.status(), 406);
}

async fn texts_follow_accept_language(app: TestApp) {
    let get = |lang: &'static str| {
        let app = &app;
        async move {
            let res = get_with(app, "/api/v1/countries/DE", &[("Accept-Language", lang)]).await;
            let country: CountryDetail = res.ok();
            let content_language = res.header("content-language").unwrap().to_owned();
            (content_language, country.country.name)
        }
    };
    assert_eq!(get("en").await, ("en".to_owned(), "Germany".to_owned()));
    assert_eq!(
        get("nb-NO, en;q=0.5").await,
        ("nb".to_owned(), "Tyskland".to_owned())
    );
    assert_eq!(get("fr, nn;q=0.8, en;q=0.5").await.0, "nn");
    assert_eq!(get("fr").await.0, "nb");

    let en: AttributeDetail = get_with(
        &app,
        "/api/v1/attributes/mail",
        &[("Accept-Language", "en")],
    )
    .await
    .ok();
    let nb: AttributeDetail = app.read("/api/v1/attributes/mail").await;
    assert_ne!(en.attribute.description, nb.attribute.description);
    assert!(en.attribute.description.to_lowercase().contains("mail"));
}

async fn bad_parameters_are_answered_with_every_problem_listed(app: TestApp) {
    let p = app
        .problem("/api/v1/services?outside_eea=maybe&colour=red&limit=0&cursor=forged&sort=size&attribute=notAnAttribute&country=no&status=active&status=retired", 400)
        .await;
    let pointers: Vec<&str> = p.errors.iter().map(|e| e.pointer.as_str()).collect();
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
        assert!(pointers.contains(&name), "{name} missing from {p:?}");
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
        assert_eq!(p.errors[0].pointer, name, "{path}: {p:?}");
    }
    // a cursor issued for one sort is refused under another
    let page: ServiceList = app.read("/api/v1/services?limit=1&sort=name").await;
    let cursor = page.next_cursor.unwrap();
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
    let res = Answer::of(app.request(Method::DELETE, "/api/v1/attributes")).await;
    assert_eq!(res.status(), 405);
}

async fn the_attribute_catalogue_lists_feide_attributes_with_scopes_and_sensitivity(app: TestApp) {
    let all: AttributeList = app.read("/api/v1/attributes?limit=500").await;
    assert!(all.items.len() >= 44, "{}", all.items.len());
    let by_name = |n: &str| {
        all.items
            .iter()
            .find(|a| a.name == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };
    for high in ["norEduPersonNIN", "norEduPersonBirthDate", "jpegPhoto"] {
        assert_eq!(by_name(high).sensitivity, Sensitivity::High, "{high}");
    }
    assert_eq!(by_name("mail").oidc_scopes, vec!["email"]);
    assert_eq!(
        by_name("norEduPersonNIN").oid.as_deref(),
        Some("1.3.6.1.4.1.2428.90.1.5")
    );

    let names: AttributeList = app.read("/api/v1/attributes?scope=userinfo-name").await;
    let names: Vec<&str> = names.items.iter().map(|a| a.name.as_str()).collect();
    for n in ["cn", "displayName", "givenName", "sn"] {
        assert!(names.contains(&n), "{names:?}");
    }
    let high: AttributeList = app.read("/api/v1/attributes?sensitivity=high").await;
    assert!(high
        .items
        .iter()
        .all(|a| a.sensitivity == Sensitivity::High));

    let scopes: ScopeList = app.read("/api/v1/oidc-scopes").await;
    let email = scopes.items.iter().find(|s| s.scope == "email").unwrap();
    assert_eq!(email.attributes, vec!["mail"]);
    let nin = scopes
        .items
        .iter()
        .find(|s| s.scope == "userid-nin")
        .unwrap();
    assert!(nin.justification_required);
}

async fn where_the_registry_rates_an_attribute_unlike_feide_it_says_why(app: TestApp) {
    // Feide itself rates a birth date low; the registry's policy rates it high and must say so.
    let en: AttributeDetail = get_with(
        &app,
        "/api/v1/attributes/norEduPersonBirthDate",
        &[("Accept-Language", "en")],
    )
    .await
    .ok();
    assert_eq!(en.attribute.sensitivity, Sensitivity::High);
    let note = en
        .attribute
        .sensitivity_note
        .expect("a note on the birth date");
    assert!(note.contains("Feide rates a birth date as low"), "{note}");
    let nb: AttributeDetail = get_with(
        &app,
        "/api/v1/attributes/norEduPersonBirthDate",
        &[("Accept-Language", "nb")],
    )
    .await
    .ok();
    assert!(nb
        .attribute
        .sensitivity_note
        .unwrap()
        .contains("Feide vurderer"));
    // identifiers that single out one person are at least medium under the policy
    for id in [
        "eduPersonTargetedID",
        "eduPersonOrcid",
        "eduPersonPrincipalName",
    ] {
        let a: AttributeDetail = app.read(&format!("/api/v1/attributes/{id}")).await;
        assert_ne!(a.attribute.sensitivity, Sensitivity::Low, "{id}");
    }
    let mail: AttributeDetail = app.read("/api/v1/attributes/mail").await;
    assert_eq!(mail.attribute.sensitivity_note, None);
    // Feide releases eduPersonEntitlement through two attribute groups
    let ent: AttributeDetail = app.read("/api/v1/attributes/eduPersonEntitlement").await;
    assert_eq!(
        ent.attribute.oidc_scopes,
        vec!["groups-edu", "userinfo-entitlement"]
    );
    let scopes: ScopeList = app.read("/api/v1/oidc-scopes").await;
    let entitlement = scopes
        .items
        .iter()
        .find(|s| s.scope == "userinfo-entitlement")
        .unwrap();
    assert_eq!(entitlement.attributes, vec!["eduPersonEntitlement"]);
}

async fn an_attribute_lists_every_service_receiving_it_and_why(app: TestApp) {
    let mail: AttributeDetail = app.read("/api/v1/attributes/mail").await;
    let uses = &mail.services;
    let glupus = uses
        .iter()
        .find(|u| u.service.id == "glupus")
        .expect("glupus receives mail via email");
    assert!(!glupus.declared);
    assert_eq!(glupus.via_scopes, vec!["email"]);
    let learning = uses
        .iter()
        .find(|u| u.service.id == "learning-id")
        .expect("learning-id declares mail");
    assert!(learning.declared);
    let listed = app.ids("/api/v1/services?attribute=mail").await;
    let mut from_attribute: Vec<String> = uses.iter().map(|u| u.service.id.clone()).collect();
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
    let eldur: VendorView = app.read("/api/v1/vendors/eldur-learning").await;
    assert_eq!(eldur.org_number.as_deref(), Some("918781293"));
    assert_eq!(eldur.services[0].id, "kikora");
    let by_org = app.ids("/api/v1/vendors?org_number=970%20133%20410").await;
    assert_eq!(by_org, vec!["trygg-trafikk"]);
    assert_eq!(
        app.ids("/api/v1/vendors?country=SE").await,
        Vec::<String>::new()
    );
}

async fn sub_processors_list_the_services_using_them(app: TestApp) {
    let azure: SubProcessorView = app.read("/api/v1/sub-processors/microsoft-azure").await;
    let sykkel = azure
        .services
        .iter()
        .find(|u| u.service.id == "sykkeldyktig")
        .expect("sykkeldyktig uses Azure");
    assert!(sykkel.locations.iter().any(|l| l.country == "NL"));
    assert!(azure.countries.contains(&"NL".to_owned()));
    let us = app.ids("/api/v1/sub-processors?country=US").await;
    assert!(!us.is_empty());
    for id in &us {
        let p: SubProcessorView = app.read(&format!("/api/v1/sub-processors/{id}")).await;
        assert!(p.countries.contains(&"US".to_owned()), "{id}");
    }
    let proisp: SubProcessorView = app.read("/api/v1/sub-processors/proisp").await;
    assert_eq!(
        proisp.sub_processor.org_number.as_deref(),
        Some("896907662")
    );
}

async fn countries_carry_eea_and_adequacy_and_who_uses_them(app: TestApp) {
    let us: CountryDetail = app.read("/api/v1/countries/US").await;
    assert!(!us.country.eea);
    assert_eq!(us.country.adequacy, Adequacy::Partial);
    assert!(us
        .country
        .adequacy_note
        .as_deref()
        .unwrap()
        .contains("Data Privacy Framework"));
    assert!(us.services.iter().any(|u| u.service.id == "kikora"));
    let no: CountryDetail = app.read("/api/v1/countries/NO").await;
    assert_eq!(
        (no.country.eea, no.country.eu, no.country.adequacy),
        (true, false, Adequacy::Eea)
    );
    let nz: CountryDetail = app.read("/api/v1/countries/NZ").await;
    assert_eq!(nz.country.adequacy, Adequacy::Full);

    let eea: CountryList = app.read("/api/v1/countries?eea=true&limit=500").await;
    assert_eq!(eea.items.len(), 30);
    let all: CountryList = app.read("/api/v1/countries?limit=500").await;
    assert_eq!(all.items.len(), 249);
    let in_use: CountryList = app.read("/api/v1/countries?in_use=true&eea=false").await;
    let codes: Vec<&str> = in_use.items.iter().map(|c| c.code.as_str()).collect();
    assert!(codes.contains(&"US") && codes.contains(&"NZ"), "{codes:?}");
}

async fn facets_count_each_value_over_the_whole_filtered_set(app: TestApp) {
    let all: ServiceList = app
        .read("/api/v1/services?facets=attribute,country,sub_processor,flag,vendor&limit=1")
        .await;
    assert_eq!(
        all.items.len(),
        1,
        "the page is one item, the counts cover all"
    );
    let facets = all.facets.expect("facets");
    let filters = [
        (Facet::Attribute, "attribute"),
        (Facet::Country, "country"),
        (Facet::SubProcessor, "sub_processor"),
        (Facet::Flag, "flag"),
        (Facet::Vendor, "vendor"),
    ];
    for (facet, filter) in filters {
        let values = facets
            .get(&facet)
            .unwrap_or_else(|| panic!("no {facet:?} facet"));
        assert!(!values.is_empty(), "{facet:?}");
        let counts: Vec<usize> = values.iter().map(|v| v.count).collect();
        assert!(
            counts.windows(2).all(|w| w[0] >= w[1]),
            "{facet:?} not most frequent first: {counts:?}"
        );
        for v in values {
            let listed = app
                .ids(&format!("/api/v1/services?{filter}={}&limit=500", v.value))
                .await;
            assert_eq!(v.count, listed.len(), "{facet:?}={}", v.value);
        }
    }
    // counts follow the filters
    let outside: ServiceList = app
        .read("/api/v1/services?outside_eea=true&facets=vendor")
        .await;
    let vendors: Vec<(&str, usize)> = outside.facets.as_ref().unwrap()[&Facet::Vendor]
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    assert_eq!(vendors, [("eldur-learning", 1)]);
    // the raw shape: no `facets` key at all unless asked for
    let plain: serde_json::Value = app.read("/api/v1/services").await;
    assert!(plain.get("facets").is_none());
    let p = app
        .problem("/api/v1/services?facets=country,colour", 400)
        .await;
    assert_eq!(p.errors[0].pointer, "facets");
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
    let first: ServiceList = app.read("/api/v1/services?q=learning&limit=1").await;
    let cursor = first.next_cursor.unwrap();
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
    assert_eq!(app.read::<Health>("/healthz").await.status, "ok");
    assert_eq!(app.read::<Health>("/readyz").await.status, "ok");
    app.get("/api/v1/services/nope").await;
    let metrics = app.get("/metrics").await;
    let metrics = metrics.text();
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

/// A newcomer at `/` finds the documentation and the collections, and every link works.
async fn the_root_links_the_docs_and_every_collection(app: TestApp) {
    let root: Root = app.read("/").await;
    let mut links = vec![root.docs, root.openapi];
    for name in [
        "services",
        "vendors",
        "sub_processors",
        "countries",
        "attributes",
    ] {
        assert!(root.collections.contains_key(name), "{name} is not linked");
    }
    links.extend(root.collections.into_values());
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
        let head = app.head(path).await;
        assert_eq!(head.status(), 200, "HEAD {path}");
        for name in ["etag", "content-type", "content-length"] {
            assert_eq!(
                head.headers.get(name),
                get.headers.get(name),
                "HEAD {path}: {name}"
            );
        }
        assert!(head.body.is_empty(), "HEAD {path}: a body");
    }
}

on_both_engines!(
    the_five_seeded_services_are_listed_with_their_vendors,
    kikora_sends_data_outside_the_eea_under_privacy_shield,
    glupus_scopes_are_resolved_to_the_attributes_they_release,
    outside_eea_lists_only_services_with_third_countries,
    a_service_that_does_not_say_where_its_data_is_is_flagged,
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
    where_the_registry_rates_an_attribute_unlike_feide_it_says_why,
    vendors_carry_org_numbers_and_their_services,
    sub_processors_list_the_services_using_them,
    countries_carry_eea_and_adequacy_and_who_uses_them,
    health_and_readiness_answer,
    facets_count_each_value_over_the_whole_filtered_set,
    free_text_results_are_ranked_by_relevance,
    every_read_answers_head_with_the_headers_of_get,
    the_root_links_the_docs_and_every_collection,
);
