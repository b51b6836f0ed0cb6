//! Themes of the archive: LSA-reduced, L2-normalized documents (see [`super::reduce`]) grouped
//! by linfa's k-means, k fixed or chosen by silhouette on a sample. Each cluster is described
//! by its size, the majority of the classifier's labels, its most distinctive terms (as words)
//! and the bulletins nearest its centre.

use super::Archive;
use super::metrics::{adjusted_rand_index, purity};
use super::reduce::{lsa, mix};
use crate::corpus::Label;
use crate::error::{Error, Result};
use crate::vector::SparseVec;
use linfa::DatasetBase;
use linfa::traits::{Fit, Predict};
use linfa_clustering::KMeans;
use linfa_nn::distance::Distance;
use ndarray::{Array2, ArrayView, ArrayView2, Axis, Dimension};
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::SeedableRng;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Dimensions kept by the reduction.
pub const DEFAULT_DIMS: usize = 100;
pub const DEFAULT_SEED: u64 = 42;
/// Terms and nearest bulletins shown per cluster.
const TERMS: usize = 8;
const NEAREST: usize = 3;
/// k-means restarts (the best inertia wins) and iteration cap.
const RUNS: usize = 3;
const MAX_ITERATIONS: u64 = 100;
/// `--k auto` tries 2..=AUTO_MAX_K on a sample of at most AUTO_SAMPLE documents.
const AUTO_MAX_K: usize = 20;
const AUTO_SAMPLE: usize = 2000;

/// How many clusters: a number, or `auto` (best silhouette).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KChoice {
    Fixed(usize),
    Auto,
}

