//! The pages for people, read as a browser reads them: every page type in nb, nn and en, the
//! facts with their sources, filters with counts, comparison, report and downloads, a
//! municipality's public list and its frame policy, and the links between pages and the API.

use feide_registry::http::views::{ServiceList, ServiceProfile};
use reqwest::Method;
use scraper::{Html, Selector};
use serde_json::json;

use crate::helpers::{spawn_with, Answer, Engine, IfMatch, TestApp};

/// A page as a browser asked for it: its answer and its parsed document.
struct Page {
    answer: Answer,
    doc: Html,
}

impl Page {
    fn all(&self, selector: &str) -> Vec<scraper::ElementRef<'_>> {
        let s = Selector::parse(selector).unwrap_or_else(|e| panic!("{selector}: {e:?}"));
        self.doc.select(&s).collect()
    }

    fn one(&self, selector: &str) -> scraper::ElementRef<'_> {
        let found = self.all(selector);
        assert_eq!(found.len(), 1, "one {selector} in {}", self.answer.text());
        found[0]
    }

    fn texts(&self, selector: &str) -> Vec<String> {
        self.all(selector).iter().map(|e| text(e)).collect()
    }

    fn attr(&self, selector: &str, name: &str) -> Vec<String> {
        self.all(selector)
            .iter()
            .filter_map(|e| e.value().attr(name).map(str::to_owned))
            .collect()
    }
}

fn text(e: &scraper::ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// GETs `path` as a browser does (HTML first).
async fn browse(app: &TestApp, path: &str) -> Page {
    browse_in(app, path, None).await
}

async fn browse_in(app: &TestApp, path: &str, accept_language: Option<&str>) -> Page {
    let mut request = app.request(Method::GET, path).header(
        "Accept",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    );
    if let Some(l) = accept_language {
        request = request.header("Accept-Language", l);
    }
    let answer = Answer::of(request).await;
    let doc = Html::parse_document(answer.text());
    Page { answer, doc }
}

/// Every kind of page, with a seeded entry.
const PAGES: [&str; 10] = [
    "/",
    "/services/kikora",
    "/vendors/eldur-learning",
    "/sub-processors/microsoft-azure",
    "/attributes/mail",
    "/countries/US",
    "/compare?services=kikora&services=sykkeldyktig",
    "/report?services=kikora&services=glupus",
    "/report",
    "/about",
];

fn with_lang(path: &str, lang: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}lang={lang}")
}

/// Every page is HTML in the language asked for, framed the same way (skip link first, one
/// `h1`, landmarks), links its JSON, and forbids inline script and framing.
async fn every_page_answers_in_each_language(app: TestApp) {
    for path in PAGES {
        for lang in ["nb", "nn", "en"] {
            let url = with_lang(path, lang);
            let page = browse(&app, &url).await;
            assert_eq!(page.answer.status(), 200, "{url}: {}", page.answer.text());
            let kind = page.answer.header("content-type").unwrap_or_default();
            assert_eq!(kind, "text/html; charset=utf-8", "{url}");
            assert_eq!(page.answer.header("content-language"), Some(lang), "{url}");
            assert_eq!(page.attr("html", "lang"), vec![lang.to_owned()], "{url}");
            let first_link = page
                .all("body a, body button, body input")
                .into_iter()
                .next();
            assert_eq!(
                first_link.and_then(|a| a.value().attr("class")),
                Some("skip-link"),
                "{url}"
            );
            page.one("main#main");
            page.one("h1");
            page.one("header nav[aria-label]:not(.lang-switch)");
            page.one("footer");
            let json = page.attr("link[rel=alternate][type='application/json']", "href");
            assert_eq!(json.len(), 1, "{url}");
            assert!(page.all("script, style, [style]").is_empty(), "{url}");
            let csp = page
                .answer
                .header("content-security-policy")
                .unwrap_or_default();
            for part in [
                "default-src 'none'",
                "style-src 'self'",
                "frame-ancestors 'none'",
            ] {
                assert!(csp.contains(part), "{url}: {csp}");
            }
            assert!(!csp.contains("unsafe-inline"), "{url}: {csp}");
        }
    }
    // without `lang`, Accept-Language decides; nb when it names none of the three
    for (accept, lang) in [("nn-NO,nn;q=0.9", "nn"), ("en-GB", "en"), ("de", "nb")] {
        let page = browse_in(&app, "/services/kikora", Some(accept)).await;
        assert_eq!(page.attr("html", "lang"), vec![lang.to_owned()], "{accept}");
    }
}

