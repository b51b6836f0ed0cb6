//! Exact incremental document frequencies: everything needed to refit the vocabulary and the
//! TF-IDF rows after adding documents, without analysing the archive again.
//!
//! A full fit keeps the terms whose document frequency is within [min-df, max-df]; adding
//! documents changes every IDF (the document count is in it) and can move terms across either
//! bound. So the tally keeps the raw counts behind every row (re-weighting is then the same
//! arithmetic as [`Vectorizer::weigh`], bit for bit), the postings of terms too rare to be kept
//! (by a 64-bit hash of the term, since their text is only needed once they are kept, and then
//! a new document holds it), and the postings of terms too frequent to be kept (few). Adding
//! documents to a tally gives exactly the tally of all the documents; the proptest below checks
//! that against [`Tally::from_counts`]. (Two rare terms whose FNV-1a hashes collide would be
//! counted as one; with ~2 million rare terms the chance is about 1 in 10 million.)

use crate::corpus::hash::{fnv1a64, fnv1a64_continue};
use crate::error::{Error, Result};
use crate::vector::tfidf::{TermKeys, document_frequencies, is_unigram, smoothed_idf, term_dfs};
use crate::vector::{SparseVec, StemCorpus, TermCounts, Vectorizer, VectorizerParams};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

/// Raw counts of one document's vocabulary terms, ids increasing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocCounts {
    pub idx: Vec<u32>,
    pub cnt: Vec<u32>,
}

/// (document, count) of one term in one document.
pub type Posting = (u32, u32);

/// Document frequencies of every term of a corpus, and the raw counts behind its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub params: VectorizerParams,
    pub n_docs: u32,
    /// The vocabulary (kept terms), sorted, as [`Vectorizer::terms`].
    pub terms: Vec<String>,
    pub df: Vec<u32>,
    pub docs: Vec<DocCounts>,
    /// (term hash, document, count) of terms below min-df, sorted.
    pub rare: Vec<(u64, u32, u32)>,
    /// Terms above max-df with their postings, sorted by term.
    pub frequent: Vec<(String, Vec<Posting>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Rare,
    Kept,
    Frequent,
}

fn status(df: u32, (min, max): (u32, u32)) -> Status {
    if df < min {
        Status::Rare
    } else if df > max {
        Status::Frequent
    } else {
        Status::Kept
    }
}

/// The hash rare terms are known by.
pub fn term_hash(term: &str) -> u64 {
    fnv1a64(term.as_bytes())
}

/// Marks the document positions `gone` among `n`; refused for a position out of range.
pub(super) fn positions_marked(gone: &[usize], n: usize) -> Result<Vec<bool>> {
    let mut marked = vec![false; n];
    for &g in gone {
        *marked
            .get_mut(g)
            .ok_or_else(|| Error::Invalid(format!("no document {g} among {n} to remove")))? = true;
    }
    Ok(marked)
}

/// Keeps the items whose position `marked` does not mark.
pub(super) fn retain_unmarked<T>(items: &mut Vec<T>, marked: &[bool]) {
    let mut marks = marked.iter();
    items.retain(|_| !marks.next().is_some_and(|&m| m));
}

