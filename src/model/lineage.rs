//! What the store's records mean. Every change to a model directory (train, add, retrain,
//! label, rollback) makes a new numbered version: its records (`add`, `label`) followed by one
//! `commit` record naming the model file it produced by fingerprint, and its parent version.
//! A version's documents are those of its ancestors and its own, in order; labels are the last
//! `label` record for an id along that chain, else the document's own.
//!
//! The model file is the commit point: the current version is the last commit whose
//! fingerprint is that of `model.amn`. Records after it belong to a change that never reached
//! its rename (a killed writer): readers ignore them and the next writer cuts them off. A
//! rollback is a new version whose parent is the restored one, so the versions in between stay
//! in the store (as history) without being part of the current documents.

use super::TrainSettings;
use super::sources::SourceRef;
use crate::corpus::store::{Log, read_log};
use crate::corpus::{Document, Labels};
use crate::error::{Error, Result};
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One line of the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Record {
    /// A document added with `amn add` (or read from standard input by `amn train`).
    Add(AddRecord),
    /// New labels for every document with this id (`amn label`, or labels given with an exact
    /// duplicate); `labels: null` makes it unlabeled.
    Label(LabelRecord),
    /// Every document with this id stored before this version leaves the model (`amn remove`).
    Remove(RemoveRecord),
    /// The end of a change.
    Commit(Commit),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddRecord {
    pub version: u64,
    /// [`crate::corpus::store::text_hash`] of the full text, hex.
    pub hash: String,
    #[serde(flatten)]
    pub doc: Document,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelRecord {
    pub version: u64,
    pub id: String,
    pub labels: Option<Labels>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoveRecord {
    pub version: u64,
    pub id: String,
}

/// Cross-validated figures of a version (3-fold over its labeled documents).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CvFigures {
    pub folds: usize,
    pub seed: u64,
    pub labeled: usize,
    pub topics_macro_f1: f64,
    pub primary_macro_f1: f64,
    pub primary_accuracy: f64,
}

impl From<&super::eval::EvalReport> for CvFigures {
    fn from(r: &super::eval::EvalReport) -> CvFigures {
        CvFigures {
            folds: r.folds,
            seed: r.seed,
            labeled: r.documents,
            topics_macro_f1: r.topics_macro_f1,
            primary_macro_f1: r.primary_macro_f1,
            primary_accuracy: r.primary_accuracy,
        }
    }
}

/// The lexicon a lineage was trained with: the built-in one (by checksum, so a changed one is
/// noticed) or a custom one (its text, since the file may not stay).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LexiconRef {
    pub builtin: bool,
    pub crc32: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl LexiconRef {
    pub fn new(text: &str, builtin: bool) -> LexiconRef {
        LexiconRef {
            builtin,
            crc32: format!("{:08x}", crc32fast::hash(text.as_bytes())),
            text: (!builtin).then(|| text.to_string()),
        }
    }

    /// The lexicon text to train with now (the built-in one of this amn, or the stored one).
    pub fn text(&self) -> &str {
        match &self.text {
            Some(t) => t,
            None => super::lexicon::DEFAULT_LEXICON,
        }
    }

    /// The built-in lexicon differs from the one trained with.
    pub fn builtin_changed(&self) -> bool {
        self.builtin && LexiconRef::new(super::lexicon::DEFAULT_LEXICON, true).crc32 != self.crc32
    }
}

/// How a lineage started: `amn train` with these sources, settings and lexicon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Root {
    pub sources: Vec<SourceRef>,
    pub settings: TrainSettings,
    pub lexicon: LexiconRef,
    /// Positions among the sources' documents that training left out (`amn train --dedupe`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Train,
    Add,
    Retrain,
    Label,
    Remove,
    Rollback,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Train => "train",
            Action::Add => "add",
            Action::Retrain => "retrain",
            Action::Label => "label",
            Action::Remove => "remove",
            Action::Rollback => "rollback",
        }
    }
}

/// The end of one change: the version it made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commit {
    pub version: u64,
    /// The version this one builds on (none for `train`; the restored one for `rollback`).
    pub parent: Option<u64>,
    pub action: Action,
    /// Fingerprint of the model file: CRC-32 of its bytes and its length.
    pub model: String,
    pub created: u64,
    pub documents: usize,
    pub labeled: usize,
    pub vocabulary: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv: Option<CvFigures>,
    /// For `train` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<Root>,
    /// What changed, in words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The parsed store.
#[derive(Debug, Clone)]
pub struct Journal {
    pub path: PathBuf,
    /// Each record with the byte offset just past its line.
    pub records: Vec<(Record, u64)>,
    pub partial_bytes: u64,
}

