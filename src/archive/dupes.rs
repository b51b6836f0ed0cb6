//! Near-duplicates: groups of bulletins whose cosine is at least a threshold (wire copies and
//! re-posts of one press release).
//!
//! All pairs are found exactly without comparing every pair, by prefix filtering (Bayardo et
//! al., "Scaling up all pairs similarity search"): take a row's rarest terms until the weight
//! left outside them has norm below the threshold. A document sharing none of those terms has a
//! cosine at most that norm with it, so only documents in their (short) posting lists can
//! qualify; their partial scores over the prefix, plus a Cauchy–Schwarz bound on the rest,
//! leave only a few for a full dot product. Rows must be unit length.

use super::index::{Postings, PostingsBuf};
use crate::error::{Error, Result};
use crate::vector::SparseVec;
use rayon::prelude::*;

/// The default cosine above which two bulletins count as the same.
pub const DEFAULT_THRESHOLD: f32 = 0.9;

/// Groups of near-identical documents, each sorted, groups in order of their first document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dupes {
    pub groups: Vec<Group>,
}

/// One group: its documents (by number) and the lowest and highest cosine that linked them.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub docs: Vec<u32>,
    pub min_score: f32,
    pub max_score: f32,
}

impl Dupes {
    /// Documents that are copies of an earlier one: all but the first of each group.
    pub fn redundant(&self) -> Vec<usize> {
        self.redundant_by(|_| false)
    }

    /// All but one document of each group: the first that `keep` prefers (e.g. a hand-labeled
    /// copy, so dropping copies never drops labels), else the first.
    pub fn redundant_by(&self, keep: impl Fn(u32) -> bool) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for g in &self.groups {
            let kept = g
                .docs
                .iter()
                .copied()
                .find(|&d| keep(d))
                .unwrap_or(g.docs[0]);
            out.extend(g.docs.iter().filter(|&&d| d != kept).map(|&d| d as usize));
        }
        out.sort_unstable();
        out
    }
}

/// Removes the items at `indices` (e.g. [`Dupes::redundant`]) keeping the order of the rest.
pub fn remove<T>(items: &mut Vec<T>, indices: &[usize]) {
    let mut keep = vec![true; items.len()];
    for &i in indices {
        if let Some(k) = keep.get_mut(i) {
            *k = false;
        }
    }
    let mut flags = keep.into_iter();
    items.retain(|_| flags.next().unwrap_or(true));
}

/// Finds the near-duplicate groups among unit-length `rows`.
pub fn find(rows: &[SparseVec], threshold: f32) -> Result<Dupes> {
    let postings = PostingsBuf::from_rows_auto(rows)?;
    find_in(rows, postings.view(), threshold)
}

/// As [`find`], with the rows' postings at hand.
pub fn find_in(rows: &[SparseVec], postings: Postings, threshold: f32) -> Result<Dupes> {
    if !(threshold > 0.0 && threshold <= 1.0) {
        return Err(Error::Invalid(format!(
            "threshold must be in (0, 1], got {threshold}"
        )));
    }
    let pairs: Vec<(u32, u32, f32)> = (0..rows.len())
        .into_par_iter()
        .with_min_len(256)
        .map_init(
            || Scratch::new(rows.len()),
            |scratch, x| pairs_of(rows, postings, x as u32, threshold, scratch),
        )
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    Ok(group(rows.len(), &pairs))
}

/// Per-thread score accumulators (dense, so adding a posting is one indexed add).
struct Scratch {
    /// Per document: Σ x·y and Σ y² over the prefix terms.
    acc: Vec<(f32, f32)>,
    touched: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            acc: vec![(0.0, 0.0); n],
            touched: Vec::new(),
        }
    }
}

/// Share of threshold² left outside the prefix. At exactly threshold² the prefix is shortest
/// but the bound below prunes little; a longer prefix costs more postings and prunes nearly all
/// chance candidates (measured on SaudiNewsNet at 0.9: 1.0 / 0.5 / 0.3 of threshold² gave 1.0M
/// / 6.8M / 33M postings and 288k / 19k / 16k dot products).
const PREFIX_SHARE: f32 = 0.6;

/// The pairs (x, y > x) with cosine ≥ `threshold`.
fn pairs_of(
    rows: &[SparseVec],
    postings: Postings,
    x: u32,
    threshold: f32,
    scratch: &mut Scratch,
) -> Vec<(u32, u32, f32)> {
    let row = &rows[x as usize];
    if row.is_empty() {
        return Vec::new();
    }
    let mut by_rarity: Vec<(usize, u32, f32)> =
        row.iter().map(|(t, w)| (postings.df(t), t, w)).collect();
    by_rarity.sort_unstable_by_key(|&(df, t, _)| (df, t));
    let bound = threshold * threshold * PREFIX_SHARE;
    let mut rest: f32 = row.val.iter().map(|w| w * w).sum();
    let Scratch { acc, touched } = scratch;
    for &(_, t, w) in &by_rarity {
        if rest < bound {
            break;
        }
        rest -= w * w;
        let (docs, weights) = postings.list(t);
        let after = docs.partition_point(|&d| d <= x);
        for (&y, &v) in docs[after..].iter().zip(&weights[after..]) {
            let Some(e) = acc.get_mut(y as usize) else {
                continue;
            };
            if e.1 == 0.0 {
                touched.push(y);
            }
            e.0 += w * v;
            e.1 += v * v;
        }
    }
    let outside = rest.max(0.0).sqrt();
    let mut pairs = Vec::new();
    touched.sort_unstable();
    for &y in touched.iter() {
        let (dot, sq) = std::mem::take(&mut acc[y as usize]);
        // Cauchy–Schwarz on the terms outside the prefix (y is unit length); the slack
        // covers rounding.
        if dot + outside * (1.0 - sq).max(0.0).sqrt() + 1e-4 < threshold {
            continue;
        }
        let s = row.dot(&rows[y as usize]);
        if s >= threshold {
            pairs.push((x, y, s));
        }
    }
    touched.clear();
    pairs
}

