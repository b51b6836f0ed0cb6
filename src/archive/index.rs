//! The inverted index: for each term, the archive documents that hold it and their TF-IDF
//! weights. Rows are unit length, so a query's cosine with every document is one pass over the
//! posting lists of the query's own terms, accumulated in a dense score array.

use crate::error::{Error, Result};
use crate::vector::SparseVec;
use rayon::prelude::*;

/// A term-major view of the archive's TF-IDF matrix (borrowed from a mapped file or a
/// [`PostingsBuf`]). The list of term `t` is `docs[offsets[t]..offsets[t + 1]]` with increasing
/// document numbers, and the matching `weights`.
#[derive(Debug, Clone, Copy)]
pub struct Postings<'a> {
    pub offsets: &'a [u32],
    pub docs: &'a [u32],
    pub weights: &'a [f32],
    pub n_docs: u32,
}

/// One search result: a document number and its cosine with the query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub doc: u32,
    pub score: f32,
}

impl<'a> Postings<'a> {
    pub fn n_terms(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Documents and weights of `term`; empty for an unknown term or inconsistent offsets (the
    /// mapped file is only bounds-checked where it is used).
    pub fn list(&self, term: u32) -> (&'a [u32], &'a [f32]) {
        let t = term as usize;
        match (self.offsets.get(t), self.offsets.get(t + 1)) {
            (Some(&a), Some(&b)) if a <= b => {
                let r = a as usize..b as usize;
                match (self.docs.get(r.clone()), self.weights.get(r)) {
                    (Some(d), Some(w)) => (d, w),
                    _ => (&[], &[]),
                }
            }
            _ => (&[], &[]),
        }
    }

    /// Number of documents holding `term`.
    pub fn df(&self, term: u32) -> usize {
        self.list(term).0.len()
    }

    /// Weight of `term` in `doc`, by binary search of its list.
    pub fn weight(&self, term: u32, doc: u32) -> Option<f32> {
        let (docs, weights) = self.list(term);
        docs.binary_search(&doc).ok().map(|i| weights[i])
    }

    /// Cosine of `query` (unit length) with every document, in a dense array.
    pub fn scores(&self, query: &SparseVec) -> Vec<f32> {
        let mut scores = vec![0f32; self.n_docs as usize];
        for (t, q) in query.iter() {
            let (docs, weights) = self.list(t);
            for (&d, &w) in docs.iter().zip(weights) {
                if let Some(s) = scores.get_mut(d as usize) {
                    *s += q * w;
                }
            }
        }
        scores
    }

    /// The `n` documents most similar to `query`, best first (ties by document number); only
    /// documents sharing a term with it can score above zero, so no others are returned. Exact:
    /// no posting list is skipped.
    pub fn top(&self, query: &SparseVec, n: usize) -> Vec<Hit> {
        let scores = self.scores(query);
        top_of(&scores, n)
    }

    /// The document-major rows (the transpose), for the passes that walk documents.
    pub fn rows(&self) -> Vec<SparseVec> {
        let mut rows = vec![SparseVec::default(); self.n_docs as usize];
        // Terms in increasing order, so every row comes out sorted.
        for t in 0..self.n_terms() as u32 {
            let (docs, weights) = self.list(t);
            for (&d, &w) in docs.iter().zip(weights) {
                if let Some(r) = rows.get_mut(d as usize) {
                    r.idx.push(t);
                    r.val.push(w);
                }
            }
        }
        rows
    }
}

/// The `n` best positive scores, best first, ties by document number.
pub fn top_of(scores: &[f32], n: usize) -> Vec<Hit> {
    let mut hits: Vec<Hit> = scores
        .iter()
        .enumerate()
        .filter(|&(_, &s)| s > 0.0)
        .map(|(d, &score)| Hit {
            doc: d as u32,
            score,
        })
        .collect();
    let order = |a: &Hit, b: &Hit| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc));
    if n == 0 {
        return Vec::new();
    }
    if hits.len() > n {
        hits.select_nth_unstable_by(n - 1, order);
        hits.truncate(n);
    }
    hits.sort_unstable_by(order);
    hits
}

/// Owned postings built from document rows.
#[derive(Debug, Clone, Default)]
pub struct PostingsBuf {
    pub offsets: Vec<u32>,
    pub docs: Vec<u32>,
    pub weights: Vec<f32>,
    pub n_docs: u32,
}