impl std::str::FromStr for KChoice {
    type Err = Error;
    fn from_str(s: &str) -> Result<KChoice> {
        match s.trim() {
            "auto" => Ok(KChoice::Auto),
            n => match n.parse::<usize>() {
                Ok(k) if k >= 1 => Ok(KChoice::Fixed(k)),
                _ => Err(Error::Invalid(format!(
                    "k must be a positive number or `auto`, got {s:?}"
                ))),
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ClusterSettings {
    pub k: KChoice,
    pub seed: u64,
    pub dims: usize,
}

impl Default for ClusterSettings {
    fn default() -> Self {
        ClusterSettings {
            k: KChoice::Auto,
            seed: DEFAULT_SEED,
            dims: DEFAULT_DIMS,
        }
    }
}

/// One cluster, as `amn cluster --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    pub cluster: usize,
    pub size: usize,
    /// The most common primary label the classifier gave its members.
    pub topic: Label,
    pub topic_share: f64,
    /// Most distinctive terms, as readable words.
    pub terms: Vec<String>,
    /// Ids of the bulletins nearest the centre.
    pub members: Vec<String>,
    pub titles: Vec<String>,
    pub stems: Vec<String>,
}

/// A clustering of the whole archive.
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    /// Cluster of each archived document; clusters are numbered by decreasing size.
    pub assignment: Vec<usize>,
    pub clusters: Vec<Cluster>,
    /// `(k, silhouette)` of each k tried by `--k auto`.
    pub tried: Vec<(usize, f32)>,
}

/// Agreement of a clustering with the hand labels of the archive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Agreement {
    pub labeled: usize,
    pub purity: f64,
    pub ari: f64,
}

impl Clustering {
    /// Purity and adjusted Rand index against the hand primary labels (labeled documents only).
    pub fn agreement(&self, archive: &Archive) -> Option<Agreement> {
        let (pred, truth): (Vec<usize>, Vec<usize>) = (0..archive.len() as u32)
            .filter_map(|d| {
                let l = archive.hand_label(d)?;
                Some((self.assignment[d as usize], l.index()))
            })
            .unzip();
        (!pred.is_empty()).then(|| Agreement {
            labeled: pred.len(),
            purity: purity(&pred, &truth),
            ari: adjusted_rand_index(&pred, &truth),
        })
    }
}

impl Archive {
    /// Clusters the archive; deterministic for `settings.seed`.
    pub fn cluster(&self, settings: ClusterSettings) -> Result<Clustering> {
        let n = self.len();
        if n < 2 {
            return Err(Error::Invalid(format!(
                "the archive has {n} bulletin(s); clustering needs at least 2"
            )));
        }
        let postings = self.postings();
        let rows = postings.rows();
        let x = lsa(&rows, postings, settings.dims, settings.seed)?;
        if x.iter().any(|v| !v.is_finite()) {
            return Err(Error::Training(
                "non-finite coordinates after reduction".into(),
            ));
        }
        let (k, tried) = match settings.k {
            KChoice::Fixed(k) if k > n => {
                return Err(Error::Invalid(format!(
                    "k = {k} is more than the {n} archived bulletins"
                )));
            }
            KChoice::Fixed(k) => (k, Vec::new()),
            KChoice::Auto => choose_k(&x, settings.seed)?,
        };
        let (raw, centroids) = kmeans(x.view(), k, settings.seed)?;
        // Number clusters by decreasing size (ties: earliest member) for stable reading.
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); k];
        for (d, &c) in raw.iter().enumerate() {
            members[c].push(d as u32);
        }
        let mut order: Vec<usize> = (0..k).filter(|&c| !members[c].is_empty()).collect();
        order.sort_by_key(|&c| (std::cmp::Reverse(members[c].len()), members[c][0]));
        let mut assignment = vec![0usize; n];
        for (new, &old) in order.iter().enumerate() {
            for &d in &members[old] {
                assignment[d as usize] = new;
            }
        }
        let global = mean_weights(&rows, (0..n as u32).collect::<Vec<_>>().as_slice());
        let clusters = order
            .par_iter()
            .enumerate()
            .map(|(new, &old)| {
                self.describe(
                    new,
                    &members[old],
                    &rows,
                    &global,
                    x.view(),
                    centroids.row(old).to_vec(),
                )
            })
            .collect();
        Ok(Clustering {
            assignment,
            clusters,
            tried,
        })
    }

    fn describe(
        &self,
        number: usize,
        members: &[u32],
        rows: &[SparseVec],
        global: &FxHashMap<u32, f32>,
        x: ArrayView2<f32>,
        centre: Vec<f32>,
    ) -> Cluster {
        let mut votes = [0usize; Label::ALL.len()];
        for &d in members {
            votes[self.predicted(d).index()] += 1;
        }
        let top = (0..votes.len()).max_by_key(|&i| (votes[i], std::cmp::Reverse(i)));
        let top = top.unwrap_or(Label::Other.index());
        // Distinctive: weight in the cluster's mean row above the archive's mean row.
        let mean = mean_weights(rows, members);
        let mut scored: Vec<(u32, f32)> = mean
            .iter()
            .map(|(&t, &w)| (t, w - global.get(&t).copied().unwrap_or(0.0)))
            .filter(|&(_, s)| s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut stems: Vec<String> = Vec::new();
        let mut terms: Vec<String> = Vec::new();
        for (t, _) in scored {
            let term = self.term(t);
            // A term adds nothing if each of its stems is already shown.
            let covered = term
                .split(' ')
                .all(|s| stems.iter().any(|c| c.split(' ').any(|p| p == s)));
            if covered {
                continue;
            }
            stems.push(term.to_string());
            terms.push(self.word(t));
            if terms.len() == TERMS {
                break;
            }
        }
        let mut near: Vec<(u32, f32)> = members
            .iter()
            .map(|&d| {
                let r = x.row(d as usize);
                (d, r.iter().zip(&centre).map(|(a, b)| a * b).sum::<f32>())
            })
            .collect();
        near.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        near.truncate(NEAREST);
        Cluster {
            cluster: number,
            size: members.len(),
            topic: Label::ALL[top],
            topic_share: (votes[top] as f64 / members.len().max(1) as f64 * 1000.0).round()
                / 1000.0,
            terms,
            members: near.iter().map(|&(d, _)| self.id(d).to_string()).collect(),
            titles: near
                .iter()
                .map(|&(d, _)| self.title(d).to_string())
                .collect(),
            stems,
        }
    }
}

