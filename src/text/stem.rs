//! Stemmers behind one interface: amn's light stemmer (table-driven, in the spirit of Larkey's
//! light10) and the Snowball Arabic stemmer from rust-stemmers. Both take a normalized token.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Which stemmer an analyzer uses (stored in the model so documents and queries agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum StemmerKind {
    #[default]
    Light,
    Snowball,
}

impl std::str::FromStr for StemmerKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "light" => Ok(StemmerKind::Light),
            "snowball" => Ok(StemmerKind::Snowball),
            _ => Err(format!(
                "unknown stemmer {s:?} (expected light or snowball)"
            )),
        }
    }
}

/// A stemmer of normalized Arabic tokens.
pub trait Stemmer: Send + Sync {
    fn stem<'a>(&self, word: &'a str) -> Cow<'a, str>;
}

/// Conjunction proclitics tried first (only when at least `MIN_AFTER_CONJUNCTION` letters remain).
const CONJUNCTIONS: &[&str] = &["و", "ف"];
/// Article-bearing proclitics, longest first.
const ARTICLES: &[&str] = &["وال", "بال", "كال", "فال", "لل", "ال"];
/// Suffixes, tried in this order, each at most once (normalized: ة is already ه).
const SUFFIXES: &[&str] = &[
    "ها", "ان", "ات", "ون", "ين", "يه", "هم", "هن", "كم", "نا", "ه", "ي",
];
/// Words whose leading ال is part of the word, not the article (so الكترونيه meets الالكترونيه).
const ROOT_AL: &[&str] = &["الكترون", "الماني", "المانيا", "الله"];

/// Frequent words whose leading و is a root letter, not the conjunction (وزارة must not lose it
/// while الوزارة keeps it).
const ROOT_WAW: &[&str] = &[
    "وزير",
    "وزار",
    "وطن",
    "وقت",
    "وضع",
    "وحد",
    "وصل",
    "وقع",
    "ولاي",
    "وكال",
    "وجود",
    "وفد",
    "وسائل",
    "وسيل",
    "ورش",
    "وثيق",
    "وفق",
    "ولد",
    "وصف",
    "وعي",
    "وظيف",
    "ورد",
    "وجه",
    "واجه",
    "واقع",
    "وارد",
];

const MIN_AFTER_CONJUNCTION: usize = 3;
const MIN_AFTER_ARTICLE: usize = 2;
const MIN_AFTER_SUFFIX: usize = 2;
/// One-letter suffixes (ه ي) are often part of short words (فيه، عليه): keep three letters.
const MIN_AFTER_SHORT_SUFFIX: usize = 3;

fn min_stem_after(suffix: &str) -> usize {
    if suffix.chars().count() == 1 {
        MIN_AFTER_SHORT_SUFFIX
    } else {
        MIN_AFTER_SUFFIX
    }
}

/// amn's light stemmer.
#[derive(Debug, Default, Clone, Copy)]
pub struct LightStemmer;

fn char_len(s: &str) -> usize {
    s.chars().count()
}

impl Stemmer for LightStemmer {
    fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        if !word
            .chars()
            .next()
            .is_some_and(|c| ('\u{0621}'..='\u{064A}').contains(&c))
        {
            return Cow::Borrowed(word);
        }
        let mut w = word;
        let root_waw = ROOT_WAW.iter().any(|r| w.starts_with(r));
        for p in CONJUNCTIONS.iter().filter(|_| !root_waw) {
            if let Some(rest) = w.strip_prefix(p)
                && char_len(rest) >= MIN_AFTER_CONJUNCTION
                && !ARTICLES
                    .iter()
                    .any(|a| w.starts_with(a) && a.len() > p.len())
            {
                w = rest;
                break;
            }
        }
        if !ROOT_AL.iter().any(|r| w.starts_with(r)) {
            for a in ARTICLES {
                if let Some(rest) = w.strip_prefix(a)
                    && char_len(rest) >= MIN_AFTER_ARTICLE
                {
                    w = rest;
                    break;
                }
            }
        }
        for s in SUFFIXES {
            if let Some(rest) = w.strip_suffix(s)
                && char_len(rest) >= min_stem_after(s)
            {
                w = rest;
            }
        }
        Cow::Borrowed(w)
    }
}

/// The Snowball Arabic stemmer (rust-stemmers).
pub struct SnowballStemmer(rust_stemmers::Stemmer);

impl Default for SnowballStemmer {
    fn default() -> Self {
        SnowballStemmer(rust_stemmers::Stemmer::create(
            rust_stemmers::Algorithm::Arabic,
        ))
    }
}

impl Stemmer for SnowballStemmer {
    fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        self.0.stem(word)
    }
}

/// Builds the stemmer of a kind.
pub fn stemmer(kind: StemmerKind) -> Box<dyn Stemmer> {
    match kind {
        StemmerKind::Light => Box::new(LightStemmer),
        StemmerKind::Snowball => Box::new(SnowballStemmer::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::normalize;

    fn stems(kind: StemmerKind, words: &[&str]) -> Vec<String> {
        let s = stemmer(kind);
        words
            .iter()
            .map(|w| s.stem(&normalize(w)).into_owned())
            .collect()
    }

    #[test]
    fn terrorism_forms_from_the_seeds_share_a_stem() {
        let got = stems(
            StemmerKind::Light,
            &["الإرهاب", "والإرهاب", "للإرهاب", "إرهاب"],
        );
        assert!(got.iter().all(|s| *s == got[0]), "{got:?}");
    }

    #[test]
    fn snowball_keeps_the_conjunction_before_the_article() {
        // A measured difference between the stemmers (see the README): Snowball leaves وال.
        let got = stems(
            StemmerKind::Snowball,
            &["الإرهاب", "للإرهاب", "إرهاب", "والإرهاب"],
        );
        assert_eq!(got[..3], [got[0].clone(), got[0].clone(), got[0].clone()]);
        assert_ne!(got[3], got[0]);
    }

    #[test]
    fn electronic_forms_share_a_stem() {
        let got = stems(
            StemmerKind::Light,
            &["الإلكترونية", "الالكترونية", "الإلكتروني", "الكترونية"],
        );
        assert!(got.iter().all(|s| *s == got[0]), "{got:?}");
    }

    #[test]
    fn light_stemmer_never_goes_below_two_letters() {
        for w in ["وله", "بها", "الي", "فيه", "هم", "ال"] {
            let s = LightStemmer.stem(w);
            assert!(s.chars().count() >= 2, "{w} -> {s}");
        }
    }

    #[test]
    fn light_stemmer_strips_clitics_and_suffixes() {
        assert_eq!(stems(StemmerKind::Light, &["والمخدرات"]), ["مخدر"]);
        assert_eq!(stems(StemmerKind::Light, &["بالمطارات"]), ["مطار"]);
        assert_eq!(stems(StemmerKind::Light, &["وزارتي"]), ["وزارت"]);
    }

    #[test]
    fn latin_and_numbers_pass_through() {
        assert_eq!(LightStemmer.stem("isis"), "isis");
        assert_eq!(LightStemmer.stem("2024"), "2024");
    }
}
