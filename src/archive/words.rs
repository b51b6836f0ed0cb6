//! Readable words for stems: the most frequent surface form of each stem, learned from an evenly
//! spread sample of the corpus, since stems such as `كبتاج` are not what an analyst wants to
//! read. A bigram reads as the words of its two stems (looking up every adjacent pair in the
//! vocabulary as well would double the cost of this pass).

use crate::corpus::Document;
use crate::text::Analyzer;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

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

/// Term id → its surface forms (as written) and their counts; a stem has only a few forms, so
/// a linear scan finds a repeat without allocating.
type Tally = FxHashMap<u32, Vec<(String, u32)>>;

fn count(tally: &mut Tally, id: u32, word: &str) {
    let forms = tally.entry(id).or_default();
    match forms.iter_mut().find(|(f, _)| f == word) {
        Some((_, n)) => *n += 1,
        None => forms.push((word.to_string(), 1)),
    }
}

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
    // Few, large chunks: merging per-chunk tallies is the costly part, not analysing.
    let chunk = sample
        .len()
        .div_ceil(2 * rayon::current_num_threads())
        .max(1);
    let tallies: Vec<Tally> = sample
        .par_chunks(chunk)
        .map(|chunk| {
            let mut tally = Tally::default();
            for d in chunk {
                let text = d.full_text();
                analyzer.for_each_term(&text, |stem, span| {
                    if let Some(id) = term_id(stem) {
                        count(&mut tally, id, &text[span]);
                    }
                });
            }
            tally
        })
        .collect();
    // Forms that differ only in tatweel or vowel marks are one word.
    let mut total: FxHashMap<u32, FxHashMap<String, u32>> = FxHashMap::default();
    for tally in tallies {
        for (id, forms) in tally {
            let merged = total.entry(id).or_default();
            for (form, n) in forms {
                *merged.entry(display_form(&form)).or_insert(0) += n;
            }
        }
    }
    let mut best = vec![String::new(); n_terms];
    for (id, forms) in total {
        // Most frequent, then shortest, then alphabetical: the same answer on every run.
        let pick = forms
            .into_iter()
            .min_by(|a, b| (b.1, a.0.len(), &a.0).cmp(&(a.1, b.0.len(), &b.0)));
        if let (Some(slot), Some((word, _))) = (best.get_mut(id as usize), pick) {
            *slot = word;
        }
    }
    best
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
