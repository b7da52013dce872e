//! How a moment is stored: `timestamptz` on PostgreSQL; on SQLite, which has no time type, text
//! in RFC 3339 with microseconds and `Z`, the one spelling that sorts as it reads (so `ORDER BY`
//! and comparisons on the text keep chronological order) and the one databases written before
//! PostgreSQL's columns were typed already hold.
//!
//! diesel's `MultiConnection` knows only the SQL types both engines share, and neither
//! `Timestamptz` nor a text-backed time is among them, so [`SqlMoment`] says per engine how a
//! [`Moment`] is written and read. `Moment` wraps `DateTime<Utc>` because diesel's traits cannot
//! be implemented for chrono's type with a SQL type of ours (the orphan rule).

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{HasSqlType, Text, Timestamptz};
use diesel::sqlite::Sqlite;

use super::multi_connection_impl::{MultiBackend, MultiRawValue};

/// The SQL type of every stored moment (see the module documentation).
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(postgres_type(name = "timestamptz"))]
#[diesel(sqlite_type(name = "Text"))]
pub struct SqlMoment;

/// A stored moment, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = SqlMoment)]
pub struct Moment(pub DateTime<Utc>);

impl From<DateTime<Utc>> for Moment {
    fn from(t: DateTime<Utc>) -> Moment {
        Moment(t)
    }
}

/// How a moment is spelled in SQLite and in text everywhere (the audit's `at`, cursors).
pub fn fmt_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl ToSql<SqlMoment, Pg> for Moment {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <DateTime<Utc> as ToSql<Timestamptz, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<SqlMoment, Pg> for Moment {
    fn from_sql(
        bytes: <Pg as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        <DateTime<Utc> as FromSql<Timestamptz, Pg>>::from_sql(bytes).map(Moment)
    }
}

impl ToSql<SqlMoment, Sqlite> for Moment {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(fmt_time(self.0));
        Ok(IsNull::No)
    }
}

impl FromSql<SqlMoment, Sqlite> for Moment {
    fn from_sql(
        bytes: <Sqlite as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Sqlite>>::from_sql(bytes)?;
        let t = DateTime::parse_from_rfc3339(&text).map_err(|e| format!("time `{text}`: {e}"))?;
        Ok(Moment(t.with_timezone(&Utc)))
    }
}

impl HasSqlType<SqlMoment> for MultiBackend {
    fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
        MultiBackend::lookup_sql_type::<SqlMoment>(lookup)
    }
}

impl ToSql<SqlMoment, MultiBackend> for Moment {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((SqlMoment, self));
        Ok(IsNull::No)
    }
}

impl FromSql<SqlMoment, MultiBackend> for Moment {
    fn from_sql(bytes: MultiRawValue<'_>) -> deserialize::Result<Self> {
        bytes.from_sql::<Self, SqlMoment>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_spelling_keeps_microseconds_and_sorts_as_time() {
        let t = DateTime::parse_from_rfc3339("2026-11-24T12:00:00.5Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(fmt_time(t), "2026-11-24T12:00:00.500000Z");
        let later = t + chrono::Duration::microseconds(1);
        assert!(fmt_time(t) < fmt_time(later));
    }
}
