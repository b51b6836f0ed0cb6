//! Character folding for Arabic text.
//!
//! One function, [`push_folded`], decides what every character becomes, so the tokenizer, the
//! stop-word list, the lexicon and the full-text [`normalize`] all agree by construction.
//!
//! Decisions (documented in the README):
//! - diacritics (harakat, shadda, sukun, tanween, superscript alef, Quranic marks) and tatweel are dropped;
//! - zero-width and direction marks (ZWSP, ZWNJ, ZWJ, LRM, RLM, embeddings, isolates, BOM, soft hyphen) are dropped;
//! - alef forms أ إ آ ٱ → ا; ى and Persian ی → ي; Persian ک → ك; ة → ه;
//! - hamza seats ؤ ئ → bare ء, so the common spelling variants مسؤول / مسئول meet;
//! - Arabic-Indic and Persian digits → ASCII; ، ؛ ؟ « » → , ; ? " ;
//! - presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF, common in PDF extractions) → base letters;
//! - Latin letters are lower-cased.

use unicode_normalization::UnicodeNormalization;

/// True for characters that are dropped entirely by normalization.
#[inline]
pub fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' | '\u{00AD}')
}

/// True for Arabic presentation-form characters (folded through NFKC).
#[inline]
pub fn is_presentation_form(c: char) -> bool {
    matches!(c, '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}')
}

/// Folds one base character (not a presentation form, not ignorable).
#[inline]
fn fold_base(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ک' => 'ك',
        'ة' => 'ه',
        'ؤ' | 'ئ' => 'ء',
        '٠'..='٩' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        '،' => ',',
        '؛' => ';',
        '؟' => '?',
        '«' | '»' => '"',
        'A'..='Z' => c.to_ascii_lowercase(),
        _ => c,
    }
}

/// Appends the normalized form of `c` to `out` (zero, one or two characters).
#[inline]
pub fn push_folded(c: char, out: &mut String) {
    if (c as u32) < 0x80 {
        out.push(c.to_ascii_lowercase());
    } else if is_ignorable(c) {
    } else if is_presentation_form(c) {
        for d in std::iter::once(c).nfkc() {
            if !is_ignorable(d) && d != ' ' {
                out.push(fold_base(d));
            }
        }
    } else {
        out.push(fold_base(c));
    }
}

/// What [`push_folded`], [`is_ignorable`] and the tokenizer's `char_kind` say about one character
/// below U+0800 (ASCII, Latin, Greek, Cyrillic, Hebrew, Arabic...), precomputed from those very
/// functions so the fast paths agree with them by construction.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CharInfo {
    /// UTF-8 of the folded character (one or two bytes).
    pub utf8: [u8; 2],
    /// Bytes of the folded character: 0 when normalization drops the character.
    pub len: u8,
    /// `char_kind`: 0 none, 1 Arabic, 2 Latin, 3 number.
    pub kind: u8,
    pub flags: u8,
}

impl CharInfo {
    /// [`is_ignorable`].
    pub const IGNORABLE: u8 = 1;
    /// The folded character is alphanumeric.
    pub const FOLDED_ALNUM: u8 = 2;

    /// Appends the folded character (if any) to `out`.
    #[inline(always)]
    pub fn push_to(self, out: &mut Vec<u8>) {
        if self.len > 0 {
            out.push(self.utf8[0]);
            if self.len > 1 {
                out.push(self.utf8[1]);
            }
        }
    }
}

/// Characters below this code point are described by [`char_table`] (one- and two-byte UTF-8).
pub(crate) const TABLE_LIMIT: u32 = 0x800;

/// The [`CharInfo`] of every character below [`TABLE_LIMIT`], built once.
pub(crate) fn char_table() -> &'static [CharInfo; TABLE_LIMIT as usize] {
    static TABLE: std::sync::OnceLock<Box<[CharInfo; TABLE_LIMIT as usize]>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        use super::tokenize::{TokenKind, char_kind};
        let mut table = Box::new([CharInfo::default(); TABLE_LIMIT as usize]);
        let mut buf = String::new();
        for (cp, info) in table.iter_mut().enumerate() {
            let Some(c) = char::from_u32(cp as u32) else {
                continue;
            };
            buf.clear();
            push_folded(c, &mut buf);
            let mut folded = buf.chars();
            match (folded.next(), folded.next()) {
                (None, _) => {}
                (Some(d), None) => {
                    let n = d.encode_utf8(&mut [0; 4]).len();
                    assert!(n <= 2, "folds below U+0800 stay there");
                    d.encode_utf8(&mut [0; 4])
                        .bytes()
                        .zip(&mut info.utf8)
                        .for_each(|(b, slot)| *slot = b);
                    info.len = n as u8;
                    if d.is_alphanumeric() {
                        info.flags |= CharInfo::FOLDED_ALNUM;
                    }
                }
                _ => unreachable!("characters below U+0800 fold to at most one character"),
            }
            if is_ignorable(c) {
                info.flags |= CharInfo::IGNORABLE;
            }
            info.kind = match char_kind(c) {
                None => 0,
                Some(TokenKind::Arabic) => 1,
                Some(TokenKind::Latin) => 2,
                Some(TokenKind::Number) => 3,
            };
        }
        table
    })
}

/// Normalizes a whole text (idempotent: `normalize(normalize(t)) == normalize(t)`).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_folded(c, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tatweel_from_seed_003_is_removed() {
        assert_eq!(
            normalize("محـمود تـوفيق وزيـر الـداخـلية"),
            "محمود توفيق وزير الداخليه"
        );
    }

    #[test]
    fn diacritics_and_alef_forms_fold() {
        assert_eq!(normalize("الإِرْهَابُ"), "الارهاب");
        assert_eq!(normalize("آمِنٌ أَمْنٌ إِمام ٱلله"), "امن امن امام الله");
        assert_eq!(normalize("مستشفى"), "مستشفي");
    }

    #[test]
    fn hamza_seats_meet() {
        assert_eq!(normalize("مسؤول"), normalize("مسئول"));
    }

    #[test]
    fn digits_and_punctuation_fold() {
        assert_eq!(normalize("٢٠٢٤ ۱۵ ، ؛ ؟ «نص»"), "2024 15 , ; ? \"نص\"");
    }

    #[test]
    fn invisible_marks_are_dropped() {
        assert_eq!(normalize("\u{FEFF}أمن\u{200C}\u{200F}\u{200E}"), "امن");
    }

    #[test]
    fn presentation_forms_fold_to_base_letters() {
        // "لا" ligature and isolated/final forms as PDF extractions produce them.
        assert_eq!(normalize("\u{FEFB}"), "لا");
        assert_eq!(
            normalize("\u{FE8D}\u{FEDF}\u{FE83}\u{FEE3}\u{FEE6}"),
            "الامن"
        );
    }

    proptest! {
        #[test]
        fn normalization_is_idempotent(s in "\\PC{0,40}") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn arabic_normalization_is_idempotent(s in "[\u{0600}-\u{06FF}\u{FB50}-\u{FEFF} a-zA-Z]{0,40}") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once);
        }
    }
}
