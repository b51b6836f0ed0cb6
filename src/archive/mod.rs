//! The archive: every bulletin a model was trained on, searchable by cosine similarity
//! ([`similar`]), grouped into themes ([`cluster`]) and checked for wire copies ([`dupes`]).
//!
//! `amn train` stores it beside the model as an inverted index in a memory-mapped file
//! ([`store`]), so a query reads only the posting lists of its own terms.

pub mod cluster;
pub mod dupes;
pub mod index;
pub mod metrics;
pub mod reduce;
pub mod similar;
pub mod store;
pub mod words;

pub use cluster::{Cluster, ClusterSettings, Clustering, KChoice};
pub use dupes::Dupes;
pub use similar::{Neighbor, Similar};
pub use store::{Archive, Source};
