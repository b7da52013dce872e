//! Municipalities and their portfolios in the database: their rows for the one write course
//! (`Stored`), and the reads of one municipality's state and of the list.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::changes::Stored;
use super::rows::{enum_to_text, text_to_enum};
use super::schema::{municipalities, portfolio_entries};
use super::{Db, Moment, StoreError};
use crate::domain::ids::OrgNumber;
use crate::domain::municipalities::{Municipality, PortfolioEntry, Revised, SignedSource};
use crate::domain::writes::EntityKind;
use crate::texts::{Said, Text};

#[derive(Queryable, Insertable)]
#[diesel(table_name = municipalities)]
struct MunicipalityRow {
    id: String,
    name: String,
    org_number: String,
    municipality_number: Option<String>,
    kind: String,
    portfolio: String,
    revision: i32,
    created_at: Moment,
    updated_at: Moment,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = portfolio_entries)]
struct EntryRow {
    id: String,
    municipality_id: String,
    service_id: String,
    local_status: String,
    agreement_signed_on: Option<String>,
    dpia_done_on: Option<String>,
    next_review_due: Option<String>,
    source_title: Option<String>,
    source_date: Option<String>,
    source_url: Option<String>,
    note: Option<String>,
    removed: bool,
    revision: i32,
    created_at: Moment,
    updated_at: Moment,
}

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn parse_day(column: &str, s: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|_| StoreError::Corrupt(format!("{column} holds `{s}`, not a date")))
    })
    .transpose()
}

impl Stored for Municipality {
    const KIND: EntityKind = EntityKind::Municipality;
    const TABLE: &'static str = "municipalities";

    fn id(&self) -> &str {
        &self.id
    }

    fn write_rows(&self, db: &mut Db, created: bool, now: DateTime<Utc>) -> Result<(), StoreError> {
        let m = self;
        if created {
            let row = MunicipalityRow {
                id: m.id.clone(),
                name: m.name.clone(),
                org_number: m.org_number.as_str().to_owned(),
                municipality_number: m.municipality_number.clone(),
                kind: enum_to_text(&m.kind),
                portfolio: enum_to_text(&m.portfolio),
                revision: 1,
                created_at: Moment(now),
                updated_at: Moment(now),
            };
            diesel::insert_into(municipalities::table)
                .values(&row)
                .execute(db)?;
        } else {
            diesel::update(municipalities::table.find(&m.id))
                .set((
                    municipalities::name.eq(&m.name),
                    municipalities::org_number.eq(m.org_number.as_str()),
                    municipalities::municipality_number.eq(&m.municipality_number),
                    municipalities::kind.eq(enum_to_text(&m.kind)),
                    municipalities::portfolio.eq(enum_to_text(&m.portfolio)),
                ))
                .execute(db)?;
        }
        Ok(())
    }

    fn clash(&self) -> Option<Said> {
        Some(Text::MunicipalityOrgNumberTaken.with(&[("org", &self.org_number)]))
    }
}

impl Stored for PortfolioEntry {
    const KIND: EntityKind = EntityKind::PortfolioEntry;
    const TABLE: &'static str = "portfolio_entries";

    fn id(&self) -> &str {
        &self.key
    }

    fn write_rows(&self, db: &mut Db, created: bool, now: DateTime<Utc>) -> Result<(), StoreError> {
        let e = self;
        let source = e.source.as_ref();
        let row = EntryRow {
            id: e.key.clone(),
            municipality_id: e.municipality.clone(),
            service_id: e.service.clone(),
            local_status: enum_to_text(&e.local_status),
            agreement_signed_on: day(e.agreement_signed_on),
            dpia_done_on: day(e.dpia_done_on),
            next_review_due: day(e.next_review_due),
            source_title: source.map(|s| s.title.clone()),
            source_date: day(source.and_then(|s| s.date)),
            source_url: source.and_then(|s| s.url.clone()),
            note: e.note.clone(),
            removed: e.removed,
            revision: 1,
            created_at: Moment(now),
            updated_at: Moment(now),
        };
        if created {
            diesel::insert_into(portfolio_entries::table)
                .values(&row)
                .execute(db)?;
        } else {
            use portfolio_entries as p;
            diesel::update(p::table.find(&e.key))
                .set((
                    p::local_status.eq(row.local_status),
                    p::agreement_signed_on.eq(row.agreement_signed_on),
                    p::dpia_done_on.eq(row.dpia_done_on),
                    p::next_review_due.eq(row.next_review_due),
                    p::source_title.eq(row.source_title),
                    p::source_date.eq(row.source_date),
                    p::source_url.eq(row.source_url),
                    p::note.eq(row.note),
                    p::removed.eq(row.removed),
                ))
                .execute(db)?;
        }
        Ok(())
    }
}

