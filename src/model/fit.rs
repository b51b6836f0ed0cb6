//! Training in two halves: each document is analysed once into a [`Digest`] (term counts,
//! lexicon hits, text hash), the digests are gathered into a [`Prepared`] corpus, and the
//! prepared corpus is fitted (vocabulary, rows, classifier, archive). [`Model::train`] is both
//! halves; `amn add` keeps the prepared corpus in the analysis cache and only digests the new
//! documents, so its model is the one a full rebuild would give.

use super::classifier::Example;
use super::lexicon::{Lexicon, LexiconHits};
use super::tally::{Tally, positions_marked, retain_unmarked};
use super::{ArchiveEntry, Model, ModelMeta, TopicClassifier, TrainSettings};
use crate::corpus::store::text_hash;
use crate::corpus::{Document, Labels};
use crate::error::Result;
use crate::text::{Analyzer, ScriptStats};
use crate::vector::tfidf::unigram_part_by;
use crate::vector::{SparseVec, StemCorpus, TermCounts};
use rayon::prelude::*;

/// What training needs from one document's text, from a single analysis pass.
#[derive(Debug, Clone)]
pub struct Digest {
    pub counts: TermCounts,
    pub hits: LexiconHits,
    /// [`text_hash`] of the full text (exact-duplicate detection).
    pub hash: u64,
    pub stats: ScriptStats,
}

/// Analyses one document: the same terms as `vector::term_counts` and the same lexicon hits as
/// `model::lexicon_hits`, in one pass.
pub fn digest(analyzer: &Analyzer, lexicon: &Lexicon, bigrams: bool, doc: &Document) -> Digest {
    let text = doc.full_text();
    let mut stems: Vec<String> = Vec::new();
    let stats = analyzer.for_each_term(&text, |stem, _| stems.push(stem.to_owned()));
    let mut counts = TermCounts::default();
    for (i, s) in stems.iter().enumerate() {
        *counts.entry(s.clone()).or_insert(0) += 1;
        if bigrams && i > 0 {
            *counts.entry(format!("{} {s}", stems[i - 1])).or_insert(0) += 1;
        }
    }
    let refs: Vec<&str> = stems.iter().map(String::as_str).collect();
    Digest {
        hits: lexicon.hits(&refs),
        counts,
        hash: text_hash(&text),
        stats,
    }
}

/// What the archive keeps of a document besides its row, and its publication day (which the
/// classifier's inner folds group by, and the archive does not keep).
#[derive(Debug, Clone, PartialEq)]
pub struct DocEntry {
    pub id: String,
    pub title: String,
    pub labels: Option<Labels>,
    /// `YYYY-MM-DD`, or empty when unknown.
    pub day: String,
}

impl DocEntry {
    pub fn of(doc: &Document) -> DocEntry {
        DocEntry {
            id: doc.id.clone(),
            title: doc.display_title(),
            labels: doc.labels.clone(),
            day: day(doc),
        }
    }
}

/// The publication day of a document: the date's first ten characters when they read as
/// `YYYY-MM-DD`, else empty.
pub fn day(doc: &Document) -> String {
    let date = doc.date.as_deref().unwrap_or("").trim();
    match date.get(..10) {
        Some(d)
            if d.as_bytes().iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            }) =>
        {
            d.to_string()
        }
        _ => String::new(),
    }
}

/// A corpus ready to fit: term tally, lexicon hits, text hashes and archive entries, one per
/// document in order.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub tally: Tally,
    pub hits: Vec<LexiconHits>,
    pub hashes: Vec<u64>,
    pub entries: Vec<DocEntry>,
}

impl Prepared {
    /// Analyses every document (in parallel): each text once into interned stems, from which
    /// the tally and the lexicon hits are counted (what [`digest`] gives, without a map of term
    /// strings per document).
    pub fn from_documents(
        docs: &[Document],
        settings: &TrainSettings,
        lexicon: &Lexicon,
    ) -> Result<Prepared> {
        let analyzer = Analyzer::new(settings.vectorizer.stemmer);
        let corpus = StemCorpus::analyze(&analyzer, docs, Document::full_text);
        let hits = (0..corpus.len())
            .into_par_iter()
            .map(|i| lexicon.hits(&corpus.stems_of(i)))
            .collect();
        let hashes = docs.par_iter().map(|d| text_hash(&d.full_text())).collect();
        Ok(Prepared {
            tally: Tally::from_corpus(settings.vectorizer, &corpus)?,
            hits,
            hashes,
            entries: docs.iter().map(DocEntry::of).collect(),
        })
    }

    /// Appends documents with their digests.
    pub fn push(&mut self, docs: &[Document], digests: Vec<Digest>) {
        let mut counts = Vec::with_capacity(digests.len());
        for (doc, d) in docs.iter().zip(digests) {
            counts.push(d.counts);
            self.hits.push(d.hits);
            self.hashes.push(d.hash);
            self.entries.push(DocEntry::of(doc));
        }
        self.tally.add(&counts);
    }