/// The current version of a model directory and everything it holds.
#[derive(Debug, Clone)]
pub struct Lineage {
    pub commit: Commit,
    /// Its ancestors and itself, oldest (the `train`) first.
    pub chain: Vec<Commit>,
    pub root: Root,
    /// Documents added along the chain, in order (with the version that added them).
    pub adds: Vec<AddRecord>,
    /// Label corrections along the chain, in order.
    pub labels: Vec<LabelRecord>,
    /// Removals along the chain, in order.
    pub removes: Vec<RemoveRecord>,
    /// Byte length of the store up to the current commit (the rest is an unfinished change).
    pub end: u64,
    /// The number the next version gets.
    pub next_version: u64,
}

impl Journal {
    /// Reads the store; `None` when there is none.
    pub fn read(path: &Path) -> Result<Option<Journal>> {
        let Some(Log {
            lines,
            partial_bytes,
        }) = read_log(path)?
        else {
            return Ok(None);
        };
        let records = lines
            .into_iter()
            .map(|l| {
                serde_json::from_str::<Record>(&l.text)
                    .map(|r| (r, l.end))
                    .map_err(|e| Error::BadLine {
                        path: path.to_path_buf(),
                        line: l.number,
                        reason: format!("not a store record: {e}"),
                    })
            })
            .collect::<Result<_>>()?;
        Ok(Some(Journal {
            path: path.to_path_buf(),
            records,
            partial_bytes,
        }))
    }

    pub fn commits(&self) -> impl Iterator<Item = &Commit> {
        self.records.iter().filter_map(|(r, _)| match r {
            Record::Commit(c) => Some(c),
            _ => None,
        })
    }

    /// The last commit of `version`.
    pub fn commit(&self, version: u64) -> Option<&Commit> {
        self.commits().filter(|c| c.version == version).last()
    }

    /// The lineage whose commit names the model file `fingerprint`.
    pub fn lineage(&self, fingerprint: &str) -> Result<Lineage> {
        let bad = |why: String| Error::bad_model(&self.path, why);
        let (at, commit) = self
            .records
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, (r, _))| match r {
                Record::Commit(c) if c.model == fingerprint => Some((i, c)),
                _ => None,
            })
            .ok_or_else(|| {
                bad(format!(
                    "the model file ({fingerprint}) is not one this store recorded: it was \
                     replaced by hand or written by another program; train it again with `amn train`"
                ))
            })?;
        let committed = &self.records[..=at];
        let mut chain = vec![commit.clone()];
        while let Some(p) = chain.last().expect("not empty").parent {
            let parent = committed
                .iter()
                .rev()
                .find_map(|(r, _)| match r {
                    Record::Commit(c) if c.version == p => Some(c),
                    _ => None,
                })
                .ok_or_else(|| bad(format!("version {p} is named as a parent but not recorded")))?;
            if chain.len() > self.records.len() {
                return Err(bad("the versions' parents form a loop".into()));
            }
            chain.push(parent.clone());
        }
        chain.reverse();
        let root = chain[0].root.clone().ok_or_else(|| {
            bad(format!(
                "version {} has no training record",
                chain[0].version
            ))
        })?;
        let live: FxHashSet<u64> = chain.iter().map(|c| c.version).collect();
        let mut adds = Vec::new();
        let mut labels = Vec::new();
        let mut removes = Vec::new();
        for (r, _) in committed {
            match r {
                Record::Add(a) if live.contains(&a.version) => adds.push(a.clone()),
                Record::Label(l) if live.contains(&l.version) => labels.push(l.clone()),
                Record::Remove(r) if live.contains(&r.version) => removes.push(r.clone()),
                _ => {}
            }
        }
        let next_version = self
            .records
            .iter()
            .map(|(r, _)| match r {
                Record::Add(a) => a.version,
                Record::Label(l) => l.version,
                Record::Remove(r) => r.version,
                Record::Commit(c) => c.version,
            })
            .max()
            .unwrap_or(0)
            + 1;
        Ok(Lineage {
            commit: commit.clone(),
            chain,
            root,
            adds,
            labels,
            removes,
            end: self.records[at].1,
            next_version,
        })
    }
}

impl Lineage {
    /// The documents added from standard input by `amn train` (they stand for its `-` source).
    pub fn stdin_docs(&self) -> impl Iterator<Item = &Document> {
        let root = self.chain[0].version;
        self.adds
            .iter()
            .filter(move |a| a.version == root)
            .map(|a| &a.doc)
    }

    /// Documents added after training (and not removed since), in order.
    pub fn added_docs(&self) -> impl Iterator<Item = &Document> {
        self.added().map(|a| &a.doc)
    }

    /// The records of [`Lineage::added_docs`].
    fn added(&self) -> impl Iterator<Item = &AddRecord> {
        let root = self.chain[0].version;
        self.adds
            .iter()
            .filter(move |a| a.version != root && !self.removed(&a.doc.id, a.version))
    }

    /// A document with this id, stored at version `stored`, was removed later.
    pub fn removed(&self, id: &str, stored: u64) -> bool {
        self.removes
            .iter()
            .any(|r| r.id == id && r.version > stored)
    }

