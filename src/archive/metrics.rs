//! Agreement of a clustering with reference labels: purity and the adjusted Rand index.

use rustc_hash::FxHashMap;

/// Contingency counts of (cluster, label) pairs.
fn contingency(pred: &[usize], truth: &[usize]) -> FxHashMap<(usize, usize), u64> {
    let mut table = FxHashMap::default();
    for (&p, &t) in pred.iter().zip(truth) {
        *table.entry((p, t)).or_insert(0u64) += 1;
    }
    table
}

/// Share of items whose cluster's majority label is their own label (1.0 for an empty input).
pub fn purity(pred: &[usize], truth: &[usize]) -> f64 {
    let n = pred.len().min(truth.len());
    if n == 0 {
        return 1.0;
    }
    let mut best: FxHashMap<usize, u64> = FxHashMap::default();
    for ((p, _), c) in contingency(pred, truth) {
        let b = best.entry(p).or_insert(0);
        *b = (*b).max(c);
    }
    best.values().sum::<u64>() as f64 / n as f64
}

fn pairs(x: u64) -> f64 {
    (x * x.saturating_sub(1)) as f64 / 2.0
}

/// Adjusted Rand index (Hubert & Arabie): 1 for identical partitions, about 0 for chance.
pub fn adjusted_rand_index(pred: &[usize], truth: &[usize]) -> f64 {
    let n = pred.len().min(truth.len()) as u64;
    let table = contingency(pred, truth);
    let (mut rows, mut cols): (FxHashMap<usize, u64>, FxHashMap<usize, u64>) = Default::default();
    for (&(p, t), &c) in &table {
        *rows.entry(p).or_insert(0) += c;
        *cols.entry(t).or_insert(0) += c;
    }
    let index: f64 = table.values().map(|&c| pairs(c)).sum();
    let a: f64 = rows.values().map(|&c| pairs(c)).sum();
    let b: f64 = cols.values().map(|&c| pairs(c)).sum();
    let expected = a * b / pairs(n).max(1.0);
    let max = (a + b) / 2.0;
    if max == expected {
        // Both partitions trivial (all one cluster, or all singletons): they agree.
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_known_values() {
        // Values from scikit-learn's documentation of adjusted_rand_score.
        assert!((adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]) - 1.0).abs() < 1e-12);
        assert!((adjusted_rand_index(&[0, 0, 1, 2], &[0, 0, 1, 1]) - 0.5714285714).abs() < 1e-9);
        assert!((adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]) + 0.5).abs() < 1e-12);
        assert_eq!(adjusted_rand_index(&[0, 0, 0], &[1, 1, 1]), 1.0);
        assert!((purity(&[0, 0, 1, 1], &[0, 1, 1, 1]) - 0.75).abs() < 1e-12);
        assert_eq!(purity(&[], &[]), 1.0);
    }
}