/// The words on a page differ by language: the same page in nb, nn and en says its headings in
/// each.
async fn the_service_page_is_translated(app: TestApp) {
    let mut headings = Vec::new();
    for lang in ["nb", "nn", "en"] {
        let page = browse(&app, &format!("/services/sykkeldyktig?lang={lang}")).await;
        headings.push(page.texts("section#terms h2"));
    }
    assert_eq!(headings[0], vec!["Vilkårene i avtalen"]);
    assert_eq!(headings[1], vec!["Vilkåra i avtalen"]);
    assert_eq!(headings[2], vec!["The agreement's terms"]);
}

/// A term on the service page shows the agreement's own words beside it and the document they
/// come from, as the JSON profile has them.
async fn the_service_page_shows_each_fact_with_its_source(app: TestApp) {
    for id in ["kikora", "sykkeldyktig"] {
        let profile: ServiceProfile = app.read(&format!("/api/v1/services/{id}")).await;
        let page = browse(&app, &format!("/services/{id}?lang=en")).await;
        assert_eq!(page.texts("h1"), vec![profile.name.clone()]);
        for section in [
            "attributes",
            "locations",
            "sub-processors",
            "terms",
            "flags",
            "announcements",
            "history",
        ] {
            page.one(&format!("section#{section}"));
        }
        let (term, words) = profile
            .terms
            .evidence
            .iter()
            .next()
            .unwrap_or_else(|| panic!("{id} has a term with evidence"));
        let source = &profile.sources[0].title;
        let rows = page.all("section#terms tbody tr");
        let row = rows
            .iter()
            .find(|r| r.text().collect::<String>().contains(words.as_str()))
            .unwrap_or_else(|| panic!("{id}: no row quotes the words of {term}"));
        let quoted = Selector::parse("blockquote.evidence").unwrap();
        assert!(
            row.select(&quoted).any(|q| text(&q).contains(words.trim())),
            "{term}"
        );
        assert!(text(row).contains(source.as_str()), "{term}: {}", text(row));
        // every flag is explained in a sentence, in the page's language
        let flags = page.texts("section#flags li");
        assert_eq!(flags.len(), profile.flags.len(), "{id}");
        for (f, shown) in profile.flags.iter().zip(&flags) {
            assert!(
                shown.contains(&f.rule_in(feide_registry::domain::reference::Lang::En)),
                "{shown}"
            );
        }
    }
    // an attribute the service receives, with its sensitivity and why
    let page = browse(&app, "/services/sykkeldyktig?lang=en").await;
    let attributes = page.texts("section#attributes tbody th[scope=row]");
    assert!(attributes.iter().any(|a| a == "mail"), "{attributes:?}");
}