impl Tally {
    /// The tally of a whole corpus.
    pub fn from_counts(params: VectorizerParams, counts: &[TermCounts]) -> Result<Tally> {
        params.check()?;
        let n_docs = counts.len() as u32;
        if n_docs == 0 {
            return Err(Error::Training(
                "no documents to build a vocabulary from".into(),
            ));
        }
        let df = document_frequencies(counts);
        let bounds = params.df_bounds(n_docs);
        let mut kept: Vec<(&str, u32)> = df
            .iter()
            .filter(|&(_, &d)| status(d, bounds) == Status::Kept)
            .map(|(&t, &d)| (t, d))
            .collect();
        kept.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let id: FxHashMap<&str, u32> = kept
            .iter()
            .enumerate()
            .map(|(i, &(t, _))| (t, i as u32))
            .collect();
        // One pass over the documents: their kept counts, and the postings of the other terms.
        type Pass = (DocCounts, Vec<(u64, u32, u32)>, Vec<(String, Posting)>);
        let passes: Vec<Pass> = counts
            .par_iter()
            .enumerate()
            .map(|(doc, c)| {
                let (mut pairs, mut rare, mut frequent) = (Vec::new(), Vec::new(), Vec::new());
                for (t, &n) in c {
                    if let Some(&i) = id.get(t.as_str()) {
                        pairs.push((i, n));
                    } else if df[t.as_str()] < bounds.0 {
                        rare.push((term_hash(t), doc as u32, n));
                    } else {
                        frequent.push((t.clone(), (doc as u32, n)));
                    }
                }
                pairs.sort_unstable();
                let (idx, cnt) = pairs.into_iter().unzip();
                (DocCounts { idx, cnt }, rare, frequent)
            })
            .collect();
        let mut docs = Vec::with_capacity(passes.len());
        let mut rare = Vec::new();
        let mut frequent: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
        for (d, r, f) in passes {
            docs.push(d);
            rare.extend(r);
            for (t, p) in f {
                frequent.entry(t).or_default().push(p);
            }
        }
        rare.par_sort_unstable();
        Ok(Tally {
            params,
            n_docs,
            terms: kept.iter().map(|&(t, _)| t.to_string()).collect(),
            df: kept.iter().map(|&(_, d)| d).collect(),
            docs,
            rare,
            frequent: frequent.into_iter().collect(),
        })
    }

    /// The tally of an analysed corpus: the same as [`Tally::from_counts`] over its documents'
    /// term counts, with terms counted as numbers (a stem id, or a pair of them) and only the
    /// vocabulary and the frequent terms ever made strings.
    pub fn from_corpus(params: VectorizerParams, corpus: &StemCorpus) -> Result<Tally> {
        params.check()?;
        let n_docs = corpus.len() as u32;
        if n_docs == 0 {
            return Err(Error::Training(
                "no documents to build a vocabulary from".into(),
            ));
        }
        let bounds = params.df_bounds(n_docs);
        let terms_of = TermKeys::new(corpus, params.bigrams);
        let counted = term_dfs(corpus, &terms_of, |d| d >= bounds.0);
        type Named = (String, u64, u32);
        let (mut kept, mut frequent): (Vec<Named>, Vec<Named>) = counted
            .into_par_iter()
            .map(|(key, d)| (corpus.term_text(key), key, d))
            .partition(|&(_, _, d)| status(d, bounds) == Status::Kept);
        kept.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        frequent.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut uni_id = vec![u32::MAX; corpus.n_stems()];
        let mut bi_id: FxHashMap<u64, u32> = FxHashMap::default();
        bi_id.reserve(kept.len());
        for (i, &(_, key, _)) in kept.iter().enumerate() {
            if is_unigram(key) {
                uni_id[(key >> 32) as usize] = i as u32;
            } else {
                bi_id.insert(key, i as u32);
            }
        }
        let frequent_id: FxHashMap<u64, u32> = frequent
            .iter()
            .enumerate()
            .map(|(i, &(_, key, _))| (key, i as u32))
            .collect();
        // The hash rare terms are known by ([`term_hash`] of their text), from each stem's FNV
        // state: a bigram continues its first stem's with the space and the second stem.
        let stem_hash: Vec<u64> = (0..corpus.n_stems() as u32)
            .into_par_iter()
            .map(|id| fnv1a64(corpus.stem(id).as_bytes()))
            .collect();
        let key_hash = |key: u64| -> u64 {
            let h = stem_hash[(key >> 32) as usize];
            if is_unigram(key) {
                h
            } else {
                fnv1a64_continue(
                    fnv1a64_continue(h, b" "),
                    corpus.stem(key as u32).as_bytes(),
                )
            }
        };
        // One pass over the documents: their kept counts, and the postings of the other terms.
        type Pass = (DocCounts, Vec<(u64, u32, u32)>, Vec<(u32, Posting)>);
        let passes: Vec<Pass> = (0..corpus.len())
            .into_par_iter()
            .map_init(TermKeys::scratch, |scratch, doc| {
                let (mut pairs, mut rare, mut freq) = (Vec::new(), Vec::new(), Vec::new());
                terms_of.counts(doc, scratch, |key, n| {
                    let id = if is_unigram(key) {
                        uni_id[(key >> 32) as usize]
                    } else {
                        bi_id.get(&key).copied().unwrap_or(u32::MAX)
                    };
                    if id != u32::MAX {
                        pairs.push((id, n));
                    } else if let Some(&f) = frequent_id.get(&key) {
                        freq.push((f, (doc as u32, n)));
                    } else {
                        rare.push((key_hash(key), doc as u32, n));
                    }
                });
                pairs.sort_unstable();
                let (idx, cnt) = pairs.into_iter().unzip();
                (DocCounts { idx, cnt }, rare, freq)
            })
            .collect();
        let mut docs = Vec::with_capacity(passes.len());
        let mut rare = Vec::with_capacity(passes.iter().map(|p| p.1.len()).sum());
        let mut postings: Vec<Vec<Posting>> = vec![Vec::new(); frequent.len()];
        for (d, r, f) in passes {
            docs.push(d);
            rare.extend(r);
            for (i, p) in f {
                postings[i as usize].push(p);
            }
        }
        rare.par_sort_unstable();
        Ok(Tally {
            params,
            n_docs,
            df: kept.iter().map(|&(_, _, d)| d).collect(),
            terms: kept.into_iter().map(|(t, _, _)| t).collect(),
            docs,
            rare,
            frequent: frequent
                .into_iter()
                .zip(postings)
                .map(|((t, _, _), p)| (t, p))
                .collect(),
        })
    }

