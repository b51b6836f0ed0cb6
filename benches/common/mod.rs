//! Shared by the benches: the corpus and the shipped model, found relative to the crate.

#![allow(dead_code)]

use amn::corpus::{Document, open_input};
use std::path::{Path, PathBuf};

/// `../shared/corpus/saudinewsnet.jsonl.gz` beside the crate.
pub fn corpus_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/saudinewsnet.jsonl.gz")
}

/// The full texts of the corpus, or `None` (with a message) when it is not there.
pub fn corpus_texts(bench: &str) -> Option<Vec<String>> {
    let path = corpus_path();
    if !path.exists() {
        eprintln!("{bench}: skipped: {} not found", path.display());
        return None;
    }
    let texts: Vec<String> = open_input(&path)
        .ok()?
        .filter_map(Result::ok)
        .map(|d| d.full_text().into_owned())
        .collect();
    Some(texts)
}

/// The labeled bulletins (`../shared/corpus/labeled/dev.jsonl`), or the seeds without it.
pub fn bulletins() -> Vec<Document> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dev = root.join("../shared/corpus/labeled/dev.jsonl");
    let path = if dev.exists() {
        dev
    } else {
        root.join("seeds")
    };
    open_input(&path)
        .map(|s| s.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

/// The shipped model's directory.
pub fn model_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default")
}

pub fn megabytes(texts: &[String]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum()
}