impl PostingsBuf {
    /// Transposes `rows` (sorted term ids below `n_terms`) by a counting sort: two passes, no
    /// per-term allocation.
    pub fn from_rows(rows: &[SparseVec], n_terms: usize) -> Result<PostingsBuf> {
        let nnz: usize = rows.par_iter().map(SparseVec::len).sum();
        if nnz >= u32::MAX as usize || rows.len() >= u32::MAX as usize {
            return Err(Error::Invalid(format!(
                "archive too large to index ({nnz} weights in {} documents)",
                rows.len()
            )));
        }
        let mut offsets = vec![0u32; n_terms + 1];
        for r in rows {
            for &t in &r.idx {
                let slot = offsets.get_mut(t as usize + 1).ok_or_else(|| {
                    Error::Invalid(format!(
                        "term id {t} outside the vocabulary ({n_terms} terms)"
                    ))
                })?;
                *slot += 1;
            }
        }
        for t in 0..n_terms {
            offsets[t + 1] += offsets[t];
        }
        let mut next = offsets.clone();
        let mut docs = vec![0u32; nnz];
        let mut weights = vec![0f32; nnz];
        // Documents in increasing order, so every list comes out sorted.
        for (d, r) in rows.iter().enumerate() {
            for (t, w) in r.iter() {
                let at = &mut next[t as usize];
                docs[*at as usize] = d as u32;
                weights[*at as usize] = w;
                *at += 1;
            }
        }
        Ok(PostingsBuf {
            offsets,
            docs,
            weights,
            n_docs: rows.len() as u32,
        })
    }

    /// Indexes rows whose vocabulary size is not known: the largest term id decides it.
    pub fn from_rows_auto(rows: &[SparseVec]) -> Result<PostingsBuf> {
        let n_terms = rows
            .par_iter()
            .filter_map(|r| r.idx.last())
            .max()
            .map_or(0, |&t| t as usize + 1);
        PostingsBuf::from_rows(rows, n_terms)
    }

    pub fn view(&self) -> Postings<'_> {
        Postings {
            offsets: &self.offsets,
            docs: &self.docs,
            weights: &self.weights,
            n_docs: self.n_docs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(pairs: Vec<(u32, f32)>) -> SparseVec {
        let mut v = SparseVec::from_pairs(pairs);
        v.normalize();
        v
    }

    fn rows() -> Vec<SparseVec> {
        vec![
            unit(vec![(0, 1.0), (2, 1.0)]),
            unit(vec![(1, 1.0), (2, 2.0)]),
            unit(vec![(3, 1.0)]),
            unit(vec![(0, 1.0), (2, 1.0), (3, 0.1)]),
        ]
    }

    #[test]
    fn transpose_round_trips() {
        let rows = rows();
        let p = PostingsBuf::from_rows(&rows, 4).unwrap();
        assert_eq!(p.offsets, [0, 2, 3, 6, 8]);
        assert_eq!(p.view().list(2).0, [0, 1, 3]);
        assert_eq!(p.view().rows(), rows);
        assert_eq!(PostingsBuf::from_rows_auto(&rows).unwrap().offsets.len(), 5);
    }

    #[test]
    fn top_matches_brute_force_cosine() {
        let rows = rows();
        let p = PostingsBuf::from_rows(&rows, 4).unwrap();
        for q in &rows {
            let hits = p.view().top(q, 10);
            let mut brute: Vec<(u32, f32)> = rows
                .iter()
                .enumerate()
                .map(|(d, r)| (d as u32, q.dot(r)))
                .filter(|&(_, s)| s > 0.0)
                .collect();
            brute.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            assert_eq!(hits.len(), brute.len());
            for (h, (d, s)) in hits.iter().zip(brute) {
                assert_eq!(h.doc, d);
                assert!((h.score - s).abs() < 1e-6);
            }
        }
        let hits = p.view().top(&rows[0], 1);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].doc, 0);
        assert!((hits[0].score - 1.0).abs() < 1e-6);
    }

    #[test]
    fn bad_term_ids_and_offsets_do_not_panic() {
        assert!(PostingsBuf::from_rows(&rows(), 2).is_err());
        let p = Postings {
            offsets: &[0, 5, 1],
            docs: &[0, 1],
            weights: &[1.0, 1.0],
            n_docs: 1,
        };
        assert_eq!(p.list(0).0.len(), 0);
        assert_eq!(p.list(1).0.len(), 0);
        assert_eq!(p.list(9).0.len(), 0);
        let bad_doc = Postings {
            offsets: &[0, 2],
            docs: &[0, 7],
            weights: &[1.0, 1.0],
            n_docs: 1,
        };
        assert_eq!(bad_doc.top(&unit(vec![(0, 1.0)]), 5).len(), 1);
    }
}
