//! The multi-label topic classifier: per topic, a linfa logistic regression over TF-IDF features,
//! blended with the lexicon features into one calibrated probability, with a decision threshold
//! chosen on out-of-fold predictions.

use super::blend::{Blend, sigmoid};
use super::lexicon::{Lexicon, LexiconHits, N_LEXICON_FEATURES};
use super::logistic::{self, SparseRows};
use crate::corpus::{Label, Labels, N_TOPICS, Topic};
use crate::error::{Error, Result};
use crate::vector::SparseVec;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Checked hyper-parameters of the classifier.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassifierParams {
    /// L2 penalty of the logistic regressions.
    pub alpha: f64,
    pub max_iterations: u64,
    /// Most TF-IDF features a topic model uses (the most frequent among labeled documents).
    pub max_features: usize,
    /// Positives are repeated up to this many times to balance rare topics (class weights).
    pub max_positive_weight: usize,
    /// Inner folds for out-of-fold scores (blend and thresholds).
    pub inner_folds: usize,
    /// Use the lexicon features in the blend.
    pub use_lexicon: bool,
    /// Use the learned TF-IDF model in the blend.
    pub use_terms: bool,
    /// Inner folds group documents by day (when dates are known) instead of stratifying.
    pub group_by_day: bool,
    pub seed: u64,
}

impl Default for ClassifierParams {
    fn default() -> Self {
        ClassifierParams {
            alpha: 0.3,
            max_iterations: 150,
            max_features: 8000,
            max_positive_weight: 4,
            inner_folds: 4,
            use_lexicon: true,
            use_terms: true,
            group_by_day: true,
            seed: 42,
        }
    }
}

impl ClassifierParams {
    pub fn check(&self) -> Result<()> {
        let ok = self.alpha > 0.0
            && self.max_iterations > 0
            && self.max_features > 0
            && self.max_positive_weight > 0
            && self.inner_folds >= 2
            && (self.use_lexicon || self.use_terms);
        if ok {
            Ok(())
        } else {
            Err(Error::Invalid(format!(
                "invalid classifier settings: {self:?}"
            )))
        }
    }
}

/// One labeled training example.
pub struct Example<'a> {
    pub row: &'a SparseVec,
    pub hits: &'a LexiconHits,
    pub labels: &'a Labels,
    /// The publication day ("" when unknown): inner folds keep a day together so the blend
    /// learns how far the learned terms carry to days they have not seen.
    pub day: &'a str,
}

/// A linear model over sparse TF-IDF rows: margin = Σ w·x + b.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    /// (term id, weight), sorted by term id.
    pub weights: Vec<(u32, f32)>,
    pub intercept: f32,
}

