//! `amn add` and `amn label` as library calls: change the current version's documents or labels,
//! refit from the analysis cache (see [`super::fit`]), measure the change in cross-validated
//! macro-F1 when labels changed, and commit a new version.

use super::TrainSettings;
use super::eval::{EvalReport, Split, evaluate};
use super::fit::{Digest, Prepared, digest, now};
use super::lineage::{Action, AddRecord, Commit, CvFigures, LabelRecord, Record, RemoveRecord};
use super::predict::check_language;
use super::repo::Writer;
use crate::corpus::{Document, Labels};
use crate::error::{Error, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::time::Instant;

/// The cosine at or above which an added bulletin is a near-duplicate of an archived one.
pub const NEAR_DUPLICATE: f32 = 0.9;
/// Cross-validation of a change: stratified K-fold over the labeled documents only (the
/// unlabeled archive would make every fold a full rebuild).
pub const CV_FOLDS: usize = 3;
pub const CV_SEED: u64 = 42;

/// How to add.
#[derive(Debug, Clone, Copy)]
pub struct AddOptions {
    pub near_duplicate: f32,
    /// Measure the change in cross-validated macro-F1 when labels changed.
    pub evaluate: bool,
}

impl Default for AddOptions {
    fn default() -> Self {
        AddOptions {
            near_duplicate: NEAR_DUPLICATE,
            evaluate: true,
        }
    }
}

/// What became of one input document.
#[derive(Debug)]
pub enum Outcome {
    Added {
        id: String,
        /// The id it came with, when that was taken and it got a suffix.
        renamed_from: Option<String>,
        labeled: bool,
    },
    /// Same normalized text as `of`; `relabeled` when its labels were recorded on `of`.
    Exact {
        id: String,
        of: String,
        relabeled: bool,
    },
    Near {
        id: String,
        of: String,
        cosine: f32,
    },
    /// Not a usable bulletin (no words, not Arabic).
    Rejected {
        id: String,
        error: Error,
    },
}

/// Cross-validated figures before and after a change of labels.
#[derive(Debug, Clone, Default)]
pub struct CvChange {
    pub before: Option<CvFigures>,
    pub after: Option<CvFigures>,
    /// Why a figure is missing.
    pub problem: Option<String>,
}

/// What a committed change did.
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// The new version (`None`: nothing to change, nothing committed).
    pub version: Option<u64>,
    pub previous: u64,
    pub documents: (usize, usize),
    pub labeled: (usize, usize),
    pub vocabulary: (usize, usize),
    pub cv: Option<CvChange>,
    /// The analysis cache did not match, so every document was analysed again (a retrain
    /// always analyses everything, and says false here).
    pub reanalysed: bool,
    /// Seconds per step.
    pub timings: Vec<(&'static str, f64)>,
}

#[derive(Debug)]
pub struct AddReport {
    pub outcomes: Vec<Outcome>,
    pub change: Change,
}

/// Steps and their durations.
struct Clock(Instant, Vec<(&'static str, f64)>);

impl Clock {
    fn new() -> Clock {
        Clock(Instant::now(), Vec::new())
    }
    fn lap(&mut self, step: &'static str) {
        self.1.push((step, self.0.elapsed().as_secs_f64()));
        self.0 = Instant::now();
    }
}

/// Adds documents: skips unusable ones, exact duplicates (normalized text) and near-duplicates
/// (cosine ≥ `near_duplicate` with an archived or earlier added row), then refits and commits.
pub fn add(
    w: &mut Writer,
    docs: Vec<Document>,
    opts: AddOptions,
    progress: &dyn Fn(&str),
) -> Result<AddReport> {
    let mut clock = Clock::new();
    progress("reading the analysis cache");
    let (mut prepared, reanalysed) = w.prepared()?;
    clock.lap("load cache");
    let model = &w.model;
    let version = w.next_version();
    progress("analysing the new documents");
    let analyzer = model.vectorizer.analyzer();
    let lexicon = &model.classifier.lexicon;
    let bigrams = model.vectorizer.params.bigrams;
    let digests: Vec<Digest> = docs
        .par_iter()
        .map(|d| digest(analyzer, lexicon, bigrams, d))
        .collect();
    let mut by_hash: FxHashMap<u64, usize> = FxHashMap::default();
    for (i, &h) in prepared.hashes.iter().enumerate() {
        by_hash.entry(h).or_insert(i);
    }
    let mut ids: FxHashSet<String> = prepared.entries.iter().map(|e| e.id.clone()).collect();
    let mut outcomes = Vec::new();
    let mut accepted: Vec<(Document, Digest)> = Vec::new();
    let mut batch_rows = Vec::new();
    let mut relabels: Vec<LabelRecord> = Vec::new();
    for (mut doc, d) in docs.into_iter().zip(digests) {
        if let Err(error) = check_language(&doc.id, &d.stats) {
            outcomes.push(Outcome::Rejected { id: doc.id, error });
            continue;
        }
        if let Some(&i) = by_hash.get(&d.hash) {
            let of = if i < prepared.len() {
                prepared.entries[i].id.clone()
            } else {
                accepted[i - prepared.len()].0.id.clone()
            };
            let relabeled = i < prepared.len()
                && doc.labels.is_some()
                && doc.labels != prepared.entries[i].labels;
            if relabeled {
                relabels.push(LabelRecord {
                    version,
                    id: of.clone(),
                    labels: doc.labels.clone(),
                });
                for e in prepared.entries.iter_mut().filter(|e| e.id == of) {
                    e.labels.clone_from(&doc.labels);
                }
            }
            outcomes.push(Outcome::Exact {
                id: doc.id,
                of,
                relabeled,
            });
            continue;
        }
        let row = model.vectorizer.weigh(&d.counts);
        let best = model
            .rows
            .par_iter()
            .enumerate()
            .map(|(i, r)| (r.dot(&row), i))
            .chain(
                batch_rows
                    .par_iter()
                    .enumerate()
                    .map(|(j, r)| (row.dot(r), prepared.len() + j)),
            )
            .reduce(
                || (f32::MIN, usize::MAX),
                |a, b| if b.0 > a.0 { b } else { a },
            );
        if best.0 >= opts.near_duplicate {
            let of = match best.1.checked_sub(prepared.len()) {
                None => prepared.entries[best.1].id.clone(),
                Some(j) => accepted[j].0.id.clone(),
            };
            outcomes.push(Outcome::Near {
                id: doc.id,
                of,
                cosine: best.0,
            });
            continue;
        }
        let original = doc.id.clone();
        let mut n = 1;
        while ids.contains(&doc.id) {
            n += 1;
            doc.id = format!("{original}~{n}");
        }
        ids.insert(doc.id.clone());
        by_hash.insert(d.hash, prepared.len() + accepted.len());
        batch_rows.push(row);
        outcomes.push(Outcome::Added {
            id: doc.id.clone(),
            renamed_from: (doc.id != original).then_some(original),
            labeled: doc.labels.is_some(),
        });
        accepted.push((doc, d));
    }
    clock.lap("check duplicates");
    if accepted.is_empty() && relabels.is_empty() {
        return Ok(AddReport {
            outcomes,
            change: unchanged(w, reanalysed, clock),
        });
    }
    let labels_changed = !relabels.is_empty() || accepted.iter().any(|(d, _)| d.labels.is_some());
    let (new_docs, digests): (Vec<Document>, Vec<Digest>) = accepted.into_iter().unzip();
    progress("updating document frequencies");
    prepared.push(&new_docs, digests);
    clock.lap("update tally");
    let mut records: Vec<Record> = new_docs
        .iter()
        .zip(&prepared.hashes[prepared.len() - new_docs.len()..])
        .map(|(doc, h)| {
            Record::Add(AddRecord {
                version,
                hash: format!("{h:016x}"),
                doc: doc.clone(),
            })
        })
        .collect();
    records.extend(relabels.iter().cloned().map(Record::Label));
    let added = new_docs.len();
    let note = format!(
        "added {added}, skipped {}{}",
        outcomes.len() - added,
        if relabels.is_empty() {
            String::new()
        } else {
            format!(", relabeled {}", relabels.len())
        }
    );
    let cv = match (labels_changed, opts.evaluate) {
        (false, _) => CvPlan::Unchanged,
        (true, true) => CvPlan::Measure(CvDocs {
            relabels: &relabels,
            new_docs: &new_docs,
        }),
        (true, false) => CvPlan::Skip,
    };
    let change = refit_and_commit(
        w,
        prepared,
        records,
        Action::Add,
        note,
        cv,
        reanalysed,
        clock,
        progress,
    )?;
    Ok(AddReport { outcomes, change })
}

/// Sets the labels of every document with this id (`None`: unlabeled), refits and commits.
pub fn label(
    w: &mut Writer,
    id: &str,
    labels: Option<Labels>,
    evaluate: bool,
    progress: &dyn Fn(&str),
) -> Result<Change> {
    let mut clock = Clock::new();
    let matching = positions_of(w, id)?;
    if matching
        .iter()
        .all(|&i| w.model.archive[i].labels == labels)
    {
        return Ok(unchanged(w, false, clock));
    }
    progress("reading the analysis cache");
    let (mut prepared, reanalysed) = w.prepared()?;
    clock.lap("load cache");
    for &i in &matching {
        prepared.entries[i].labels.clone_from(&labels);
    }
    let record = LabelRecord {
        version: w.next_version(),
        id: id.to_string(),
        labels,
    };
    let relabels = [record.clone()];
    let cv = if evaluate {
        CvPlan::Measure(CvDocs {
            relabels: &relabels,
            new_docs: &[],
        })
    } else {
        CvPlan::Skip
    };
    let note = format!("relabeled {id}");
    refit_and_commit(
        w,
        prepared,
        vec![Record::Label(record)],
        Action::Label,
        note,
        cv,
        reanalysed,
        clock,
        progress,
    )
}

/// Removes every document with this id (e.g. one added by mistake), refits and commits. The
/// cross-validated figures are not measured again; the version records none when a labeled
/// document left.
pub fn remove(w: &mut Writer, id: &str, progress: &dyn Fn(&str)) -> Result<Change> {
    let mut clock = Clock::new();
    let gone = positions_of(w, id)?;
    if gone.len() == w.model.archive.len() {
        return Err(Error::Invalid(format!(
            "removing {id:?} would leave {} without documents",
            w.paths.model.display()
        )));
    }
    progress("reading the analysis cache");
    let (mut prepared, mut reanalysed) = w.prepared()?;
    clock.lap("load cache");
    let record = RemoveRecord {
        version: w.next_version(),
        id: id.to_string(),
    };
    if prepared.remove(&gone).is_err() {
        // Too few documents left for exact removal from the counts: analyse the rest again.
        progress("analysing the remaining documents");
        let mut docs = w.lineage.documents(&w.paths.dir)?;
        docs.retain(|d| d.id != id);
        prepared =
            Prepared::from_documents(&docs, &w.model.meta.settings, &w.model.classifier.lexicon)?;
        reanalysed = true;
    }
    let labeled_left = gone.iter().any(|&i| w.model.archive[i].labels.is_some());
    let cv = if labeled_left {
        CvPlan::Skip
    } else {
        CvPlan::Unchanged
    };
    let note = format!("removed {id}");
    refit_and_commit(
        w,
        prepared,
        vec![Record::Remove(record)],
        Action::Remove,
        note,
        cv,
        reanalysed,
        clock,
        progress,
    )
}

/// Positions (in the model's archive, which is the corpus order) of the documents with `id`.
fn positions_of(w: &Writer, id: &str) -> Result<Vec<usize>> {
    let found: Vec<usize> = (0..w.model.archive.len())
        .filter(|&i| w.model.archive[i].id == id)
        .collect();
    if found.is_empty() {
        return Err(Error::Invalid(format!(
            "no document with id {id:?} in {}",
            w.paths.model.display()
        )));
    }
    Ok(found)
}

/// The change of labels to cross-validate: corrections and added documents.
struct CvDocs<'a> {
    relabels: &'a [LabelRecord],
    new_docs: &'a [Document],
}

/// What becomes of the cross-validated figures.
enum CvPlan<'a> {
    /// Labels did not change: the figures (over the labeled documents only) still hold.
    Unchanged,
    Measure(CvDocs<'a>),
    /// Labels changed but measuring was declined: no figures.
    Skip,
}

fn unchanged(w: &Writer, reanalysed: bool, clock: Clock) -> Change {
    let m = &w.model.meta;
    Change {
        version: None,
        previous: w.lineage.commit.version,
        documents: (m.documents, m.documents),
        labeled: (m.labeled, m.labeled),
        vocabulary: (w.model.vectorizer.len(), w.model.vectorizer.len()),
        cv: None,
        reanalysed,
        timings: clock.1,
    }
}

#[allow(clippy::too_many_arguments)]
fn refit_and_commit(
    w: &mut Writer,
    prepared: Prepared,
    records: Vec<Record>,
    action: Action,
    note: String,
    cv_plan: CvPlan,
    reanalysed: bool,
    mut clock: Clock,
    progress: &dyn Fn(&str),
) -> Result<Change> {
    let settings = w.model.meta.settings;
    progress("training the classifier");
    let mut model = prepared.fit(settings, w.model.classifier.lexicon.clone())?;
    clock.lap("fit");
    let (cv, carried) = match cv_plan {
        CvPlan::Measure(c) => {
            progress("cross-validating (3 folds over the labeled documents)");
            let (cv, report) = cross_validate_change(w, settings, &c);
            if let Some(r) = report {
                model.meta.cv_json = serde_json::to_string(&r).ok();
            }
            clock.lap("cross-validate");
            (Some(cv), None)
        }
        CvPlan::Unchanged => {
            model.meta.cv_json.clone_from(&w.model.meta.cv_json);
            (None, w.lineage.commit.cv)
        }
        CvPlan::Skip => (None, None),
    };
    let before = &w.model;
    let commit = Commit {
        version: w.next_version(),
        parent: Some(w.lineage.commit.version),
        action,
        model: String::new(),
        created: now(),
        documents: model.meta.documents,
        labeled: model.meta.labeled,
        vocabulary: model.vectorizer.len(),
        cv: cv.as_ref().map_or(carried, |c| c.after),
        root: None,
        note,
    };
    let mut change = Change {
        version: Some(commit.version),
        previous: w.lineage.commit.version,
        documents: (before.meta.documents, model.meta.documents),
        labeled: (before.meta.labeled, model.meta.labeled),
        vocabulary: (before.vectorizer.len(), model.vectorizer.len()),
        cv,
        reanalysed,
        timings: Vec::new(),
    };
    progress("writing the new version");
    w.commit(model, records, commit, Some(&prepared))?;
    clock.lap("commit");
    change.timings = clock.1;
    Ok(change)
}

/// Cross-validated figures before (the current version's, when it has them) and after.
fn cross_validate_change(
    w: &Writer,
    settings: TrainSettings,
    c: &CvDocs,
) -> (CvChange, Option<EvalReport>) {
    let mut out = CvChange {
        before: w.lineage.commit.cv,
        ..Default::default()
    };
    let lexicon = w.lineage.root.lexicon.text();
    let mut docs = match w.lineage.documents(&w.paths.dir) {
        Ok(d) => d,
        Err(e) => {
            out.problem = Some(format!("cannot read the labeled documents: {e}"));
            return (out, None);
        }
    };
    docs.retain(|d| d.labels.is_some() || c.relabels.iter().any(|r| r.id == d.id));
    if out.before.is_none() {
        let labeled: Vec<Document> = docs
            .iter()
            .filter(|d| d.labels.is_some())
            .cloned()
            .collect();
        match cross_validate(&labeled, settings, lexicon) {
            Ok((f, _)) => out.before = Some(f),
            Err(e) => out.problem = Some(e.to_string()),
        }
    }
    for r in c.relabels {
        for d in docs.iter_mut().filter(|d| d.id == r.id) {
            d.labels.clone_from(&r.labels);
        }
    }
    docs.extend(c.new_docs.iter().cloned());
    docs.retain(|d| d.labels.is_some());
    match cross_validate(&docs, settings, lexicon) {
        Ok((f, report)) => {
            out.after = Some(f);
            (out, Some(report))
        }
        Err(e) => {
            out.problem = Some(e.to_string());
            (out, None)
        }
    }
}

/// [`CV_FOLDS`]-fold cross-validation of `settings` on labeled documents.
pub fn cross_validate(
    labeled: &[Document],
    settings: TrainSettings,
    lexicon: &str,
) -> Result<(CvFigures, EvalReport)> {
    let split = Split::KFold {
        k: CV_FOLDS,
        seed: CV_SEED,
    };
    let r = evaluate(labeled, settings, lexicon, split, |_, _| {})?;
    Ok((CvFigures::from(&r), r))
}