fn municipality(row: MunicipalityRow) -> Result<Revised<Municipality>, StoreError> {
    Ok(Revised {
        entry: Municipality {
            org_number: OrgNumber::parse(&row.org_number).map_err(|_| {
                StoreError::Corrupt(format!("municipality `{}`: its org number", row.id))
            })?,
            kind: text_to_enum("municipalities.kind", &row.kind)?,
            portfolio: text_to_enum("municipalities.portfolio", &row.portfolio)?,
            id: row.id,
            name: row.name,
            municipality_number: row.municipality_number,
        },
        revision: row.revision,
        updated_at: row.updated_at.0,
    })
}

fn entry(row: EntryRow) -> Result<Revised<PortfolioEntry>, StoreError> {
    let source = match row.source_title {
        Some(title) => Some(SignedSource {
            title,
            date: parse_day("portfolio_entries.source_date", row.source_date)?,
            url: row.source_url,
        }),
        None => None,
    };
    Ok(Revised {
        entry: PortfolioEntry {
            local_status: text_to_enum("portfolio_entries.local_status", &row.local_status)?,
            agreement_signed_on: parse_day("agreement_signed_on", row.agreement_signed_on)?,
            dpia_done_on: parse_day("dpia_done_on", row.dpia_done_on)?,
            next_review_due: parse_day("next_review_due", row.next_review_due)?,
            key: row.id,
            municipality: row.municipality_id,
            service: row.service_id,
            source,
            note: row.note,
            removed: row.removed,
        },
        revision: row.revision,
        updated_at: row.updated_at.0,
    })
}

/// Whether a key read from a request can be looked up at all: PostgreSQL refuses a NUL in text
/// (an error, where the answer is simply "none": no stored id or number holds one), and the
/// write's validation names the bad value afterwards.
fn storable(key: &str) -> bool {
    !key.contains('\0')
}

/// Municipality `id` with every entry of its portfolio (removed ones too), by service id; None
/// when there is no such municipality.
pub type MunicipalState = (Revised<Municipality>, Vec<Revised<PortfolioEntry>>);

pub fn load_municipality(db: &mut Db, id: &str) -> Result<Option<MunicipalState>, StoreError> {
    if !storable(id) {
        return Ok(None);
    }
    db.transaction(|db| {
        let Some(row) = municipalities::table
            .find(id)
            .first::<MunicipalityRow>(db)
            .optional()?
        else {
            return Ok(None);
        };
        let entries = portfolio_entries::table
            .filter(portfolio_entries::municipality_id.eq(id))
            .order(portfolio_entries::service_id)
            .load::<EntryRow>(db)?
            .into_iter()
            .map(entry)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some((municipality(row)?, entries)))
    })
}

/// Every municipality, by id.
pub fn list_municipalities(db: &mut Db) -> Result<Vec<Revised<Municipality>>, StoreError> {
    municipalities::table
        .order(municipalities::id)
        .load::<MunicipalityRow>(db)?
        .into_iter()
        .map(municipality)
        .collect()
}

/// The municipality whose organisation number is `org` (Maskinporten's `consumer`).
pub fn municipality_with_org(db: &mut Db, org: &str) -> Result<Option<String>, StoreError> {
    if !storable(org) {
        return Ok(None);
    }
    Ok(municipalities::table
        .filter(municipalities::org_number.eq(org))
        .select(municipalities::id)
        .first(db)
        .optional()?)
}

/// Whether municipality `id` exists (for the command line's client creation).
pub fn municipality_exists(db: &mut Db, id: &str) -> Result<bool, StoreError> {
    Ok(municipality_with_id(db, id)?.is_some())
}

fn municipality_with_id(db: &mut Db, id: &str) -> Result<Option<String>, StoreError> {
    if !storable(id) {
        return Ok(None);
    }
    Ok(municipalities::table
        .find(id)
        .select(municipalities::id)
        .first(db)
        .optional()?)
}