    /// The fitted vocabulary.
    pub fn vectorizer(&self) -> Vectorizer {
        let idf = self
            .df
            .iter()
            .map(|&d| smoothed_idf(self.n_docs, d))
            .collect();
        Vectorizer::from_parts(
            self.params,
            self.n_docs,
            self.terms.clone(),
            self.df.clone(),
            idf,
        )
    }

    /// The TF-IDF rows, computed as [`Vectorizer::weigh`] does.
    pub fn rows(&self, idf: &[f32]) -> Vec<SparseVec> {
        self.docs
            .par_iter()
            .map(|d| {
                let val = d
                    .idx
                    .iter()
                    .zip(&d.cnt)
                    .map(|(&i, &c)| (1.0 + (c as f32).ln()) * idf[i as usize])
                    .collect();
                let mut row = SparseVec {
                    idx: d.idx.clone(),
                    val,
                };
                row.normalize();
                row
            })
            .collect()
    }

    /// Adds documents; the result equals the tally of all documents from scratch.
    pub fn add(&mut self, new: &[TermCounts]) {
        if new.is_empty() {
            return;
        }
        let n_old = self.n_docs;
        self.n_docs += new.len() as u32;
        let bounds = self.params.df_bounds(self.n_docs);

        // The new documents: vocabulary terms by (old) id, the others by text with postings.
        let mut delta = vec![0u32; self.terms.len()];
        let mut touched: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
        for (j, counts) in new.iter().enumerate() {
            let doc = n_old + j as u32;
            let mut pairs = Vec::new();
            for (t, &n) in counts {
                match self.terms.binary_search(t) {
                    Ok(i) => {
                        delta[i] += 1;
                        pairs.push((i as u32, n));
                    }
                    Err(_) => touched.entry(t.clone()).or_default().push((doc, n)),
                }
            }
            pairs.sort_unstable();
            let (idx, cnt) = pairs.into_iter().unzip();
            self.docs.push(DocCounts { idx, cnt });
        }

        // Earlier postings of the touched terms: from the frequent list, or the rare table.
        let mut frequent: BTreeMap<String, Vec<Posting>> =
            std::mem::take(&mut self.frequent).into_iter().collect();
        let mut taken: FxHashSet<u64> = FxHashSet::default();
        for (t, posts) in touched.iter_mut() {
            if let Some(earlier) = frequent.remove(t) {
                posts.extend(earlier);
            } else {
                let h = term_hash(t);
                let from = self.rare.partition_point(|r| r.0 < h);
                let earlier = self.rare[from..].iter().take_while(|r| r.0 == h);
                let before = posts.len();
                posts.extend(earlier.map(|r| (r.1, r.2)));
                if posts.len() > before {
                    taken.insert(h);
                }
            }
            posts.sort_unstable();
        }
        if !taken.is_empty() {
            self.rare.retain(|r| !taken.contains(&r.0));
        }
        // Untouched frequent terms may come back into range as the document count grows.
        touched.append(&mut frequent);
        for (d, n) in self.df.iter_mut().zip(delta) {
            *d += n;
        }
        self.settle(touched, bounds);
    }

