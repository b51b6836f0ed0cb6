//! Latent semantic analysis without densifying: a randomized truncated SVD (Halko, Martinsson &
//! Tropp 2011) of the sparse n × m TF-IDF matrix A, touching A only through products with thin
//! dense matrices, then L2-normalized document coordinates (so k-means on them is spherical).
//!
//! 1. Y = A Ω with a sparse random sign matrix Ω (m × l, a few signs per term, from the seed).
//! 2. Power iteration: Y ← A (Aᵀ Q) on an orthonormal basis Q of Y, which sharpens the top
//!    singular directions; Q ← orth(Y).
//! 3. C = Qᵀ A Aᵀ Q is small (l × l); its eigenvectors V and values λ give the documents'
//!    coordinates Q V √λ, of which the top `dims` are kept.
//!
//! Aᵀ Q (m × l) is never held whole: it is formed a block of terms at a time and multiplied
//! back straight away. Every parallel loop writes disjoint rows, so results do not depend on
//! thread timing.

use super::index::Postings;
use crate::error::{Error, Result};
use crate::vector::SparseVec;
use linfa_linalg::eigh::Eigh;
use ndarray::{Array2, Axis};
use rayon::prelude::*;

/// Extra random directions beyond the dimensions kept (accuracy of the top ones).
const OVERSAMPLE: usize = 16;
const POWER_ITERATIONS: usize = 1;
/// Nonzero signs per term in Ω.
const SIGNS_PER_TERM: u64 = 4;
/// Terms per block of Aᵀ Q (block × l floats at a time).
const TERM_BLOCK: usize = 32 * 1024;

/// splitmix64: a fast, well-mixed hash for seeding per-term random signs.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Reduces the documents (`rows`, with their `postings`) to `dims` L2-normalized coordinates.
/// Deterministic for a seed. Empty documents get zero rows.
pub fn lsa(rows: &[SparseVec], postings: Postings, dims: usize, seed: u64) -> Result<Array2<f32>> {
    let (n, m) = (rows.len(), postings.n_terms());
    let l = (dims + OVERSAMPLE).min(n).min(m);
    if dims == 0 || l == 0 {
        return Err(Error::Invalid(format!(
            "cannot reduce {n} documents over {m} terms to {dims} dimensions"
        )));
    }
    let mut y = Array2::<f32>::zeros((n, l));
    y.axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(rows.par_iter())
        .for_each(|(mut out, row)| {
            let out = out.as_slice_mut().expect("standard layout");
            for (t, w) in row.iter() {
                let mut h = mix(seed ^ mix(t as u64));
                for _ in 0..SIGNS_PER_TERM {
                    h = mix(h);
                    let sign = if h >> 63 == 0 { w } else { -w };
                    out[(h % l as u64) as usize] += sign;
                }
            }
        });
    let mut q = orthonormal(&y)?;
    for _ in 0..POWER_ITERATIONS {
        y = a_at(rows, postings, &q);
        q = orthonormal(&y)?;
    }
    let w = a_at(rows, postings, &q);
    let c = q.t().mapv(f64::from).dot(&w.mapv(f64::from));
    let c = (&c + &c.t()) / 2.0;
    let (vals, vecs) = eigen_desc(c)?;
    let keep = dims.min(vals.len());
    let mut proj = Array2::<f64>::zeros((q.ncols(), keep));
    for (j, val) in vals.iter().enumerate().take(keep) {
        let s = val.max(0.0).sqrt();
        proj.column_mut(j).assign(&(&vecs.column(j) * s));
    }
    let mut x = q.mapv(f64::from).dot(&proj).mapv(|v| v as f32);
    normalize_rows(&mut x);
    Ok(x)
}

/// A (Aᵀ M) for a dense n × l matrix M, a block of terms at a time.
fn a_at(rows: &[SparseVec], postings: Postings, mat: &Array2<f32>) -> Array2<f32> {
    let (n, l) = mat.dim();
    let ms = mat.as_slice().expect("standard layout");
    let mut out = Array2::<f32>::zeros((n, l));
    let mut z = vec![0f32; TERM_BLOCK * l];
    for start in (0..postings.n_terms()).step_by(TERM_BLOCK) {
        let end = (start + TERM_BLOCK).min(postings.n_terms());
        // Z = rows start..end of Aᵀ M: each term sums the rows of M of its documents.
        z.par_chunks_mut(l)
            .take(end - start)
            .enumerate()
            .for_each(|(i, zt)| {
                zt.fill(0.0);
                let (docs, ws) = postings.list((start + i) as u32);
                for (&d, &w) in docs.iter().zip(ws) {
                    if let Some(md) = ms.get(d as usize * l..(d as usize + 1) * l) {
                        zt.iter_mut().zip(md).for_each(|(a, b)| *a += w * b);
                    }
                }
            });
        // out += A[:, start..end] Z: each document sums the rows of Z of its terms.
        out.axis_iter_mut(Axis(0))
            .into_par_iter()
            .zip(rows.par_iter())
            .for_each(|(mut o, row)| {
                let o = o.as_slice_mut().expect("standard layout");
                let lo = row.idx.partition_point(|&t| (t as usize) < start);
                let hi = row.idx.partition_point(|&t| (t as usize) < end);
                for k in lo..hi {
                    let at = (row.idx[k] as usize - start) * l;
                    let w = row.val[k];
                    o.iter_mut()
                        .zip(&z[at..at + l])
                        .for_each(|(a, b)| *a += w * b);
                }
            });
    }
    out
}

