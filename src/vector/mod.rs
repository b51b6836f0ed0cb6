//! From analyzed text to sparse TF-IDF vectors.

pub mod sparse;
pub mod tfidf;

pub use sparse::SparseVec;
pub use tfidf::{StemBuf, StemCorpus, TermCounts, Vectorizer, VectorizerParams, term_counts};