/// The service page tells its history in plain words: who changed what, and a changed term from
/// its old value to its new one, newest first, down to the registration.
async fn the_service_page_tells_its_history(app: TestApp) {
    let before: ServiceProfile = app.read("/api/v1/services/sykkeldyktig").await;
    let old = before
        .terms
        .deletion_days_after_end
        .expect("Sykkeldyktig states a deletion period");
    let vendor = app.vendor("trygg-trafikk").await;
    // a new day count with the statement it came from dropped: they must agree
    let patch = json!({"terms": {"deletion_days_after_end": 45, "stated": {"deletion_days_after_end": null}},
        "website": "https://sykkeldyktig.no/personvern"});
    let changed = vendor
        .patch("/api/v1/services/sykkeldyktig", IfMatch::Any, &patch)
        .await;
    assert_eq!(changed.status(), 200, "{}", changed.text());
    let after: ServiceProfile = app.read("/api/v1/services/sykkeldyktig").await;

    let page = browse(&app, "/services/sykkeldyktig?lang=en").await;
    let rows = page.all("section#history tbody tr");
    let revisions: Vec<String> = rows
        .iter()
        .map(|r| text(&r.select(&Selector::parse("th").unwrap()).next().unwrap()))
        .collect();
    let expected: Vec<String> = (1..=after.revision).rev().map(|n| n.to_string()).collect();
    assert_eq!(revisions, expected, "newest first, each revision once");
    let newest = text(&rows[0]);
    assert!(newest.contains("The vendor"), "{newest}");
    let lines: Vec<String> = rows[0]
        .select(&Selector::parse("li").unwrap())
        .map(|l| text(&l))
        .collect();
    assert_eq!(
        lines,
        [
            format!("Deletion after the agreement ends: {old} days → 45 days"),
            "Website".to_owned()
        ]
    );
    let oldest = text(rows.last().unwrap());
    assert!(oldest.contains("Registered"), "{oldest}");
    // the same history in Norwegian
    let page = browse(&app, "/services/sykkeldyktig?lang=nb").await;
    let newest = page.texts("section#history tbody tr li");
    assert_eq!(
        newest[0],
        format!("Sletting etter at avtalen er slutt: {old} dager → 45 dager")
    );
}