    /// Removes the documents at `gone` (positions, any order); the result equals the tally of
    /// the others from scratch. Refused when fewer than ten documents would remain of ten or
    /// more: min-df is then relaxed to 1, and rare terms, known only by hash, would have to
    /// come back into the vocabulary (analyse the documents again instead).
    pub fn remove(&mut self, gone: &[usize]) -> Result<()> {
        let n_old = self.docs.len();
        let is_gone = positions_marked(gone, n_old)?;
        let n_new = is_gone.iter().filter(|&&g| !g).count() as u32;
        if n_new as usize == n_old {
            return Ok(());
        }
        let bounds = self.params.df_bounds(n_new);
        if bounds.0 < self.params.df_bounds(self.n_docs).0 {
            return Err(Error::Invalid(format!(
                "removing {} of {n_old} documents relaxes min-df; analyse the rest again",
                n_old - n_new as usize
            )));
        }
        // New positions, in order (so sorted postings stay sorted).
        let mut renumber = vec![u32::MAX; n_old];
        for (next, (r, _)) in renumber
            .iter_mut()
            .zip(&is_gone)
            .filter(|(_, g)| !**g)
            .enumerate()
        {
            *r = next as u32;
        }
        for (d, _) in self.docs.iter().zip(&is_gone).filter(|(_, g)| **g) {
            for &i in &d.idx {
                self.df[i as usize] -= 1;
            }
        }
        retain_unmarked(&mut self.docs, &is_gone);
        let keep = |doc: &mut u32| {
            *doc = renumber[*doc as usize];
            *doc != u32::MAX
        };
        // A rare term only gets rarer: it stays in the table, without the removed postings.
        self.rare.retain_mut(|r| keep(&mut r.1));
        let mut touched: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
        for (t, mut posts) in std::mem::take(&mut self.frequent) {
            posts.retain_mut(|p| keep(&mut p.0));
            touched.insert(t, posts);
        }
        self.n_docs = n_new;
        self.settle(touched, bounds);
        Ok(())
    }

