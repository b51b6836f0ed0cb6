//! The topic lexicon (`lexicon.tsv`): Arabic terms and phrases per topic, written from domain
//! knowledge, analyzed by the same analyzer as documents, and turned into per-topic features.
//!
//! Why: models learned from one month of one country's press remember that month's events; the
//! lexicon carries what holds across sources and years. The classifier learns how much to trust it.

use crate::corpus::{N_TOPICS, Topic};
use crate::error::{Error, Result};
use crate::text::Analyzer;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// The lexicon shipped with amn.
pub const DEFAULT_LEXICON: &str = include_str!("lexicon.tsv");

/// Matches of one entry are capped so one repeated word cannot dominate a long article.
const MAX_COUNT_PER_ENTRY: u32 = 3;

/// One analyzed lexicon entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub topic: Topic,
    pub weight: f32,
    /// The term as written in the file.
    pub term: String,
    /// Its stems (a phrase when more than one).
    pub stems: Vec<String>,
}

/// A compiled lexicon.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Lexicon {
    pub entries: Vec<Entry>,
    #[serde(skip)]
    by_first_stem: FxHashMap<String, Vec<usize>>,
}

/// Per-topic evidence found in one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LexiconHits {
    /// Σ weight × min(count, cap) per topic, over the entries for it.
    pub score: [f32; N_TOPICS],
    /// The same sum over the entries against it (as a positive number).
    pub against: [f32; N_TOPICS],
    /// (entry index, count) of every entry that matched.
    pub matches: Vec<(usize, u32)>,
    /// Number of content terms in the document.
    pub n_terms: usize,
}

impl Lexicon {
    /// Parses and analyzes `topic<TAB>weight<TAB>term` lines (a negative weight: context against
    /// the topic). Entries whose stems coincide keep the strongest weight (spelling variants must
    /// not add up); one listed both for and against a topic is refused.
    pub fn parse(text: &str, analyzer: &Analyzer) -> Result<Lexicon> {
        let mut entries: Vec<Entry> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let bad =
                |why: &str| Error::Invalid(format!("lexicon line {}: {why}: {line:?}", n + 1));
            let mut cols = line.split('\t');
            let (Some(topic), Some(weight), Some(term)) = (cols.next(), cols.next(), cols.next())
            else {
                return Err(bad("expected topic<TAB>weight<TAB>term"));
            };
            let topic = Topic::parse(topic).ok_or_else(|| bad("unknown topic"))?;
            let weight: f32 = weight
                .trim()
                .parse()
                .map_err(|_| bad("weight is not a number"))?;
            if !(weight.abs() > 0.0 && weight.abs() <= 10.0) {
                return Err(bad("weight must be in [-10, 0) or (0, 10]"));
            }
            let stems = analyzer.stems(term);
            if stems.is_empty() {
                return Err(bad("term has no content words"));
            }
            match entries
                .iter_mut()
                .find(|e| e.topic == topic && e.stems == stems)
            {
                Some(e) if (e.weight > 0.0) != (weight > 0.0) => {
                    return Err(bad("term is listed both for and against the topic"));
                }
                Some(e) if weight.abs() > e.weight.abs() => e.weight = weight,
                Some(_) => {}
                None => entries.push(Entry {
                    topic,
                    weight,
                    term: term.trim().to_string(),
                    stems,
                }),
            }
        }
        Ok(Lexicon::from_entries(entries))
    }

    /// Rebuilds the index (after deserialization).
    pub fn from_entries(entries: Vec<Entry>) -> Lexicon {
        let mut by_first_stem: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, e) in entries.iter().enumerate() {
            by_first_stem.entry(e.stems[0].clone()).or_default().push(i);
        }
        Lexicon {
            entries,
            by_first_stem,
        }
    }

    pub fn rebuild(self) -> Lexicon {
        Lexicon::from_entries(self.entries)
    }

    /// Finds every entry in a document's stem sequence.
    pub fn hits(&self, stems: &[&str]) -> LexiconHits {
        let mut counts: FxHashMap<usize, u32> = FxHashMap::default();
        for (pos, stem) in stems.iter().enumerate() {
            let Some(candidates) = self.by_first_stem.get(*stem) else {
                continue;
            };
            for &i in candidates {
                let phrase = &self.entries[i].stems;
                let fits = pos + phrase.len() <= stems.len()
                    && phrase.iter().zip(&stems[pos..]).all(|(a, b)| a == b);
                if fits {
                    *counts.entry(i).or_insert(0) += 1;
                }
            }
        }
        let mut hits = LexiconHits {
            n_terms: stems.len(),
            ..Default::default()
        };
        let mut matches: Vec<(usize, u32)> = counts.into_iter().collect();
        matches.sort_unstable();
        for &(i, c) in &matches {
            let e = &self.entries[i];
            let evidence = e.weight.abs() * c.min(MAX_COUNT_PER_ENTRY) as f32;
            if e.weight > 0.0 {
                hits.score[e.topic.index()] += evidence;
            } else {
                hits.against[e.topic.index()] += evidence;
            }
        }
        hits.matches = matches;
        hits
    }
}