/// Connected components of the pairs (union-find), singletons left out.
fn group(n: usize, pairs: &[(u32, u32, f32)]) -> Dupes {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn root(parent: &mut [u32], mut i: u32) -> u32 {
        while parent[i as usize] != i {
            let up = parent[parent[i as usize] as usize];
            parent[i as usize] = up;
            i = up;
        }
        i
    }
    for &(a, b, _) in pairs {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        // The smaller number becomes the root, so a group's root is its first document.
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        parent[hi as usize] = lo;
    }
    let mut slot: Vec<Option<usize>> = vec![None; n];
    let mut groups: Vec<Group> = Vec::new();
    for &(a, _, s) in pairs {
        let r = root(&mut parent, a) as usize;
        let g = *slot[r].get_or_insert_with(|| {
            groups.push(Group {
                docs: Vec::new(),
                min_score: s,
                max_score: s,
            });
            groups.len() - 1
        });
        groups[g].min_score = groups[g].min_score.min(s);
        groups[g].max_score = groups[g].max_score.max(s);
    }
    for d in 0..n as u32 {
        let r = root(&mut parent, d) as usize;
        if let Some(g) = slot[r] {
            groups[g].docs.push(d);
        }
    }
    groups.sort_by_key(|g| g.docs[0]);
    Dupes { groups }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(pairs: &[(u32, f32)]) -> SparseVec {
        let mut v = SparseVec::from_pairs(pairs.to_vec());
        v.normalize();
        v
    }

    /// Every pair, the slow way.
    fn brute(rows: &[SparseVec], threshold: f32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for x in 0..rows.len() {
            for y in x + 1..rows.len() {
                if rows[x].dot(&rows[y]) >= threshold {
                    out.push((x as u32, y as u32));
                }
            }
        }
        out
    }

    #[test]
    fn prefix_filtering_finds_exactly_the_brute_force_pairs() {
        // Pseudo-random rows over a small vocabulary, with planted near-copies.
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u32
        };
        let mut rows: Vec<SparseVec> = (0..300)
            .map(|_| {
                let n = 2 + next() % 12;
                let pairs: Vec<(u32, f32)> = (0..n)
                    .map(|_| (next() % 60, 0.1 + (next() % 100) as f32 / 100.0))
                    .collect();
                let mut p = pairs;
                p.sort_by_key(|x| x.0);
                p.dedup_by_key(|x| x.0);
                unit(&p)
            })
            .collect();
        for i in 0..20 {
            let mut copy = rows[i * 7].clone();
            copy.val[0] *= 1.1;
            copy.normalize();
            rows.push(copy);
        }
        for threshold in [0.5, 0.8, 0.9, 0.99] {
            let d = find(&rows, threshold).unwrap();
            let postings = PostingsBuf::from_rows_auto(&rows).unwrap();
            let mut scratch = Scratch::new(rows.len());
            let mut got: Vec<(u32, u32)> = (0..rows.len() as u32)
                .flat_map(|x| pairs_of(&rows, postings.view(), x, threshold, &mut scratch))
                .map(|(a, b, _)| (a, b))
                .collect();
            got.sort_unstable();
            assert_eq!(got, brute(&rows, threshold), "threshold {threshold}");
            for g in &d.groups {
                assert!(g.docs.len() >= 2 && g.min_score >= threshold);
            }
        }
    }

    #[test]
    fn groups_are_transitive_and_keep_the_first() {
        let pairs = [(3, 5, 0.95), (0, 5, 0.91), (7, 8, 1.0)];
        let d = group(10, &pairs);
        assert_eq!(d.groups.len(), 2);
        assert_eq!(d.groups[0].docs, [0, 3, 5]);
        assert_eq!(d.groups[0].min_score, 0.91);
        assert_eq!(d.groups[1].docs, [7, 8]);
        assert_eq!(d.redundant(), [3, 5, 8]);
        assert_eq!(d.redundant_by(|x| x == 5 || x == 8), [0, 3, 7]);
    }

    #[test]
    fn bad_threshold_is_refused() {
        assert!(find(&[], 0.0).is_err());
        assert!(find(&[], 1.5).is_err());
        assert!(find(&[], f32::NAN).is_err());
        assert_eq!(find(&[], 0.9).unwrap().groups.len(), 0);
    }
}
