//! Municipalities (the controllers) and their portfolios: the services each uses, on its own
//! local terms. Both are entries of the one write course (`Document`), checked against the
//! municipality's stored state (`MunicipalWorld`) and the catalogue.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::auth::Actor;
use super::ids::{check_slug, OrgNumber};
use super::validate::FieldProblem;
use super::writes::{Checked, Document, EntityKind, Refused};
use crate::catalogue::Snapshot;
use crate::texts::Text;

/// A municipality or a county municipality (fylkeskommune).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MunicipalityKind {
    Municipality,
    County,
}

/// Who may read a municipality's portfolio: `public` (parents and the press) or `private` (its
/// own clients and administrators; to anyone else it does not exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Public,
    Private,
}

/// A municipality as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Municipality {
    pub id: String,
    pub name: String,
    pub org_number: OrgNumber,
    pub municipality_number: Option<String>,
    pub kind: MunicipalityKind,
    pub portfolio: Visibility,
}

/// A municipality as written.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "bergen", "name": "Bergen kommune", "org_number": "964338531",
    "municipality_number": "4601", "kind": "municipality", "portfolio": "public"}))]
pub struct MunicipalityInput {
    /// A lowercase slug, e.g. `bergen`.
    pub id: String,
    pub name: String,
    /// Norwegian organisation number, 9 digits with a valid MOD11 check digit (spaces accepted).
    pub org_number: String,
    /// The four-digit municipality (or two-digit county) number of Statistics Norway.
    pub municipality_number: Option<String>,
    pub kind: MunicipalityKind,
    /// Who may read the portfolio; `private` when absent.
    pub portfolio: Option<Visibility>,
}

/// The local status of a service in a municipality's portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LocalStatus {
    InUse,
    UnderAssessment,
    Approved,
    Rejected,
    PhasedOut,
}

impl LocalStatus {
    /// In use or being weighed: a municipality that rejected or phased out a service no longer
    /// answers for it (objections, acceptances).
    pub fn is_current(self) -> bool {
        matches!(
            self,
            LocalStatus::InUse | LocalStatus::UnderAssessment | LocalStatus::Approved
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LocalStatus::InUse => "in_use",
            LocalStatus::UnderAssessment => "under_assessment",
            LocalStatus::Approved => "approved",
            LocalStatus::Rejected => "rejected",
            LocalStatus::PhasedOut => "phased_out",
        }
    }
}

impl LocalStatus {
    /// The service processes the municipality's data (its record of processing lists it).
    pub fn processes(self) -> bool {
        matches!(self, LocalStatus::InUse | LocalStatus::Approved)
    }
    /// The municipality uses the service or weighs it (its portfolio report covers it).
    pub fn weighed(self) -> bool {
        !matches!(self, LocalStatus::Rejected | LocalStatus::PhasedOut)
    }
}

/// The document the municipality signed for this service, as the catalogue's sources are named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedSource {
    #[schema(example = "Databehandleravtale Kikora – Bergen kommune")]
    pub title: String,
    /// ISO 8601 date.
    #[schema(example = "2024-08-01")]
    pub date: Option<NaiveDate>,
    pub url: Option<String>,
}

/// One service in a municipality's portfolio, as stored. `municipality` and `removed` are the
/// entry's place and state, not its content: the JSON (a revision's, a patch's base) is what the
/// municipality writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortfolioEntry {
    #[serde(skip)]
    pub key: String,
    #[serde(skip)]
    pub municipality: String,
    pub service: String,
    pub local_status: LocalStatus,
    pub agreement_signed_on: Option<NaiveDate>,
    pub dpia_done_on: Option<NaiveDate>,
    pub next_review_due: Option<NaiveDate>,
    pub source: Option<SignedSource>,
    pub note: Option<String>,
    /// Taken out of the portfolio (DELETE); kept so that its history goes on if it comes back.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
}

