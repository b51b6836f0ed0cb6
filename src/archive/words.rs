//! Readable words for stems: the most frequent surface form of each stem, learned from an evenly
//! spread sample of the corpus, since stems such as `كبتاج` are not what an analyst wants to
//! read. A bigram reads as the words of its two stems (looking up every adjacent pair in the
//! vocabulary as well would double the cost of this pass).

use crate::corpus::Document;
use crate::text::Analyzer;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::fmt::Write;

/// How many bulletins (evenly spread) are read for surface forms. A full extra analysis pass
/// over 31k bulletins would cost seconds; a term frequent enough to describe a cluster is
/// almost surely in a sample this size, and rarer ones fall back to the stem.
pub const SAMPLE: usize = 4000;

/// Display form of a written word: without tatweel and short-vowel marks.
pub fn display_form(word: &str) -> String {
    word.chars()
        .filter(|&c| !matches!(c, '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0670}'))
        .collect()
}

/// Counts of `word\0id` keys: one reused key buffer, so a repeat costs a hash and no allocation.
type Tally = FxHashMap<String, u32>;

/// The most frequent surface word of each of `n_terms` terms ("" when unseen or a bigram), from
/// at most [`SAMPLE`] of `docs`. `term_id` maps a stem to its term id.
pub fn surface_words(
    docs: &[Document],
    analyzer: &Analyzer,
    n_terms: usize,
    term_id: impl Fn(&str) -> Option<u32> + Sync,
) -> Vec<String> {
    let step = docs.len().div_ceil(SAMPLE).max(1);
    let sample: Vec<&Document> = docs.iter().step_by(step).collect();
    // Few, large chunks: merging per-chunk tallies costs more than analysing.
    let chunk = sample
        .len()
        .div_ceil(2 * rayon::current_num_threads())
        .max(1);
    let tallies: Vec<Tally> = sample
        .par_chunks(chunk)
        .map(|chunk| {
            let mut tally = Tally::default();
            let mut key = String::new();
            for d in chunk {
                let text = d.full_text();
                analyzer.for_each_term(&text, |stem, span| {
                    let Some(id) = term_id(stem) else { return };
                    key.clear();
                    key.push_str(&text[span]);
                    key.push('\0');
                    let _ = write!(key, "{id}");
                    match tally.get_mut(key.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            tally.insert(key.clone(), 1);
                        }
                    }
                });
            }
            tally
        })
        .collect();
    // Spellings that differ only in tatweel or vowel marks are one word.
    let mut forms: FxHashMap<(u32, String), u32> = FxHashMap::default();
    for tally in tallies {
        for (key, n) in tally {
            let Some((word, id)) = key.split_once('\0') else {
                continue;
            };
            let Ok(id) = id.parse::<u32>() else { continue };
            *forms.entry((id, display_form(word))).or_insert(0) += n;
        }
    }
    let mut best: Vec<(u32, String)> = vec![(0, String::new()); n_terms];
    for ((id, word), n) in forms {
        let Some(slot) = best.get_mut(id as usize) else {
            continue;
        };
        // Most frequent, then shortest, then alphabetical: the same answer on every run.
        let better = (n, std::cmp::Reverse(word.len()), std::cmp::Reverse(&word))
            > (
                slot.0,
                std::cmp::Reverse(slot.1.len()),
                std::cmp::Reverse(&slot.1),
            );
        if slot.0 == 0 || better {
            *slot = (n, word);
        }
    }
    best.into_iter().map(|(_, w)| w).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_frequent_surface_form_wins() {
        let docs = vec![
            Document::new("a", "ضبط الكبتاجون المخدر"),
            Document::new("b", "كمية من الكبتاجون وكبتاجون"),
            Document::new("c", "مكافحة الإرهـاب"),
        ];
        let a = Analyzer::default();
        let s = a.stems("الكبتاجون مكافحة الإرهاب");
        let terms = [s[2].clone(), s[0].clone(), format!("{} {}", s[1], s[2])];
        let id = |t: &str| terms.iter().position(|x| x == t).map(|i| i as u32);
        let words = surface_words(&docs, &a, 3, id);
        assert_eq!(words, ["الإرهاب", "الكبتاجون", ""]);
    }
}
