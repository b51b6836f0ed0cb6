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
            'پ' | 'چ' | 'ژ' | 'گ' | 'ٹ' | 'ڈ' | 'ڑ' | 'ں' | 'ے' | 'ۓ' | 'ہ' | 'ھ' => {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
