//! What a vendor may write: the documents of the write endpoints, parsed and checked as a whole.
//! An import takes the agreements as they are (a missing justification is a fact worth a flag);
//! a vendor's own write is held to more: every attribute justified, every transfer out of the
//! EEA given a basis.
//!
//! `Document` is what the one write course (`http::write_course`) asks of each kind of entry;
//! the rules themselves are the plain functions below it.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Map, Value};

use super::auth::{may, Actor, Target};
use super::catalogue::raw::{Service, SubProcessor, Vendor};
use super::catalogue::{self as checked, Check, Status, TransferMechanism};
use super::ids::OrgNumber;
use super::names::confusable_with;
use super::patch::merge_patch;
use super::validate::{
    pointer_to, validate_service, validate_sub_processor, validate_vendor, FieldProblem,
};
use crate::catalogue::Snapshot;
use crate::texts::{Said, Text};

/// The kinds of catalogue entry that keep revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    Service,
    Vendor,
    SubProcessor,
    Municipality,
    /// One service in a municipality's portfolio, keyed `municipality/service`.
    PortfolioEntry,
}

impl EntityKind {
    /// The name in revisions, the change feed and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Service => "service",
            EntityKind::Vendor => "vendor",
            EntityKind::SubProcessor => "sub_processor",
            EntityKind::Municipality => "municipality",
            EntityKind::PortfolioEntry => "portfolio_entry",
        }
    }
}

/// Why an actor may not make a write (answered as 403).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub Said);

/// What a caller writes for one kind of entry: how it is read from a body, checked over the
/// catalogue, and who may write it. The document is the raw form (`catalogue::raw`), so that its
/// problems are listed together; `checked` then gives the entry as the catalogue stores it.
pub trait Document: Sized {
    /// The entry as the catalogue stores it.
    type Entry: Clone + PartialEq + Serialize;
    /// What a write is checked against: the catalogue for catalogue entries, a municipality's
    /// stored state for its own.
    type World;
    const KIND: EntityKind;

    /// Reads the document from a JSON object; an error names what is wrong with its shape.
    /// `path_id` is the id in the URL (None when creating).
    fn read(body: Map<String, Value>, path_id: Option<&str>) -> Result<Self, FieldProblem>;
    fn id(&self) -> &str;
    /// The stored entry `id` and its revision.
    fn stored<'s>(world: &'s Self::World, id: &str) -> Option<(&'s Self::Entry, i32)>;
    /// The revision of a withdrawn entry kept under `id` that a PUT may bring back (its history
    /// goes on); None when there is none, or the kind brings none back.
    fn gone(_world: &Self::World, _id: &str) -> Option<i32> {
        None
    }
    /// Writes identifiers in their stored form (organisation numbers without spaces).
    fn normalise(&mut self);
    /// Every problem with writing this over the catalogue in `snap`; `path_id` is the id in the
    /// URL (None when creating).
    fn problems(&self, world: &Self::World, path_id: Option<&str>) -> Vec<FieldProblem>;
    /// The entry with its identifiers checked, and the shared sub-processors the write
    /// introduces along with it. Once `problems` found none, it does not fail.
    fn checked(self) -> Result<Checked<Self::Entry>, FieldProblem>;
    /// `entry` retired, for a kind whose entries are kept when withdrawn (municipalities'
    /// records of processing may still cite them); None for a kind that is never retired.
    fn retiring(entry: &Self::Entry) -> Option<Self::Entry>;
    /// Whether `actor` may create entries of this kind at all, before any body is read.
    fn may_create(actor: &Actor) -> Result<(), Refused>;
    /// Whether `actor` may change the stored `entry`.
    fn may_change(actor: &Actor, entry: &Self::Entry) -> Result<(), Refused>;
    /// Whether `actor` may write this over `stored` (None when creating).
    fn may_write(&self, actor: &Actor, stored: Option<&Self::Entry>) -> Result<(), Refused>;
}

/// A written entry with its identifiers checked: what the store writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<E> {
    pub entry: E,
    /// Shared sub-processors written along with the entry.
    pub introduces: Vec<checked::SubProcessor>,
}

impl<E: PartialEq> Checked<E> {
    /// True when writing this would store `stored` again as it is.
    pub fn changes_nothing(&self, stored: &E) -> bool {
        self.entry == *stored && self.introduces.is_empty()
    }
}

