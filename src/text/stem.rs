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

/// amn's light stemmer.
#[derive(Debug, Default, Clone, Copy)]
pub struct LightStemmer;

/// Characters in UTF-8 bytes (the bytes that do not continue a character).
#[inline]
fn char_len(s: &[u8]) -> usize {
    s.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl Stemmer for LightStemmer {
    fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(light_stem(word))
    }
}

/// The light stemmer's stem of a normalized token (a slice of it).
///
/// Affixes are compared as numbers (their UTF-8 bytes, little-endian) against the first 16 and
/// last 4 bytes of the word: a `memcmp` per affix cost more than the comparison itself.
#[inline]
pub fn light_stem(word: &str) -> &str {
    light_stem_counted(word, char_len(word.as_bytes()))
}

/// [`light_stem`] of a word of `chars` characters (which the analyzer's scanner has counted).
#[inline]
pub(crate) fn light_stem_counted(word: &str, chars: usize) -> &str {
    debug_assert_eq!(chars, word.chars().count());
    if !word
        .chars()
        .next()
        .is_some_and(|c| ('\u{0621}'..='\u{064A}').contains(&c))
    {
        return word;
    }
    let b = word.as_bytes();
    let (mut start, mut end) = (0, b.len());
    // Characters between `start` and `end`: those of the word, less those of each affix stripped
    // (affixes are whole characters).
    let mut chars = chars;
    let mut h = head(b);
    // Every ROOT_WAW entry starts with و and every ROOT_AL entry with ال (checked by a test), so
    // the lists are only searched for words that start so.
    let root_waw = WAW.is_prefix(h) && ROOT_WAW_T.iter().any(|r| r.is_prefix(h));
    if !root_waw {
        for p in &CONJUNCTIONS_T {
            if p.is_prefix(h)
                && chars - p.chars >= MIN_AFTER_CONJUNCTION
                && !ARTICLES_T.iter().any(|a| a.len > p.len && a.is_prefix(h))
            {
                start = p.len;
                chars -= p.chars;
                h = head(&b[start..]);
                break;
            }
        }
    }
    let root_al = AL.is_prefix(h) && ROOT_AL_T.iter().any(|r| r.is_prefix(h));
    if !root_al {
        for a in &ARTICLES_T {
            if a.is_prefix(h) && chars - a.chars >= MIN_AFTER_ARTICLE {
                start += a.len;
                chars -= a.chars;
                break;
            }
        }
    }
    // Suffixes in order, each at most once; only those ending with the word's last byte can
    // match, and NEXT_SUFFIX skips to them.
    let mut t = tail(&b[start..end]);
    let mut i = NEXT_SUFFIX[0][(t >> 24) as usize] as usize;
    while i < SUFFIXES_T.len() {
        let s = SUFFIXES_T[i];
        if s.is_suffix(t, end - start) && chars - s.chars >= s.min_rest {
            end -= s.len;
            chars -= s.chars;
            t = tail(&b[start..end]);
        }
        i = NEXT_SUFFIX[i + 1][(t >> 24) as usize] as usize;
    }
    debug_assert!(word.is_char_boundary(start) && word.is_char_boundary(end));
    // SAFETY: `start..end` is within the word (`start <= end <= word.len()`: an affix is stripped
    // only when it lies inside what is left) and on character boundaries (affixes are whole
    // characters, stripped from the ends). Unchecked: the boundary tests' branches (was a prefix
    // or a suffix stripped?) were a tenth of the analyzer's mispredicted branches.
    unsafe { word.get_unchecked(start..end) }
}

/// An affix: its UTF-8 bytes as a little-endian number (and the mask of its bytes), its length
/// in bytes and in characters, and how many characters a stem must keep for it to be stripped
/// as a suffix.
#[derive(Debug, Clone, Copy)]
struct Affix {
    code: u128,
    mask: u128,
    len: usize,
    chars: usize,
    min_rest: usize,
}

impl Affix {
    const fn new(s: &str) -> Affix {
        let b = s.as_bytes();
        assert!(
            !b.is_empty() && b.len() <= 16,
            "affixes are compared within 16 bytes"
        );
        let (mut code, mut chars, mut i) = (0u128, 0, 0);
        while i < b.len() {
            assert!(b[i] != 0, "affixes have no zero byte (see `is_prefix`)");
            code |= (b[i] as u128) << (8 * i);
            if b[i] & 0xC0 != 0x80 {
                chars += 1;
            }
            i += 1;
        }
        let min_rest = if chars == 1 {
            MIN_AFTER_SHORT_SUFFIX
        } else {
            MIN_AFTER_SUFFIX
        };
        let mask = if b.len() == 16 {
            u128::MAX
        } else {
            (1u128 << (8 * b.len())) - 1
        };
        Affix {
            code,
            mask,
            len: b.len(),
            chars,
            min_rest,
        }
    }

    /// Whether the word whose [`head`] is `h` starts with this affix. No length test is needed:
    /// `head` pads a short word with zeros, and no byte of an affix is zero.
    #[inline(always)]
    fn is_prefix(self, h: u128) -> bool {
        h & self.mask == self.code
    }

    /// Whether the word of `n` bytes whose [`tail`] is `t` ends with this affix (of at most 4
    /// bytes): the affix's bytes are the top `len` bytes of `t`.
    #[inline(always)]
    fn is_suffix(self, t: u32, n: usize) -> bool {
        self.len <= n && ((t as u64) << (8 * self.len)) >> 32 == self.code as u64
    }
}

const fn affixes<const N: usize>(list: &[&str]) -> [Affix; N] {
    let mut out = [Affix {
        code: 0,
        mask: 0,
        len: 0,
        chars: 0,
        min_rest: 0,
    }; N];
    let mut i = 0;
    while i < N {
        out[i] = Affix::new(list[i]);
        i += 1;
    }
    out
}