/// A portfolio entry as written (PUT to `/portfolio/{service}`; PATCH merges into it).
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"service": "kikora", "local_status": "in_use",
    "agreement_signed_on": "2024-08-01", "dpia_done_on": "2024-06-15", "next_review_due": "2025-08-01",
    "source": {"title": "Databehandleravtale Kikora – Bergen kommune", "date": "2024-08-01", "url": null},
    "note": "Brukes i matematikk på 8.–10. trinn."}))]
pub struct PortfolioEntryInput {
    /// The service's id; the one in the URL when absent.
    pub service: Option<String>,
    pub local_status: LocalStatus,
    /// ISO 8601 dates.
    pub agreement_signed_on: Option<String>,
    pub dpia_done_on: Option<String>,
    pub next_review_due: Option<String>,
    pub source: Option<SourceInput>,
    pub note: Option<String>,
}

/// The signed document as written.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SignedSourceInput)]
pub struct SourceInput {
    pub title: String,
    pub date: Option<String>,
    pub url: Option<String>,
}

/// A stored entry with its revision.
#[derive(Debug, Clone)]
pub struct Revised<E> {
    pub entry: E,
    pub revision: i32,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// What a municipal write is checked against: the catalogue (services must exist) and the
/// municipality's stored state.
#[derive(Debug, Clone)]
pub struct MunicipalWorld {
    pub catalogue: Arc<Snapshot>,
    pub municipality: Option<Revised<Municipality>>,
    /// Every entry of its portfolio, removed ones too.
    pub entries: Vec<Revised<PortfolioEntry>>,
}

impl MunicipalWorld {
    /// The live entry for `service`.
    pub fn entry(&self, service: &str) -> Option<&Revised<PortfolioEntry>> {
        self.entries
            .iter()
            .find(|e| e.entry.service == service && !e.entry.removed)
    }
    /// The entries of the portfolio, in service order.
    pub fn portfolio(&self) -> impl Iterator<Item = &Revised<PortfolioEntry>> {
        self.entries.iter().filter(|e| !e.entry.removed)
    }
    /// The catalogue entries whose changes concern this municipality: the services in its
    /// portfolio (whatever their local status), their vendors and the sub-processors they use, as
    /// the catalogue holds them now.
    pub fn concerns(&self) -> Concerns {
        let mut c = Concerns::default();
        for e in self.portfolio() {
            c.services.push(e.entry.service.clone());
            if let Some(r) = self.catalogue.service(&e.entry.service) {
                c.vendors.push(r.service.vendor.to_string());
                let used = r.service.sub_processors.iter().map(|u| u.id.to_string());
                c.sub_processors.extend(used);
            }
        }
        for ids in [&mut c.services, &mut c.vendors, &mut c.sub_processors] {
            ids.sort();
            ids.dedup();
        }
        c
    }

    /// The services the municipality uses or weighs: what its portfolio report covers.
    pub fn weighed_services(&self) -> Vec<String> {
        self.portfolio()
            .filter(|e| e.entry.local_status.weighed())
            .map(|e| e.entry.service.clone())
            .collect()
    }

    /// The entries under which a service processes the municipality's data: what its record of
    /// processing lists.
    pub fn processing_entries(&self) -> Vec<&PortfolioEntry> {
        self.portfolio()
            .map(|e| &e.entry)
            .filter(|e| e.local_status.processes())
            .collect()
    }
}

/// Catalogue entries by kind: what a feed filtered to a portfolio covers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Concerns {
    pub services: Vec<String>,
    pub vendors: Vec<String>,
    pub sub_processors: Vec<String>,
}

/// The key of a portfolio entry: the municipality and the service, which the store and the
/// revision log use as one id.
pub fn entry_key(municipality: &str, service: &str) -> String {
    format!("{municipality}/{service}")
}

/// Whether `actor` may read the portfolio of `m`.
pub fn may_read_portfolio(actor: Option<&Actor>, m: &Municipality) -> bool {
    m.portfolio == Visibility::Public || actor.is_some_and(|a| acts_for(a, &m.id))
}