impl LinearModel {
    pub fn margin(&self, row: &SparseVec) -> f32 {
        let (mut i, mut j, mut sum) = (0, 0, self.intercept);
        while i < self.weights.len() && j < row.idx.len() {
            match self.weights[i].0.cmp(&row.idx[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += self.weights[i].1 * row.val[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// Per-term contributions w·x for the terms of `row`.
    pub fn contributions(&self, row: &SparseVec) -> Vec<(u32, f32)> {
        let w: FxHashMap<u32, f32> = self.weights.iter().copied().collect();
        row.iter()
            .filter_map(|(id, x)| w.get(&id).map(|w| (id, w * x)))
            .collect()
    }
}

/// Everything that decides one topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicModel {
    pub topic: Topic,
    pub linear: LinearModel,
    pub blend: Blend,
    pub threshold: f32,
}

/// The fitted classifier.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TopicClassifier {
    pub params: ClassifierParams,
    pub lexicon: Lexicon,
    pub topics: Vec<TopicModel>,
    /// The topic models' weights by term id, built on first use (not stored: the file layout is
    /// unchanged).
    #[serde(skip)]
    dense: OnceLock<DenseWeights>,
}

/// Every topic model's weight of each term, one row per term id (zero where a model has none):
/// a row's margins are then one lookup per term instead of a merge over all the weights.
#[derive(Debug, Clone, Default)]
struct DenseWeights {
    /// `w[id][j]`: the weight of term `id` in `topics[j]`.
    w: Vec<[f32; N_TOPICS]>,
    intercepts: [f32; N_TOPICS],
}

impl DenseWeights {
    fn new(topics: &[TopicModel]) -> DenseWeights {
        assert!(topics.len() <= N_TOPICS, "one model per topic");
        let len = topics
            .iter()
            .filter_map(|m| m.linear.weights.last())
            .map(|&(id, _)| id as usize + 1)
            .max()
            .unwrap_or(0);
        let mut d = DenseWeights {
            w: vec![[0.0; N_TOPICS]; len],
            intercepts: [0.0; N_TOPICS],
        };
        for (j, m) in topics.iter().enumerate() {
            d.intercepts[j] = m.linear.intercept;
            for &(id, w) in &m.linear.weights {
                d.w[id as usize][j] = w;
            }
        }
        d
    }

    /// The margins of `row` under each model, as [`LinearModel::margin`] computes them: the
    /// products are summed in the same order (term ids increasing). A term a model has no weight
    /// for adds 0·x = +0 (TF-IDF values are finite), which leaves a sum unchanged.
    #[inline]
    fn margins(&self, row: &SparseVec) -> [f32; N_TOPICS] {
        let mut sum = self.intercepts;
        for (&id, &x) in row.idx.iter().zip(&row.val) {
            if let Some(w) = self.w.get(id as usize) {
                for j in 0..N_TOPICS {
                    sum[j] += w[j] * x;
                }
            }
        }
        sum
    }
}

/// Scores and decisions for one bulletin.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub scores: [f32; N_TOPICS],
    pub topics: Vec<Topic>,
    pub primary: Label,
}

impl TopicClassifier {
    /// Fits the four topic models.
    pub fn fit(
        params: ClassifierParams,
        lexicon: Lexicon,
        examples: &[Example],
    ) -> Result<TopicClassifier> {
        params.check()?;
        if examples.is_empty() {
            return Err(Error::Training(
                "no labeled documents: add `primary`/`topics` to the corpus or a labels.tsv".into(),
            ));
        }
        let fits = Topic::ALL
            .par_iter()
            .map(|&t| fit_terms(&params, t, examples))
            .collect::<Result<Vec<_>>>()?;
        let blends = fit_pooled_blend(&params, examples, &fits);
        let topics = Topic::ALL
            .into_iter()
            .zip(fits)
            .zip(blends)
            .map(|((topic, fit), blend)| {
                let probs: Vec<f32> = examples
                    .iter()
                    .zip(&fit.oof)
                    .map(|(e, &m)| {
                        blend.probability(&blend_features(&params, m, e.hits, topic)) as f32
                    })
                    .collect();
                let threshold = best_threshold(&probs, &targets(examples, topic));
                TopicModel {
                    topic,
                    linear: fit.linear,
                    blend,
                    threshold,
                }
            })
            .collect();
        Ok(TopicClassifier {
            params,
            lexicon,
            topics,
            dense: OnceLock::new(),
        })
    }

    pub fn predict(&self, row: &SparseVec, hits: &LexiconHits) -> Prediction {
        let margins = self
            .dense
            .get_or_init(|| DenseWeights::new(&self.topics))
            .margins(row);
        let mut scores = [0.0f32; N_TOPICS];
        for (m, &margin) in self.topics.iter().zip(&margins) {
            let x = blend_features(&self.params, margin as f64, hits, m.topic);
            let p = m.blend.probability(&x) as f32;
            scores[m.topic.index()] = if p.is_finite() {
                p.clamp(0.0, 1.0)
            } else {
                0.0
            };
        }
        decide(&scores, &self.thresholds())
    }

    pub fn thresholds(&self) -> [f32; N_TOPICS] {
        let mut t = [0.5; N_TOPICS];
        for m in &self.topics {
            t[m.topic.index()] = m.threshold;
        }
        t
    }

    pub fn model(&self, topic: Topic) -> &TopicModel {
        &self.topics[topic.index()]
    }
}

/// Applies thresholds; the primary is the highest-scoring topic that applies, else `other`.
pub fn decide(scores: &[f32; N_TOPICS], thresholds: &[f32; N_TOPICS]) -> Prediction {
    let mut topics: Vec<Topic> = Topic::ALL
        .into_iter()
        .filter(|t| scores[t.index()] >= thresholds[t.index()])
        .collect();
    topics.sort_by(|a, b| scores[b.index()].total_cmp(&scores[a.index()]));
    let primary = topics.first().map_or(Label::Other, |&t| Label::Topic(t));
    topics.sort();
    Prediction {
        scores: *scores,
        topics,
        primary,
    }
}

fn blend_features(
    params: &ClassifierParams,
    margin: f64,
    hits: &LexiconHits,
    topic: Topic,
) -> Vec<f64> {
    let mut x = Vec::with_capacity(1 + N_LEXICON_FEATURES);
    if params.use_terms {
        x.push(margin);
    }
    if params.use_lexicon {
        x.extend(hits.features(topic));
    }
    x
}

/// A topic's linear model and its out-of-fold margins on the training examples.
struct TermsFit {
    linear: LinearModel,
    oof: Vec<f64>,
}

fn fit_terms(params: &ClassifierParams, topic: Topic, examples: &[Example]) -> Result<TermsFit> {
    let ys = targets(examples, topic);
    let mut oof = vec![0.0f64; examples.len()];
    if !params.use_terms {
        return Ok(TermsFit {
            linear: LinearModel::default(),
            oof,
        });
    }
    // Out-of-fold margins: what the linear model says about documents it has not seen.
    let folds = match day_folds(examples, params.inner_folds).filter(|_| params.group_by_day) {
        Some(f) => f,
        None => topic_folds(&ys, params.inner_folds, params.seed),
    };
    for f in 0..params.inner_folds {
        let train: Vec<usize> = (0..examples.len()).filter(|&i| folds[i] != f).collect();
        let model = fit_linear(params, examples, &ys, &train)?;
        for i in (0..examples.len()).filter(|&i| folds[i] == f) {
            oof[i] = model.margin(examples[i].row) as f64;
        }
    }
    let all: Vec<usize> = (0..examples.len()).collect();
    Ok(TermsFit {
        linear: fit_linear(params, examples, &ys, &all)?,
        oof,
    })
}

fn targets(examples: &[Example], topic: Topic) -> Vec<bool> {
    examples.iter().map(|e| e.labels.has(topic)).collect()
}

/// One blend for all topics: shared weights for the margin and the lexicon features (pooling
/// makes them stable even for a topic with a dozen examples) and a bias per topic (its base rate).
/// Returns one [`Blend`] per topic.
fn fit_pooled_blend(
    params: &ClassifierParams,
    examples: &[Example],
    fits: &[TermsFit],
) -> Vec<Blend> {
    let mut xs = Vec::with_capacity(examples.len() * N_TOPICS);
    let mut ys = Vec::with_capacity(examples.len() * N_TOPICS);
    for (t, fit) in Topic::ALL.into_iter().zip(fits) {
        for (e, &m) in examples.iter().zip(&fit.oof) {
            let mut x = blend_features(params, m, e.hits, t);
            x.extend((0..N_TOPICS).map(|j| if j == t.index() { 1.0 } else { 0.0 }));
            xs.push(x);
            ys.push(e.labels.has(t));
        }
    }
    let pooled = Blend::fit(&xs, &ys);
    let shared = pooled.coef.len() - N_TOPICS;
    Topic::ALL
        .into_iter()
        .map(|t| Blend {
            coef: pooled.coef[..shared].to_vec(),
            bias: pooled.bias + pooled.coef[shared + t.index()],
        })
        .collect()
}

/// Folds that keep each publication day whole (undated documents are spread over all folds), or
/// `None` when fewer than `k` days are known.
fn day_folds(examples: &[Example], k: usize) -> Option<Vec<usize>> {
    let mut days: Vec<&str> = examples
        .iter()
        .map(|e| e.day)
        .filter(|d| !d.is_empty())
        .collect();
    days.sort_unstable();
    days.dedup();
    if days.len() < k {
        return None;
    }
    Some(
        examples
            .iter()
            .enumerate()
            .map(|(i, e)| match days.binary_search(&e.day) {
                Ok(d) => d % k,
                Err(_) => i % k,
            })
            .collect(),
    )
}

/// Stratified inner folds for one binary target (positives spread over all folds).
fn topic_folds(ys: &[bool], k: usize, seed: u64) -> Vec<usize> {
    let mut fold = vec![0; ys.len()];
    for class in [true, false] {
        let mut members: Vec<(u64, usize)> = ys
            .iter()
            .enumerate()
            .filter(|(_, y)| **y == class)
            .map(|(i, _)| {
                (
                    crate::corpus::hash::fnv1a64(format!("{seed}/{i}").as_bytes()),
                    i,
                )
            })
            .collect();
        members.sort_unstable();
        for (rank, &(_, i)) in members.iter().enumerate() {
            fold[i] = rank % k;
        }
    }
    fold
}

/// The threshold maximizing F1 on out-of-fold probabilities, shrunk halfway toward 0.5 so a
/// handful of rare positives cannot push it to an extreme.
fn best_threshold(probs: &[f32], ys: &[bool]) -> f32 {
    let mut best = (f32::MIN, 0.5f32);
    for step in 5..=95 {
        let t = step as f32 / 100.0;
        let f1 = f1_at(probs, ys, t);
        if f1 > best.0 + 1e-6 {
            best = (f1, t);
        }
    }
    (best.1 + 0.5) / 2.0
}

fn f1_at(probs: &[f32], ys: &[bool], t: f32) -> f32 {
    let (mut tp, mut fp, mut fneg) = (0.0, 0.0, 0.0);
    for (&p, &y) in probs.iter().zip(ys) {
        match (p >= t, y) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, true) => fneg += 1.0,
            _ => {}
        }
    }
    if tp == 0.0 {
        0.0
    } else {
        2.0 * tp / (2.0 * tp + fp + fneg)
    }
}

