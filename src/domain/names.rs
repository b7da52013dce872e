//! Display texts people read and trust: names of vendors and sub-processors, titles. A name must
//! show what it is: no characters that reorder or hide text, at least one visible letter or digit,
//! and not a look-alike of another entry's name (Unicode TR39 confusable skeletons), so a vendor
//! cannot pass off a sub-processor as a well-known one or hide text from a reviewer.

use unicode_security::confusable_detection::skeleton;

use crate::texts::Text;

/// What is wrong with a text anywhere in a written document, if anything: bidirectional
/// controls (which reorder what a reader sees, CVE-2021-42574) and invisible format characters.
pub fn hidden_characters(text: &str) -> Option<Text> {
    if text.chars().any(is_bidi_control) {
        return Some(Text::BidiControls);
    }
    if text.chars().any(is_invisible) {
        return Some(Text::InvisibleCharacters);
    }
    None
}

/// What is wrong with a name or title, if anything: besides [`hidden_characters`], it must hold
/// a visible letter or digit.
pub fn display_name_problem(name: &str) -> Option<Text> {
    if name.trim().is_empty() {
        return Some(Text::MustNotBeEmpty);
    }
    hidden_characters(name).or_else(|| {
        (!name.chars().any(char::is_alphanumeric)).then_some(Text::MustHoldLetterOrDigit)
    })
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// The form two names are compared in: case folded, spaces collapsed, then the TR39 skeleton
/// (Cyrillic `а` and Latin `a` become one).
fn comparable(name: &str) -> String {
    let folded = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    skeleton(&folded).collect()
}

/// The id of the first entry in `others` whose name looks like `name`, if any.
pub fn confusable_with<'a>(
    name: &str,
    others: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<&'a str> {
    let mine = comparable(name);
    others
        .into_iter()
        .find(|(_, other)| comparable(other) == mine)
        .map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_visible_and_say_what_they_show() {
        for (name, ok) in [
            ("Kikora AS", true),
            ("Læringsverkstedet Ærø", true),
            ("3D-skolen", true),
            ("\u{200B}", false),
            ("Kik\u{200B}ora", false),
            ("Safe\u{202E}exe.pdf", false),
            ("\u{2066}Kikora\u{2069}", false),
            ("---", false),
            ("   ", false),
        ] {
            assert_eq!(display_name_problem(name).is_none(), ok, "{name:?}");
        }
    }

    #[test]
    fn look_alike_names_are_found_and_others_are_not() {
        let others = [("microsoft", "Microsoft Ireland"), ("kikora", "Kikora AS")];
        // Cyrillic о and і in place of Latin o and i
        assert_eq!(
            confusable_with("Micr\u{043E}soft \u{0456}reland", others),
            Some("microsoft")
        );
        assert_eq!(confusable_with("KIKORA  AS", others), Some("kikora"));
        assert_eq!(confusable_with("Kikora Norge AS", others), None);
    }
}
