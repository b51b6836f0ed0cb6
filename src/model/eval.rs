//! Cross-validation of the whole training pipeline: stratified K-fold, or train-on-earlier /
//! test-on-later by date. Scores are pooled over folds.

use super::folds::{date_split, stratified_folds};
use super::{Model, TrainSettings};
use crate::corpus::{Document, Label, N_LABELS, Topic};
use crate::error::{Error, Result};
use serde::Serialize;

/// How to split the labeled documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    KFold { k: usize, seed: u64 },
    Date,
}

/// Precision, recall, F1 and support of one class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

impl Prf {
    fn from_counts(tp: usize, fp: usize, fneg: usize) -> Prf {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fneg);
        let f1 = ratio(2 * tp, 2 * tp + fp + fneg);
        Prf {
            precision,
            recall,
            f1,
            support: tp + fneg,
        }
    }
}

/// Pooled results of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub split: String,
    pub folds: usize,
    pub seed: u64,
    pub documents: usize,
    #[serde(serialize_with = "as_map")]
    pub per_topic: Vec<(Topic, Prf)>,
    pub topics_macro_f1: f64,
    pub primary_accuracy: f64,
    pub primary_macro_f1: f64,
    #[serde(serialize_with = "as_map")]
    pub per_label: Vec<(Label, Prf)>,
    /// `confusion[true][predicted]` in [`Label::ALL`] order.
    pub confusion: [[usize; N_LABELS]; N_LABELS],
}

/// Writes `[(name, prf)]` as `{"name": prf}` so machines can index by label.
fn as_map<S: serde::Serializer, K: std::fmt::Display>(
    items: &[(K, Prf)],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_map(items.iter().map(|(k, v)| (k.to_string(), v)))
}

/// One labeled document's truth and prediction.
struct Outcome {
    truth: (Label, Vec<Topic>),
    predicted: (Label, Vec<Topic>),
}

/// Evaluates `settings` on the labeled documents of `docs` (unlabeled ones join every training
/// fold, as they would in `amn train`). `on_fold` is told when each fold is done.
pub fn evaluate(
    docs: &[Document],
    settings: TrainSettings,
    lexicon: &str,
    split: Split,
    mut on_fold: impl FnMut(usize, usize),
) -> Result<EvalReport> {
    let labeled: Vec<&Document> = docs.iter().filter(|d| d.labels.is_some()).collect();
    let unlabeled: Vec<&Document> = docs.iter().filter(|d| d.labels.is_none()).collect();
    if labeled.len() < 10 {
        return Err(Error::Training(format!(
            "evaluation needs at least 10 labeled documents, found {}",
            labeled.len()
        )));
    }
    let (assignment, n_folds, seed) = match split {
        Split::KFold { k, seed } => {
            if k < 2 || k > labeled.len() {
                return Err(Error::Invalid(format!(
                    "--folds must be in 2..={}",
                    labeled.len()
                )));
            }
            (stratified_folds(&labeled, k, seed), k, seed)
        }
        Split::Date => (
            date_split(&labeled).into_iter().map(usize::from).collect(),
            1,
            0,
        ),
    };
    let test_folds: Vec<usize> = match split {
        Split::KFold { k, .. } => (0..k).collect(),
        Split::Date => vec![1],
    };
    let mut outcomes = Vec::new();
    for (done, &fold) in test_folds.iter().enumerate() {
        let train: Vec<Document> = labeled
            .iter()
            .zip(&assignment)
            .filter(|(_, f)| **f != fold)
            .map(|(d, _)| (*d).clone())
            .chain(unlabeled.iter().map(|d| (*d).clone()))
            .collect();
        let model = Model::train(&train, settings, lexicon)?;
        for (d, _) in labeled.iter().zip(&assignment).filter(|(_, f)| **f == fold) {
            let l = d.labels.as_ref().expect("labeled");
            let predicted = match model.classify(d, false) {
                Ok(c) => (c.primary, c.topics),
                Err(_) => (Label::Other, Vec::new()),
            };
            outcomes.push(Outcome {
                truth: (l.primary, l.topics.clone()),
                predicted,
            });
        }
        on_fold(done + 1, test_folds.len());
    }
    let name = match split {
        Split::KFold { .. } => "kfold",
        Split::Date => "date",
    };
    Ok(report(name, n_folds, seed, &outcomes))
}

fn report(split: &str, folds: usize, seed: u64, outcomes: &[Outcome]) -> EvalReport {
    let per_topic: Vec<(Topic, Prf)> = Topic::ALL
        .into_iter()
        .map(|t| {
            let (mut tp, mut fp, mut fneg) = (0, 0, 0);
            for o in outcomes {
                match (o.predicted.1.contains(&t), o.truth.1.contains(&t)) {
                    (true, true) => tp += 1,
                    (true, false) => fp += 1,
                    (false, true) => fneg += 1,
                    _ => {}
                }
            }
            (t, Prf::from_counts(tp, fp, fneg))
        })
        .collect();
    let mut confusion = [[0usize; N_LABELS]; N_LABELS];
    for o in outcomes {
        confusion[o.truth.0.index()][o.predicted.0.index()] += 1;
    }
    let per_label: Vec<(Label, Prf)> = Label::ALL
        .into_iter()
        .map(|l| {
            let i = l.index();
            let tp = confusion[i][i];
            let fp = (0..N_LABELS).map(|r| confusion[r][i]).sum::<usize>() - tp;
            let fneg = confusion[i].iter().sum::<usize>() - tp;
            (l, Prf::from_counts(tp, fp, fneg))
        })
        .collect();
    let correct: usize = (0..N_LABELS).map(|i| confusion[i][i]).sum();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    EvalReport {
        split: split.to_string(),
        folds,
        seed,
        documents: outcomes.len(),
        topics_macro_f1: mean(&per_topic.iter().map(|p| p.1.f1).collect::<Vec<_>>()),
        primary_accuracy: correct as f64 / outcomes.len().max(1) as f64,
        primary_macro_f1: mean(&per_label.iter().map(|p| p.1.f1).collect::<Vec<_>>()),
        per_topic,
        per_label,
        confusion,
    }
}

impl EvalReport {
    /// Minimum per-topic F1 (the weakest topic).
    pub fn min_topic_f1(&self) -> f64 {
        self.per_topic
            .iter()
            .map(|p| p.1.f1)
            .fold(f64::INFINITY, f64::min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_counts_are_pooled_correctly() {
        let o = |t: Label, tt: Vec<Topic>, p: Label, pt: Vec<Topic>| Outcome {
            truth: (t, tt),
            predicted: (p, pt),
        };
        let nar = Label::Topic(Topic::Narcotics);
        let outcomes = vec![
            o(nar, vec![Topic::Narcotics], nar, vec![Topic::Narcotics]),
            o(Label::Other, vec![], nar, vec![Topic::Narcotics]),
            o(nar, vec![Topic::Narcotics], Label::Other, vec![]),
            o(Label::Other, vec![], Label::Other, vec![]),
        ];
        let r = report("kfold", 2, 1, &outcomes);
        let narcotics = r.per_topic[Topic::Narcotics.index()].1;
        assert_eq!(narcotics.support, 2);
        assert!((narcotics.f1 - 0.5).abs() < 1e-9);
        assert_eq!(r.primary_accuracy, 0.5);
        assert_eq!(r.confusion[Label::Other.index()][nar.index()], 1);
    }
}
