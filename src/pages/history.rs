//! A service's history on its page: the latest revisions in plain words (when, by whom, what
//! changed, and each changed term from its old value to its new one). The revisions come from
//! the database, read once per catalogue version: the page is kept in the answer cache.

use chrono::SecondsFormat;
use maud::{html, Markup};
use serde_json::Value;

use super::service::term_value;
use super::texts::T;
use super::{words, Ctx};
use crate::catalogue::Snapshot;
use crate::domain::catalogue::Terms;
use crate::http::views::ServiceProfile;
use crate::store::changes::{PageBound, RevisionRow};

/// How much of the history a page shows: the JSON history has the rest.
pub const SHOWN: PageBound = PageBound {
    limit: 20,
    bytes: 1_000_000,
};

/// Who made a revision, from its `actor`.
fn actor(ctx: &Ctx, actor: &str) -> Markup {
    if let Some(vendor) = actor.strip_prefix("vendor:") {
        return html! { a href=(ctx.href(&format!("/vendors/{vendor}"))) { (ctx.t(T::ActorVendor)) } };
    }
    if let Some(id) = actor.strip_prefix("announcement:") {
        return html! {
            a href=(format!("/api/v1/announcements/{id}")) type="application/json" { (ctx.t(T::ActorAnnouncement)) }
        };
    }
    match actor {
        "admin" => html! { (ctx.t(T::ActorAdmin)) },
        "import" => html! { (ctx.t(T::ActorImport)) },
        crate::store::feide::SYNC_ACTOR => html! { (ctx.t(T::ActorFeide)) },
        other => html! { (other) },
    }
}

/// What kind of change a revision is, from its `action`.
pub fn action(action: &str) -> T {
    match action.rsplit('.').next().unwrap_or(action) {
        "import" | "create" => T::ActionRegistered,
        "replace" => T::ActionReplaced,
        "retire" => T::ActionRetired,
        "apply" => T::ActionApplied,
        _ => T::ActionChanged,
    }
}

/// A service field's name in plain words; None for a field the model does not have.
pub fn field(name: &str) -> Option<T> {
    Some(match name {
        "id" | "name" => T::FieldName,
        "vendor" => T::Vendor,
        "description" => T::FieldDescription,
        "website" => T::Website,
        "status" => T::StatusLabel,
        "purposes" => T::Purposes,
        "data_subjects" => T::DataSubjects,
        "personal_data" => T::FieldPersonalData,
        "attributes" => T::FacetAttribute,
        "oidc_scopes" => T::FieldOidcScopes,
        "locations" => T::LocationsHeading,
        "sub_processors" => T::SubProcessorsHeading,
        "terms" => T::TermsHeading,
        "sources" => T::SourcesHeading,
        "feide_ids" => T::FieldFeideIds,
        "statements" => T::StatementsHeading,
        "notes" => T::NotesHeading,
        _ => return None,
    })
}

/// What a revision changed, one line per field; a changed `terms` is one line per term, from its
/// old value to its new one. A registration (every field new) names nothing: it is all there.
pub fn changed(ctx: &Ctx, snap: &Snapshot, diff: &Value) -> Vec<String> {
    let Some(fields) = diff.as_object() else {
        return Vec::new();
    };
    if fields.values().all(|c| c["from"].is_null()) {
        return Vec::new();
    }
    let mut lines = Vec::new();
    for (name, change) in fields {
        if name == "terms" {
            if let Some(terms) = term_changes(ctx, snap, &change["from"], &change["to"]) {
                lines.extend(terms);
                continue;
            }
        }
        lines.push(field(name).map_or_else(|| name.clone(), |t| ctx.t(t).to_owned()));
    }
    lines
}

/// Each term whose value differs, `label: old → new` in the page's words; None when either
/// side is not a terms object (the field is then named as a whole).
fn term_changes(ctx: &Ctx, snap: &Snapshot, from: &Value, to: &Value) -> Option<Vec<String>> {
    let from: Terms = serde_json::from_value(from.clone()).ok()?;
    let to: Terms = serde_json::from_value(to.clone()).ok()?;
    let said = |terms: &Terms, name: &str| {
        term_value(ctx, snap, terms, name).unwrap_or_else(|| ctx.t(T::NotStated).to_owned())
    };
    let mut lines: Vec<String> = Terms::NAMES
        .iter()
        .filter_map(|name| {
            let (old, new) = (said(&from, name), said(&to, name));
            (old != new).then(|| {
                let label = words::term(name).map_or(*name, |t| ctx.t(t));
                ctx.fill(
                    T::TermChange,
                    &[("term", &label), ("from", &old), ("to", &new)],
                )
            })
        })
        .collect();
    if lines.is_empty() {
        // only the agreement's words or a conflict changed
        lines.push(ctx.t(T::TermsHeading).to_owned());
    }
    Some(lines)
}