/// An administrator, or a client of municipality `id`.
pub fn acts_for(actor: &Actor, id: &str) -> bool {
    match actor {
        Actor::Admin { .. } => true,
        Actor::Municipality { municipality, .. } => municipality == id,
        Actor::Vendor { .. } => false,
    }
}

fn refused(actor: &Actor, what: Text) -> Refused {
    Refused(what.with(&[("actor", &actor.label())]))
}

fn date(p: &mut Vec<FieldProblem>, at: &str, v: &Option<String>) -> Option<NaiveDate> {
    let s = v.as_deref()?;
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            p.push(FieldProblem::said(at, Text::MustBeDate));
            None
        }
    }
}

fn text(p: &mut Vec<FieldProblem>, at: &str, v: &str) {
    if v.trim().is_empty() {
        p.push(FieldProblem::said(at, Text::MustNotBeEmpty));
    }
}

fn url(p: &mut Vec<FieldProblem>, at: &str, v: &Option<String>) {
    if let Some(u) = v {
        if !(u.starts_with("https://") || u.starts_with("http://"))
            || u.contains(char::is_whitespace)
        {
            p.push(FieldProblem::said(at, Text::MustBeHttpUrl));
        }
    }
}

impl MunicipalityInput {
    /// Every problem of the document, and the checked entry when there is none.
    pub fn check(&self, path_id: Option<&str>) -> Result<Municipality, Vec<FieldProblem>> {
        let mut p = Vec::new();
        if let Err(said) = check_slug(&self.id) {
            p.push(FieldProblem::said("/id", said));
        }
        if let Some(id) = path_id.filter(|id| *id != self.id) {
            p.push(FieldProblem::said(
                "/id",
                Text::MustBeTheIdInTheUrl.with(&[("id", &id)]),
            ));
        }
        text(&mut p, "/name", &self.name);
        let org = OrgNumber::parse(&self.org_number)
            .map_err(|said| p.push(FieldProblem::said("/org_number", said)))
            .ok();
        let digits = match self.kind {
            MunicipalityKind::Municipality => 4,
            MunicipalityKind::County => 2,
        };
        if let Some(n) = &self.municipality_number {
            if n.len() != digits || !n.bytes().all(|b| b.is_ascii_digit()) {
                p.push(FieldProblem::said(
                    "/municipality_number",
                    Text::MunicipalityNumberDigits.with(&[("digits", &digits)]),
                ));
            }
        }
        match org {
            Some(org_number) if p.is_empty() => Ok(Municipality {
                id: self.id.clone(),
                name: self.name.trim().to_owned(),
                org_number,
                municipality_number: self.municipality_number.clone(),
                kind: self.kind,
                portfolio: self.portfolio.unwrap_or(Visibility::Private),
            }),
            _ => Err(p),
        }
    }
}

impl PortfolioEntryInput {
    /// Every problem of the entry for `key` (`municipality/service`) over the catalogue, and the
    /// checked entry when there is none.
    /// (`snap` None: the services were checked already.)
    pub fn check(
        &self,
        key: &str,
        snap: Option<&Snapshot>,
    ) -> Result<PortfolioEntry, Vec<FieldProblem>> {
        let mut p = Vec::new();
        let (municipality, service) = key.split_once('/').unwrap_or((key, ""));
        if self.service.as_deref().is_some_and(|s| s != service) {
            p.push(FieldProblem::said(
                "/service",
                Text::MustBeTheIdInTheUrl.with(&[("id", &service)]),
            ));
        }
        if snap.is_some_and(|snap| snap.service(service).is_none()) {
            p.push(FieldProblem::said(
                "/service",
                Text::NoSuchEntity
                    .with(&[("id", &service)])
                    .and_text("what", Text::ServiceWord),
            ));
        }
        let agreement_signed_on = date(&mut p, "/agreement_signed_on", &self.agreement_signed_on);
        let dpia_done_on = date(&mut p, "/dpia_done_on", &self.dpia_done_on);
        let next_review_due = date(&mut p, "/next_review_due", &self.next_review_due);
        let source = self.source.as_ref().map(|s| {
            text(&mut p, "/source/title", &s.title);
            url(&mut p, "/source/url", &s.url);
            SignedSource {
                title: s.title.trim().to_owned(),
                date: date(&mut p, "/source/date", &s.date),
                url: s.url.clone(),
            }
        });
        if let Some(n) = &self.note {
            text(&mut p, "/note", n);
        }
        if !p.is_empty() {
            return Err(p);
        }
        Ok(PortfolioEntry {
            key: key.to_owned(),
            municipality: municipality.to_owned(),
            service: service.to_owned(),
            local_status: self.local_status,
            agreement_signed_on,
            dpia_done_on,
            next_review_due,
            source,
            note: self.note.clone(),
            removed: false,
        })
    }
}

