//! Documents, their labels, and readers for every input form.

pub mod document;
pub mod hash;
pub mod labels;
pub mod read;
pub mod store;

pub use document::Document;
pub use labels::{Label, Labels, N_LABELS, N_TOPICS, Topic};
pub use read::{DocStream, open_input, open_inputs};