/// Number of lexicon features per topic (see [`LexiconHits::features`]).
pub const N_LEXICON_FEATURES: usize = 3;

impl LexiconHits {
    /// Features of one topic: total evidence (log), evidence density per 100 content words (log),
    /// so a passing mention in a long article weighs less than a focused short bulletin, and the
    /// context against the topic (log).
    pub fn features(&self, topic: Topic) -> [f64; N_LEXICON_FEATURES] {
        let s = self.score[topic.index()] as f64;
        let per_100 = s * 100.0 / (self.n_terms.max(100) as f64);
        let against = self.against[topic.index()] as f64;
        [s.ln_1p(), per_100.ln_1p(), against.ln_1p()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::parse(DEFAULT_LEXICON, &Analyzer::default()).unwrap()
    }

    #[test]
    fn shipped_lexicon_parses_and_covers_every_topic() {
        let lex = lexicon();
        for t in Topic::ALL {
            assert!(
                lex.entries.iter().filter(|e| e.topic == t).count() >= 30,
                "{t}"
            );
        }
    }

    #[test]
    fn phrases_match_in_running_text() {
        let a = Analyzer::default();
        let lex = lexicon();
        let stems = a.stems("وقعت الوزارة مذكرة لمكافحة الجرائم الإلكترونية وتهريب المخدرات");
        let refs: Vec<&str> = stems.iter().map(String::as_str).collect();
        let hits = lex.hits(&refs);
        assert!(hits.score[Topic::Cybersecurity.index()] >= 3.0, "{hits:?}");
        assert!(hits.score[Topic::Narcotics.index()] >= 3.0, "{hits:?}");
        assert_eq!(hits.score[Topic::AviationSecurity.index()], 0.0);
    }

    #[test]
    fn malformed_lines_are_refused() {
        let a = Analyzer::default();
        assert!(Lexicon::parse("narcotics\t2", &a).is_err());
        assert!(Lexicon::parse("weather\t2\tمطر", &a).is_err());
        assert!(Lexicon::parse("narcotics\tx\tمخدرات", &a).is_err());
        assert!(Lexicon::parse("narcotics\t0\tمخدرات", &a).is_err());
        assert!(Lexicon::parse("narcotics\t2\tمخدرات\nnarcotics\t-1\tالمخدرات", &a).is_err());
    }

    #[test]
    fn context_against_a_topic_is_counted_apart() {
        let a = Analyzer::default();
        let lex = Lexicon::parse(
            "aviation_security\t2\tأمن المطار\naviation_security\t-1\tسوء الأحوال الجوية",
            &a,
        )
        .unwrap();
        let stems = a.stems("هبطت الطائرة في المطار بسبب سوء الأحوال الجوية وأكد أمن المطار");
        let refs: Vec<&str> = stems.iter().map(String::as_str).collect();
        let hits = lex.hits(&refs);
        let t = Topic::AviationSecurity.index();
        assert_eq!((hits.score[t], hits.against[t]), (2.0, 1.0));
        assert!(hits.features(Topic::AviationSecurity)[2] > 0.0);
        assert_eq!(hits.features(Topic::Narcotics), [0.0; N_LEXICON_FEATURES]);
    }
}