/// Fits a logistic regression (linfa) on the rows `train`, over the most frequent terms of
/// those rows, with positives repeated to balance the classes.
fn fit_linear(
    params: &ClassifierParams,
    examples: &[Example],
    ys: &[bool],
    train: &[usize],
) -> Result<LinearModel> {
    let n_pos = train.iter().filter(|&&i| ys[i]).count();
    let n_neg = train.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        // Nothing to separate: a constant margin in the direction of the only class seen.
        let intercept = if n_pos == 0 { -4.0 } else { 4.0 };
        return Ok(LinearModel {
            weights: Vec::new(),
            intercept,
        });
    }
    let features = select_features(examples, train, params.max_features);
    let column: FxHashMap<u32, usize> = features.iter().enumerate().map(|(c, &t)| (t, c)).collect();
    let repeat = (n_neg / n_pos).clamp(1, params.max_positive_weight);
    let rows: Vec<usize> = train
        .iter()
        .flat_map(|&i| std::iter::repeat_n(i, if ys[i] { repeat } else { 1 }))
        .collect();
    let mut x = SparseRows::new(features.len());
    for &i in &rows {
        x.push(
            examples[i]
                .row
                .iter()
                .filter_map(|(id, v)| column.get(&id).map(|&c| (c as u32, v as f64))),
        );
    }
    let y: Vec<bool> = rows.iter().map(|&i| ys[i]).collect();
    let fitted = logistic::fit(&x, &y, params.alpha, params.max_iterations)?;
    let mut weights: Vec<(u32, f32)> = features
        .iter()
        .zip(&fitted.weights)
        .filter(|(_, w)| w.abs() > 1e-6)
        .map(|(&t, &w)| (t, w as f32))
        .collect();
    weights.sort_unstable_by_key(|w| w.0);
    Ok(LinearModel {
        weights,
        intercept: fitted.intercept as f32,
    })
}

