//! A model directory as a whole: `model.amn`, the store `store.jsonl`, the kept versions in
//! `history/`, the analysis cache `cache.bin` and the write lock `lock`. Readers open a
//! [`Snapshot`] without locking; writers hold the lock for the whole change and finish it with
//! [`commit`]:
//!
//! 1. the new model is written to `history/model.<N>.amn` (temp file, fsync, rename);
//! 2. its records and its `commit` line are appended to the store in one write, fsynced;
//! 3. the version file is hard-linked over `model.amn` (rename, then fsync of the directory):
//!    this rename is the commit point; killed before it, the directory still holds the old
//!    version (the appended lines are an unfinished change, ignored and later cut off);
//! 4. old versions beyond the last five are deleted and the analysis cache is rewritten.
//!
//! With a `.amn` file other than `model.amn` as the model path, the other files sit beside it,
//! prefixed by its name (`m.store.jsonl`, `m.history/`, `m.cache`, `m.lock`).

use super::Model;
use super::cache;
use super::file::{ARCHIVE_EXTENSION, MODEL_FILE, decode, model_file};
use super::fit::Prepared;
use super::history::{clean_temporaries, install, prune, version_file};
use super::lineage::{Commit, Journal, Lineage, Record};
use super::lock::WriteLock;
use crate::corpus::store::{append_lines, truncate};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

pub const STORE_FILE: &str = "store.jsonl";

/// The files of a model directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelDir {
    pub dir: PathBuf,
    pub model: PathBuf,
    pub store: PathBuf,
    pub history: PathBuf,
    pub cache: PathBuf,
    pub lock: PathBuf,
}

impl ModelDir {
    pub fn new(path: &Path) -> ModelDir {
        let model = model_file(path);
        // `DIR/model.amn` names the directory's model: the same files as `DIR`.
        if model == path
            && let Some(dir) = path.parent().filter(|_| path.ends_with(MODEL_FILE))
        {
            return ModelDir::new(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            });
        }
        if model == path {
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf();
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            ModelDir {
                store: dir.join(format!("{stem}.{STORE_FILE}")),
                history: dir.join(format!("{stem}.history")),
                cache: dir.join(format!("{stem}.cache")),
                lock: dir.join(format!("{stem}.lock")),
                model,
                dir,
            }
        } else {
            ModelDir {
                store: path.join(STORE_FILE),
                history: path.join("history"),
                cache: path.join("cache.bin"),
                lock: path.join("lock"),
                model,
                dir: path.to_path_buf(),
            }
        }
    }
}

/// Identity of a model file: CRC-32 of its bytes, and its length.
pub fn fingerprint(bytes: &[u8]) -> String {
    format!("{:08x}-{}", crc32fast::hash(bytes), bytes.len())
}

/// Reads and checks a model file, with its fingerprint.
pub fn read_model(file: &Path) -> Result<(Model, String)> {
    match std::fs::read(file) {
        Ok(bytes) => Ok((decode(file, &bytes)?, fingerprint(&bytes))),
        // Model::load words the missing-model error for every command alike.
        Err(_) => Err(Model::load(file).err().unwrap_or_else(|| {
            Error::bad_model(file, "the model file could not be read twice alike")
        })),
    }
}

/// A model directory as a reader sees it.
#[derive(Debug)]
pub struct Snapshot {
    pub paths: ModelDir,
    pub model: Model,
    pub fingerprint: String,
    /// The store, if there is one.
    pub journal: Option<Journal>,
    /// The current version, or why it cannot be told (no store, or a store not matching).
    pub lineage: Result<Lineage>,
}

/// Opens a model directory for reading (no lock: every file is replaced atomically, and the
/// model file is read before the store, whose lines for it were written before it).
pub fn open(path: &Path) -> Result<Snapshot> {
    let paths = ModelDir::new(path);
    let (model, fingerprint) = read_model(&paths.model)?;
    let journal = Journal::read(&paths.store)?;
    let lineage = match &journal {
        Some(j) => j.lineage(&fingerprint),
        None => Err(Error::bad_model(
            &paths.store,
            "this model has no document store (it was trained before amn kept one); \
             train it again with `amn train` to start one",
        )),
    };
    Ok(Snapshot {
        paths,
        model,
        fingerprint,
        journal,
        lineage,
    })
}

/// A model directory opened for a change, under its write lock.
#[derive(Debug)]
pub struct Writer {
    pub paths: ModelDir,
    pub model: Model,
    pub fingerprint: String,
    pub journal: Journal,
    pub lineage: Lineage,
    _lock: WriteLock,
}

impl Writer {
    /// Takes the lock (refusing a second writer), reads the current version and cuts off what a
    /// killed writer may have left.
    pub fn open(path: &Path, what: &str) -> Result<Writer> {
        let paths = ModelDir::new(path);
        if !paths.model.is_file() {
            read_model(&paths.model)?;
        }
        let lock = WriteLock::acquire(&paths.lock, what)?;
        let snap = open(path)?;
        let lineage = snap.lineage?;
        let journal = snap.journal.expect("a lineage needs a store");
        let len = std::fs::metadata(&paths.store)
            .map_err(|e| Error::io(&paths.store, e))?
            .len();
        if len > lineage.end {
            truncate(&paths.store, lineage.end)?;
        }
        clean(&paths);
        Ok(Writer {
            paths,
            model: snap.model,
            fingerprint: snap.fingerprint,
            journal,
            lineage,
            _lock: lock,
        })
    }

