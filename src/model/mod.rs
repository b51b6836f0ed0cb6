//! Models: the topic classifier, its lexicon, evaluation, and the versioned model file that holds
//! the vectorizer, the classifier and the archive of analysed bulletins.

pub mod blend;
pub mod cache;
pub mod classifier;
pub mod eval;
pub mod file;
pub mod fit;
pub mod folds;
pub mod history;
pub mod lexicon;
pub mod lineage;
pub mod lock;
pub mod logistic;
pub mod predict;
pub mod rebuild;
pub mod repo;
pub mod sources;
pub mod tally;
pub mod update;

pub use classifier::{ClassifierParams, Prediction, TopicClassifier};
pub use eval::{EvalReport, Split};
pub use lexicon::Lexicon;
pub use predict::{Classification, Explanation};

use crate::corpus::{Document, Label, Labels};
use crate::error::Result;
use crate::text::Analyzer;
use crate::vector::{SparseVec, Vectorizer, VectorizerParams};
use lexicon::LexiconHits;
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
    /// the classifier. `lexicon_text` is a lexicon in `lexicon.tsv` form. (The steps are in
    /// [`fit`], shared with the incremental `amn add`.)
    pub fn train(docs: &[Document], settings: TrainSettings, lexicon_text: &str) -> Result<Model> {
        Ok(fit::train(docs, settings, lexicon_text)?.model)
    }
}
