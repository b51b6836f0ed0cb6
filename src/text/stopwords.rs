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
    stop_table().contains(normalized.as_bytes())
}

/// The stop-word set as an open-addressing table over a cheap hash of a word's first and last
/// eight bytes and its length: most content words land on an empty slot and are rejected
/// without comparing a byte (the analyzer asks once per token).
#[derive(Debug)]
pub(crate) struct StopTable {
    /// Index + 1 of the word in `words` (0: empty).
    slots: Vec<u16>,
    shift: u32,
    words: Vec<Box<[u8]>>,
}

impl StopTable {
    fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> StopTable {
        let words: Vec<Box<[u8]>> = words.into_iter().map(|w| w.as_bytes().into()).collect();
        let bits = (words.len().max(1) * 8)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let mut table = StopTable {
            slots: vec![0; 1 << bits],
            shift: 64 - bits,
            words: Vec::new(),
        };
        for w in words {
            if !table.contains(&w) {
                let mut i = table.slot(&w);
                while table.slots[i] != 0 {
                    i = (i + 1) & (table.slots.len() - 1);
                }
                table.words.push(w);
                table.slots[i] = u16::try_from(table.words.len()).expect("a short list");
            }
        }
        table
    }

    #[inline(always)]
    fn slot(&self, w: &[u8]) -> usize {
        let n = w.len();
        let (a, b) = if let (Some(f), Some(l)) = (w.first_chunk::<8>(), w.last_chunk::<8>()) {
            (u64::from_le_bytes(*f), u64::from_le_bytes(*l))
        } else if let (Some(f), Some(l)) = (w.first_chunk::<4>(), w.last_chunk::<4>()) {
            (u32::from_le_bytes(*f) as u64, u32::from_le_bytes(*l) as u64)
        } else {
            let x = w.iter().fold(0u64, |h, &b| h << 8 | b as u64);
            (x, 0)
        };
        let h = (a ^ b.rotate_left(29) ^ (n as u64) << 56).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> self.shift) as usize
    }

    #[inline]
    pub fn contains(&self, w: &[u8]) -> bool {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(w);
        loop {
            match self.slots[i] {
                0 => return false,
                s if *self.words[s as usize - 1] == *w => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }
}

/// The stop-word set as a [`StopTable`], built once.
pub(crate) fn stop_table() -> &'static StopTable {
    static TABLE: OnceLock<StopTable> = OnceLock::new();
    TABLE.get_or_init(|| StopTable::new(stopwords().iter().map(String::as_str)))
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
    fn the_table_agrees_with_the_set() {
        let table = stop_table();
        for w in stopwords() {
            assert!(table.contains(w.as_bytes()), "{w}");
        }
        let others = include_str!("../model/lexicon.tsv")
            .split(|c: char| c.is_whitespace())
            .map(normalize)
            .chain(["", "a", "ab", "abcdefghijklmnopq", "و", "في ", " في"].map(String::from));
        for w in others {
            assert_eq!(
                table.contains(w.as_bytes()),
                stopwords().contains(&w),
                "{w:?}"
            );
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