/// An orthonormal basis of the columns of `y` (n × l), via the eigenvectors of the small Gram
/// matrix Yᵀ Y; directions with negligible energy are dropped. Done twice, as one pass loses
/// accuracy on ill-conditioned Y (the idea of CholeskyQR2).
fn orthonormal(y: &Array2<f32>) -> Result<Array2<f32>> {
    let mut q = y.mapv(f64::from);
    for _ in 0..2 {
        let (vals, vecs) = eigen_desc(q.t().dot(&q))?;
        let top = vals.first().copied().unwrap_or(0.0);
        let kept: Vec<usize> = (0..vals.len())
            .filter(|&j| vals[j] > top * 1e-10 && vals[j] > 0.0)
            .collect();
        let mut scale = Array2::<f64>::zeros((vecs.nrows(), kept.len()));
        for (c, &j) in kept.iter().enumerate() {
            scale
                .column_mut(c)
                .assign(&(&vecs.column(j) / vals[j].sqrt()));
        }
        q = q.dot(&scale);
    }
    if q.ncols() == 0 {
        return Err(Error::Training("no variance left to cluster on".into()));
    }
    Ok(q.mapv(|v| v as f32))
}

/// Eigen-decomposition of a symmetric matrix, values (and vector columns) in decreasing order.
fn eigen_desc(a: Array2<f64>) -> Result<(Vec<f64>, Array2<f64>)> {
    if a.iter().any(|v| !v.is_finite()) {
        return Err(Error::Training("non-finite values in the reduction".into()));
    }
    let (vals, vecs) = a
        .eigh()
        .map_err(|e| Error::Training(format!("eigen-decomposition failed: {e}")))?;
    let mut order: Vec<usize> = (0..vals.len()).collect();
    order.sort_by(|&i, &j| vals[j].total_cmp(&vals[i]));
    let mut sorted = Array2::<f64>::zeros(vecs.dim());
    for (c, &j) in order.iter().enumerate() {
        sorted.column_mut(c).assign(&vecs.column(j));
    }
    Ok((order.iter().map(|&j| vals[j]).collect(), sorted))
}

/// Scales every row to unit length (zero rows stay zero).
pub fn normalize_rows(x: &mut Array2<f32>) {
    x.axis_iter_mut(Axis(0)).into_par_iter().for_each(|mut r| {
        let norm = r.dot(&r).sqrt();
        if norm > 0.0 {
            r /= norm;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::index::PostingsBuf;
    use super::*;

    fn unit(pairs: Vec<(u32, f32)>) -> SparseVec {
        let mut v = SparseVec::from_pairs(pairs);
        v.normalize();
        v
    }

    /// Two topics over disjoint vocabularies, with noise terms.
    fn two_topics() -> Vec<SparseVec> {
        (0..40u32)
            .map(|i| {
                let base = if i % 2 == 0 { 0 } else { 10 };
                unit(vec![(base, 1.0), (base + 1 + i % 4, 0.5), (20 + i, 0.3)])
            })
            .collect()
    }

    #[test]
    fn reduced_rows_keep_the_topic_structure() {
        let rows = two_topics();
        let p = PostingsBuf::from_rows_auto(&rows).unwrap();
        let x = lsa(&rows, p.view(), 4, 1).unwrap();
        assert_eq!(x.dim(), (40, 4));
        for r in x.axis_iter(Axis(0)) {
            assert!((r.dot(&r) - 1.0).abs() < 1e-4);
        }
        let cos = |a: usize, b: usize| x.row(a).dot(&x.row(b));
        assert!(cos(0, 2) > 0.5 && cos(1, 3) > 0.5, "same topic");
        assert!(cos(0, 1).abs() < 0.2, "different topics: {}", cos(0, 1));
    }

    #[test]
    fn same_seed_same_coordinates_and_orthonormal_basis() {
        let rows = two_topics();
        let p = PostingsBuf::from_rows_auto(&rows).unwrap();
        assert_eq!(
            lsa(&rows, p.view(), 3, 9).unwrap(),
            lsa(&rows, p.view(), 3, 9).unwrap()
        );
        let y = Array2::from_shape_fn((30, 5), |(i, j)| ((i * 7 + j * 3) % 11) as f32 - 5.0);
        let q = orthonormal(&y).unwrap();
        let g = q.t().dot(&q);
        for ((i, j), v) in g.indexed_iter() {
            let want = if i == j { 1.0 } else { 0.0 };
            assert!((v - want).abs() < 1e-4, "{g}");
        }
        assert!(lsa(&rows, p.view(), 0, 1).is_err());
    }

    #[test]
    fn blocked_product_matches_the_dense_one() {
        let rows = two_topics();
        let p = PostingsBuf::from_rows_auto(&rows).unwrap();
        let m = Array2::from_shape_fn((40, 3), |(i, j)| ((i + 2 * j) % 5) as f32);
        let mut a = Array2::<f32>::zeros((40, p.view().n_terms()));
        for (i, r) in rows.iter().enumerate() {
            for (t, w) in r.iter() {
                a[[i, t as usize]] = w;
            }
        }
        let want = a.dot(&a.t().dot(&m));
        let got = a_at(&rows, p.view(), &m);
        assert!((&got - &want).iter().all(|d| d.abs() < 1e-4));
    }
}