/// A municipality document: the input, and the id in the URL.
#[derive(Debug, Clone)]
pub struct MunicipalityDocument {
    input: MunicipalityInput,
    path_id: Option<String>,
}

/// A portfolio entry document: the input, and the entry's key from the URL.
#[derive(Debug, Clone)]
pub struct PortfolioDocument {
    input: PortfolioEntryInput,
    key: String,
}

fn parse<T: serde::de::DeserializeOwned>(body: Map<String, Value>) -> Result<T, FieldProblem> {
    serde_json::from_value(Value::Object(body))
        .map_err(|e| FieldProblem::said("", Text::NotJson.with(&[("error", &e)])))
}

impl Document for MunicipalityDocument {
    type Entry = Municipality;
    type World = MunicipalWorld;
    const KIND: EntityKind = EntityKind::Municipality;

    fn read(body: Map<String, Value>, path_id: Option<&str>) -> Result<Self, FieldProblem> {
        Ok(MunicipalityDocument {
            input: parse(body)?,
            path_id: path_id.map(str::to_owned),
        })
    }
    fn id(&self) -> &str {
        &self.input.id
    }
    fn stored<'s>(world: &'s MunicipalWorld, id: &str) -> Option<(&'s Municipality, i32)> {
        world
            .municipality
            .as_ref()
            .filter(|m| m.entry.id == id)
            .map(|m| (&m.entry, m.revision))
    }
    fn normalise(&mut self) {
        self.input.org_number.retain(|c| c != ' ');
    }
    fn problems(&self, _: &MunicipalWorld, path_id: Option<&str>) -> Vec<FieldProblem> {
        self.input.check(path_id).err().unwrap_or_default()
    }
    fn checked(self) -> Result<Checked<Municipality>, FieldProblem> {
        let entry = self
            .input
            .check(self.path_id.as_deref())
            .map_err(|mut p| p.remove(0))?;
        Ok(Checked {
            entry,
            introduces: Vec::new(),
        })
    }
    fn retiring(_: &Municipality) -> Option<Municipality> {
        None
    }
    fn may_create(actor: &Actor) -> Result<(), Refused> {
        matches!(actor, Actor::Admin { .. })
            .then_some(())
            .ok_or_else(|| refused(actor, Text::MayNotCreateMunicipalities))
    }
    fn may_change(actor: &Actor, entry: &Municipality) -> Result<(), Refused> {
        acts_for(actor, &entry.id)
            .then_some(())
            .ok_or_else(|| refused(actor, Text::OnlyOwnMunicipality))
    }
    /// A municipality's own clients choose only who reads its portfolio; its name and numbers
    /// are its identity (the org number maps Maskinporten tokens to it), set by administrators.
    fn may_write(&self, actor: &Actor, stored: Option<&Municipality>) -> Result<(), Refused> {
        if matches!(actor, Actor::Admin { .. }) {
            return Ok(());
        }
        let Ok(new) = self.input.check(self.path_id.as_deref()) else {
            return Ok(());
        };
        let same_identity = stored.is_some_and(|s| {
            Municipality {
                portfolio: s.portfolio,
                ..new
            } == *s
        });
        same_identity
            .then_some(())
            .ok_or_else(|| refused(actor, Text::MunicipalityOnlyPortfolioVisibility))
    }
}

