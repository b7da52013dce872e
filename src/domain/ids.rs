//! Identifier newtypes whose constructors are the validation: a value of these types is valid.
//! Each reads (`parse`, and serde, which calls it), shows (`as_str`, `Display`, serde) and
//! documents itself (its OpenAPI schema carries the rule as a `pattern`); the store writes and
//! reads them as text (`store::ids`), so a bad value in the database is a read error.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use crate::texts::{Said, Text};

/// What the id types share: a checked text, its rule for the OpenAPI document, and the traits
/// that show, compare, serialise and look it up as the text it is.
macro_rules! checked_text {
    ($name:ident, $pattern:expr, $max:expr, $example:literal, $description:literal) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        /// Read as the text it is (`&id` where a `&str` is asked); only `parse` makes one.
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        /// Maps keyed by the type are looked up by the text.
        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.0 == *other
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::parse(&text).map_err(|e| serde::de::Error::custom(format!("`{text}` {e}")))
            }
        }

        /// Literals in unit tests' fixtures; a literal the rules refuse is a bug in the test.
        #[cfg(test)]
        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                $name::parse(text).unwrap_or_else(|e| panic!("`{text}` {e}"))
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some($description))
                    .pattern(Some($pattern))
                    .max_length($max)
                    .examples([serde_json::json!($example)])
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

/// A resource id: a lowercase ASCII slug such as `kikora` or `microsoft-azure`.
const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
const SLUG_MAX: usize = 64;

/// The three kinds of catalogue id follow one rule but are not interchangeable: a service id
/// where a vendor id belongs does not compile.
macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident, $example:literal, $description:literal) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub struct $name(String);

        impl $name {
            pub fn parse(input: &str) -> Result<Self, Said> {
                check_slug(input).map(|()| Self(input.to_owned()))
            }
        }

        checked_text!($name, SLUG_PATTERN, Some(SLUG_MAX), $example, $description);
    };
}

slug_id!(
    /// A service's id, e.g. `kikora`.
    ServiceId,
    "kikora",
    "A service's id: a lowercase slug of a-z, 0-9 and single hyphens, at most 64 characters."
);
slug_id!(
    /// A vendor's id, e.g. `eldur-learning`.
    VendorId,
    "eldur-learning",
    "A vendor's id: a lowercase slug of a-z, 0-9 and single hyphens, at most 64 characters."
);
slug_id!(
    /// A shared sub-processor's id, e.g. `microsoft-azure`.
    SubProcessorId,
    "microsoft-azure",
    "A sub-processor's id: a lowercase slug of a-z, 0-9 and single hyphens, at most 64 \
     characters."
);

/// An ISO 3166-1 alpha-2 code in its canonical upper-case form. Whether the country exists is
/// checked against the countries table, not here.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, diesel::AsExpression, diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(input: &str) -> Result<Self, Said> {
        check_country_shape(input).map(|()| Self(input.to_owned()))
    }
}

checked_text!(
    CountryCode,
    "^[A-Z]{2}$",
    Some(2),
    "NO",
    "An ISO 3166-1 alpha-2 country code in upper case."
);

/// A Norwegian organisation number: 9 digits whose last is a MOD11 check digit
/// (`mod11_check_digit`). Spaces are accepted on input and dropped; a remainder that gives check
/// digit 10 makes the number invalid.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, diesel::AsExpression, diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct OrgNumber(String);

checked_text!(
    OrgNumber,
    "^( *[0-9]){9} *$",
    None,
    "918781293",
    "A Norwegian organisation number: 9 digits, the last a MOD11 check digit; spaces are \
     dropped (stored and shown as 9 digits)."
);

impl OrgNumber {
    pub fn parse(input: &str) -> Result<Self, Said> {
        let digits: String = input.chars().filter(|c| *c != ' ').collect();
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Text::OrgNumberNineDigits.into());
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let Some(check) = mod11_check_digit(&d[..8]) else {
            return Err(Text::OrgNumberNoCheckDigit.into());
        };
        if check != d[8] {
            return Err(Text::OrgNumberFailsMod11.with(&[("check", &check)]));
        }
        Ok(Self(digits))
    }
}

/// Brønnøysundregistrene's weights for the first eight digits of an organisation number.
const MOD11_WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

/// The MOD11 check digit of an organisation number's first eight digits; None when the remainder
/// gives 10, which makes every number starting with these digits invalid.
pub fn mod11_check_digit(first_eight: &[u32]) -> Option<u32> {
    let sum: u32 = MOD11_WEIGHTS
        .iter()
        .zip(first_eight)
        .map(|(w, d)| w * d)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

/// Whether `input` is a catalogue id (`SLUG_PATTERN`, at most `SLUG_MAX` bytes).
pub fn check_slug(input: &str) -> Result<(), Said> {
    let ok = !input.is_empty()
        && input.len() <= SLUG_MAX
        && input.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(Text::MustBeSlug.with(&[("max", &SLUG_MAX)]))
    }
}