    /// Gives every term whose document frequency changed its place under `bounds`: `touched`
    /// (terms outside the vocabulary, with all their postings) and vocabulary terms now out of
    /// range; the vocabulary is rebuilt in order and every document's ids remapped.
    fn settle(&mut self, touched: BTreeMap<String, Vec<Posting>>, bounds: (u32, u32)) {
        // Vocabulary terms that leave it (only at a bound), with their postings.
        let mut leaving: BTreeMap<u32, Vec<Posting>> = BTreeMap::new();
        for (i, &d) in self.df.iter().enumerate() {
            if status(d, bounds) != Status::Kept {
                leaving.insert(i as u32, Vec::new());
            }
        }
        if !leaving.is_empty() {
            for (doc, d) in self.docs.iter().enumerate() {
                for (&i, &n) in d.idx.iter().zip(&d.cnt) {
                    if let Some(p) = leaving.get_mut(&i) {
                        p.push((doc as u32, n));
                    }
                }
            }
        }

        // Every term whose status may have changed, by its new status.
        let mut coming: Vec<(String, Vec<Posting>)> = Vec::new();
        let mut rare_new: Vec<(u64, u32, u32)> = Vec::new();
        let mut frequent_new: Vec<(String, Vec<Posting>)> = Vec::new();
        let mut place = |t: String, posts: Vec<Posting>| match status(posts.len() as u32, bounds) {
            Status::Kept => coming.push((t, posts)),
            Status::Rare => {
                let h = term_hash(&t);
                rare_new.extend(posts.iter().map(|&(d, n)| (h, d, n)));
            }
            Status::Frequent => frequent_new.push((t, posts)),
        };
        for (t, posts) in touched {
            place(t, posts);
        }
        for (&i, posts) in &leaving {
            place(self.terms[i as usize].clone(), posts.clone());
        }
        coming.sort_unstable_by(|a, b| a.0.cmp(&b.0));

        // The new vocabulary: staying terms and newcomers merged in order; ids remapped.
        let old_terms = std::mem::take(&mut self.terms);
        let old_df = std::mem::take(&mut self.df);
        let mut remap = vec![u32::MAX; old_terms.len()];
        let mut coming_ids = Vec::with_capacity(coming.len());
        let mut c = coming.iter().peekable();
        for (i, t) in old_terms.into_iter().enumerate() {
            while let Some((ct, cp)) = c.next_if(|(ct, _)| ct.as_str() < t.as_str()) {
                coming_ids.push(self.terms.len() as u32);
                self.terms.push(ct.clone());
                self.df.push(cp.len() as u32);
            }
            if !leaving.contains_key(&(i as u32)) {
                remap[i] = self.terms.len() as u32;
                self.terms.push(t);
                self.df.push(old_df[i]);
            }
        }
        for (ct, cp) in c {
            coming_ids.push(self.terms.len() as u32);
            self.terms.push(ct.clone());
            self.df.push(cp.len() as u32);
        }
        self.docs.par_iter_mut().for_each(|d| {
            let (mut idx, mut cnt) = (Vec::with_capacity(d.idx.len()), Vec::new());
            for (&i, &n) in d.idx.iter().zip(&d.cnt) {
                let j = remap[i as usize];
                if j != u32::MAX {
                    idx.push(j);
                    cnt.push(n);
                }
            }
            d.idx = idx;
            d.cnt = cnt;
        });
        let mut dirty: FxHashSet<u32> = FxHashSet::default();
        for ((_, posts), &id) in coming.iter().zip(&coming_ids) {
            for &(doc, n) in posts {
                let d = &mut self.docs[doc as usize];
                d.idx.push(id);
                d.cnt.push(n);
                dirty.insert(doc);
            }
        }
        for doc in dirty {
            let d = &mut self.docs[doc as usize];
            let mut pairs: Vec<(u32, u32)> = d.idx.iter().copied().zip(d.cnt.clone()).collect();
            pairs.sort_unstable();
            (d.idx, d.cnt) = pairs.into_iter().unzip();
        }

        if !rare_new.is_empty() {
            self.rare.extend(rare_new);
            self.rare.par_sort_unstable();
        }
        frequent_new.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.frequent = frequent_new;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn counts(docs: &[Vec<u8>]) -> Vec<TermCounts> {
        docs.iter()
            .map(|d| {
                let mut c = TermCounts::default();
                for &w in d {
                    *c.entry(format!("t{w}")).or_insert(0) += 1;
                }
                c
            })
            .collect()
    }

    fn params(min_df: u32, max_df: f32) -> VectorizerParams {
        VectorizerParams {
            min_df,
            max_df,
            ..Default::default()
        }
    }

    #[test]
    fn whole_corpus_matches_the_vectorizer() {
        let docs: Vec<Vec<u8>> = (0..30u8)
            .map(|i| vec![i % 3, i % 5, i % 7, 40 + i, 1, 1])
            .collect();
        let c = counts(&docs);
        let p = params(2, 0.5);
        let tally = Tally::from_counts(p, &c).unwrap();
        let reference = Vectorizer::fit_counts(p, &c).unwrap();
        let v = tally.vectorizer();
        assert_eq!(v.terms, reference.terms);
        assert_eq!(v.df, reference.df);
        assert_eq!(v.idf, reference.idf);
        let rows = tally.rows(&v.idf);
        for (row, c) in rows.iter().zip(&c) {
            assert_eq!(*row, reference.weigh(c));
        }
        assert!(
            !tally.rare.is_empty(),
            "terms t40.. are in one document each"
        );
        assert!(
            tally
                .frequent
                .iter()
                .any(|f| f.0 == "t1" && f.1.len() == 30),
            "t1 is in every document"
        );
    }

    #[test]
    fn removing_below_ten_documents_is_refused() {
        let docs: Vec<Vec<u8>> = (0..10u8).map(|i| vec![i % 2, 50 + i]).collect();
        let mut tally = Tally::from_counts(params(2, 0.9), &counts(&docs)).unwrap();
        let before = tally.clone();
        assert!(tally.remove(&[3]).is_err());
        assert_eq!(tally, before, "a refused removal changes nothing");
        assert!(tally.remove(&[10]).is_err());
    }

    #[test]
    fn a_rare_term_enters_the_vocabulary_with_its_earlier_count() {
        let docs: Vec<Vec<u8>> = (0..12u8).map(|i| vec![i % 2, i % 3, 50 + i]).collect();
        let p = params(2, 0.9);
        let mut tally = Tally::from_counts(p, &counts(&docs)).unwrap();
        assert!(tally.terms.binary_search(&"t53".to_string()).is_err());
        tally.add(&counts(&[vec![53, 53, 0]]));
        let id = tally.terms.binary_search(&"t53".to_string()).unwrap() as u32;
        assert_eq!(tally.df[id as usize], 2);
        let d3 = &tally.docs[3];
        let k = d3.idx.iter().position(|&i| i == id).unwrap();
        assert_eq!(d3.cnt[k], 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn adding_equals_fitting_everything(
            docs in prop::collection::vec(prop::collection::vec(0u8..40, 1..12), 2..40),
            split in 1usize..40,
            batch in 1usize..5,
            min_df in 1u32..4,
            max_df in 0.2f32..1.0,
        ) {
            let split = split.min(docs.len() - 1);
            let p = params(min_df, max_df);
            let all = counts(&docs);
            let mut tally = Tally::from_counts(p, &all[..split]).unwrap();
            for chunk in all[split..].chunks(batch) {
                tally.add(chunk);
            }
            let whole = Tally::from_counts(p, &all).unwrap();
            prop_assert_eq!(&tally, &whole);
            let v = tally.vectorizer();
            prop_assert_eq!(tally.rows(&v.idf), whole.rows(&whole.vectorizer().idf));
        }

        #[test]
        fn adding_then_removing_restores_the_vocabulary_counts(
            docs in prop::collection::vec(prop::collection::vec(0u8..60, 1..12), 10..40),
            added in prop::collection::vec(prop::collection::vec(0u8..80, 1..12), 1..4),
            min_df in 1u32..4,
            max_df in 0.2f32..1.0,
        ) {
            let p = params(min_df, max_df);
            let original = Tally::from_counts(p, &counts(&docs)).unwrap();
            let mut tally = original.clone();
            tally.add(&counts(&added));
            let gone: Vec<usize> = (docs.len()..docs.len() + added.len()).collect();
            tally.remove(&gone).unwrap();
            prop_assert_eq!(&tally, &original);
        }

        #[test]
        fn removing_equals_fitting_the_rest(
            docs in prop::collection::vec(prop::collection::vec(0u8..40, 1..12), 13..40),
            gone in prop::collection::vec(0usize..40, 1..4),
            min_df in 1u32..4,
            max_df in 0.2f32..1.0,
        ) {
            let p = params(min_df, max_df);
            let all = counts(&docs);
            let gone: Vec<usize> = gone.into_iter().map(|g| g % docs.len()).collect();
            let mut tally = Tally::from_counts(p, &all).unwrap();
            tally.remove(&gone).unwrap();
            let rest: Vec<TermCounts> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| !gone.contains(i))
                .map(|(_, c)| c.clone())
                .collect();
            prop_assert_eq!(&tally, &Tally::from_counts(p, &rest).unwrap());
        }
    }
}
