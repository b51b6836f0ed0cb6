//! Splits text into word tokens (Arabic words, Latin words, numbers) with byte offsets into the
//! original text, so explanations and highlights can point back at what the analyst read.

use super::normalize::{is_ignorable, is_presentation_form};
use std::ops::Range;

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Arabic,
    Latin,
    Number,
}

/// A raw token: a span of the original text (not yet normalized).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawToken {
    pub span: Range<usize>,
    pub kind: TokenKind,
}

/// Classifies a character as the start/continuation of a token kind.
#[inline]
pub fn char_kind(c: char) -> Option<TokenKind> {
    if is_ignorable(c) {
        return None;
    }
    if c.is_ascii() {
        return if c.is_ascii_alphabetic() {
            Some(TokenKind::Latin)
        } else if c.is_ascii_digit() {
            Some(TokenKind::Number)
        } else {
            None
        };
    }
    match c {
        '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' => Some(TokenKind::Number),
        '\u{0621}'..='\u{063A}'
        | '\u{0641}'..='\u{064A}'
        | '\u{066E}'..='\u{066F}'
        | '\u{0671}'..='\u{06D3}'
        | '\u{06D5}'
        | '\u{06FA}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}' => Some(TokenKind::Arabic),
        c if is_presentation_form(c) && c.is_alphabetic() => Some(TokenKind::Arabic),
        c if c.is_alphabetic() => Some(TokenKind::Latin),
        _ => None,
    }
}

/// Calls `emit` for every token of `text[range]`, in order. Ignorable marks (diacritics, tatweel,
/// ZWNJ...) inside a word keep it whole; a change of script or a separator ends it.
pub fn tokenize_span(text: &str, range: Range<usize>, mut emit: impl FnMut(RawToken)) {
    let base = range.start;
    let mut current: Option<(usize, usize, TokenKind)> = None;
    for (i, c) in text[range].char_indices() {
        let at = base + i;
        let end = at + c.len_utf8();
        match (char_kind(c), current.as_mut()) {
            (Some(kind), Some((_, stop, cur))) if *cur == kind => *stop = end,
            (Some(kind), _) => {
                if let Some((s, e, k)) = current.take() {
                    emit(RawToken {
                        span: s..e,
                        kind: k,
                    });
                }
                current = Some((at, end, kind));
            }
            (None, Some((_, stop, TokenKind::Arabic))) if is_ignorable(c) => *stop = end,
            (None, _) => {
                if let Some((s, e, k)) = current.take() {
                    emit(RawToken {
                        span: s..e,
                        kind: k,
                    });
                }
            }
        }
    }
    if let Some((s, e, k)) = current {
        emit(RawToken {
            span: s..e,
            kind: k,
        });
    }
}

/// All tokens of a whole text.
pub fn tokenize(text: &str) -> Vec<RawToken> {
    let mut out = Vec::new();
    tokenize_span(text, 0..text.len(), |t| out.push(t));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).into_iter().map(|t| &text[t.span]).collect()
    }

    #[test]
    fn seed_phrase_splits_into_words() {
        assert_eq!(
            words("وقع وزير الداخلية، والقائم بأعمال"),
            ["وقع", "وزير", "الداخلية", "والقائم", "بأعمال"]
        );
    }

    #[test]
    fn tatweel_and_diacritics_stay_inside_words() {
        assert_eq!(
            words("وزيـر الـداخـلية الإِرْهَاب"),
            ["وزيـر", "الـداخـلية", "الإِرْهَاب"]
        );
    }

    #[test]
    fn scripts_and_numbers_are_separate_tokens() {
        let text = "هجوم DDoS عام 2024 و٢٠٢٥";
        let kinds: Vec<_> = tokenize(text).into_iter().map(|t| t.kind).collect();
        assert_eq!(words(text), ["هجوم", "DDoS", "عام", "2024", "و", "٢٠٢٥"]);
        assert_eq!(kinds[1], TokenKind::Latin);
        assert_eq!(kinds[3], TokenKind::Number);
    }

    #[test]
    fn template_braces_and_punctuation_are_not_tokens() {
        assert_eq!(
            words("{{ article.visit_count }} «مشاركة»"),
            ["article", "visit", "count", "مشاركة"]
        );
    }

    proptest! {
        #[test]
        fn tokens_are_nonempty_ordered_and_in_bounds(s in "\\PC{0,60}") {
            let mut last = 0;
            for t in tokenize(&s) {
                prop_assert!(t.span.start < t.span.end);
                prop_assert!(t.span.end <= s.len());
                prop_assert!(t.span.start >= last);
                prop_assert!(s.is_char_boundary(t.span.start) && s.is_char_boundary(t.span.end));
                last = t.span.end;
            }
        }
    }
}
