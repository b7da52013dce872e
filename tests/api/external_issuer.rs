//! Tokens from an external issuer (Maskinporten in production): a fake issuer on loopback serves
//! its JWKS, and the registry must accept only what that issuer really signed, for the vendor
//! whose organisation number the token names, and follow the issuer's key rotation.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feide_registry::http::history::HistoryList;
use feide_registry::http::views::ServiceProfile;
use feide_registry::issuer::IssuerConfig;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::{spawn_with, Engine, IfMatch, TestApp};

const ISSUER: &str = "https://maskinporten.test/";
const TRYGG_TRAFIKK: &str = "970133410";
const ELDUR: &str = "918781293";

fn private_key(n: u8) -> EncodingKey {
    let pem = std::fs::read(format!(
        "{}/tests/fixtures/issuer-key-{n}.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    EncodingKey::from_rsa_pem(&pem).unwrap()
}

fn jwk(n: u8) -> Jwk {
    let mut jwk = Jwk::from_encoding_key(&private_key(n), Algorithm::RS256).unwrap();
    jwk.common.key_id = Some(format!("key-{n}"));
    jwk
}

/// The fake issuer: its current key set, and how often it was asked for it.
struct FakeIssuer {
    url: String,
    keys: Arc<Mutex<JwkSet>>,
    fetches: Arc<AtomicUsize>,
    _handle: actix_web::dev::ServerHandle,
}

async fn fake_issuer(keys: Vec<Jwk>) -> FakeIssuer {
    let keys = Arc::new(Mutex::new(JwkSet { keys }));
    let fetches = Arc::new(AtomicUsize::new(0));
    let (k, f) = (keys.clone(), fetches.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = actix_web::HttpServer::new(move || {
        let (k, f) = (k.clone(), f.clone());
        actix_web::App::new().route(
            "/jwks",
            actix_web::web::get().to(move || {
                let (k, f) = (k.clone(), f.clone());
                async move {
                    f.fetch_add(1, Ordering::SeqCst);
                    let set = k.lock().unwrap().clone();
                    actix_web::HttpResponse::Ok().json(set)
                }
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    FakeIssuer {
        url: format!("http://127.0.0.1:{port}/jwks"),
        keys,
        fetches,
        _handle: handle,
    }
}

async fn registry(engine: Engine, issuer: &FakeIssuer) -> TestApp {
    spawn_with(engine, |options| {
        options.external = Some(IssuerConfig {
            issuer: ISSUER.into(),
            jwks_url: issuer.url.clone(),
            audience: "feide-registry".into(),
            vendor_scope: "feide:registry.vendor".into(),
            admin_scope: "feide:registry.admin".into(),
            municipality_scope: "feide:registry.municipality".into(),
            cache_for: Duration::from_secs(3600),
            min_refetch: Duration::from_millis(500),
        });
        // refusals of unidentified callers are tallied per window: a short one for the audit
        // check
        options.refusal_window = Duration::from_secs(1);
    })
    .await
}

/// Claims as Maskinporten issues them; `edit` changes any of them.
fn claims(org: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut c = json!({
        "iss": ISSUER, "aud": "feide-registry", "iat": now, "exp": now + 120,
        "scope": "feide:registry.vendor", "client_id": "a1b2c3d4-maskinporten-client",
        "token_type": "Bearer",
        "consumer": {"authority": "iso6523-actorid-upis", "ID": format!("0192:{org}")}
    });
    edit(&mut c);
    c
}

fn signed(key: u8, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(format!("key-{key}"));
    jsonwebtoken::encode(&header, claims, &private_key(key)).unwrap()
}

async fn patch_sykkeldyktig(app: &TestApp, token: &str, description: &str) -> u16 {
    let path = "/api/v1/services/sykkeldyktig";
    let etag = app.etag(path).await;
    let res = app
        .bearer(token)
        .patch(path, &etag, json!({ "description": description }))
        .await;
    res.status().as_u16()
}

async fn external_tokens_map_to_vendors_and_forgeries_fail(engine: Engine) {
    let issuer = fake_issuer(vec![jwk(1)]).await;
    let app = registry(engine, &issuer).await;

    // the vendor whose organisation number the token names may write its own service
    let good = signed(1, &claims(TRYGG_TRAFIKK, |_| {}));
    assert_eq!(
        patch_sykkeldyktig(&app, &good, "Endret av Maskinporten-klient").await,
        200
    );
    let history: HistoryList = app.read("/api/v1/services/sykkeldyktig/history").await;
    assert_eq!(history.items.last().unwrap().actor, "vendor:trygg-trafikk");
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 1);

    // another vendor's organisation, an unknown one, and a token without the registry's scope
    assert_eq!(
        patch_sykkeldyktig(&app, &signed(1, &claims(ELDUR, |_| {})), "x y z").await,
        403
    );
    assert_eq!(
        patch_sykkeldyktig(&app, &signed(1, &claims("974760673", |_| {})), "x y z").await,
        403
    );
    let no_scope = claims(TRYGG_TRAFIKK, |c| c["scope"] = json!("other:scope"));
    assert_eq!(
        patch_sykkeldyktig(&app, &signed(1, &no_scope), "x y z").await,
        403
    );

    // forgeries and stale tokens
    let wrong_aud = claims(TRYGG_TRAFIKK, |c| c["aud"] = json!("another-api"));
    let wrong_iss = claims(TRYGG_TRAFIKK, |c| c["iss"] = json!("https://evil.test/"));
    let expired = claims(TRYGG_TRAFIKK, |c| {
        c["exp"] = json!(chrono::Utc::now().timestamp() - 600);
    });
    let not_yet = claims(TRYGG_TRAFIKK, |c| {
        c["nbf"] = json!(chrono::Utc::now().timestamp() + 3600);
    });
    let for_years = claims(TRYGG_TRAFIKK, |c| {
        c["exp"] = json!(chrono::Utc::now().timestamp() + 1_000_000_000);
    });
    let issued_later = claims(TRYGG_TRAFIKK, |c| {
        c["iat"] = json!(chrono::Utc::now().timestamp() + 600);
    });
    for (what, token) in [
        ("not valid before an hour from now", signed(1, &not_yet)),
        ("valid for years", signed(1, &for_years)),
        ("issued in the future", signed(1, &issued_later)),
        ("wrong audience", signed(1, &wrong_aud)),
        ("wrong issuer", signed(1, &wrong_iss)),
        ("expired", signed(1, &expired)),
        (
            "signed by a key the issuer does not publish",
            signed(2, &claims(TRYGG_TRAFIKK, |_| {})),
        ),
    ] {
        assert_eq!(
            patch_sykkeldyktig(&app, &token, "x y z").await,
            401,
            "{what}"
        );
    }
    use base64::Engine as _;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let body = b64(&claims(TRYGG_TRAFIKK, |_| {}));
    let alg_none = format!(
        "{}.{body}.",
        b64(&json!({"alg": "none", "typ": "JWT", "kid": "key-1"}))
    );
    assert_eq!(
        patch_sykkeldyktig(&app, &alg_none, "x y z").await,
        401,
        "alg none"
    );
    // HS/RS confusion: an HMAC token keyed with the issuer's public key
    let public_pem = std::fs::read(format!(
        "{}/tests/fixtures/issuer-key-1.pub.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some("key-1".into());
    let confused = jsonwebtoken::encode(
        &hs,
        &claims(TRYGG_TRAFIKK, |_| {}),
        &EncodingKey::from_secret(&public_pem),
    )
    .unwrap();
    assert_eq!(
        patch_sykkeldyktig(&app, &confused, "x y z").await,
        401,
        "HS/RS confusion"
    );
    let s: ServiceProfile = app.read("/api/v1/services/sykkeldyktig").await;
    assert_eq!(
        s.description.as_deref(),
        Some("Endret av Maskinporten-klient"),
        "no refused token changed anything"
    );

    // every refusal is audited: those of unidentified callers tallied (the first of a kind at
    // once, the rest with their number when the window ends)
    let admin = app.admin().await;
    let refusals: i64 = admin
        .audited_attempts("action=service.patch", 3 + 9 + 1)
        .await
        .iter()
        .filter(|e| e.target == "/api/v1/services/sykkeldyktig" && e.outcome != 200)
        .map(|e| i64::from(e.count))
        .sum();
    assert_eq!(refusals, 3 + 9);
}

async fn the_registry_follows_key_rotation_without_hammering_the_issuer(engine: Engine) {
    let issuer = fake_issuer(vec![jwk(1)]).await;
    let app = registry(engine, &issuer).await;
    assert_eq!(
        patch_sykkeldyktig(&app, &signed(1, &claims(TRYGG_TRAFIKK, |_| {})), "Første").await,
        200
    );
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 1);

    // the issuer rotates: key 2 is published, key 1 retired
    *issuer.keys.lock().unwrap() = JwkSet { keys: vec![jwk(2)] };
    tokio::time::sleep(Duration::from_millis(600)).await;
    // tokens naming unknown keys, all at once: one refetch for the interval, not one each
    for i in 0..5 {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(format!("made-up-{i}"));
        let t =
            jsonwebtoken::encode(&header, &claims(TRYGG_TRAFIKK, |_| {}), &private_key(1)).unwrap();
        assert_eq!(patch_sykkeldyktig(&app, &t, "x y z").await, 401);
    }
    assert_eq!(
        issuer.fetches.load(Ordering::SeqCst),
        2,
        "one refetch for five unknown kids"
    );
    // that refetch brought the new key: a token signed with it is accepted without another
    assert_eq!(
        patch_sykkeldyktig(&app, &signed(2, &claims(TRYGG_TRAFIKK, |_| {})), "Andre").await,
        200
    );
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 2);
    // and the retired key no longer works
    assert_eq!(
        patch_sykkeldyktig(&app, &signed(1, &claims(TRYGG_TRAFIKK, |_| {})), "x y z").await,
        401
    );
    let s: ServiceProfile = app.read("/api/v1/services/sykkeldyktig").await;
    assert_eq!(s.description.as_deref(), Some("Andre"));
}

/// The municipality scope maps a token to the municipality with the token's organisation
/// number, as the vendor scope maps vendors: it keeps that municipality's portfolio and nothing
/// else.
async fn external_tokens_map_to_municipalities(engine: Engine) {
    let issuer = fake_issuer(vec![jwk(1)]).await;
    let app = registry(engine, &issuer).await;
    let admin = app.admin().await;
    let res = admin
        .post(
            "/api/v1/municipalities",
            json!({"id": "bergen", "name": "Bergen kommune", "org_number": "964338531",
                   "kind": "municipality"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let as_municipality =
        |org: &str| claims(org, |c| c["scope"] = json!("feide:registry.municipality"));
    let bergen = app.bearer(signed(1, &as_municipality("964338531")));
    let entry = "/api/v1/municipalities/bergen/portfolio/kikora";
    let res = bergen
        .put(entry, IfMatch::Absent, json!({"local_status": "in_use"}))
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    let history: HistoryList = bergen.read(&format!("{entry}/history")).await;
    assert_eq!(history.items[0].actor, "municipality:bergen");

    // it changes no catalogue entry, and an organisation that is no municipality gets nothing
    assert_eq!(
        patch_sykkeldyktig(&app, &signed(1, &as_municipality("964338531")), "x y z").await,
        403
    );
    let stranger = app.bearer(signed(1, &as_municipality("974760673")));
    let res = stranger
        .put(entry, IfMatch::Absent, json!({"local_status": "rejected"}))
        .await;
    assert_eq!(res.status(), 403);
}

per_engine!(
    external_tokens_map_to_municipalities,
    external_tokens_map_to_vendors_and_forgeries_fail,
    the_registry_follows_key_rotation_without_hammering_the_issuer
);