const WAW: Affix = Affix::new("و");
const AL: Affix = Affix::new("ال");
const CONJUNCTIONS_T: [Affix; CONJUNCTIONS.len()] = affixes(CONJUNCTIONS);
const ARTICLES_T: [Affix; ARTICLES.len()] = affixes(ARTICLES);
const SUFFIXES_T: [Affix; SUFFIXES.len()] = affixes(SUFFIXES);
const ROOT_WAW_T: [Affix; ROOT_WAW.len()] = affixes(ROOT_WAW);
const ROOT_AL_T: [Affix; ROOT_AL.len()] = affixes(ROOT_AL);

/// `NEXT_SUFFIX[i][b]`: the first suffix from the i-th on whose last byte is `b` (or the number
/// of suffixes when none is).
const NEXT_SUFFIX: [[u8; 256]; SUFFIXES.len() + 1] = {
    let mut next = [[SUFFIXES.len() as u8; 256]; SUFFIXES.len() + 1];
    let mut i = SUFFIXES.len();
    while i > 0 {
        i -= 1;
        next[i] = next[i + 1];
        let last = SUFFIXES[i].as_bytes();
        next[i][last[last.len() - 1] as usize] = i as u8;
    }
    next
};

/// The first (up to) 16 bytes of `w` as a little-endian number (zeros past the end).
#[inline(always)]
fn head(w: &[u8]) -> u128 {
    let n = w.len();
    if n >= 8 {
        // Two 8-byte loads, bytes 0..8 and the 8 up to `k` shifted down to 8..k: the same code
        // for every length from 8 (a branch on the length is often mispredicted).
        let k = n.min(16);
        let lo = u64::from_le_bytes(*w.first_chunk::<8>().expect("8 bytes"));
        let last = u64::from_le_bytes(*w[..k].last_chunk::<8>().expect("8 bytes"));
        let hi = last.checked_shr(8 * (16 - k) as u32).unwrap_or(0);
        lo as u128 | (hi as u128) << 64
    } else if n >= 4 {
        let lo = u32::from_le_bytes(*w.first_chunk::<4>().expect("4 bytes"));
        let last = u32::from_le_bytes(*w.last_chunk::<4>().expect("4 bytes"));
        let hi = if n == 4 { 0 } else { last >> (8 * (8 - n)) };
        lo as u128 | (hi as u128) << 32
    } else {
        w.iter()
            .enumerate()
            .fold(0, |h, (i, &b)| h | (b as u128) << (8 * i))
    }
}

/// The last (up to) 4 bytes of `w` as a little-endian number, the last byte highest.
#[inline(always)]
fn tail(w: &[u8]) -> u32 {
    match w.last_chunk::<4>() {
        Some(chunk) => u32::from_le_bytes(*chunk),
        None => w
            .iter()
            .rev()
            .enumerate()
            .fold(0, |t, (i, &b)| t | (b as u32) << (8 * (3 - i))),
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
    fn head_is_the_first_sixteen_bytes_at_every_length() {
        let bytes: Vec<u8> = (1..=24).collect();
        for n in 0..=bytes.len() {
            let w = &bytes[..n];
            let expected = w
                .iter()
                .take(16)
                .enumerate()
                .fold(0u128, |h, (i, &b)| h | (b as u128) << (8 * i));
            assert_eq!(head(w), expected, "{n} bytes");
        }
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

    /// The light stemmer as first written (string prefix/suffix tests), the reference of the
    /// byte-level one.
    fn reference_light_stem(word: &str) -> &str {
        fn char_len(s: &str) -> usize {
            s.chars().count()
        }
        fn min_stem_after(suffix: &str) -> usize {
            if suffix.chars().count() == 1 {
                MIN_AFTER_SHORT_SUFFIX
            } else {
                MIN_AFTER_SUFFIX
            }
        }
        if !word
            .chars()
            .next()
            .is_some_and(|c| ('\u{0621}'..='\u{064A}').contains(&c))
        {
            return word;
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
        w
    }

    #[test]
    fn root_lists_start_as_the_fast_path_assumes() {
        assert!(ROOT_WAW.iter().all(|r| r.starts_with('و')));
        assert!(ROOT_AL.iter().all(|r| r.starts_with("ال")));
    }

    #[test]
    fn light_stem_equals_the_reference_on_the_corpus() {
        let mut n = 0;
        for text in crate::text::scan::tests::corpus_texts() {
            for w in text.split(|c: char| !c.is_alphanumeric()) {
                let w = normalize(w);
                assert_eq!(light_stem(&w), reference_light_stem(&w), "{w}");
                n += 1;
            }
        }
        assert!(n > 1000);
        for w in [
            "",
            "و",
            "ال",
            "وال",
            "فال",
            "لل",
            "ه",
            "ها",
            "والها",
            "isis",
            "2024",
            "وزيرها",
        ] {
            assert_eq!(light_stem(w), reference_light_stem(w), "{w}");
        }
    }

    proptest::proptest! {
        #[test]
        fn light_stem_equals_the_reference(w in "[\u{0621}-\u{064A}a-z0-9]{0,12}") {
            proptest::prop_assert_eq!(light_stem(&w), reference_light_stem(&w));
        }

        #[test]
        fn light_stem_equals_the_reference_on_affixes(
            w in "(و|ف|ال|بال|كال|فال|لل|وال)?[اأبتثجحخدذرزسشصضطظعغفقكلمنهويىةءئؤ]{0,6}(ها|ان|ات|ون|ين|يه|هم|هن|كم|نا|ه|ي){0,3}"
        ) {
            let w = normalize(&w);
            proptest::prop_assert_eq!(light_stem(&w), reference_light_stem(&w));
        }
    }
}
