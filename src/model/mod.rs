//! Models: the topic classifier, its lexicon, evaluation, and the versioned model file that holds
//! the vectorizer, the classifier and the archive of analysed bulletins.

pub mod blend;
pub mod classifier;
pub mod eval;
pub mod file;
pub mod folds;
pub mod lexicon;
pub mod predict;

pub use classifier::{ClassifierParams, Prediction, TopicClassifier};
pub use eval::{EvalReport, Split};
pub use lexicon::Lexicon;
pub use predict::{Classification, Explanation};

use crate::corpus::{Document, Label, Labels};
use crate::error::Result;
use crate::text::Analyzer;
use crate::vector::{SparseVec, Vectorizer, VectorizerParams, term_counts};
use classifier::Example;
use lexicon::LexiconHits;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything `amn train` can be told.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct TrainSettings {
    pub vectorizer: VectorizerParams,
    pub classifier: ClassifierParams,
}

/// One bulletin of the archive (vectors are kept apart, in [`Model::rows`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchiveEntry {
    pub id: String,
    pub title: String,
    /// Hand labels when the bulletin had them.
    pub labels: Option<Labels>,
    /// The classifier's primary label for it.
    pub predicted: Label,
}

/// Facts about how a model was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelMeta {
    pub amn_version: String,
    /// Seconds since the Unix epoch.
    pub created: u64,
    pub settings: TrainSettings,
    pub documents: usize,
    pub labeled: usize,
    /// Cross-validated figures of these settings on the training data, as JSON, when measured.
    pub cv_json: Option<String>,
}

/// A trained model: vocabulary, classifier and archive.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    pub meta: ModelMeta,
    pub vectorizer: Vectorizer,
    pub classifier: TopicClassifier,
    pub archive: Vec<ArchiveEntry>,
    pub rows: Vec<SparseVec>,
}

/// Lexicon evidence of a text, from the same analysis as its vector.
pub fn lexicon_hits(lexicon: &Lexicon, analyzer: &Analyzer, text: &str) -> LexiconHits {
    let stems = analyzer.stems(text);
    let refs: Vec<&str> = stems.iter().map(String::as_str).collect();
    lexicon.hits(&refs)
}

impl Model {
    /// Trains on `docs`: all of them shape the vocabulary and the archive, the labeled ones train
    /// the classifier. `lexicon_text` is a lexicon in `lexicon.tsv` form.
    pub fn train(docs: &[Document], settings: TrainSettings, lexicon_text: &str) -> Result<Model> {
        let analyzer = Analyzer::new(settings.vectorizer.stemmer);
        let lexicon = Lexicon::parse(lexicon_text, &analyzer)?;
        let texts: Vec<String> = docs.iter().map(Document::full_text).collect();
        let counts: Vec<_> = texts
            .par_iter()
            .map(|t| term_counts(&analyzer, t, settings.vectorizer.bigrams))
            .collect();
        let vectorizer = Vectorizer::fit_counts(settings.vectorizer, &counts)?;
        let rows: Vec<SparseVec> = counts.par_iter().map(|c| vectorizer.weigh(c)).collect();
        drop(counts);
        let labeled: Vec<usize> = (0..docs.len())
            .filter(|&i| docs[i].labels.is_some())
            .collect();
        let hits: Vec<LexiconHits> = labeled
            .par_iter()
            .map(|&i| lexicon_hits(&lexicon, &analyzer, &texts[i]))
            .collect();
        let examples: Vec<Example> = labeled
            .iter()
            .zip(&hits)
            .map(|(&i, h)| Example {
                row: &rows[i],
                hits: h,
                labels: docs[i].labels.as_ref().expect("filtered on labels"),
                day: docs[i].date.as_deref().map_or("", |d| d.get(..10).unwrap_or(d)),
            })
            .collect();
        let classifier = TopicClassifier::fit(settings.classifier, lexicon, &examples)?;
        let archive = docs
            .par_iter()
            .zip(&texts)
            .zip(&rows)
            .map(|((d, text), row)| {
                let hits = lexicon_hits(&classifier.lexicon, &analyzer, text);
                ArchiveEntry {
                    id: d.id.clone(),
                    title: d.display_title(),
                    labels: d.labels.clone(),
                    predicted: classifier.predict(row, &hits).primary,
                }
            })
            .collect();
        let meta = ModelMeta {
            amn_version: env!("CARGO_PKG_VERSION").to_string(),
            created: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            settings,
            documents: docs.len(),
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
