//! Text analysis: an [`Analyzer`] is cleaning + tokenization + normalization + stop words +
//! stemming, each stage a small module of its own.

pub mod analyzer;
pub mod clean;
pub mod html;
pub mod language;
pub mod normalize;
pub(crate) mod scan;
pub mod stem;
pub mod stopwords;
pub mod tokenize;

pub use analyzer::{Analyzer, ScriptStats, Term};
pub use normalize::normalize;
pub use stem::StemmerKind;
