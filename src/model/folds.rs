//! Deterministic fold assignment shared with `bench/baseline.py`, so amn and the scikit-learn
//! baseline are scored on exactly the same splits.

use crate::corpus::hash::fnv1a64;
use crate::corpus::{Document, Label};

/// Stratified K-fold: documents grouped by primary label, each group ordered by
/// (fnv1a64("{seed}:{id}"), id), the i-th of a group going to fold i % k.
pub fn stratified_folds(docs: &[&Document], k: usize, seed: u64) -> Vec<usize> {
    let label_of = |d: &Document| d.labels.as_ref().map_or(Label::Other, |l| l.primary);
    let mut fold = vec![0; docs.len()];
    for label in Label::ALL {
        let mut group: Vec<(u64, &str, usize)> = docs
            .iter()
            .enumerate()
            .filter(|(_, d)| label_of(d) == label)
            .map(|(i, d)| {
                (
                    fnv1a64(format!("{seed}:{}", d.id).as_bytes()),
                    d.id.as_str(),
                    i,
                )
            })
            .collect();
        group.sort_unstable();
        for (rank, &(_, _, i)) in group.iter().enumerate() {
            fold[i] = rank % k;
        }
    }
    fold
}

/// Date split: documents ordered by (date, id); the earliest 70 % train, the rest test.
/// Returns `true` for test documents.
pub fn date_split(docs: &[&Document]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |d: &Document| (d.date.clone().unwrap_or_default(), d.id.clone());
        key(docs[a]).cmp(&key(docs[b]))
    });
    let n_train = docs.len() * 7 / 10;
    let mut test = vec![false; docs.len()];
    for &i in &order[n_train..] {
        test[i] = true;
    }
    test
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_balanced_per_label() {
        let docs: Vec<Document> = (0..23)
            .map(|i| Document::new(format!("d{i}"), "x"))
            .collect();
        let refs: Vec<&Document> = docs.iter().collect();
        let folds = stratified_folds(&refs, 5, 42);
        for f in 0..5 {
            let n = folds.iter().filter(|&&x| x == f).count();
            assert!((4..=5).contains(&n));
        }
        assert_eq!(folds, stratified_folds(&refs, 5, 42));
    }
}
