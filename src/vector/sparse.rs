//! Sparse vectors: sorted term ids with weights. Rows are never densified.

use serde::{Deserialize, Serialize};

/// A sparse vector with strictly increasing indices.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SparseVec {
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
}

impl SparseVec {
    /// Builds from unsorted (index, value) pairs with distinct indices.
    pub fn from_pairs(mut pairs: Vec<(u32, f32)>) -> SparseVec {
        pairs.sort_unstable_by_key(|p| p.0);
        let (idx, val) = pairs.into_iter().unzip();
        SparseVec { idx, val }
    }

    pub fn len(&self) -> usize {
        self.idx.len()
    }

    pub fn is_empty(&self) -> bool {
        self.idx.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.idx.iter().copied().zip(self.val.iter().copied())
    }

    pub fn norm(&self) -> f32 {
        self.val.iter().map(|v| v * v).sum::<f32>().sqrt()
    }

    /// Scales to unit length (a zero vector stays zero).
    pub fn normalize(&mut self) {
        let n = self.norm();
        if n > 0.0 {
            self.val.iter_mut().for_each(|v| *v /= n);
        }
    }

    /// Dot product of two sparse vectors (merge of sorted indices).
    pub fn dot(&self, other: &SparseVec) -> f32 {
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while i < self.idx.len() && j < other.idx.len() {
            match self.idx[i].cmp(&other.idx[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += self.val[i] * other.val[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// Dot product with a dense weight vector (indices beyond it count as zero).
    pub fn dot_dense(&self, dense: &[f32]) -> f32 {
        self.iter()
            .filter_map(|(i, v)| dense.get(i as usize).map(|w| w * v))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_and_norm() {
        let mut a = SparseVec::from_pairs(vec![(3, 4.0), (1, 3.0)]);
        assert_eq!(a.idx, [1, 3]);
        assert_eq!(a.norm(), 5.0);
        a.normalize();
        let b = SparseVec::from_pairs(vec![(3, 1.0), (7, 2.0)]);
        assert!((a.dot(&b) - 0.8).abs() < 1e-6);
        assert!((a.dot_dense(&[0.0, 1.0, 0.0, 1.0]) - 1.4).abs() < 1e-6);
    }
}