    /// Every document of this version in training order (sources, then added ones), with the
    /// label corrections applied. Reads and checks the training sources.
    pub fn documents(&self, model_dir: &Path) -> Result<Vec<Document>> {
        let mut docs = Vec::new();
        for s in &self.root.sources {
            if s.is_stdin() {
                docs.extend(self.stdin_docs().cloned());
            } else {
                docs.extend(s.read(model_dir)?);
            }
        }
        if !self.root.removed.is_empty() {
            let mut keep = vec![true; docs.len()];
            for &i in &self.root.removed {
                if let Some(k) = keep.get_mut(i) {
                    *k = false;
                }
            }
            let mut keep = keep.into_iter();
            docs.retain(|_| keep.next().unwrap_or(true));
        }
        // After the positional `removed`, which counts every document of the sources.
        let root = self.chain[0].version;
        docs.retain(|d| !self.removed(&d.id, root));
        let mut stored = vec![root; docs.len()];
        for a in self.added() {
            docs.push(a.doc.clone());
            stored.push(a.version);
        }
        self.apply_labels(
            docs.iter_mut()
                .zip(stored)
                .map(|(d, v)| (d.id.as_str(), v, &mut d.labels)),
        );
        Ok(docs)
    }

    /// Applies the label corrections to (id, version stored at, labels) triples: the last
    /// correction of the id made after the document was stored wins (so a bulletin removed and
    /// added again does not inherit the corrections of the one before).
    pub fn apply_labels<'a>(
        &self,
        items: impl Iterator<Item = (&'a str, u64, &'a mut Option<Labels>)>,
    ) {
        if self.labels.is_empty() {
            return;
        }
        let mut by_id: rustc_hash::FxHashMap<&str, Vec<&LabelRecord>> = Default::default();
        for l in &self.labels {
            by_id.entry(l.id.as_str()).or_default().push(l);
        }
        for (id, stored, labels) in items {
            let latest = by_id
                .get(id)
                .and_then(|ls| ls.iter().rev().find(|l| l.version > stored));
            if let Some(l) = latest {
                labels.clone_from(&l.labels);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::store::append_lines;
    use crate::corpus::{Label, Topic};

    fn commit(version: u64, parent: Option<u64>, model: &str) -> Record {
        Record::Commit(Commit {
            version,
            parent,
            action: if parent.is_none() {
                Action::Train
            } else {
                Action::Add
            },
            model: model.into(),
            created: 0,
            documents: 0,
            labeled: 0,
            vocabulary: 0,
            cv: None,
            root: parent.is_none().then(|| Root {
                sources: vec![],
                settings: TrainSettings::default(),
                lexicon: LexiconRef::new("x", true),
                removed: vec![],
            }),
            note: String::new(),
        })
    }

    fn add(version: u64, id: &str) -> Record {
        Record::Add(AddRecord {
            version,
            hash: "0".into(),
            doc: Document::new(id, "نص"),
        })
    }

    fn write(path: &Path, records: &[Record]) {
        let lines: Vec<String> = records
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        append_lines(path, &lines).unwrap();
    }

    #[test]
    fn records_are_readable_json_lines() {
        let r = Record::Label(LabelRecord {
            version: 3,
            id: "x".into(),
            labels: Some(Labels::new(Label::Topic(Topic::Narcotics), vec![])),
        });
        let line = serde_json::to_string(&r).unwrap();
        assert_eq!(
            line,
            r#"{"op":"label","version":3,"id":"x","labels":{"primary":"narcotics","topics":["narcotics"]}}"#
        );
        let a = serde_json::to_string(&add(2, "d")).unwrap();
        assert_eq!(
            a,
            r#"{"op":"add","version":2,"hash":"0","id":"d","text":"نص"}"#
        );
        assert_eq!(serde_json::from_str::<Record>(&a).unwrap(), add(2, "d"));
    }

    #[test]
    fn the_model_file_decides_the_version_and_rollbacks_drop_their_branch() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.jsonl");
        write(
            &path,
            &[
                commit(1, None, "m1"),
                add(2, "a"),
                commit(2, Some(1), "m2"),
                add(3, "b"),
                commit(3, Some(2), "m3"),
                commit(4, Some(2), "m2"),
                add(5, "c"),
                commit(5, Some(4), "m5"),
                add(6, "half-done"),
            ],
        );
        let j = Journal::read(&path).unwrap().unwrap();
        let ids = |l: &Lineage| l.added_docs().map(|d| d.id.clone()).collect::<Vec<_>>();
        let l = j.lineage("m5").unwrap();
        assert_eq!(ids(&l), ["a", "c"], "b was rolled back");
        assert_eq!(l.next_version, 7);
        let l = j.lineage("m2").unwrap();
        assert_eq!(l.commit.version, 4, "the last commit of that model");
        assert_eq!(ids(&l), ["a"]);
        let l = j.lineage("m3").unwrap();
        assert_eq!(ids(&l), ["a", "b"]);
        assert!(
            j.lineage("m9")
                .unwrap_err()
                .to_string()
                .contains("train it again")
        );
    }
}
