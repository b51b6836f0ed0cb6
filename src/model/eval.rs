//! Cross-validation of the whole training pipeline: stratified K-fold, or train-on-earlier /
//! test-on-later by date. Scores are pooled over folds.

use super::folds::{date_split, stratified_folds};
use super::{Model, TrainSettings};
use crate::corpus::{Document, Label, N_LABELS, N_TOPICS, Topic};
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
    /// Reliability of the topic scores, pooled over topics, in ten equal-width bins.
    pub calibration: Vec<CalibrationBin>,
    /// Expected calibration error: Σ (bin share × |mean score − observed rate|).
    pub expected_calibration_error: f64,
    /// Every test document's prediction, in test order (not part of the JSON report, which
    /// the model stores).
    #[serde(skip)]
    pub predictions: Vec<Prediction>,
}

/// What the model trained without a document said of it, beside its hand labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    pub id: String,
    pub title: String,
    pub primary: Label,
    pub topics: Vec<Topic>,
    /// By [`Topic::index`]; written as `{"topic": score}`.
    #[serde(serialize_with = "scores_by_topic")]
    pub scores: [f32; N_TOPICS],
    pub true_primary: Label,
    pub true_topics: Vec<Topic>,
}

fn scores_by_topic<S: serde::Serializer>(
    scores: &[f32; N_TOPICS],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_map(
        Topic::ALL
            .iter()
            .map(|t| (t.to_string(), scores[t.index()])),
    )
}

impl Prediction {
    /// The hand labels and the prediction differ (primary or topic set).
    pub fn is_error(&self) -> bool {
        self.primary != self.true_primary || self.topics != self.true_topics
    }
}

/// Of the topic scores that fell in `[low, high)`, how many carried the topic.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CalibrationBin {
    pub low: f64,
    pub high: f64,
    pub count: usize,
    pub mean_score: f64,
    pub observed_rate: f64,
}

const CALIBRATION_BINS: usize = 10;

fn calibration(outcomes: &[Prediction]) -> (Vec<CalibrationBin>, f64) {
    let mut sums = [(0usize, 0.0f64, 0usize); CALIBRATION_BINS];
    for o in outcomes {
        for t in Topic::ALL {
            let s = o.scores[t.index()] as f64;
            let b = ((s * CALIBRATION_BINS as f64) as usize).min(CALIBRATION_BINS - 1);
            sums[b].0 += 1;
            sums[b].1 += s;
            sums[b].2 += usize::from(o.true_topics.contains(&t));
        }
    }
    let total: usize = sums.iter().map(|b| b.0).sum();
    let mut ece = 0.0;
    let bins = sums
        .iter()
        .enumerate()
        .map(|(i, &(count, score_sum, positives))| {
            let n = count.max(1) as f64;
            let bin = CalibrationBin {
                low: i as f64 / CALIBRATION_BINS as f64,
                high: (i + 1) as f64 / CALIBRATION_BINS as f64,
                count,
                mean_score: score_sum / n,
                observed_rate: positives as f64 / n,
            };
            ece += count as f64 / total.max(1) as f64 * (bin.mean_score - bin.observed_rate).abs();
            bin
        })
        .collect();
    (bins, ece)
}

/// Writes `[(name, prf)]` as `{"name": prf}` so machines can index by label.
fn as_map<S: serde::Serializer, K: std::fmt::Display>(
    items: &[(K, Prf)],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_map(items.iter().map(|(k, v)| (k.to_string(), v)))
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
            let (primary, topics, scores) = match model.classify(d, false) {
                Ok(c) => (c.primary, c.topics, c.scores.0),
                Err(_) => (Label::Other, Vec::new(), [0.0; N_TOPICS]),
            };
            outcomes.push(Prediction {
                id: d.id.clone(),
                title: d.title.clone(),
                primary,
                topics,
                scores,
                true_primary: l.primary,
                true_topics: l.topics.clone(),
            });
        }
        on_fold(done + 1, test_folds.len());
    }
    let name = match split {
        Split::KFold { .. } => "kfold",
        Split::Date => "date",
    };
    Ok(report(name, n_folds, seed, outcomes))
}

fn report(split: &str, folds: usize, seed: u64, outcomes: Vec<Prediction>) -> EvalReport {
    let per_topic: Vec<(Topic, Prf)> = Topic::ALL
        .into_iter()
        .map(|t| {
            let (mut tp, mut fp, mut fneg) = (0, 0, 0);
            for o in &outcomes {
                match (o.topics.contains(&t), o.true_topics.contains(&t)) {
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
    for o in &outcomes {
        confusion[o.true_primary.index()][o.primary.index()] += 1;
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
    let (calibration, expected_calibration_error) = calibration(&outcomes);
    EvalReport {
        calibration,
        expected_calibration_error,
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
        predictions: outcomes,
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
        let o = |t: Label, tt: Vec<Topic>, p: Label, pt: Vec<Topic>| Prediction {
            id: String::new(),
            title: String::new(),
            scores: if pt.is_empty() {
                [0.05; N_TOPICS]
            } else {
                [0.95; N_TOPICS]
            },
            true_primary: t,
            true_topics: tt,
            primary: p,
            topics: pt,
        };
        let nar = Label::Topic(Topic::Narcotics);
        let outcomes = vec![
            o(nar, vec![Topic::Narcotics], nar, vec![Topic::Narcotics]),
            o(Label::Other, vec![], nar, vec![Topic::Narcotics]),
            o(nar, vec![Topic::Narcotics], Label::Other, vec![]),
            o(Label::Other, vec![], Label::Other, vec![]),
        ];
        let r = report("kfold", 2, 1, outcomes);
        let narcotics = r.per_topic[Topic::Narcotics.index()].1;
        assert_eq!(narcotics.support, 2);
        assert!((narcotics.f1 - 0.5).abs() < 1e-9);
        assert_eq!(r.primary_accuracy, 0.5);
        assert_eq!(r.confusion[Label::Other.index()][nar.index()], 1);
        // Scores 0.95 on two documents (8 topic scores, 1 positive), 0.05 on two (1 positive).
        assert_eq!(r.calibration[9].count, 8);
        assert!((r.calibration[9].observed_rate - 0.125).abs() < 1e-9);
        assert!((r.calibration[0].observed_rate - 0.125).abs() < 1e-9);
        let expected = 0.5 * (0.95 - 0.125) + 0.5 * (0.125 - 0.05);
        assert!((r.expected_calibration_error - expected).abs() < 1e-6);
    }
}