/// Terms of the training rows seen in at least two of them, the most frequent first.
fn select_features(examples: &[Example], train: &[usize], max: usize) -> Vec<u32> {
    let mut df: FxHashMap<u32, u32> = FxHashMap::default();
    for &i in train {
        for &id in &examples[i].row.idx {
            *df.entry(id).or_insert(0) += 1;
        }
    }
    let mut terms: Vec<(u32, u32)> = df.into_iter().filter(|&(_, d)| d >= 2).collect();
    terms.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    terms.truncate(max);
    let mut ids: Vec<u32> = terms.into_iter().map(|(t, _)| t).collect();
    ids.sort_unstable();
    ids
}

/// Probability of a logit, for callers that hold margins.
pub fn probability(logit: f64) -> f32 {
    sigmoid(logit) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_is_the_highest_topic_that_applies() {
        let p = decide(&[0.9, 0.1, 0.95, 0.6], &[0.5, 0.5, 0.5, 0.7]);
        assert_eq!(p.topics, [Topic::Cybersecurity, Topic::CounterTerrorism]);
        assert_eq!(p.primary, Label::Topic(Topic::CounterTerrorism));
        let none = decide(&[0.1; 4], &[0.5; 4]);
        assert_eq!(none.primary, Label::Other);
        assert!(none.topics.is_empty());
    }

    #[test]
    fn threshold_is_shrunk_toward_one_half() {
        let probs = [0.1, 0.2, 0.3, 0.9];
        let ys = [false, false, true, true];
        let t = best_threshold(&probs, &ys);
        assert!(t > 0.2 && t <= 0.5, "{t}");
    }

    #[test]
    fn bad_params_are_refused() {
        let p = ClassifierParams {
            inner_folds: 1,
            ..Default::default()
        };
        assert!(p.check().is_err());
    }
}
