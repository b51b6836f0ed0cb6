//! Arabic-script languages that are not Arabic: Persian and Urdu.
//!
//! Such a text passes the "is it Arabic script?" check, and amn classifies it, but its words are
//! not the ones the model learned, so the scores mean little: [`detect`] tells the caller to warn.
//!
//! The evidence is function words, the most frequent words of every text: Persian است، این، را،
//! که، می، از، در...; Urdu ہے، کے، میں، کی، کا، اور، سے، نے...; Arabic في، من، على، إلى، أن،
//! التي... A language is reported when it has at least [`MIN_HITS`] function-word hits and at
//! least twice as many as Arabic, so an Arabic bulletin quoting a Persian sentence is not flagged.
//! Words are compared with Persian/Urdu kaf and yeh folded to the Arabic letters (sources mix
//! them), and the letters only Persian and Urdu use (پ چ ژ گ; ٹ ڈ ڑ ں ے ہ ھ) are counted for the
//! message.

/// A language detected in Arabic script that is not Arabic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Persian,
    Urdu,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Persian => "Persian",
            Language::Urdu => "Urdu",
        }
    }
}

/// What [`detect`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    pub language: Language,
    /// Function words of that language in the text.
    pub hits: usize,
    /// Arabic function words in the text.
    pub arabic_hits: usize,
    /// Letters used by Persian / Urdu but not by Arabic.
    pub letters: usize,
    /// A few of the function words found, in order of first appearance (Persian/Urdu spelling).
    pub examples: Vec<String>,
}

impl Detection {
    /// A one-line warning (without the input's name).
    pub fn warning(&self) -> String {
        format!(
            "looks like {}, not Arabic ({} {} function words such as {}, {} Arabic ones; {} letters that Arabic does not use): classified anyway, the scores may mean little",
            self.language.name(),
            self.hits,
            self.language.name(),
            self.examples.join("، "),
            self.arabic_hits,
            self.letters,
        )
    }
}

/// Fewest function-word hits that report a language.
pub const MIN_HITS: usize = 2;

/// Function words, kaf and yeh folded (ک → ك, ی → ي).
const ARABIC: &[&str] = &[
    "في",
    "من",
    "على",
    "علي",
    "إلى",
    "الى",
    "الي",
    "أن",
    "ان",
    "إن",
    "التي",
    "الذي",
    "الذين",
    "عن",
    "مع",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "كان",
    "كانت",
    "قد",
    "وقد",
    "بين",
    "أو",
    "او",
    "حيث",
    "كما",
    "لم",
    "لن",
    "بعد",
    "قبل",
    "عند",
    "منذ",
    "خلال",
    "وفي",
    "ومن",
    "وعلى",
    "إلا",
    "الا",
    "حتى",
    "ثم",
];
const PERSIAN: &[&str] = &[
    "است", "اين", "آن", "را", "كه", "مي", "از", "در", "با", "تا", "براي", "هاي", "ها", "شد", "شده",
    "بود", "كرد", "كند", "نيز", "يك", "خود", "اند", "هم", "باشد", "شود", "كشور",
];
const URDU: &[&str] = &[
    "ہے", "ہيں", "كے", "كي", "كا", "كو", "سے", "نے", "ميں", "اور", "پر", "بھي", "تھا", "تھي",
    "تھے", "گيا", "كہ", "يہ", "وہ", "ايك", "ہو", "ليے", "جو", "كر",
];

/// Looks for Persian or Urdu in `text`; `None` for Arabic (or too little evidence).
pub fn detect(text: &str) -> Option<Detection> {
    detect_parts(&[text])
}

/// [`detect`] of the parts joined by newlines, without joining them (a title and its text).
pub fn detect_parts(parts: &[&str]) -> Option<Detection> {
    let mut scan = Scan::default();
    for part in parts {
        scan.feed(part.as_bytes());
        scan.flush();
    }
    scan.finish()
}

