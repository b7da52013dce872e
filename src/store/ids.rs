//! How the catalogue's id types (`domain::ids`) are stored: as text on both engines, read back
//! through their constructors, so that a value the rules refuse is a read error (naming the type
//! and the value), never a panic or an invalid value in the read model.

use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use super::multi_connection_impl::{MultiBackend, MultiRawValue};
use crate::domain::ids::{CountryCode, OrgNumber, ServiceId, SubProcessorId, VendorId};

macro_rules! stored_as_text {
    ($($name:ident),*) => {$(
        impl ToSql<Text, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Text, Sqlite> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                <str as ToSql<Text, Sqlite>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Text, MultiBackend> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Pg> for $name {
            fn from_sql(bytes: <Pg as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                checked(<String as FromSql<Text, Pg>>::from_sql(bytes)?)
            }
        }

        impl FromSql<Text, Sqlite> for $name {
            fn from_sql(bytes: <Sqlite as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                checked(<String as FromSql<Text, Sqlite>>::from_sql(bytes)?)
            }
        }

        impl FromSql<Text, MultiBackend> for $name {
            fn from_sql(bytes: MultiRawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, Text>()
            }
        }

        impl Checked for $name {
            const NAME: &'static str = stringify!($name);
            fn parse(text: &str) -> Result<Self, String> {
                $name::parse(text).map_err(|e| e.to_string())
            }
        }
    )*};
}

stored_as_text!(ServiceId, VendorId, SubProcessorId, CountryCode, OrgNumber);

trait Checked: Sized {
    const NAME: &'static str;
    fn parse(text: &str) -> Result<Self, String>;
}

fn checked<T: Checked>(text: String) -> deserialize::Result<T> {
    T::parse(&text).map_err(|e| format!("stored {} `{text}` {e}", T::NAME).into())
}