/// The history section: the latest revisions up to the profile's, or a note when the database
/// could not give them (the rest of the page stands without it).
pub fn section(
    ctx: &Ctx,
    snap: &Snapshot,
    p: &ServiceProfile,
    revisions: Option<&[RevisionRow]>,
) -> Markup {
    let day = |t: chrono::DateTime<chrono::Utc>| {
        html! { time datetime=(t.to_rfc3339_opts(SecondsFormat::Secs, true)) { (t.format("%Y-%m-%d")) } }
    };
    html! {
        section id="history" aria-labelledby="history-h" {
            h2 id="history-h" { (ctx.t(T::HistoryHeading)) }
            p {
                (ctx.fill(T::Revision, &[("n", &p.revision)])) ". "
                (ctx.t(T::Created)) ": " (day(p.created_at)) ". "
                (ctx.t(T::Updated)) ": " (day(p.updated_at)) "."
            }
            @match revisions {
                None => { p class="note" { (ctx.t(T::HistoryUnavailable)) } }
                Some(rows) if !rows.is_empty() => {
                    div class="table-wrap" {
                        table class="history" {
                            caption { (ctx.t(T::HistoryLatest)) }
                            thead { tr {
                                th scope="col" { (ctx.t(T::RevisionCol)) }
                                th scope="col" { (ctx.t(T::DateCol)) }
                                th scope="col" { (ctx.t(T::ByCol)) }
                                th scope="col" { (ctx.t(T::ChangeCol)) }
                            } }
                            tbody {
                                @for r in rows {
                                    @let diff: Value = serde_json::from_str(&r.diff).unwrap_or(Value::Null);
                                    @let lines = changed(ctx, snap, &diff);
                                    tr {
                                        th scope="row" { (r.revision) }
                                        td { (day(r.at.0)) }
                                        td { (actor(ctx, &r.actor)) }
                                        td {
                                            (ctx.t(action(&r.action)))
                                            @if !lines.is_empty() {
                                                ul { @for l in &lines { li { (l) } } }
                                            } @else if diff.as_object().is_some_and(|m| m.is_empty()) {
                                                " (" (ctx.t(T::NothingChanged)) ")"
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if usize::try_from(p.revision).is_ok_and(|n| n > rows.len()) {
                        p { (ctx.fill(T::HistoryShown, &[("shown", &rows.len()), ("total", &p.revision)])) }
                    }
                }
                Some(_) => {}
            }
            ul {
                li { a href=(format!("/api/v1/services/{}/history", p.id)) type="application/json" { (ctx.t(T::HistoryLink)) } }
                li { a href=(format!("/feeds/services/{}.atom", p.id)) type="application/atom+xml" { (ctx.t(T::FeedLink)) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reference::Lang;
    use serde_json::json;

    fn ctx(lang: Lang) -> Ctx {
        Ctx::for_tests(lang)
    }

    /// A field added to the model without a label would show its code name to people.
    #[test]
    fn every_service_field_has_a_label() {
        let service = crate::domain::generate::catalogue(1, 1).services.remove(0);
        let doc = serde_json::to_value(service).unwrap();
        for name in doc.as_object().unwrap().keys() {
            assert!(field(name).is_some(), "{name} has no label");
        }
    }

    #[test]
    fn a_changed_term_reads_from_its_old_value_to_its_new_one() {
        let snap = Snapshot::default();
        let diff = json!({
            "terms": {"from": {"deletion_days_after_end": 90, "breach_notice_hours": 72},
                      "to": {"deletion_days_after_end": null, "breach_notice_hours": 72}},
            "website": {"from": null, "to": "https://example.no"},
        });
        assert_eq!(
            changed(&ctx(Lang::En), &snap, &diff),
            [
                "Deletion after the agreement ends: 90 days → not stated in the agreement",
                "Website"
            ]
        );
        assert_eq!(
            changed(&ctx(Lang::Nn), &snap, &diff)[0],
            "Sletting etter at avtalen er slutt: 90 dagar → ikkje oppgjeve i avtalen"
        );
    }

    /// Every actor the registry writes into a revision is named in words, not by its code.
    #[test]
    fn every_actor_is_named_in_words() {
        let ctx = ctx(Lang::En);
        for code in [
            "import",
            crate::store::feide::SYNC_ACTOR,
            "admin",
            "vendor:eldur-learning",
            "announcement:ann-1",
        ] {
            let shown = actor(&ctx, code).into_string();
            assert!(
                shown.contains("The ") || shown.contains("An "),
                "{code}: {shown}"
            );
            assert!(!shown.contains(&format!(">{code}<")), "{code}: {shown}");
        }
    }

    /// A registration sets every field: the page says "registered", not a list of everything.
    #[test]
    fn a_registration_names_no_field() {
        let diff =
            json!({"name": {"from": null, "to": "Kikora"}, "terms": {"from": null, "to": {}}});
        assert!(changed(&ctx(Lang::Nb), &Snapshot::default(), &diff).is_empty());
        assert_eq!(action("import"), T::ActionRegistered);
        assert_eq!(action("service.create"), T::ActionRegistered);
        assert_eq!(action("service.patch"), T::ActionChanged);
        assert_eq!(action("announcement.apply"), T::ActionApplied);
    }
}