// What a character of U+0600..U+06FF does to the current word.
const FLUSH: u8 = 0;
/// Diacritics and tatweel stay inside a word and are dropped.
const SKIP: u8 = 1;
const PUSH: u8 = 2;
/// A letter only Persian and Urdu use: pushed and counted.
const LETTER: u8 = 3;
/// Persian kaf, pushed as the Arabic letter.
const KAF: u8 = 4;
/// Persian yeh and alef maksura, pushed as the Arabic yeh.
const YEH: u8 = 5;

/// The action of each character U+0600 + i.
const ACTIONS: [u8; 256] = {
    let mut t = [FLUSH; 256];
    let mut c = 0x621;
    while c <= 0x6D3 {
        if c <= 0x63A || (c >= 0x641 && c <= 0x64A) || c >= 0x671 {
            t[c - 0x600] = PUSH;
        }
        c += 1;
    }
    let mut c = 0x64B;
    while c <= 0x65F {
        t[c - 0x600] = SKIP;
        c += 1;
    }
    t[0x670 - 0x600] = SKIP;
    t[0x640 - 0x600] = SKIP;
    let letters = ['پ', 'چ', 'ژ', 'گ', 'ٹ', 'ڈ', 'ڑ', 'ں', 'ے', 'ۓ', 'ہ', 'ھ'];
    let mut i = 0;
    while i < letters.len() {
        t[letters[i] as usize - 0x600] = LETTER;
        i += 1;
    }
    t['ک' as usize - 0x600] = KAF;
    t['ی' as usize - 0x600] = YEH;
    t['ى' as usize - 0x600] = YEH;
    t['ي' as usize - 0x600] = YEH;
    t
};

/// Longest function word, in bytes (five two-byte letters): longer words need no lookup.
const MAX_WORD_BYTES: usize = 10;

/// A function word (its zero-padded little-endian bytes) and the lists that hold it.
#[derive(Clone, Copy)]
struct Entry {
    code: u128,
    arabic: bool,
    persian: Option<&'static str>,
    urdu: Option<&'static str>,
}

fn word_code(w: &str) -> u128 {
    let mut b = [0u8; 16];
    b[..w.len()].copy_from_slice(w.as_bytes());
    u128::from_le_bytes(b)
}

/// Every function word once, sorted by code.
fn entries() -> &'static [Entry] {
    static ENTRIES: std::sync::OnceLock<Vec<Entry>> = std::sync::OnceLock::new();
    ENTRIES.get_or_init(|| {
        let mut out: Vec<Entry> = Vec::new();
        for (which, list) in [ARABIC, PERSIAN, URDU].into_iter().enumerate() {
            for &w in list {
                debug_assert!(w.len() <= MAX_WORD_BYTES, "{w}");
                let code = word_code(w);
                let at = match out.iter().position(|e| e.code == code) {
                    Some(at) => at,
                    None => {
                        out.push(Entry {
                            code,
                            arabic: false,
                            persian: None,
                            urdu: None,
                        });
                        out.len() - 1
                    }
                };
                match which {
                    0 => out[at].arabic = true,
                    1 => out[at].persian = Some(w),
                    _ => out[at].urdu = Some(w),
                }
            }
        }
        out.sort_unstable_by_key(|e| e.code);
        out
    })
}

/// The detector's state: one pass over the bytes with the current word packed in a number
/// (every character a word keeps is two bytes of UTF-8), so no allocation per word.
#[derive(Default)]
struct Scan {
    word: u128,
    /// The word's length in bytes (counted on past the bytes kept in `word`).
    len: usize,
    arabic: usize,
    persian: usize,
    urdu: usize,
    letters: usize,
    persian_ex: Vec<&'static str>,
    urdu_ex: Vec<&'static str>,
}

impl Scan {
    #[inline]
    fn push(&mut self, lo: u8, hi: u8) {
        if self.len + 2 <= MAX_WORD_BYTES {
            self.word |= (u128::from(lo) | (u128::from(hi) << 8)) << (8 * self.len);
        }
        self.len += 2;
    }

    fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            // U+0600..U+06FF have lead bytes D8..DB; every other byte (ASCII, other leads,
            // continuation bytes) is part of a character that ends the word.
            if (0xD8..=0xDB).contains(&b) && i + 1 < bytes.len() {
                let next = bytes[i + 1];
                match ACTIONS[((b as usize - 0xD8) << 6) | (next as usize & 0x3F)] {
                    SKIP => {}
                    PUSH => self.push(b, next),
                    LETTER => {
                        self.letters += 1;
                        self.push(b, next);
                    }
                    KAF => self.push(0xD9, 0x83),
                    YEH => self.push(0xD9, 0x8A),
                    _ => self.flush(),
                }
                i += 2;
            } else {
                if self.len != 0 {
                    self.flush();
                }
                i += 1;
            }
        }
    }

    #[inline]
    fn flush(&mut self) {
        let (word, len) = (self.word, self.len);
        self.word = 0;
        self.len = 0;
        if len == 0 || len > MAX_WORD_BYTES {
            return;
        }
        let all = entries();
        let Ok(k) = all.binary_search_by_key(&word, |e| e.code) else {
            return;
        };
        let e = all[k];
        self.arabic += usize::from(e.arabic);
        if let Some(w) = e.persian {
            self.persian += 1;
            if self.persian_ex.len() < 4 && !self.persian_ex.contains(&w) {
                self.persian_ex.push(w);
            }
        }
        if let Some(w) = e.urdu {
            self.urdu += 1;
            if self.urdu_ex.len() < 4 && !self.urdu_ex.contains(&w) {
                self.urdu_ex.push(w);
            }
        }
    }

    fn finish(mut self) -> Option<Detection> {
        self.flush();
        let (language, hits, examples) = if self.urdu > self.persian {
            (Language::Urdu, self.urdu, self.urdu_ex)
        } else {
            (Language::Persian, self.persian, self.persian_ex)
        };
        if hits < MIN_HITS || hits < 2 * self.arabic {
            return None;
        }
        // Shown as Persian and Urdu write them (the lists fold kaf and yeh to the Arabic letters).
        let examples = examples
            .iter()
            .map(|w| w.replace('ك', "ک").replace('ي', "ی"))
            .collect();
        Some(Detection {
            language,
            hits,
            arabic_hits: self.arabic,
            letters: self.letters,
            examples,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The straightforward detector (a `String` per word, linear lookups) the fast one must equal.
    fn reference(text: &str) -> Option<Detection> {
        let (mut arabic, mut persian, mut urdu) = (0, 0, 0);
        let (mut persian_ex, mut urdu_ex) = (Vec::new(), Vec::new());
        let mut letters = 0;
        let mut word = String::new();
        let mut flush = |word: &mut String| {
            // Function words have at most five letters (ten bytes): longer words need no lookup.
            if word.is_empty() || word.len() > 10 {
                word.clear();
                return;
            }
            if ARABIC.contains(&word.as_str()) {
                arabic += 1;
            }
            if let Some(w) = PERSIAN.iter().find(|w| **w == word.as_str()) {
                persian += 1;
                if persian_ex.len() < 4 && !persian_ex.contains(w) {
                    persian_ex.push(*w);
                }
            }
            if let Some(w) = URDU.iter().find(|w| **w == word.as_str()) {
                urdu += 1;
                if urdu_ex.len() < 4 && !urdu_ex.contains(w) {
                    urdu_ex.push(*w);
                }
            }
            word.clear();
        };
        for c in text.chars() {
            match c {
                // Diacritics and tatweel stay inside a word and are dropped.
                '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
                'پ' | 'چ' | 'ژ' | 'گ' | 'ٹ' | 'ڈ' | 'ڑ' | 'ں' | 'ے' | 'ۓ' | 'ہ' | 'ھ' =>
                {
                    letters += 1;
                    word.push(c);
                }
                'ک' => word.push('ك'),
                'ی' | 'ى' | 'ي' => word.push('ي'),
                '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{0671}'..='\u{06D3}' => {
                    word.push(c)
                }
                _ => flush(&mut word),
            }
        }
        flush(&mut word);
        let (language, hits, examples) = if urdu > persian {
            (Language::Urdu, urdu, urdu_ex)
        } else {
            (Language::Persian, persian, persian_ex)
        };
        // Shown as Persian and Urdu write them (the lists fold kaf and yeh to the Arabic letters).
        let examples = examples
            .iter()
            .map(|w| w.replace('ك', "ک").replace('ي', "ی"))
            .collect();
        (hits >= MIN_HITS && hits >= 2 * arabic).then_some(Detection {
            language,
            hits,
            arabic_hits: arabic,
            letters,
            examples,
        })
    }

    const PERSIAN_TEXT: &str = "پلیس فتا اعلام کرد که این حمله سایبری از خارج از کشور انجام شده است و \
        مهاجمان می‌خواستند اطلاعات کاربران را سرقت کنند.";
    const URDU_TEXT: &str = "پولیس نے بتایا کہ ملزم کے قبضے سے منشیات برآمد ہوئی ہیں اور اسے \
        گرفتار کر لیا گیا ہے۔ یہ کارروائی ہوائی اڈے پر کی گئی۔";

    #[test]
    fn persian_and_urdu_are_told_apart() {
        let p = detect(PERSIAN_TEXT).expect("Persian");
        assert_eq!(p.language, Language::Persian);
        assert!(p.hits >= 5 && p.letters >= 1, "{p:?}");
        let u = detect(URDU_TEXT).expect("Urdu");
        assert_eq!(u.language, Language::Urdu, "{u:?}");
        assert!(u.warning().contains("Urdu"));
    }

    #[test]
    fn arabic_is_not_flagged() {
        for dir in ["seeds"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|e| e == "txt") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    assert_eq!(detect(&text), None, "{}", p.display());
                }
            }
        }
        assert_eq!(detect("ضبط كمية من المخدرات في المطار"), None);
        assert_eq!(detect(""), None);
        assert_eq!(detect("The ministry"), None);
    }

    #[test]
    fn no_labeled_article_is_flagged() {
        let dev = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/labeled/dev.jsonl"
        );
        let text = std::fs::read_to_string(dev).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let body = row["text"].as_str().unwrap_or_default();
            assert_eq!(detect(body), None, "{}", row["id"]);
        }
    }

    #[test]
    fn an_arabic_bulletin_quoting_persian_is_not_flagged() {
        let text = format!(
            "قال المتحدث باسم الوزارة في بيان إن الهجوم الذي وقع على الموقع كان من الخارج، \
             وأضاف أن التحقيقات جارية مع المشتبه بهم، ونقل عن وكالة إيرانية قولها: «{}»",
            "این حمله از خارج بود"
        );
        assert_eq!(detect(&text), None);
    }

    #[test]
    fn one_pass_equals_the_reference_on_the_samples() {
        let mut texts = vec![
            PERSIAN_TEXT.to_string(),
            URDU_TEXT.to_string(),
            String::new(),
        ];
        texts.push(format!("{PERSIAN_TEXT} {URDU_TEXT}"));
        texts.push("كه از در با ﻻ a\u{064B}b ک ی ى ي ۓ\u{0640}ہ".into());
        let dev = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/labeled/dev.jsonl"
        );
        if let Ok(all) = std::fs::read_to_string(dev) {
            texts.extend(all.lines().map(String::from));
        }
        for t in &texts {
            assert_eq!(detect(t), reference(t), "{t:?}");
        }
        assert_eq!(
            detect_parts(&[PERSIAN_TEXT, URDU_TEXT]),
            reference(&format!("{PERSIAN_TEXT}\n{URDU_TEXT}"))
        );
    }

    proptest! {
        #[test]
        fn one_pass_equals_the_reference(
            s in "([\u{0600}-\u{06FF} a.\n\u{200C}]|است |که |را |ہے |میں |في |من ){0,60}"
        ) {
            prop_assert_eq!(detect(&s), reference(&s));
        }

        #[test]
        fn one_pass_equals_the_reference_on_any_text(s in "\\PC{0,40}") {
            prop_assert_eq!(detect(&s), reference(&s));
        }
    }
}