/// Reads a document of kind `D` from a body, with the problems found in its texts (checked
/// before parsing, so that they are listed with every other problem); when its shape is wrong,
/// every problem found.
pub fn read<D: Document>(
    body: Map<String, Value>,
    path_id: Option<&str>,
) -> Result<(D, Vec<FieldProblem>), Vec<FieldProblem>> {
    let mut problems = text_problems(&body);
    match D::read(body, path_id) {
        Ok(doc) => Ok((doc, problems)),
        Err(p) => {
            problems.push(p);
            Err(problems)
        }
    }
}

fn only_own_entries(actor: &Actor) -> Refused {
    may_not(actor, Text::OnlyOwnEntries)
}

fn may_not(actor: &Actor, what: Text) -> Refused {
    Refused(what.with(&[("actor", &actor.label())]))
}

impl Document for ServiceDocument {
    type Entry = checked::Service;
    type World = Snapshot;
    const KIND: EntityKind = EntityKind::Service;

    fn read(body: Map<String, Value>, _: Option<&str>) -> Result<Self, FieldProblem> {
        service_document(body)
    }
    fn id(&self) -> &str {
        &self.service.id
    }
    fn stored<'s>(snap: &'s Snapshot, id: &str) -> Option<(&'s checked::Service, i32)> {
        snap.service(id).map(|r| (&r.service, r.stamp.revision))
    }
    fn normalise(&mut self) {
        normalise_sub_processors(&mut self.new_sub_processors);
    }
    fn problems(&self, snap: &Snapshot, path_id: Option<&str>) -> Vec<FieldProblem> {
        check_service(self, snap, path_id)
    }
    fn checked(self) -> Result<Checked<checked::Service>, FieldProblem> {
        Ok(Checked {
            entry: self.service.check("")?,
            introduces: self
                .new_sub_processors
                .check(&format!("/{NEW_SUB_PROCESSORS}"))?,
        })
    }
    fn retiring(entry: &checked::Service) -> Option<checked::Service> {
        let mut service = entry.clone();
        service.status = Status::Retired;
        Some(service)
    }
    fn may_create(_: &Actor) -> Result<(), Refused> {
        // whose service it is, the document says (`may_write`)
        Ok(())
    }
    fn may_change(actor: &Actor, entry: &checked::Service) -> Result<(), Refused> {
        may(actor, Target::ServiceOf(entry.vendor.as_str()))
            .then_some(())
            .ok_or_else(|| only_own_entries(actor))
    }
    fn may_write(&self, actor: &Actor, _: Option<&checked::Service>) -> Result<(), Refused> {
        may(actor, Target::ServiceOf(&self.service.vendor))
            .then_some(())
            .ok_or_else(|| only_own_entries(actor))
    }
}

impl Document for Vendor {
    type Entry = checked::Vendor;
    type World = Snapshot;
    const KIND: EntityKind = EntityKind::Vendor;

    fn read(body: Map<String, Value>, _: Option<&str>) -> Result<Self, FieldProblem> {
        vendor_document(body)
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn stored<'s>(snap: &'s Snapshot, id: &str) -> Option<(&'s checked::Vendor, i32)> {
        snap.vendor(id).map(|r| (&r.vendor, r.stamp.revision))
    }
    fn normalise(&mut self) {
        normalise_vendor(self);
    }
    fn problems(&self, snap: &Snapshot, path_id: Option<&str>) -> Vec<FieldProblem> {
        check_vendor(self, snap, path_id)
    }
    fn checked(self) -> Result<Checked<checked::Vendor>, FieldProblem> {
        Ok(Checked {
            entry: self.check("")?,
            introduces: Vec::new(),
        })
    }
    fn retiring(_: &checked::Vendor) -> Option<checked::Vendor> {
        None
    }
    fn may_create(actor: &Actor) -> Result<(), Refused> {
        may(actor, Target::NewVendor)
            .then_some(())
            .ok_or_else(|| may_not(actor, Text::MayNotCreateVendors))
    }
    fn may_change(actor: &Actor, entry: &checked::Vendor) -> Result<(), Refused> {
        may(actor, Target::Vendor(entry.id.as_str()))
            .then_some(())
            .ok_or_else(|| may_not(actor, Text::MayNotChangeOtherVendor))
    }
    fn may_write(&self, actor: &Actor, stored: Option<&checked::Vendor>) -> Result<(), Refused> {
        let renumbered = stored.is_some_and(|s| {
            s.org_number.as_ref().map(OrgNumber::as_str) != self.org_number.as_deref()
        });
        if renumbered && !may(actor, Target::OrgNumber) {
            return Err(may_not(actor, Text::MayNotSetOrgNumber));
        }
        Ok(())
    }
}