/// Mean TF-IDF row of `docs`, as term → weight.
fn mean_weights(rows: &[SparseVec], docs: &[u32]) -> FxHashMap<u32, f32> {
    let mut sum: FxHashMap<u32, f32> = FxHashMap::default();
    for &d in docs {
        for (t, w) in rows[d as usize].iter() {
            *sum.entry(t).or_insert(0.0) += w;
        }
    }
    let n = docs.len().max(1) as f32;
    sum.values_mut().for_each(|w| *w /= n);
    sum
}

/// Squared Euclidean distance over contiguous rows in eight lanes, which the compiler turns
/// into SIMD; linfa's default `L2Dist` goes through a generic ndarray zip and made k-means
/// several times slower.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FastL2;

fn sq_dist(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| (x - y) * (x - y))
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            let d = x[i] - y[i];
            lanes[i] += d * d;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

impl Distance<f32> for FastL2 {
    fn distance<D: Dimension>(&self, a: ArrayView<f32, D>, b: ArrayView<f32, D>) -> f32 {
        self.rdistance(a, b).sqrt()
    }

    fn rdistance<D: Dimension>(&self, a: ArrayView<f32, D>, b: ArrayView<f32, D>) -> f32 {
        match (a.as_slice(), b.as_slice()) {
            (Some(a), Some(b)) => sq_dist(a, b),
            _ => a.iter().zip(b.iter()).map(|(x, y)| (x - y) * (x - y)).sum(),
        }
    }

    fn rdist_to_dist(&self, rdist: f32) -> f32 {
        rdist.sqrt()
    }

    fn dist_to_rdist(&self, dist: f32) -> f32 {
        dist * dist
    }
}

/// linfa k-means (k-means++ starts, best of [`RUNS`]): memberships and centroids.
fn kmeans(x: ArrayView2<f32>, k: usize, seed: u64) -> Result<(Vec<usize>, Array2<f32>)> {
    let model = KMeans::params_with(k, Xoshiro256Plus::seed_from_u64(seed), FastL2)
        .n_runs(RUNS)
        .max_n_iterations(MAX_ITERATIONS)
        .tolerance(1e-4)
        .fit(&DatasetBase::from(x))
        .map_err(|e| Error::Training(format!("k-means failed: {e}")))?;
    let memberships = model.predict(&x);
    Ok((memberships.to_vec(), model.centroids().clone()))
}

/// Picks k in 2..=[`AUTO_MAX_K`] by the best mean silhouette, each k fitted and scored on the
/// same seeded sample of documents.
fn choose_k(x: &Array2<f32>, seed: u64) -> Result<(usize, Vec<(usize, f32)>)> {
    let n = x.nrows();
    let mut idx: Vec<usize> = (0..n).collect();
    let s = n.min(AUTO_SAMPLE);
    // Partial Fisher–Yates shuffle from the seed.
    let mut h = mix(seed);
    for i in 0..s {
        h = mix(h);
        let j = i + (h % (n - i) as u64) as usize;
        idx.swap(i, j);
    }
    idx.truncate(s);
    idx.sort_unstable();
    let sample = x.select(Axis(0), &idx);
    let gram = sample.dot(&sample.t());
    // Documents are unit length: |a − b|² = 2 − 2 a·b.
    let dist = gram.mapv(|g| (2.0 - 2.0 * g).max(0.0).sqrt());
    let mut tried = Vec::new();
    for k in 2..=AUTO_MAX_K.min(s - 1) {
        let (labels, _) = kmeans(sample.view(), k, seed)?;
        tried.push((k, silhouette(&dist, &labels, k)));
    }
    let best = tried
        .iter()
        .copied()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map_or(2.min(n), |(k, _)| k);
    Ok((best, tried))
}