/// The facets are links with counts; following one narrows the results to exactly the services
/// the API's list gives for that filter, and the count says how many.
async fn filters_narrow_the_home_page_and_show_counts(app: TestApp) {
    let home = browse(&app, "/?lang=en").await;
    let all: ServiceList = app.read("/api/v1/services").await;
    assert_eq!(home.all("ul.results > li").len(), all.items.len());
    let countries = home.all("section[aria-labelledby=facet-country] a");
    let us = countries
        .iter()
        .find(|a| {
            a.value()
                .attr("href")
                .is_some_and(|h| h.contains("country=US"))
        })
        .expect("a facet link for the US");
    let shown = text(us);
    let count: usize = shown
        .rsplit('(')
        .next()
        .and_then(|n| n.trim_end_matches(')').parse().ok())
        .unwrap_or_else(|| panic!("a count in {shown}"));
    let href = us.value().attr("href").unwrap();
    assert!(href.contains("lang=en"), "{href}");
    let narrowed = browse(&app, href).await;
    let ids: Vec<String> = narrowed
        .attr("ul.results > li > a", "href")
        .iter()
        .map(|h| {
            h.trim_start_matches("/services/")
                .split('?')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    let expected: ServiceList = app.read("/api/v1/services?country=US").await;
    let expected: Vec<String> = expected.items.iter().map(|s| s.id.clone()).collect();
    assert_eq!(ids, expected);
    assert_eq!(ids.len(), count);
    assert!(count < all.items.len(), "the filter narrows");
    assert_eq!(
        narrowed.texts("p.count"),
        vec![format!("{count} services match")]
    );
    // the chosen filter is marked (not by colour alone) and can be removed
    let chosen = narrowed.all("a[aria-current=true]");
    assert!(
        chosen
            .iter()
            .any(|a| text(a).starts_with("USA") || text(a).starts_with("United States")),
        "{:?}",
        chosen.iter().map(text).collect::<Vec<_>>()
    );
    // the search form searches, keeping the filter and the language
    let search = narrowed.one("form[role=search]");
    assert_eq!(search.value().attr("action"), Some("/"));
    narrowed.one("form[role=search] input[type=search][name=q]#q");
    narrowed.one("label[for=q]");
    assert_eq!(
        narrowed.attr("form[role=search] input[name=country]", "value"),
        vec!["US"]
    );
    assert_eq!(
        narrowed.attr("form[role=search] input[name=lang]", "value"),
        vec!["en"]
    );
    let q = browse(&app, "/?q=sykkel").await;
    assert_eq!(
        q.attr("ul.results > li > a", "href"),
        vec!["/services/sykkeldyktig"]
    );
    // a bad filter is said in the page's language, not answered as JSON
    let bad = browse(&app, "/?country=ZZ&lang=en").await;
    assert_eq!(bad.answer.status(), 400);
    assert!(bad
        .answer
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(bad.texts("main li").iter().any(|l| l.contains("country")));
}

/// Compare shows the services as columns and marks the rows where they differ, in words.
async fn compare_marks_differences(app: TestApp) {
    for path in [
        "/compare?services=kikora&services=sykkeldyktig&lang=en",
        "/compare?services=kikora,sykkeldyktig&lang=en",
    ] {
        let page = browse(&app, path).await;
        assert_eq!(page.answer.status(), 200, "{path}");
        assert_eq!(
            page.texts("table.compare thead th[scope=col]"),
            vec!["Fact", "Kikora", "Sykkeldyktig.no"]
        );
        let differing = page.all("table.compare tr.differs");
        assert!(!differing.is_empty());
        for row in &differing {
            assert!(text(row).contains("(differs)"), "{}", text(row));
        }
        // Kikora receives no attribute Sykkeldyktig does: the mail row differs
        let mail = differing
            .iter()
            .find(|r| text(r).starts_with("mail"))
            .expect("the mail row differs");
        let cells: Vec<String> = mail
            .select(&Selector::parse("td").unwrap())
            .map(|c| text(&c))
            .collect();
        assert_eq!(cells[0], "does not receive");
        assert!(cells[1].starts_with("receives"), "{cells:?}");
        let same = page.all("table.compare tbody tr:not(.differs):not(.section)");
        assert!(!same.is_empty(), "rows where they agree are not marked");
    }
    // one service is not a comparison: the form, with why
    let one = browse(&app, "/compare?services=kikora&lang=en").await;
    assert_eq!(one.answer.status(), 400);
    one.one("form[action='/compare']");
    assert_eq!(
        one.attr("input[type=checkbox][checked]", "value"),
        vec!["kikora"]
    );
    let form = browse(&app, "/compare").await;
    assert_eq!(form.answer.status(), 200);
    assert!(form.all("input[type=checkbox][name=services]").len() >= 4);
    assert_eq!(
        form.all("input[type=checkbox]").len(),
        form.all("label[for^='s-']").len(),
        "every box has its label"
    );
    form.one("label[for=find-q]");
}

/// At a catalogue of hundreds, the forms that choose services for a comparison or a report list
/// a page of them and find the rest by search; "Find" keeps what is ticked.
async fn choosers_find_services_and_keep_the_chosen(app: TestApp) {
    let generated = feide_registry::domain::generate::catalogue(160, 11);
    app.import(&generated).await;
    let boxes = |page: &Page| page.attr("input[type=checkbox][name=services]", "value");
    let ticked = |page: &Page| page.attr("input[type=checkbox][name=services][checked]", "value");
    for (path, action) in [("/compare", "/compare"), ("/report", "/report")] {
        let page = browse(&app, &format!("{path}?lang=en")).await;
        assert_eq!(page.answer.status(), 200);
        page.one(&format!("form[action='{action}']"));
        assert_eq!(
            boxes(&page).len(),
            50,
            "{path}: a page of services, not all 165"
        );
        assert!(page.texts("form p").iter().any(|p| p.contains("first 50")));
    }
    // a service the first page does not list, found by its name
    let first: Vec<String> = boxes(&browse(&app, "/compare").await);
    let wanted = generated
        .services
        .iter()
        .find(|s| !first.contains(&s.id.to_string()))
        .expect("a service past the first page");
    let q = serde_urlencoded::to_string([("q", wanted.name.as_str())]).unwrap();
    let found = browse(&app, &format!("/compare?{q}&step=find&lang=en")).await;
    assert_eq!(found.answer.status(), 200);
    assert_eq!(
        boxes(&found)[0],
        wanted.id.to_string(),
        "the best match first"
    );
    assert_eq!(found.attr("#find-q", "value"), vec![wanted.name.clone()]);
    // finding another keeps the ticked one, ticked and first
    let found = browse(
        &app,
        &format!("/compare?q=Sykkeldyktig&services={}&step=find", wanted.id),
    )
    .await;
    assert_eq!(ticked(&found), vec![wanted.id.to_string()]);
    let listed = boxes(&found);
    assert_eq!(listed[0], wanted.id.to_string());
    assert!(listed.contains(&"sykkeldyktig".to_owned()), "{listed:?}");
    // and the comparison of the two
    let compared = browse(
        &app,
        &format!(
            "/compare?q=Sykkeldyktig&services={}&services=sykkeldyktig&lang=en",
            wanted.id
        ),
    )
    .await;
    assert_eq!(compared.answer.status(), 200);
    assert_eq!(
        compared.texts("table.compare thead th[scope=col]"),
        vec![
            "Fact".to_owned(),
            wanted.name.clone(),
            "Sykkeldyktig.no".to_owned()
        ]
    );
    // a search that finds nothing says so
    let none = browse(&app, "/report?q=zzzqqq&step=find&lang=en").await;
    assert_eq!(none.answer.status(), 200);
    assert!(boxes(&none).is_empty());
    assert!(none
        .texts("form p")
        .iter()
        .any(|p| p.contains("No other service")));
}

/// The report lists the services it covers and links its downloads, which are the API's own
/// answers.
async fn the_report_lists_its_services_and_links_downloads(app: TestApp) {
    let page = browse(&app, "/report?services=kikora&services=glupus&lang=en").await;
    assert_eq!(page.answer.status(), 200);
    let names = page.texts("table.report tbody th[scope=row]");
    assert_eq!(names, vec!["Kikora", "Glupus"]);
    let csv = page.attr("a.download[type='text/csv']", "href");
    assert_eq!(csv.len(), 2, "{csv:?}");
    let report_csv = app.get(&csv[0]).await;
    assert_eq!(report_csv.status(), 200);
    assert!(report_csv
        .header("content-type")
        .unwrap()
        .starts_with("text/csv"));
    let from_api = Answer::of(
        app.request(Method::POST, "/api/v1/reports/portfolio")
            .header("Accept", "text/csv")
            .header("Accept-Language", "en")
            .json(&json!({"services": ["kikora", "glupus"]})),
    )
    .await;
    assert_eq!(from_api.status(), 200, "{}", from_api.text());
    assert_eq!(
        report_csv.text(),
        from_api.text(),
        "the page's CSV is the API's"
    );
    let record = app.get(&csv[1]).await;
    assert_eq!(record.status(), 200);
    assert!(record.text().contains("Kikora") || record.text().contains("kikora"));
    assert!(page
        .attr("a", "href")
        .iter()
        .any(|h| h.contains("record-of-processing")));
}

/// Makes Bergen (public, Kikora in use, Glupus approved, Alle teller rejected) and Oslo (private,
/// Kikora in use).
async fn two_municipalities(app: &TestApp) {
    let admin = app.admin().await;
    for (id, name, org, number, visibility) in [
        ("bergen", "Bergen kommune", "964338531", "4601", "public"),
        ("oslo", "Oslo kommune", "974760673", "0301", "private"),
    ] {
        let res = admin
            .post(
                "/api/v1/municipalities",
                json!({"id": id, "name": name, "org_number": org, "municipality_number": number,
                       "kind": "municipality", "portfolio": visibility}),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text());
    }
    for (m, service, status) in [
        ("bergen", "kikora", "in_use"),
        ("bergen", "glupus", "approved"),
        ("bergen", "alle-teller", "rejected"),
        ("oslo", "kikora", "in_use"),
    ] {
        let res = admin
            .put(
                &format!("/api/v1/municipalities/{m}/portfolio/{service}"),
                IfMatch::Absent,
                json!({"local_status": status}),
            )
            .await;
        assert_eq!(res.status(), 201, "{m}/{service}: {}", res.text());
    }
}

/// A public portfolio has a page, a report and a list to embed; a private one is a 404 page, as
/// in the API.
async fn a_municipality_shows_its_public_portfolio_only(app: TestApp) {
    two_municipalities(&app).await;
    let page = browse(&app, "/municipalities/bergen?lang=en").await;
    assert_eq!(page.answer.status(), 200, "{}", page.answer.text());
    assert_eq!(
        page.texts("table.portfolio tbody th[scope=row]"),
        vec!["Alle Teller!", "Glupus", "Kikora"]
    );
    let report = browse(&app, "/report?municipality=bergen&lang=en").await;
    assert_eq!(report.answer.status(), 200);
    assert_eq!(
        report.texts("table.report tbody th[scope=row]"),
        vec!["Glupus", "Kikora"]
    );
    let record = report.attr("a.download.record", "href");
    assert_eq!(
        record,
        vec!["/api/v1/municipalities/bergen/record-of-processing?csv=standard"]
    );
    assert_eq!(app.get(&record[0]).await.status(), 200);
    let embed = browse(&app, "/municipalities/bergen/embed?lang=en").await;
    assert_eq!(embed.answer.status(), 200);
    assert_eq!(
        embed.texts("ul.results > li > a"),
        vec!["Glupus", "Kikora"],
        "approved and in use, not rejected"
    );
    for path in [
        "/municipalities/oslo",
        "/municipalities/oslo/embed",
        "/report?municipality=oslo",
        "/municipalities/nowhere",
        "/services/nothing-here",
    ] {
        let page = browse(&app, &with_lang(path, "nn")).await;
        assert_eq!(page.answer.status(), 404, "{path}");
        assert!(
            page.answer
                .header("content-type")
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert_eq!(page.attr("html", "lang"), vec!["nn"], "{path}");
        assert_eq!(page.texts("h1"), vec!["Sida finst ikkje"], "{path}");
        assert!(!page.answer.text().contains("Oslo"), "{path}");
    }
}

/// The embeddable list may be framed only by the origins the operator names; every other page
/// never.
async fn the_embed_page_is_framed_only_where_configured(engine: Engine) {
    let origin = "https://www.bergen.kommune.no";
    let app = spawn_with(engine, |o| o.embed_origins = vec![origin.into()]).await;
    two_municipalities(&app).await;
    let embed = browse(&app, "/municipalities/bergen/embed").await;
    let csp = embed.answer.header("content-security-policy").unwrap();
    assert!(csp.contains(&format!("frame-ancestors {origin}")), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // links open the registry in a window of its own, where it is never framed
    for a in embed.all("ul.results > li > a") {
        assert_eq!(a.value().attr("target"), Some("_blank"));
    }
    let service = browse(&app, "/services/kikora").await;
    let csp = service.answer.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let plain = crate::helpers::spawn(engine).await;
    two_municipalities(&plain).await;
    let embed = browse(&plain, "/municipalities/bergen/embed").await;
    let csp = embed.answer.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
}

/// Every API answer with a page names it (`Link rel=alternate type=text/html`), and the page is
/// there.
async fn api_answers_link_their_pages(app: TestApp) {
    two_municipalities(&app).await;
    for (api, page) in [
        ("/api/v1/services/kikora", "/services/kikora"),
        ("/api/v1/vendors/eldur-learning", "/vendors/eldur-learning"),
        (
            "/api/v1/sub-processors/microsoft-azure",
            "/sub-processors/microsoft-azure",
        ),
        ("/api/v1/attributes/mail", "/attributes/mail"),
        ("/api/v1/countries/US", "/countries/US"),
        (
            "/api/v1/municipalities/bergen/portfolio",
            "/municipalities/bergen",
        ),
        ("/api/v1/services?country=US", "/?country=US"),
        (
            "/api/v1/compare?services=kikora,glupus",
            "/compare?services=kikora,glupus",
        ),
    ] {
        let answer = app.get(api).await;
        assert_eq!(answer.status(), 200, "{api}");
        let alternate = answer
            .headers
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(", <"))
            .find(|l| l.contains("rel=\"alternate\"") && l.contains("type=\"text/html\""))
            .unwrap_or_else(|| panic!("{api}: no alternate"))
            .trim_start_matches('<')
            .split('>')
            .next()
            .unwrap()
            .to_owned();
        assert_eq!(alternate, format!("{}{page}", app.base()), "{api}");
        let shown = browse(&app, page).await;
        assert_eq!(shown.answer.status(), 200, "{page}");
    }
    // history is not a page
    let history = app.get("/api/v1/services/kikora/history").await;
    assert!(history
        .headers
        .get_all("link")
        .iter()
        .all(|v| !v.to_str().unwrap().contains("alternate")));
}

/// A language chosen with `?lang` stays chosen on every link and form of the page; the switch
/// keeps the page and its query.
async fn the_chosen_language_is_kept_by_links(app: TestApp) {
    let page = browse(&app, "/?country=US&lang=nn").await;
    let internal: Vec<String> = page
        .attr("main a[href^='/'], header nav.menu a[href^='/']", "href")
        .into_iter()
        .filter(|h| !h.starts_with("/docs") && !h.starts_with("/api") && !h.starts_with("/feeds"))
        .collect();
    assert!(internal.len() > 10, "{internal:?}");
    for h in &internal {
        assert!(h.contains("lang=nn"), "{h}");
    }
    for form in page.all("form") {
        let hidden = Selector::parse("input[type=hidden][name=lang]").unwrap();
        assert_eq!(form.select(&hidden).count(), 1);
    }
    let switch = page.all("nav.lang-switch a");
    assert_eq!(switch.len(), 3);
    for a in switch {
        let lang = a.value().attr("hreflang").unwrap();
        assert_eq!(a.value().attr("lang"), Some(lang));
        assert_eq!(
            a.value().attr("href"),
            Some(format!("?lang={lang}&country=US").as_str())
        );
        assert_eq!(a.value().attr("aria-current").is_some(), lang == "nn");
    }
    let service = browse(&app, "/services/kikora?lang=en").await;
    for h in service.attr(
        "main a[href^='/services/'], main a[href^='/vendors/']",
        "href",
    ) {
        assert!(h.ends_with("lang=en"), "{h}");
    }
}

/// The one stylesheet comes from the binary, cacheable and revalidated by its ETag; JSON clients
/// still get the API index at `/`.
async fn the_stylesheet_and_the_json_index_stay_apart(app: TestApp) {
    let css = app.get("/assets/site.css").await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.header("cache-control").unwrap().contains("max-age"));
    assert!(css.text().contains("@media print"));
    let again = Answer::of(
        app.request(Method::GET, "/assets/site.css")
            .header("If-None-Match", css.etag().to_string()),
    )
    .await;
    assert_eq!(again.status(), 304);
    // a page made from the catalogue alone is dated by it, as its JSON is
    let page = browse(&app, "/services/kikora").await;
    let json = app.get("/api/v1/services/kikora").await;
    assert!(page.answer.header("last-modified").is_some());
    assert_eq!(
        page.answer.header("last-modified"),
        json.header("last-modified")
    );
    let index: feide_registry::http::ops::Root = app.read("/").await;
    assert_eq!(index.docs, "/docs/");
}

on_both_engines!(
    every_page_answers_in_each_language,
    the_service_page_is_translated,
    the_service_page_shows_each_fact_with_its_source,
    the_service_page_tells_its_history,
    filters_narrow_the_home_page_and_show_counts,
    compare_marks_differences,
    choosers_find_services_and_keep_the_chosen,
    the_report_lists_its_services_and_links_downloads,
    a_municipality_shows_its_public_portfolio_only,
    api_answers_link_their_pages,
    the_chosen_language_is_kept_by_links,
    the_stylesheet_and_the_json_index_stay_apart,
);

per_engine!(the_embed_page_is_framed_only_where_configured);
