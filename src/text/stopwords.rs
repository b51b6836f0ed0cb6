//! The Arabic stop-word list written for amn (`stopwords.txt`): function words, reporting verbs that
//! carry no topic (أكد، أشار، أوضح...), honorifics and titles (معالي، سعادة...). Entries are stored
//! normalized so they match normalized tokens.

use super::normalize::normalize;
use rustc_hash::FxHashSet;
use std::sync::OnceLock;

const LIST: &str = include_str!("stopwords.txt");

/// The normalized stop-word set, built once.
pub fn stopwords() -> &'static FxHashSet<String> {
    static SET: OnceLock<FxHashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        LIST.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(normalize)
            .collect()
    })
}

/// True when a normalized token is a stop word.
#[inline]
pub fn is_stopword(normalized: &str) -> bool {
    stopwords().contains(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporting_verbs_and_honorifics_are_stop_words() {
        for w in ["أكد", "أشار", "أوضح", "معالي", "سعادة", "في", "التي"]
        {
            assert!(is_stopword(&normalize(w)), "{w} should be a stop word");
        }
    }

    #[test]
    fn no_topic_term_is_a_stop_word() {
        let lexicon = include_str!("../model/lexicon.tsv");
        let topic_words = lexicon
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split('\t').nth(2))
            .flat_map(str::split_whitespace);
        let extra = [
            "أمن",
            "الأمن",
            "إرهاب",
            "مخدرات",
            "مطار",
            "طيران",
            "جريمة",
            "إلكتروني",
            "اختراق",
            "تهريب",
        ];
        for w in topic_words.chain(extra) {
            assert!(
                !is_stopword(&normalize(w)),
                "topic term {w} is on the stop list"
            );
        }
    }
}