/// Mean silhouette of a labelling, from a full distance matrix (singletons score 0).
pub fn silhouette(dist: &Array2<f32>, labels: &[usize], k: usize) -> f32 {
    let mut sizes = vec![0usize; k];
    labels.iter().for_each(|&l| sizes[l] += 1);
    let total: f32 = (0..labels.len())
        .into_par_iter()
        .map(|i| {
            let mut sums = vec![0f32; k];
            for (j, &l) in labels.iter().enumerate() {
                sums[l] += dist[[i, j]];
            }
            let own = labels[i];
            if sizes[own] < 2 {
                return 0.0;
            }
            let a = sums[own] / (sizes[own] - 1) as f32;
            let b = (0..k)
                .filter(|&c| c != own && sizes[c] > 0)
                .map(|c| sums[c] / sizes[c] as f32)
                .fold(f32::INFINITY, f32::min);
            if b.is_finite() {
                (b - a) / a.max(b).max(1e-12)
            } else {
                0.0
            }
        })
        .collect::<Vec<f32>>()
        .iter()
        .sum();
    total / labels.len().max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::super::store::tests::{docs, model};
    use super::super::store::{Archive, ModelStamp};
    use super::*;

    #[test]
    fn k_parses_numbers_and_auto_only() {
        assert_eq!("auto".parse::<KChoice>().unwrap(), KChoice::Auto);
        assert_eq!("7".parse::<KChoice>().unwrap(), KChoice::Fixed(7));
        assert!("0".parse::<KChoice>().is_err());
        assert!("many".parse::<KChoice>().is_err());
    }

    #[test]
    fn fast_distance_matches_the_plain_one() {
        let a: Vec<f32> = (0..21).map(|i| i as f32 * 0.3).collect();
        let b: Vec<f32> = (0..21).map(|i| (i * i % 7) as f32).collect();
        let plain: f32 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
        assert!((sq_dist(&a, &b) - plain).abs() < 1e-3 * plain);
        let m = Array2::from_shape_vec((3, 7), b.clone()).unwrap();
        let strided = m.t();
        let d = FastL2.rdistance(strided.row(0), strided.row(1));
        let want: f32 = strided
            .row(0)
            .iter()
            .zip(strided.row(1))
            .map(|(x, y)| (x - y) * (x - y))
            .sum();
        assert_eq!(d, want);
    }

    #[test]
    fn identical_documents_do_not_break_k_means() {
        let x = Array2::from_elem((6, 3), 0.5f32);
        let (labels, _) = kmeans(x.view(), 4, 3).unwrap();
        assert_eq!(labels.len(), 6);
    }

    #[test]
    fn silhouette_prefers_the_true_split() {
        let pts = ndarray::array![[0.0f32, 0.0], [0.0, 0.1], [5.0, 5.0], [5.0, 5.1]];
        let dist = Array2::from_shape_fn((4, 4), |(i, j)| {
            let d = &pts.row(i) - &pts.row(j);
            d.dot(&d).sqrt()
        });
        let good = silhouette(&dist, &[0, 0, 1, 1], 2);
        let bad = silhouette(&dist, &[0, 1, 0, 1], 2);
        assert!(good > 0.9 && bad < 0.0, "{good} {bad}");
    }

    #[test]
    fn clusters_are_described_and_deterministic() {
        let docs = docs();
        let a = Archive::build(&model(&docs), Some(&docs), ModelStamp::default()).unwrap();
        let settings = ClusterSettings {
            k: KChoice::Fixed(3),
            seed: 7,
            dims: 4,
        };
        let c = a.cluster(settings).unwrap();
        assert_eq!(c, a.cluster(settings).unwrap());
        assert_eq!(c.assignment.len(), docs.len());
        assert_eq!(c.clusters.iter().map(|c| c.size).sum::<usize>(), docs.len());
        // The two drug seizures land together, apart from the book fair.
        assert_eq!(c.assignment[0], c.assignment[1]);
        assert_ne!(c.assignment[0], c.assignment[4]);
        for cl in &c.clusters {
            assert!(!cl.terms.is_empty() && !cl.members.is_empty() && cl.members.len() <= 3);
        }
        let agreement = c.agreement(&a).unwrap();
        assert_eq!(agreement.labeled, 4);
        let too_many = ClusterSettings {
            k: KChoice::Fixed(99),
            ..settings
        };
        assert!(a.cluster(too_many).is_err());
    }
}