/// An ISO 3166-1 alpha-2 code in its canonical upper-case form (existence is checked against the
/// countries table, not here).
pub fn check_country_shape(input: &str) -> Result<(), Said> {
    if input.len() == 2 && input.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(Text::MustBeCountryCode.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_numbers_from_the_seed_agreements_are_valid() {
        for n in [
            "998596572",
            "932539527",
            "970 133 410",
            "918 781 293",
            "951549770",
            "896 907 662",
        ] {
            assert!(OrgNumber::parse(n).is_ok(), "{n}");
        }
        assert_eq!(
            OrgNumber::parse("970 133 410").unwrap().as_str(),
            "970133410"
        );
    }

    #[test]
    fn org_numbers_with_a_wrong_check_digit_or_shape_are_rejected() {
        assert!(OrgNumber::parse("918781294")
            .unwrap_err()
            .to_string()
            .contains("MOD11"));
        assert!(OrgNumber::parse("91878129").is_err());
        assert!(OrgNumber::parse("9187812930").is_err());
        assert!(OrgNumber::parse("91878129a").is_err());
        // 6*2 = 12, remainder 1 -> check digit 10, which no number may have
        assert!(OrgNumber::parse("000000060")
            .unwrap_err()
            .to_string()
            .contains("no valid"));
    }

    #[test]
    fn the_check_digit_of_the_first_eight_digits_is_the_ninth() {
        for n in ["998596572", "932539527", "970133410", "918781293"] {
            let d: Vec<u32> = n.bytes().map(|b| u32::from(b - b'0')).collect();
            assert_eq!(mod11_check_digit(&d[..8]), Some(d[8]), "{n}");
        }
        assert_eq!(mod11_check_digit(&[0, 0, 0, 0, 0, 0, 0, 6]), None);
    }

    #[test]
    fn a_remainder_of_zero_gives_check_digit_zero() {
        // 3*1 + 2*0 + ... chosen so the weighted sum is a multiple of 11
        let body = [1u32, 1, 0, 0, 0, 0, 0, 3]; // 3+2+0+0+0+0+0+6 = 11
        let s: String = body
            .iter()
            .map(|d| char::from_digit(*d, 10).unwrap())
            .collect();
        assert!(OrgNumber::parse(&format!("{s}0")).is_ok());
        assert!(OrgNumber::parse(&format!("{s}1")).is_err());
    }

    #[test]
    fn slugs_are_lowercase_words_joined_by_single_hyphens() {
        assert!(check_slug("eldur-learning").is_ok());
        assert!(check_slug("kikora").is_ok());
        for bad in [
            "",
            "Kikora",
            "-a",
            "a-",
            "a--b",
            "a_b",
            "ø",
            &"a".repeat(65),
        ] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_slug_id_takes_a_slug_and_refuses_anything_else_with_the_slug_message() {
        let slug_message = check_slug("Kikora").unwrap_err().to_string();
        assert_eq!(ServiceId::parse("kikora").unwrap().as_str(), "kikora");
        assert_eq!(
            VendorId::parse("eldur-learning").unwrap().to_string(),
            "eldur-learning"
        );
        assert_eq!(
            SubProcessorId::parse("microsoft-azure").unwrap().as_str(),
            "microsoft-azure"
        );
        for bad in ["", "Kikora", "a--b", "k%69kora", &"a".repeat(65)] {
            assert_eq!(
                ServiceId::parse(bad).unwrap_err().to_string(),
                slug_message,
                "{bad}"
            );
            assert_eq!(
                VendorId::parse(bad).unwrap_err().to_string(),
                slug_message,
                "{bad}"
            );
            assert_eq!(
                SubProcessorId::parse(bad).unwrap_err().to_string(),
                slug_message,
                "{bad}"
            );
        }
        assert!(ServiceId::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn country_codes_are_two_upper_case_letters() {
        assert_eq!(CountryCode::parse("NO").unwrap().as_str(), "NO");
        // the shape only: whether XX is a country the countries table says
        assert!(CountryCode::parse("XX").is_ok());
        for bad in ["no", "No", "NOR", "N", "", "N0", "ÅL"] {
            assert_eq!(
                CountryCode::parse(bad).unwrap_err().to_string(),
                "must be an ISO 3166-1 alpha-2 code in upper case, e.g. NO",
                "{bad}"
            );
        }
    }

    #[test]
    fn serde_reads_through_the_constructor_and_writes_the_stored_form() {
        let org: OrgNumber = serde_json::from_str(r#""970 133 410""#).unwrap();
        assert_eq!(serde_json::to_string(&org).unwrap(), r#""970133410""#);
        let id: ServiceId = serde_json::from_str(r#""kikora""#).unwrap();
        assert_eq!(serde_json::to_value(&id).unwrap(), "kikora");
        let e = serde_json::from_str::<ServiceId>(r#""BAD ID""#).unwrap_err();
        assert!(e.to_string().contains("must be a lowercase slug"), "{e}");
        assert!(serde_json::from_str::<CountryCode>(r#""no""#).is_err());
        assert!(serde_json::from_str::<OrgNumber>(r#""918781294""#).is_err());
        assert!(serde_json::from_str::<VendorId>("7").is_err());
    }

    #[test]
    fn maps_keyed_by_an_id_are_looked_up_by_its_text() {
        let mut m = std::collections::BTreeMap::new();
        m.insert(SubProcessorId::parse("microsoft-azure").unwrap(), 1);
        assert_eq!(m.get("microsoft-azure"), Some(&1));
        let set: std::collections::HashSet<CountryCode> =
            [CountryCode::parse("SE").unwrap()].into();
        assert!(set.contains("SE"));
    }

    #[test]
    fn the_schema_carries_the_rule_the_constructor_checks() {
        use utoipa::PartialSchema;
        for (schema, pattern) in [
            (ServiceId::schema(), SLUG_PATTERN),
            (VendorId::schema(), SLUG_PATTERN),
            (SubProcessorId::schema(), SLUG_PATTERN),
            (CountryCode::schema(), "^[A-Z]{2}$"),
            (OrgNumber::schema(), "^( *[0-9]){9} *$"),
        ] {
            let json = serde_json::to_value(schema).unwrap();
            assert_eq!(json["type"], "string");
            assert_eq!(json["pattern"], pattern);
        }
        use utoipa::ToSchema;
        assert_eq!(ServiceId::name(), "ServiceId");
    }
}
