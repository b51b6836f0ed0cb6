//! The analysis cache, `cache.bin` beside the model: the raw term counts behind the model's rows,
//! the postings of terms outside the vocabulary, each document's lexicon hits and text hash, so
//! `amn add` refits without reading or analysing the archive again (see [`super::tally`]).
//!
//! It is derived data: it names the model file it belongs to (by fingerprint) and is ignored
//! when it does not match, or is missing or damaged; the next writer then analyses every
//! document again and writes a new one. It holds counts and hashes, never text. Layout:
//! `AMNCACHE`, a format version, the payload length and CRC-32, then the payload (bincode with
//! variable-length integers, which keeps small counts to one byte).

use super::Model;
use super::file::write_atomically;
use super::fit::{DocEntry, Prepared};
use super::lexicon::LexiconHits;
use super::tally::{DocCounts, Posting, Tally};
use crate::corpus::N_TOPICS;
use crate::error::{Error, Result};
use bincode::Options;
use serde::{Deserialize, Serialize};
use std::path::Path;

const MAGIC: &[u8; 8] = b"AMNCACHE";
const VERSION: u32 = 2;
const HEADER_LEN: usize = 8 + 4 + 8 + 4;

/// A document's lexicon hits as stored (mirrors [`LexiconHits`] field by field).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Hits {
    score: [f32; N_TOPICS],
    against: [f32; N_TOPICS],
    matches: Vec<(u64, u32)>,
    n_terms: u64,
}

impl From<&LexiconHits> for Hits {
    fn from(h: &LexiconHits) -> Hits {
        // Destructured so that a new field in LexiconHits fails to compile here.
        let LexiconHits {
            score,
            against,
            matches,
            n_terms,
        } = h;
        Hits {
            score: *score,
            against: *against,
            matches: matches.iter().map(|&(i, c)| (i as u64, c)).collect(),
            n_terms: *n_terms as u64,
        }
    }
}

impl From<Hits> for LexiconHits {
    fn from(h: Hits) -> LexiconHits {
        LexiconHits {
            score: h.score,
            against: h.against,
            matches: h
                .matches
                .into_iter()
                .map(|(i, c)| (i as usize, c))
                .collect(),
            n_terms: h.n_terms as usize,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    /// Fingerprint of the model file this cache belongs to.
    model: String,
    n_docs: u32,
    /// Counts of every row's terms, rows concatenated (the ids are the model's rows).
    counts: Vec<u32>,
    rare: Vec<(u64, u32, u32)>,
    frequent: Vec<(String, Vec<Posting>)>,
    hits: Vec<Hits>,
    hashes: Vec<u64>,
    /// Publication days (the archive does not keep them).
    days: Vec<String>,
}

fn options() -> impl Options {
    bincode::DefaultOptions::new()
}

/// Writes the cache of `prepared` (which `model` was fitted from) atomically.
pub fn save(path: &Path, fingerprint: &str, prepared: &Prepared) -> Result<()> {
    let t = &prepared.tally;
    let payload = Payload {
        model: fingerprint.to_string(),
        n_docs: t.n_docs,
        counts: t.docs.iter().flat_map(|d| d.cnt.iter().copied()).collect(),
        rare: t.rare.clone(),
        frequent: t.frequent.clone(),
        hits: prepared.hits.iter().map(Hits::from).collect(),
        hashes: prepared.hashes.clone(),
        days: prepared.entries.iter().map(|e| e.day.clone()).collect(),
    };
    let bytes = options()
        .serialize(&payload)
        .map_err(|e| Error::bad_model(path, format!("cannot encode analysis cache: {e}")))?;
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&VERSION.to_le_bytes());
    header.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    header.extend_from_slice(&crc32fast::hash(&bytes).to_le_bytes());
    write_atomically(path, &[&header, &bytes])
}

/// Loads the prepared corpus of `model` from the cache; `None` when the cache is missing,
/// damaged, of another version, or belongs to another model file.
pub fn load(path: &Path, fingerprint: &str, model: &Model) -> Option<Prepared> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return None;
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().ok()?);
    let len = u64::from_le_bytes(bytes[12..20].try_into().ok()?);
    let crc = u32::from_le_bytes(bytes[20..24].try_into().ok()?);
    let body = &bytes[HEADER_LEN..];
    if version != VERSION || body.len() as u64 != len || crc32fast::hash(body) != crc {
        return None;
    }
    let p: Payload = options().deserialize(body).ok()?;
    let n = model.rows.len();
    let nnz: usize = model.rows.iter().map(|r| r.len()).sum();
    let fits = p.model == fingerprint
        && p.n_docs as usize == n
        && p.counts.len() == nnz
        && p.hits.len() == n
        && p.hashes.len() == n
        && p.days.len() == n
        && model.archive.len() == n;
    if !fits {
        return None;
    }
    let mut counts = p.counts.into_iter();
    let docs = model
        .rows
        .iter()
        .map(|r| DocCounts {
            idx: r.idx.clone(),
            cnt: counts.by_ref().take(r.len()).collect(),
        })
        .collect();
    let v = &model.vectorizer;
    let tally = Tally {
        params: v.params,
        n_docs: p.n_docs,
        terms: v.terms.clone(),
        df: v.df.clone(),
        docs,
        rare: p.rare,
        frequent: p.frequent,
    };
    let entries = model
        .archive
        .iter()
        .zip(p.days)
        .map(|(a, day)| DocEntry {
            id: a.id.clone(),
            title: a.title.clone(),
            labels: a.labels.clone(),
            day,
        })
        .collect();
    Some(Prepared {
        tally,
        hits: p.hits.into_iter().map(LexiconHits::from).collect(),
        hashes: p.hashes,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TrainSettings;
    use crate::corpus::open_input;
    use crate::model::fit::train;
    use crate::model::lexicon::DEFAULT_LEXICON;

    #[test]
    fn cache_round_trips_and_refuses_another_model() {
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let docs: Vec<_> = open_input(&seeds).unwrap().map(|d| d.unwrap()).collect();
        let t = train(&docs, TrainSettings::default(), DEFAULT_LEXICON).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.bin");
        save(&path, "abc", &t.prepared).unwrap();
        let back = load(&path, "abc", &t.model).unwrap();
        assert_eq!(back.tally, t.prepared.tally);
        assert_eq!(back.hits, t.prepared.hits);
        assert_eq!(back.hashes, t.prepared.hashes);
        assert_eq!(back.entries, t.prepared.entries);
        assert!(load(&path, "other", &t.model).is_none());
        let mut bytes = std::fs::read(&path).unwrap();
        let n = bytes.len() - 3;
        bytes[n] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(load(&path, "abc", &t.model).is_none());
    }
}
