//! amn (أمن): classify Arabic security bulletins, find related ones, and plot the archive.
//!
//! Data flows one way: [`text`] (analysis) → [`corpus`] (documents and readers) → [`vector`]
//! (TF-IDF) → [`model`] (classifier, model file, evaluation) → [`archive`] (similar, clusters,
//! near-duplicates) and [`plot`]. The `amn` binary is a thin layer over this API.

pub mod archive;
pub mod corpus;
pub mod error;
pub mod model;
pub mod plot;
pub mod text;
pub mod vector;

pub use archive::Archive;
pub use corpus::{Document, Label, Labels, Topic};
pub use error::{Error, Result};
pub use model::{Model, TrainSettings};
pub use text::Analyzer;