    /// The corpus of the current version, prepared for fitting: from the analysis cache, or
    /// (`true`) analysed again from the sources and the store when the cache does not match.
    pub fn prepared(&self) -> Result<(Prepared, bool)> {
        if let Some(p) = cache::load(&self.paths.cache, &self.fingerprint, &self.model) {
            return Ok((p, false));
        }
        let docs = self.lineage.documents(&self.paths.dir)?;
        let p = Prepared::from_documents(
            &docs,
            &self.model.meta.settings,
            &self.model.classifier.lexicon,
        )?;
        Ok((p, true))
    }

    pub fn next_version(&self) -> u64 {
        self.lineage.next_version
    }

    /// Commits a new version (see the module documentation) and makes it current.
    pub fn commit(
        &mut self,
        model: Model,
        records: Vec<Record>,
        commit: Commit,
        prepared: Option<&Prepared>,
    ) -> Result<Commit> {
        let done = commit_version(&self.paths, &model, records, commit, prepared)?;
        // Later steps of this process (e.g. indexing the archive) see the new version.
        self.journal = Journal::read(&self.paths.store)?.expect("just appended");
        self.fingerprint = done.model.clone();
        self.lineage = self.journal.lineage(&self.fingerprint)?;
        self.model = model;
        Ok(done)
    }
}

/// Removes temporary files of killed writers: only files that writers alone write (so none is
/// in use while the lock is held).
fn clean(paths: &ModelDir) {
    clean_temporaries(
        &[&paths.dir],
        &[
            &file_name(&paths.model),
            &file_name(&paths.cache),
            // The archive index, written by the CLI under the same lock.
            &file_name(&paths.model.with_extension(ARCHIVE_EXTENSION)),
        ],
    );
    clean_temporaries(&[&paths.history], &["model."]);
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes `model` as version `commit.version`, appends `records` and the commit, and renames
/// it into place; then prunes old versions and writes the cache. Returns the commit as written.
pub fn commit_version(
    paths: &ModelDir,
    model: &Model,
    records: Vec<Record>,
    mut commit: Commit,
    prepared: Option<&Prepared>,
) -> Result<Commit> {
    let file = version_file(&paths.history, commit.version);
    model.save(&file)?;
    let bytes = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
    commit.model = fingerprint(&bytes);
    drop(bytes);
    pause_at("saved");
    let mut lines = Vec::with_capacity(records.len() + 1);
    for r in records.iter().chain([&Record::Commit(commit.clone())]) {
        lines.push(serde_json::to_string(r).map_err(|e| {
            Error::bad_model(&paths.store, format!("cannot encode a store record: {e}"))
        })?);
    }
    append_lines(&paths.store, &lines)?;
    pause_at("appended");
    install(&file, &paths.model)?;
    pause_at("installed");
    prune(&paths.history, commit.version);
    if let Some(p) = prepared {
        // Derived data: a failure only costs the next writer a full analysis.
        let _ = cache::save(&paths.cache, &commit.model, p);
    }
    Ok(commit)
}

/// Test hook: with `AMN_TEST_PAUSE=<step>` (`saved`, `appended` or `installed`), a commit says
/// so on stderr and sleeps at that step, so the kill test can stop a writer exactly there.
fn pause_at(step: &str) {
    if std::env::var_os("AMN_TEST_PAUSE").is_some_and(|s| s == step) {
        eprintln!("amn: paused at {step}");
        std::thread::sleep(std::time::Duration::from_secs(30));
    }
}

/// The lock and store of a directory about to be trained from scratch (`amn train`).
#[derive(Debug)]
pub struct Trainer {
    pub paths: ModelDir,
    /// The version the training will make.
    pub version: u64,
    /// Sources noted so far.
    pub sources: Vec<super::sources::SourceRef>,
    /// Documents read from standard input.
    pub stdin: Vec<crate::corpus::Document>,
    /// Cross-validated figures to record with the version (`amn train --cv`), so the first
    /// `amn add` of labels compares against them instead of measuring them again.
    pub cv: Option<super::lineage::CvFigures>,
    _lock: WriteLock,
}

impl Trainer {
    /// Creates the directory if needed, takes the lock, and cuts off an unfinished change.
    pub fn lock(path: &Path) -> Result<Trainer> {
        let paths = ModelDir::new(path);
        std::fs::create_dir_all(&paths.dir).map_err(|e| Error::io(&paths.dir, e))?;
        let lock = WriteLock::acquire(&paths.lock, "amn train")?;
        let mut version = 1;
        if let Some(j) = Journal::read(&paths.store)? {
            // Keep what the current model's version (or, failing that, the last commit) covers.
            let current = read_model(&paths.model)
                .ok()
                .and_then(|(_, fp)| j.lineage(&fp).ok());
            let end = match &current {
                Some(l) => l.end,
                None => j
                    .records
                    .iter()
                    .rev()
                    .find(|(r, _)| matches!(r, Record::Commit(_)))
                    .map_or(0, |(_, end)| *end),
            };
            let kept = j.records.iter().take_while(|(_, e)| *e <= end);
            version = kept
                .filter_map(|(r, _)| match r {
                    Record::Commit(c) => Some(c.version),
                    _ => None,
                })
                .max()
                .unwrap_or(0)
                + 1;
            truncate(&paths.store, end)?;
        }
        clean(&paths);
        Ok(Trainer {
            paths,
            version,
            sources: Vec::new(),
            stdin: Vec::new(),
            cv: None,
            _lock: lock,
        })
    }
}