    /// Removes the documents at `gone` (positions in order of the corpus); see
    /// [`Tally::remove`] for when it is refused.
    pub fn remove(&mut self, gone: &[usize]) -> Result<()> {
        self.tally.remove(gone)?;
        let is_gone = positions_marked(gone, self.len())?;
        retain_unmarked(&mut self.hits, &is_gone);
        retain_unmarked(&mut self.hashes, &is_gone);
        retain_unmarked(&mut self.entries, &is_gone);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn labeled(&self) -> usize {
        self.entries.iter().filter(|e| e.labels.is_some()).count()
    }

    /// Fits vocabulary, rows, classifier and archive: the labeled documents train the
    /// classifier, all of them shape the vocabulary and the archive.
    pub fn fit(&self, settings: TrainSettings, lexicon: Lexicon) -> Result<Model> {
        let vectorizer = self.tally.vectorizer();
        let rows = self.tally.rows(&vectorizer.idf);
        let labeled: Vec<usize> = (0..self.len())
            .filter(|&i| self.entries[i].labels.is_some())
            .collect();
        let unigram = vectorizer.unigram_mask();
        let features: Vec<SparseVec> = rows
            .par_iter()
            .map(|r| unigram_part_by(r, |id| unigram[id as usize]))
            .collect();
        let examples: Vec<Example> = labeled
            .iter()
            .map(|&i| Example {
                row: &features[i],
                hits: &self.hits[i],
                labels: self.entries[i].labels.as_ref().expect("filtered on labels"),
                day: &self.entries[i].day,
            })
            .collect();
        let classifier = TopicClassifier::fit(settings.classifier, lexicon, &examples)?;
        let archive = self
            .entries
            .par_iter()
            .zip(&features)
            .zip(&self.hits)
            .map(|((e, row), hits)| ArchiveEntry {
                id: e.id.clone(),
                title: e.title.clone(),
                labels: e.labels.clone(),
                predicted: classifier.predict(row, hits).primary,
            })
            .collect();
        let meta = ModelMeta {
            amn_version: env!("CARGO_PKG_VERSION").to_string(),
            created: now(),
            settings,
            documents: self.len(),
            labeled: labeled.len(),
            cv_json: None,
        };
        Ok(Model {
            meta,
            vectorizer,
            classifier,
            archive,
            rows,
        })
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A trained model with the prepared corpus it came from (for the analysis cache).
pub struct Trained {
    pub model: Model,
    pub prepared: Prepared,
}

/// Trains on `docs` (see [`Model::train`]), keeping the prepared corpus.
pub fn train(docs: &[Document], settings: TrainSettings, lexicon_text: &str) -> Result<Trained> {
    let analyzer = Analyzer::new(settings.vectorizer.stemmer);
    let lexicon = Lexicon::parse(lexicon_text, &analyzer)?;
    let prepared = Prepared::from_documents(docs, &settings, &lexicon)?;
    let model = prepared.fit(settings, lexicon)?;
    Ok(Trained { model, prepared })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::open_input;
    use crate::model::lexicon::DEFAULT_LEXICON;
    use crate::vector::term_counts;
    use std::path::Path;

    fn seeds() -> Vec<Document> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        open_input(&dir).unwrap().map(|d| d.unwrap()).collect()
    }

    #[test]
    fn one_pass_digest_matches_the_separate_analyses() {
        let analyzer = Analyzer::default();
        let lexicon = Lexicon::parse(DEFAULT_LEXICON, &analyzer).unwrap();
        for doc in seeds() {
            let d = digest(&analyzer, &lexicon, true, &doc);
            assert_eq!(d.counts, term_counts(&analyzer, &doc.full_text(), true));
            let expected = super::super::lexicon_hits(&lexicon, &analyzer, &doc.full_text());
            assert_eq!(d.hits, expected);
        }
    }

    #[test]
    fn interned_preparation_equals_the_digests() {
        let mut docs = seeds();
        let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/labeled/dev.jsonl");
        if dev.exists() {
            docs.extend(open_input(&dev).unwrap().map(|d| d.unwrap()));
        }
        let settings = TrainSettings::default();
        let analyzer = Analyzer::default();
        let lexicon = Lexicon::parse(DEFAULT_LEXICON, &analyzer).unwrap();
        let fast = Prepared::from_documents(&docs, &settings, &lexicon).unwrap();
        let digests: Vec<Digest> = docs
            .iter()
            .map(|d| digest(&analyzer, &lexicon, true, d))
            .collect();
        let counts: Vec<TermCounts> = digests.iter().map(|d| d.counts.clone()).collect();
        let tally = Tally::from_counts(settings.vectorizer, &counts).unwrap();
        assert!(!tally.rare.is_empty() && !tally.terms.is_empty());
        assert_eq!(fast.tally, tally);
        let hits: Vec<LexiconHits> = digests.iter().map(|d| d.hits.clone()).collect();
        assert_eq!(fast.hits, hits);
        let hashes: Vec<u64> = digests.iter().map(|d| d.hash).collect();
        assert_eq!(fast.hashes, hashes);
    }

    #[test]
    fn adding_to_a_prepared_corpus_fits_the_same_model_as_training_on_everything() {
        let mut docs = seeds();
        for (i, d) in docs.iter_mut().enumerate() {
            d.labels = Some(Labels::new(
                crate::corpus::Label::Other,
                vec![crate::corpus::Topic::ALL[i % 4]],
            ));
        }
        let settings = TrainSettings::default();
        let whole = train(&docs, settings, DEFAULT_LEXICON).unwrap();
        let mut part = train(&docs[..3], settings, DEFAULT_LEXICON).unwrap();
        let analyzer = Analyzer::default();
        let lexicon = part.model.classifier.lexicon.clone();
        let digests = docs[3..]
            .iter()
            .map(|d| digest(&analyzer, &lexicon, true, d))
            .collect();
        part.prepared.push(&docs[3..], digests);
        let model = part.prepared.fit(settings, lexicon).unwrap();
        assert_eq!(model.vectorizer.terms, whole.model.vectorizer.terms);
        assert_eq!(model.vectorizer.idf, whole.model.vectorizer.idf);
        assert_eq!(model.rows, whole.model.rows);
        assert_eq!(model.classifier.topics, whole.model.classifier.topics);
        assert_eq!(model.archive, whole.model.archive);
    }
}
