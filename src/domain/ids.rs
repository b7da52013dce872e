//! Identifier newtypes whose constructors are the validation: a value of these types is valid.

use std::fmt;

/// A Norwegian organisation number: 9 digits whose last is a MOD11 check digit
/// (`mod11_check_digit`). Spaces are accepted on input and dropped; a remainder that gives check
/// digit 10 makes the number invalid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgNumber(String);

impl OrgNumber {
    pub fn parse(input: &str) -> Result<Self, String> {
        let digits: String = input.chars().filter(|c| *c != ' ').collect();
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("must be 9 digits".into());
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let Some(check) = mod11_check_digit(&d[..8]) else {
            return Err("has no valid MOD11 check digit".into());
        };
        if check != d[8] {
            return Err(format!(
                "fails the MOD11 check (check digit should be {check})"
            ));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
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

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A resource id: a lowercase ASCII slug such as `kikora` or `microsoft-azure`.
pub fn check_slug(input: &str) -> Result<(), String> {
    let ok = !input.is_empty()
        && input.len() <= 64
        && input.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err("must be a lowercase slug of a-z, 0-9 and single hyphens, at most 64 characters".into())
    }
}

/// An ISO 3166-1 alpha-2 code in its canonical upper-case form (existence is checked against the
/// countries table, not here).
pub fn check_country_shape(input: &str) -> Result<(), String> {
    if input.len() == 2 && input.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err("must be an ISO 3166-1 alpha-2 code in upper case, e.g. NO".into())
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
        assert!(OrgNumber::parse("918781294").unwrap_err().contains("MOD11"));
        assert!(OrgNumber::parse("91878129").is_err());
        assert!(OrgNumber::parse("9187812930").is_err());
        assert!(OrgNumber::parse("91878129a").is_err());
        // 6*2 = 12, remainder 1 -> check digit 10, which no number may have
        assert!(OrgNumber::parse("000000060")
            .unwrap_err()
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
}
