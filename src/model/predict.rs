//! Classifying bulletins with a trained model, and explaining the decision.

use super::Model;
use super::classifier::Prediction;
use crate::corpus::{Document, Label, N_TOPICS, Topic};
use crate::error::{Error, Result};
use crate::text::ScriptStats;
use crate::vector::{SparseVec, StemBuf};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// The answer for one bulletin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub id: String,
    pub primary: Label,
    pub topics: Vec<Topic>,
    pub scores: Scores,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Vec<Explanation>>,
    /// Doubts about the input that did not stop classification (e.g. Persian or Urdu text in
    /// Arabic script), one line each, without the id. Serialized only when there are some.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Scores by topic name, serialized as `{"cybersecurity": s, ...}` in [`Topic::ALL`] order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores(pub [f32; N_TOPICS]);

impl Serialize for Scores {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(N_TOPICS))?;
        for t in Topic::ALL {
            // Rounded so machine output is stable and readable.
            let v = (self.0[t.index()] as f64 * 10000.0).round() / 10000.0;
            m.serialize_entry(t.as_str(), &v)?;
        }
        m.end()
    }
}

/// Why a topic applies: the evidence that pushed its score most.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub topic: Topic,
    pub evidence: Vec<Evidence>,
}

/// One stem (or lexicon phrase) with the words it came from in this bulletin and its weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub stem: String,
    pub words: Vec<String>,
    pub weight: f32,
    /// `terms` (learned TF-IDF weight) or `lexicon` (hand-written topic term).
    pub source: &'static str,
}

/// How many evidence items an explanation lists per topic.
const EXPLAIN_TOP: usize = 8;

/// Vector, lexicon evidence and script statistics of one bulletin.
pub struct Analysis {
    pub row: SparseVec,
    /// What the classifier reads of `row` ([`crate::vector::Vectorizer::unigram_part`]).
    pub features: SparseVec,
    pub hits: super::lexicon::LexiconHits,
    pub stats: ScriptStats,
    /// Stem → distinct surface words, in order of appearance.
    pub words: FxHashMap<String, Vec<String>>,
}

impl Model {
    /// Analyzes a bulletin once for everything classification needs; refuses text with no words
    /// or no Arabic.
    pub fn analysis(&self, doc: &Document) -> Result<Analysis> {
        self.analyze_doc(doc, true)
    }

    /// [`Model::analysis`], with the surface words of each stem only when `with_words` (they are
    /// for explanations; plain classification skips the allocations). Stems are kept in one
    /// buffer and terms looked up in the vocabulary directly (no map of term strings).
    fn analyze_doc(&self, doc: &Document, with_words: bool) -> Result<Analysis> {
        let text = doc.full_text();
        let analyzer = self.vectorizer.analyzer();
        let mut stems = StemBuf::default();
        let mut words: FxHashMap<String, Vec<String>> = FxHashMap::default();
        let stats = analyzer.for_each_term(&text, |stem, span| {
            if with_words {
                let word = &text[span];
                match words.get_mut(stem) {
                    Some(seen) => {
                        if !seen.iter().any(|w| w == word) && seen.len() < 4 {
                            seen.push(word.to_owned());
                        }
                    }
                    None => {
                        words.insert(stem.to_owned(), vec![word.to_owned()]);
                    }
                }
            }
            stems.push(stem);
        });
        check_language(&doc.id, &stats)?;
        let refs: Vec<&str> = stems.iter().collect();
        let row = self.vectorizer.row_of_stems(refs.iter().copied(), false);
        Ok(Analysis {
            features: self.vectorizer.unigram_part(&row),
            row,
            hits: self.classifier.lexicon.hits(&refs),
            stats,
            words,
        })
    }

    /// Classifies one bulletin; `explain` adds the evidence for each topic that applies.
    pub fn classify(&self, doc: &Document, explain: bool) -> Result<Classification> {
        let a = self.analyze_doc(doc, explain)?;
        let Prediction {
            scores,
            topics,
            primary,
        } = self.classifier.predict(&a.features, &a.hits);
        let explanation = explain.then(|| topics.iter().map(|&t| self.explain(t, &a)).collect());
        Ok(Classification {
            id: doc.id.clone(),
            primary,
            topics,
            scores: Scores(scores),
            explanation,
            warnings: input_warnings(doc),
        })
    }

    fn explain(&self, topic: Topic, a: &Analysis) -> Explanation {
        let m = self.classifier.model(topic);
        // The blend's first coefficient scales the learned margin; the lexicon's share is its own.
        let p = &self.classifier.params;
        let term_scale = if p.use_terms {
            m.blend.coef[0] as f32
        } else {
            0.0
        };
        let mut evidence: Vec<Evidence> = Vec::new();
        if p.use_terms {
            for (id, c) in m.linear.contributions(&a.features) {
                let stem = self.vectorizer.term(id).to_string();
                evidence.push(Evidence {
                    words: surface_words(&stem, &a.words),
                    stem,
                    weight: c * term_scale,
                    source: "terms",
                });
            }
        }
        if p.use_lexicon {
            let lex_scale = m.blend.coef[usize::from(p.use_terms)] as f32;
            let total = a.hits.score[topic.index()].max(1e-6);
            for &(i, count) in &a.hits.matches {
                let e = &self.classifier.lexicon.entries[i];
                if e.topic != topic || e.weight < 0.0 {
                    continue;
                }
                // Share of the topic's lexicon feature attributable to this entry.
                let share = e.weight * count.min(3) as f32 / total;
                let stem = e.stems.join(" ");
                evidence.push(Evidence {
                    words: surface_words(&stem, &a.words),
                    stem,
                    weight: share * lex_scale * (1.0 + total).ln(),
                    source: "lexicon",
                });
            }
        }
        evidence.retain(|e| e.weight > 0.0);
        evidence.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        evidence.truncate(EXPLAIN_TOP);
        Explanation { topic, evidence }
    }
}

fn surface_words(stem: &str, words: &FxHashMap<String, Vec<String>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in stem.split(' ') {
        for w in words.get(part).into_iter().flatten() {
            if !out.contains(w) {
                out.push(w.clone());
            }
        }
    }
    out
}

/// Doubts about a bulletin that classification goes on with: another language in Arabic script.
pub fn input_warnings(doc: &Document) -> Vec<String> {
    // The full text without building it: a title and its text are joined by a newline.
    let parts: &[&str] = if doc.title.is_empty() {
        &[&doc.text]
    } else {
        &[&doc.title, &doc.text]
    };
    crate::text::language::detect_parts(parts)
        .map(|d| d.warning())
        .into_iter()
        .collect()
}

/// A bulletin must have words, and they must be mostly Arabic.
pub fn check_language(id: &str, stats: &ScriptStats) -> Result<()> {
    if stats.arabic_words == 0 && stats.latin_words == 0 {
        return Err(Error::bad_input(
            id,
            "no words to classify (empty after cleaning)",
        ));
    }
    if stats.arabic_words == 0 || stats.arabic_words * 4 < stats.latin_words {
        return Err(Error::bad_input(
            id,
            format!(
                "not Arabic text ({} Arabic words, {} Latin words); amn classifies Arabic bulletins",
                stats.arabic_words, stats.latin_words
            ),
        ));
    }
    Ok(())
}