/// The member of a service document that creates shared sub-processors in the same call.
pub const NEW_SUB_PROCESSORS: &str = "new_sub_processors";

/// A service as written: the service, and sub-processors it introduces.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDocument {
    pub service: Service,
    pub new_sub_processors: Vec<SubProcessor>,
}

/// Words a vendor might type to get past a required field without saying anything.
const PLACEHOLDERS: &[&str] = &[
    "-",
    "--",
    ".",
    "?",
    "x",
    "n/a",
    "na",
    "none",
    "null",
    "tbd",
    "todo",
    "ingen",
    "lorem ipsum",
    "...",
    "test",
    "justification",
    "begrunnelse",
];

fn is_placeholder(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    t.chars().count() < 3 || PLACEHOLDERS.contains(&t.as_str())
}

/// Longest text accepted in any field of a written document: the longest justification or
/// description in the seed agreements is far below this; anything longer is a mistake or an attack.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Problems with any string in the document, wherever it is: too long, or holding control
/// characters (NUL cannot even be stored in PostgreSQL text). Tab and line breaks are text.
pub fn text_problems(body: &Map<String, Value>) -> Vec<FieldProblem> {
    fn walk(v: &Value, at: &str, p: &mut Vec<FieldProblem>) {
        match v {
            Value::String(s) => {
                if s.chars().count() > MAX_TEXT_CHARS {
                    p.push(FieldProblem::said(
                        at,
                        Text::TextTooLong.with(&[("max", &MAX_TEXT_CHARS)]),
                    ));
                }
                if s.chars()
                    .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                {
                    p.push(FieldProblem::said(at, Text::ControlCharacters));
                } else if let Some(problem) = super::names::hidden_characters(s) {
                    p.push(FieldProblem::said(at, problem));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}/{i}"), p);
                }
            }
            Value::Object(members) => {
                for (k, item) in members {
                    walk(item, &pointer_to(at, k), p);
                }
            }
            _ => {}
        }
    }
    let mut p = Vec::new();
    for (k, v) in body {
        walk(v, &pointer_to("", k), &mut p);
    }
    p
}

/// Parses a JSON body that must be an object (serde would take an array for a struct).
pub fn object(body: &[u8]) -> Result<Map<String, Value>, FieldProblem> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(FieldProblem::said("", Text::NotAnObject)),
        Err(e) => Err(FieldProblem::said("", Text::NotJson.with(&[("error", &e)]))),
    }
}

/// Reads a service document from a JSON object.
pub fn service_document(mut body: Map<String, Value>) -> Result<ServiceDocument, FieldProblem> {
    let new_sub_processors = match body.remove(NEW_SUB_PROCESSORS) {
        None => Vec::new(),
        Some(v) => serde_json::from_value(v)
            .map_err(|e| FieldProblem::new(format!("/{NEW_SUB_PROCESSORS}"), shape_error(&e)))?,
    };
    let service = serde_json::from_value(Value::Object(body))
        .map_err(|e| FieldProblem::new("", shape_error(&e)))?;
    Ok(ServiceDocument {
        service,
        new_sub_processors,
    })
}

pub fn vendor_document(body: Map<String, Value>) -> Result<Vendor, FieldProblem> {
    serde_json::from_value(Value::Object(body)).map_err(|e| FieldProblem::new("", shape_error(&e)))
}

fn shape_error(e: &serde_json::Error) -> String {
    format!("does not have the expected shape: {e}")
}

