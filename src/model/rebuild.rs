//! Versions made without the analysis cache: `amn train` (a new lineage, its sources referenced
//! in the store), `amn retrain` (everything analysed again from the sources and the store, e.g.
//! after an analyzer upgrade) and `amn rollback` (a kept version made current again).

use super::Model;
use super::fit::{Prepared, Trained, now, train};
use super::history::{install, kept, version_file};
use super::lineage::{Action, AddRecord, Commit, LexiconRef, Record, Root};
use super::repo::{Trainer, Writer, commit_version, fingerprint};
use super::sources::SourceRef;
use super::update::Change;
use crate::corpus::Document;
use crate::corpus::store::{append_lines, text_hash};
use crate::error::{Error, Result};
use std::path::Path;
use std::time::Instant;

impl Trainer {
    /// Notes one `--corpus` source (in order) and the documents read from it, fingerprinting
    /// it now. A source that could not be read at all (no documents) is left out, as training
    /// leaves it out.
    pub fn source(&mut self, path: &Path, docs: &[Document]) -> Result<()> {
        if docs.is_empty() && !path.exists() {
            return Ok(());
        }
        self.sources
            .push(SourceRef::describe(path, &self.paths.dir, docs.len())?);
        if path.as_os_str() == "-" {
            // Standard input cannot be read again: its documents go into the store.
            self.stdin.extend(docs.iter().cloned());
        }
        Ok(())
    }

    /// Commits a freshly trained model as version [`Trainer::version`], the root of a new
    /// lineage. The sources noted are recorded by path, size and checksum, their documents not
    /// copied (except standard input's); `removed` are the positions among the sources'
    /// documents that training left out (near-duplicates), and `prepared` the corpus `model`
    /// was fitted from ([`super::fit::train`]).
    pub fn commit(
        self,
        removed: &[usize],
        model: &Model,
        prepared: &Prepared,
        lexicon_text: &str,
        custom_lexicon: bool,
    ) -> Result<Commit> {
        let stdin = self
            .stdin
            .iter()
            .map(|d| {
                Record::Add(AddRecord {
                    version: self.version,
                    hash: format!("{:016x}", text_hash(&d.full_text())),
                    doc: d.clone(),
                })
            })
            .collect();
        let commit = Commit {
            version: self.version,
            parent: None,
            action: Action::Train,
            model: String::new(),
            created: model.meta.created,
            documents: model.meta.documents,
            labeled: model.meta.labeled,
            vocabulary: model.vectorizer.len(),
            cv: self.cv,
            root: Some(Root {
                sources: self.sources.clone(),
                settings: model.meta.settings,
                lexicon: LexiconRef::new(lexicon_text, !custom_lexicon),
                removed: removed.to_vec(),
            }),
            note: String::new(),
        };
        commit_version(&self.paths, model, stdin, commit, Some(prepared))
    }
}

/// Rebuilds the current version from its sources and store, with its recorded settings and
/// lexicon (the built-in lexicon of this amn when it was the built-in one).
pub fn retrain(w: &mut Writer, progress: &dyn Fn(&str)) -> Result<Change> {
    let mut timings = Vec::new();
    let t = Instant::now();
    progress("reading the training corpora and the store");
    let docs = w.lineage.documents(&w.paths.dir)?;
    timings.push(("read", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    progress(&format!("training on {} documents", docs.len()));
    let root = w.lineage.root.clone();
    let Trained { model, prepared } = train(&docs, root.settings, root.lexicon.text())?;
    timings.push(("train", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let before = &w.model;
    let mut change = Change {
        version: Some(w.next_version()),
        previous: w.lineage.commit.version,
        documents: (before.meta.documents, model.meta.documents),
        labeled: (before.meta.labeled, model.meta.labeled),
        vocabulary: (before.vectorizer.len(), model.vectorizer.len()),
        cv: None,
        reanalysed: false,
        timings: Vec::new(),
    };
    let note = if root.lexicon.builtin_changed() {
        "built-in lexicon changed since training".to_string()
    } else {
        String::new()
    };
    let commit = Commit {
        version: w.next_version(),
        parent: Some(w.lineage.commit.version),
        action: Action::Retrain,
        model: String::new(),
        created: model.meta.created,
        documents: model.meta.documents,
        labeled: model.meta.labeled,
        vocabulary: model.vectorizer.len(),
        cv: None,
        root: None,
        note,
    };
    progress("writing the new version");
    w.commit(model, Vec::new(), commit, Some(&prepared))?;
    timings.push(("commit", t.elapsed().as_secs_f64()));
    change.timings = timings;
    Ok(change)
}

/// The version a plain `amn rollback` restores: the parent of the version whose content is
/// current (a rollback's own parent is the version it restored, so repeated rollbacks walk
/// back). `Err` names that version when it has no parent (a `train`).
pub fn default_target(w: &Writer) -> std::result::Result<u64, u64> {
    let mut c = &w.lineage.commit;
    while c.action == Action::Rollback {
        match c.parent.and_then(|p| w.journal.commit(p)) {
            Some(p) => c = p,
            None => break,
        }
    }
    c.parent.ok_or(c.version)
}

/// Makes kept version `to` (default: [`default_target`]) current again, as a new version.
pub fn rollback(w: &mut Writer, to: Option<u64>) -> Result<Commit> {
    let to = match to.map_or_else(|| default_target(w), Ok) {
        Ok(n) => n,
        Err(v) => {
            return Err(Error::Invalid(format!(
                "the current content is version {v}, trained from scratch: name the version to \
                 restore with --to (see `amn history`)"
            )));
        }
    };
    let kept_list = kept(&w.paths.history);
    let Some(target) = w.journal.commit(to).cloned() else {
        return Err(Error::Invalid(format!(
            "there is no version {to} (kept: {kept_list:?})"
        )));
    };
    let file = version_file(&w.paths.history, to);
    if !file.is_file() {
        return Err(Error::Invalid(format!(
            "version {to} is no longer kept (only the last {} are; kept: {kept_list:?})",
            super::history::KEEP
        )));
    }
    if target.model == w.fingerprint {
        return Err(Error::Invalid(format!(
            "version {to} is the current model already"
        )));
    }
    let bytes = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
    let restored = super::file::decode(&file, &bytes)?;
    if fingerprint(&bytes) != target.model {
        return Err(Error::bad_model(
            &file,
            format!("is not the file version {to} recorded (changed by hand?)"),
        ));
    }
    let version = w.next_version();
    let commit = Commit {
        version,
        parent: Some(to),
        action: Action::Rollback,
        created: now(),
        note: format!("rollback to {to}"),
        root: None,
        ..target
    };
    let own = version_file(&w.paths.history, version);
    install(&file, &own)?;
    let line = serde_json::to_string(&Record::Commit(commit.clone()))
        .map_err(|e| Error::bad_model(&w.paths.store, e.to_string()))?;
    append_lines(&w.paths.store, &[line])?;
    install(&own, &w.paths.model)?;
    super::history::prune(&w.paths.history, version);
    w.model = restored;
    Ok(commit)
}
