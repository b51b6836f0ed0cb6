//! The analyzer: HTML masking → cleaning → tokenization → normalization → stop words → stemming.

use super::scan::Scanner;
use super::stem::{Stemmer, StemmerKind, light_stem_counted, stemmer};
use super::stopwords::stop_table;
use super::tokenize::TokenKind;
use std::cell::RefCell;
use std::ops::Range;

/// Longest word (in characters) that becomes a term. The longest words of the labeled corpus have
/// about 20 letters (run-together words from scrapes); longer runs (a megabyte without a space,
/// base64, a pasted hash) are counted as words but not made terms, so they cannot bloat the
/// vocabulary or the model.
pub const MAX_TERM_CHARS: usize = 40;

/// One analyzed term: its stem and where its word stands in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub stem: String,
    pub span: Range<usize>,
}

/// Counts that tell what kind of text was analyzed (used to refuse non-Arabic input).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptStats {
    pub arabic_words: usize,
    pub latin_words: usize,
    pub numbers: usize,
}

/// Text analysis pipeline shared by training, classification and the archive.
pub struct Analyzer {
    kind: StemmerKind,
    stemmer: Box<dyn Stemmer>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("stemmer", &self.kind)
            .finish()
    }
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new(StemmerKind::default())
    }
}

impl Clone for Analyzer {
    fn clone(&self) -> Self {
        Analyzer::new(self.kind)
    }
}

impl Analyzer {
    pub fn new(kind: StemmerKind) -> Self {
        Analyzer {
            kind,
            stemmer: stemmer(kind),
        }
    }

    pub fn stemmer_kind(&self) -> StemmerKind {
        self.kind
    }

    /// Calls `emit(stem, span)` for every content word of `text`, in order; returns script counts.
    /// Numbers, one-letter tokens, stop words and words longer than [`MAX_TERM_CHARS`] are counted
    /// but not emitted.
    pub fn for_each_term(
        &self,
        text: &str,
        mut emit: impl FnMut(&str, Range<usize>),
    ) -> ScriptStats {
        let mut stats = ScriptStats::default();
        let stop = stop_table();
        // Markup is overwritten in place (same length, same offsets): see `html`.
        let masked = super::html::mask(text);
        with_scanner(|scanner| {
            scanner.scan_clean(&masked, |kind, span, word, chars| {
                match kind {
                    TokenKind::Arabic => stats.arabic_words += 1,
                    TokenKind::Latin => stats.latin_words += 1,
                    TokenKind::Number => {
                        stats.numbers += 1;
                        return;
                    }
                }
                if !(2..=MAX_TERM_CHARS).contains(&chars) || stop.contains(word.as_bytes()) {
                    return;
                }
                match self.kind {
                    StemmerKind::Light => emit(light_stem_counted(word, chars), span),
                    StemmerKind::Snowball => emit(&self.stemmer.stem(word), span),
                }
            })
        });
        stats
    }

    /// All terms of `text` (stems with their source spans).
    pub fn analyze(&self, text: &str) -> Vec<Term> {
        let mut terms = Vec::new();
        self.for_each_term(text, |stem, span| {
            terms.push(Term {
                stem: stem.to_owned(),
                span,
            })
        });
        terms
    }

    /// Just the stems of `text` (for lexicon entries and tests).
    pub fn stems(&self, text: &str) -> Vec<String> {
        self.analyze(text).into_iter().map(|t| t.stem).collect()
    }
}

/// Runs `f` with this thread's scanner, whose buffers (and paragraph set) have grown to the
/// documents seen so far, instead of allocating them again for every document; with a fresh one
/// if the thread's is in use (an `emit` callback analyzing another text).
fn with_scanner<T>(f: impl FnOnce(&mut Scanner) -> T) -> T {
    thread_local! {
        static SCANNER: RefCell<Scanner> = RefCell::default();
    }
    SCANNER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scanner) => f(&mut scanner),
        Err(_) => f(&mut Scanner::default()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_sentence_is_analyzed_into_content_stems() {
        let a = Analyzer::default();
        let stems = a.stems("وأكد معالي الوزير على أهمية مكافحة الإرهاب والجرائم الإلكترونية");
        assert!(stems.contains(&"ارهاب".to_string()), "{stems:?}");
        assert!(stems.contains(&"الكترون".to_string()), "{stems:?}");
        assert!(
            !stems.iter().any(|s| s == "على" || s == "معالي"),
            "{stems:?}"
        );
    }

    #[test]
    fn spans_point_back_at_the_original_words() {
        let a = Analyzer::default();
        let text = "مكافحة الإرهـاب";
        let terms = a.analyze(text);
        assert_eq!(&text[terms.last().unwrap().span.clone()], "الإرهـاب");
    }

    #[test]
    fn an_emit_callback_can_analyze_another_text() {
        let a = Analyzer::default();
        let text = "مكافحة الإرهاب والجرائم الإلكترونية";
        let mut nested = Vec::new();
        a.for_each_term(text, |stem, _| {
            nested.push((stem.to_owned(), a.stems(stem)))
        });
        assert_eq!(nested.len(), a.stems(text).len());
        assert!(
            nested.iter().all(|(_, inner)| !inner.is_empty()),
            "{nested:?}"
        );
    }

    #[test]
    fn script_stats_tell_english_from_arabic() {
        let a = Analyzer::default();
        let stats = a.for_each_term("The ministry met in London in 2024", |_, _| {});
        assert_eq!(stats.arabic_words, 0);
        assert!(stats.latin_words >= 5);
    }
}