/// Applies a JSON Merge Patch to the stored form of an entry. The patch may also carry
/// `new_sub_processors`, which is not part of the stored form.
pub fn patched(
    current: &impl serde::Serialize,
    mut patch: Map<String, Value>,
) -> Map<String, Value> {
    let extra = patch.remove(NEW_SUB_PROCESSORS);
    let mut doc = serde_json::to_value(current).unwrap_or(Value::Null);
    merge_patch(&mut doc, &Value::Object(patch));
    let mut out = match doc {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if let Some(extra) = extra {
        out.insert(NEW_SUB_PROCESSORS.into(), extra);
    }
    out
}

/// Every problem with writing `doc` over the catalogue in `snap`; `path_id` is the id in the URL
/// (None when creating).
pub fn check_service(
    doc: &ServiceDocument,
    snap: &Snapshot,
    path_id: Option<&str>,
) -> Vec<FieldProblem> {
    let mut p = Vec::new();
    let s = &doc.service;
    if let Some(id) = path_id {
        if s.id != id {
            p.push(FieldProblem::said(
                "/id",
                Text::MustBeTheIdInTheUrl.with(&[("id", &id)]),
            ));
        }
    }
    if s.status == Status::Unregistered {
        p.push(FieldProblem::said("/status", Text::UnregisteredIsFeides));
    }
    if snap.vendor(&s.vendor).is_none() {
        p.push(FieldProblem::said(
            "/vendor",
            Text::UnknownVendor.with(&[("id", &s.vendor)]),
        ));
    }
    let mut sub_ids: HashSet<&str> = snap.sub_processors.iter().map(|x| x.id.as_str()).collect();
    for (i, n) in doc.new_sub_processors.iter().enumerate() {
        let at = format!("/{NEW_SUB_PROCESSORS}/{i}");
        validate_sub_processor(&mut p, &at, n, &snap.reference);
        if !sub_ids.insert(n.id.as_str()) {
            p.push(FieldProblem::said(
                format!("{at}/id"),
                Text::SubProcessorExists.with(&[("id", &n.id)]),
            ));
        } else if let Some(other) = confusable_with(
            &n.name,
            snap.sub_processors
                .iter()
                .map(|x| (x.id.as_str(), x.name.as_str())),
        ) {
            p.push(FieldProblem::said(
                format!("{at}/name"),
                Text::LooksLikeSubProcessor.with(&[("other", &other)]),
            ));
        }
    }
    validate_service(&mut p, "", s, &sub_ids, &snap.reference);
    for (j, a) in s.attributes.iter().enumerate() {
        justified(
            &mut p,
            &format!("/attributes/{j}/justification"),
            a.justification.as_deref(),
        );
    }
    for (j, a) in s.oidc_scopes.iter().enumerate() {
        justified(
            &mut p,
            &format!("/oidc_scopes/{j}/justification"),
            a.justification.as_deref(),
        );
    }
    for (j, u) in s.sub_processors.iter().enumerate() {
        let third = u
            .locations
            .iter()
            .any(|l| snap.reference.country(&l.country).is_some_and(|c| !c.eea));
        if third && u.transfer_mechanism == TransferMechanism::NoneStated {
            p.push(FieldProblem::said(
                format!("/sub_processors/{j}/transfer_mechanism"),
                Text::TransferNeedsMechanism,
            ));
        }
    }
    p
}

fn justified(p: &mut Vec<FieldProblem>, at: &str, text: Option<&str>) {
    match text {
        None => p.push(FieldProblem::said(at, Text::JustificationRequired)),
        Some(t) if is_placeholder(t) => {
            p.push(FieldProblem::said(at, Text::JustificationPlaceholder))
        }
        Some(_) => {}
    }
}

/// Every problem with writing vendor `v`; `path_id` as for services.
pub fn check_vendor(v: &Vendor, snap: &Snapshot, path_id: Option<&str>) -> Vec<FieldProblem> {
    let mut p = Vec::new();
    if let Some(id) = path_id {
        if v.id != id {
            p.push(FieldProblem::said(
                "/id",
                Text::MustBeTheIdInTheUrl.with(&[("id", &id)]),
            ));
        }
    }
    validate_vendor(&mut p, "", v, &snap.reference);
    let renamed = snap.vendor(&v.id).is_none_or(|r| r.vendor.name != v.name);
    let others = snap
        .vendors
        .iter()
        .filter(|o| o.vendor.id != v.id)
        .map(|o| (o.vendor.id.as_str(), o.vendor.name.as_str()));
    if let Some(other) = confusable_with(&v.name, others).filter(|_| renamed) {
        p.push(FieldProblem::said(
            "/name",
            Text::LooksLikeVendor.with(&[("other", &other)]),
        ));
    }
    // The organisation number identifies the vendor to external issuers: it must be unique.
    if let Some(org) = v
        .org_number
        .as_deref()
        .and_then(|o| OrgNumber::parse(o).ok())
    {
        let taken = snap
            .vendors
            .iter()
            .any(|o| o.vendor.id != v.id && o.vendor.org_number.as_ref() == Some(&org));
        if taken {
            p.push(FieldProblem::said(
                "/org_number",
                Text::OrgNumberTaken.with(&[("org", &org)]),
            ));
        }
    }
    p
}

/// Stores organisation numbers without spaces, as API.md says.
pub fn normalise_vendor(v: &mut Vendor) {
    if let Some(org) = v
        .org_number
        .as_deref()
        .and_then(|o| OrgNumber::parse(o).ok())
    {
        v.org_number = Some(org.as_str().to_owned());
    }
}

pub fn normalise_sub_processors(subs: &mut [SubProcessor]) {
    for s in subs {
        if let Some(org) = s
            .org_number
            .as_deref()
            .and_then(|o| OrgNumber::parse(o).ok())
        {
            s.org_number = Some(org.as_str().to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_and_control_characters_are_named_by_pointer() {
        let doc = object(
            format!(r#"{{"name": "a\u0000b", "purposes": ["ok", "{}"], "terms": {{"venue": "Oslo\ttingrett"}}}}"#, "x".repeat(MAX_TEXT_CHARS + 1)).as_bytes(),
        )
        .unwrap();
        let pointers: Vec<String> = text_problems(&doc).into_iter().map(|p| p.pointer).collect();
        assert_eq!(pointers, ["/name", "/purposes/1"]);
    }

    #[test]
    fn placeholders_are_not_justifications() {
        for t in ["", " ", "-", "N/A", "TODO", "ok", "tbd", "Ingen"] {
            assert!(is_placeholder(t), "{t:?}");
        }
        for t in [
            "Viser elevens navn i tjenesten",
            "Login",
            "Identifiserer eleven",
        ] {
            assert!(!is_placeholder(t), "{t:?}");
        }
    }

    #[test]
    fn a_document_must_be_an_object_and_keeps_new_sub_processors_apart() {
        assert!(object(b"[1]").is_err());
        assert!(object(b"{").is_err());
        let m = object(br#"{"a": 1, "new_sub_processors": [{"id": "x"}]}"#).unwrap();
        let p = patched(&serde_json::json!({"a": 0, "b": 2}), m);
        assert_eq!(p["a"], 1);
        assert_eq!(p["b"], 2);
        assert_eq!(p[NEW_SUB_PROCESSORS][0]["id"], "x");
    }

    #[test]
    fn who_may_write_a_vendor_entry() {
        use crate::domain::auth::ClientRole;
        let actor = |role, vendor: Option<&str>| {
            Actor::of("c".into(), role, vendor.map(str::to_owned)).unwrap()
        };
        let (admin, own, other) = (
            actor(ClientRole::Admin, None),
            actor(ClientRole::Vendor, Some("eldur-learning")),
            actor(ClientRole::Vendor, Some("cerpus")),
        );
        let written: Vendor = serde_json::from_value(serde_json::json!({
            "id": "eldur-learning", "name": "Eldur Learning AS", "org_number": "918781293",
            "country": "NO", "address": null, "contact": null, "website": null
        }))
        .unwrap();
        let stored = written.clone().checked().unwrap().entry;
        let mut renumbered = written.clone();
        renumbered.org_number = Some("970133410".into());
        let mut moved = written.clone();
        moved.address = Some("Oslo".into());
        // may create vendors, may change this entry, and (once it may change it) may write a new
        // address, a new organisation number
        for (who, a, table) in [
            ("admin", &admin, [true, true, true, true]),
            ("own", &own, [false, true, true, false]),
            ("other", &other, [false, false, true, false]),
        ] {
            let got = [
                Vendor::may_create(a).is_ok(),
                Vendor::may_change(a, &stored).is_ok(),
                moved.may_write(a, Some(&stored)).is_ok(),
                renumbered.may_write(a, Some(&stored)).is_ok(),
            ];
            assert_eq!(got, table, "{who}");
        }
        assert!(
            Vendor::retiring(&stored).is_none(),
            "vendors are not retired"
        );
        assert!(written.checked().unwrap().changes_nothing(&stored));
        assert!(!moved.checked().unwrap().changes_nothing(&stored));
    }
}