impl Document for PortfolioDocument {
    type Entry = PortfolioEntry;
    type World = MunicipalWorld;
    const KIND: EntityKind = EntityKind::PortfolioEntry;

    fn read(body: Map<String, Value>, path_id: Option<&str>) -> Result<Self, FieldProblem> {
        Ok(PortfolioDocument {
            input: parse(body)?,
            key: path_id.unwrap_or_default().to_owned(),
        })
    }
    fn id(&self) -> &str {
        &self.key
    }
    fn stored<'s>(world: &'s MunicipalWorld, id: &str) -> Option<(&'s PortfolioEntry, i32)> {
        let (_, service) = id.split_once('/')?;
        world.entry(service).map(|e| (&e.entry, e.revision))
    }
    fn gone(world: &MunicipalWorld, id: &str) -> Option<i32> {
        let (_, service) = id.split_once('/')?;
        world
            .entries
            .iter()
            .find(|e| e.entry.service == service && e.entry.removed)
            .map(|e| e.revision)
    }
    fn normalise(&mut self) {}
    fn problems(&self, world: &MunicipalWorld, _: Option<&str>) -> Vec<FieldProblem> {
        self.input
            .check(&self.key, Some(&world.catalogue))
            .err()
            .unwrap_or_default()
    }
    fn checked(self) -> Result<Checked<PortfolioEntry>, FieldProblem> {
        let entry = self
            .input
            .check(&self.key, None)
            .map_err(|mut p| p.remove(0))?;
        Ok(Checked {
            entry,
            introduces: Vec::new(),
        })
    }
    fn retiring(entry: &PortfolioEntry) -> Option<PortfolioEntry> {
        Some(PortfolioEntry {
            removed: true,
            ..entry.clone()
        })
    }
    fn may_create(_: &Actor) -> Result<(), Refused> {
        Ok(())
    }
    fn may_change(actor: &Actor, entry: &PortfolioEntry) -> Result<(), Refused> {
        acts_for(actor, &entry.municipality)
            .then_some(())
            .ok_or_else(|| refused(actor, Text::OnlyOwnMunicipality))
    }
    fn may_write(&self, actor: &Actor, _: Option<&PortfolioEntry>) -> Result<(), Refused> {
        let municipality = self.key.split_once('/').map_or("", |(m, _)| m);
        acts_for(actor, municipality)
            .then_some(())
            .ok_or_else(|| refused(actor, Text::OnlyOwnMunicipality))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(org: &str, number: Option<&str>) -> MunicipalityInput {
        MunicipalityInput {
            id: "bergen".into(),
            name: "Bergen kommune".into(),
            org_number: org.into(),
            municipality_number: number.map(str::to_owned),
            kind: MunicipalityKind::Municipality,
            portfolio: None,
        }
    }

    #[test]
    fn a_municipality_needs_a_mod11_org_number_and_four_digits() {
        let ok = input("964 338 531", Some("4601")).check(None).unwrap();
        assert_eq!(ok.org_number.as_str(), "964338531");
        assert_eq!(ok.portfolio, Visibility::Private, "private unless chosen");
        let bad = input("964338532", Some("46")).check(None).unwrap_err();
        let at: Vec<&str> = bad.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(at, ["/org_number", "/municipality_number"]);
    }

    #[test]
    fn who_reads_a_private_portfolio() {
        let m = input("964338531", None).check(None).unwrap();
        let own = Actor::Municipality {
            client: "c".into(),
            municipality: "bergen".into(),
        };
        let other = Actor::Municipality {
            client: "c".into(),
            municipality: "oslo".into(),
        };
        assert!(may_read_portfolio(Some(&own), &m));
        assert!(!may_read_portfolio(Some(&other), &m));
        assert!(!may_read_portfolio(None, &m));
        assert!(may_read_portfolio(
            Some(&Actor::Admin { client: "a".into() }),
            &m
        ));
    }
}
