//! Vocabulary with document frequencies, smoothed IDF, sublinear TF, L2-normalized rows over
//! unigrams and bigrams of stems, with min-df / max-df pruning.

use super::sparse::SparseVec;
use crate::error::{Error, Result};
use crate::text::{Analyzer, StemmerKind};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Checked settings of the vectorizer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VectorizerParams {
    pub stemmer: StemmerKind,
    /// Keep terms seen in at least this many documents (1 when the corpus is tiny).
    pub min_df: u32,
    /// Drop terms seen in more than this fraction of documents.
    pub max_df: f32,
    pub bigrams: bool,
}

impl Default for VectorizerParams {
    fn default() -> Self {
        VectorizerParams {
            stemmer: StemmerKind::default(),
            min_df: 2,
            max_df: 0.5,
            bigrams: true,
        }
    }
}

impl VectorizerParams {
    pub fn check(&self) -> Result<()> {
        if self.min_df == 0 {
            return Err(Error::Invalid("min_df must be at least 1".into()));
        }
        if !(self.max_df > 0.0 && self.max_df <= 1.0) {
            return Err(Error::Invalid("max_df must be in (0, 1]".into()));
        }
        Ok(())
    }

    /// The document-frequency range a fit keeps for `n_docs` documents, inclusive: a handful
    /// of documents cannot support min-df 2 or max-df pruning.
    pub fn df_bounds(&self, n_docs: u32) -> (u32, u32) {
        let (min, max) = if n_docs < 10 {
            (1, n_docs)
        } else {
            (self.min_df, (self.max_df * n_docs as f32).ceil() as u32)
        };
        (min, max.max(1))
    }
}

/// In how many of `counts` each term occurs.
pub fn document_frequencies(counts: &[TermCounts]) -> FxHashMap<&str, u32> {
    let mut df: FxHashMap<&str, u32> = FxHashMap::default();
    for c in counts {
        for term in c.keys() {
            *df.entry(term.as_str()).or_insert(0) += 1;
        }
    }
    df
}

/// Raw term counts of one document (unigrams and, if asked, bigrams of adjacent stems).
pub type TermCounts = FxHashMap<String, u32>;

/// Counts the terms of one text.
pub fn term_counts(analyzer: &Analyzer, text: &str, bigrams: bool) -> TermCounts {
    let mut counts = TermCounts::default();
    let mut prev = String::new();
    let mut bigram = String::new();
    analyzer.for_each_term(text, |stem, _| {
        count(&mut counts, stem);
        if bigrams && !prev.is_empty() {
            bigram.clear();
            bigram.push_str(&prev);
            bigram.push(' ');
            bigram.push_str(stem);
            count(&mut counts, &bigram);
        }
        prev.clear();
        prev.push_str(stem);
    });
    counts
}

/// Adds one to a term's count, allocating its key only the first time.
#[inline]
fn count(counts: &mut TermCounts, key: &str) {
    if let Some(c) = counts.get_mut(key) {
        *c += 1;
    } else {
        counts.insert(key.to_owned(), 1);
    }
}

/// A fitted vocabulary: term ids, document frequencies and IDF weights.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vectorizer {
    pub params: VectorizerParams,
    pub n_docs: u32,
    /// Term of each id, sorted, so ids are deterministic.
    pub terms: Vec<String>,
    pub df: Vec<u32>,
    pub idf: Vec<f32>,
    #[serde(skip)]
    index: TermIndex,
    #[serde(skip)]
    analyzer: Analyzer,
}

/// Smoothed IDF, as scikit-learn's `smooth_idf=True`: ln((1 + n) / (1 + df)) + 1.
pub fn smoothed_idf(n_docs: u32, df: u32) -> f32 {
    ((1.0 + n_docs as f64) / (1.0 + df as f64)).ln() as f32 + 1.0
}

impl Vectorizer {
    /// Analyzes `texts` in parallel, fits the vocabulary and returns it with the rows (the same
    /// as [`term_counts`] + [`Vectorizer::fit_counts`] + [`Vectorizer::weigh`], bit for bit).
    pub fn fit_transform(
        params: VectorizerParams,
        texts: &[String],
    ) -> Result<(Vectorizer, Vec<SparseVec>)> {
        params.check()?;
        let analyzer = Analyzer::new(params.stemmer);
        let corpus = StemCorpus::analyze(&analyzer, texts, |t| std::borrow::Cow::Borrowed(t));
        Vectorizer::fit_transform_stems(params, &corpus)
    }

    /// Fits the vocabulary of an analyzed corpus and returns it with the rows: what
    /// [`Vectorizer::fit_transform`] does after analysis. Terms are counted as numbers (a stem
    /// id, or a pair of them for a bigram); only the kept terms ever become strings.
    pub fn fit_transform_stems(
        params: VectorizerParams,
        corpus: &StemCorpus,
    ) -> Result<(Vectorizer, Vec<SparseVec>)> {
        params.check()?;
        let n_docs = corpus.len() as u32;
        if n_docs == 0 {
            return Err(Error::Training(
                "no documents to build a vocabulary from".into(),
            ));
        }
        let (min_df, max_df) = params.df_bounds(n_docs);
        let keeps = |d: u32| d >= min_df && d <= max_df;
        let n_stems = corpus.stems.len();
        let terms_of = TermKeys::new(corpus, params.bigrams);

        let kept = term_dfs(corpus, &terms_of, keeps);

        // The kept terms as text, sorted: their ids.
        // Sorted by their first 16 bytes as a number first (the same order as the bytes), the
        // text only breaking ties.
        let mut named: Vec<(u128, String, u64, u32)> = kept
            .into_par_iter()
            .map(|(key, d)| {
                let text = corpus.term_text(key);
                (prefix(&text), text, key, d)
            })
            .collect();
        named.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let mut uni_id = vec![u32::MAX; n_stems];
        let mut bi_id: FxHashMap<u64, u32> = FxHashMap::default();
        bi_id.reserve(named.len());
        let mut df: Vec<u32> = Vec::with_capacity(named.len());
        let mut terms: Vec<String> = Vec::with_capacity(named.len());
        for (i, (_, text, key, d)) in named.into_iter().enumerate() {
            if is_unigram(key) {
                uni_id[(key >> 32) as usize] = i as u32;
            } else {
                bi_id.insert(key, i as u32);
            }
            df.push(d);
            terms.push(text);
        }
        let idf: Vec<f32> = df.iter().map(|&d| smoothed_idf(n_docs, d)).collect();
        let vectorizer = Vectorizer::from_parts(params, n_docs, terms, df, idf);

        // The rows.
        let rows = (0..corpus.len())
            .into_par_iter()
            .map_init(
                || (TermKeys::scratch(), Vec::new()),
                |(scratch, counts), d| {
                    counts.clear();
                    terms_of.counts(d, scratch, |key, c| {
                        let id = if is_unigram(key) {
                            uni_id[(key >> 32) as usize]
                        } else {
                            bi_id.get(&key).copied().unwrap_or(u32::MAX)
                        };
                        if id != u32::MAX {
                            counts.push((id, c));
                        }
                    });
                    vectorizer.row_of_counts(counts)
                },
            )
            .collect();
        Ok((vectorizer, rows))
    }

    /// Fits the vocabulary from per-document term counts.
    pub fn fit_counts(params: VectorizerParams, counts: &[TermCounts]) -> Result<Vectorizer> {
        params.check()?;
        let n_docs = counts.len() as u32;
        if n_docs == 0 {
            return Err(Error::Training(
                "no documents to build a vocabulary from".into(),
            ));
        }
        let (min_df, max_df) = params.df_bounds(n_docs);
        let mut kept: Vec<(&str, u32)> = document_frequencies(counts)
            .into_iter()
            .filter(|&(_, d)| d >= min_df && d <= max_df)
            .collect();
        kept.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let terms: Vec<String> = kept.iter().map(|(t, _)| t.to_string()).collect();
        let df: Vec<u32> = kept.iter().map(|&(_, d)| d).collect();
        let idf = df.iter().map(|&d| smoothed_idf(n_docs, d)).collect();
        Ok(Vectorizer::from_parts(params, n_docs, terms, df, idf))
    }

    /// Rebuilds lookup tables after deserialization or construction.
    pub fn from_parts(
        params: VectorizerParams,
        n_docs: u32,
        terms: Vec<String>,
        df: Vec<u32>,
        idf: Vec<f32>,
    ) -> Vectorizer {
        let index = TermIndex::new(&terms);
        Vectorizer {
            params,
            n_docs,
            terms,
            df,
            idf,
            index,
            analyzer: Analyzer::new(params.stemmer),
        }
    }

    /// Restores the skipped fields after loading from disk.
    pub fn rebuild(self) -> Vectorizer {
        Vectorizer::from_parts(self.params, self.n_docs, self.terms, self.df, self.idf)
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn term_id(&self, term: &str) -> Option<u32> {
        self.index.get(&self.terms, term)
    }

    pub fn term(&self, id: u32) -> &str {
        &self.terms[id as usize]
    }

    /// What the topic classifier reads of a row: its single stems, L2-normalized again. With a
    /// few hundred labeled bulletins, bigram features overfit (measured: topics macro-F1 higher
    /// without them on 12 of 12 fold seeds); the archive keeps them, as they help clustering.
    pub fn unigram_part(&self, row: &SparseVec) -> SparseVec {
        unigram_part_by(row, |id| !self.terms[id as usize].contains(' '))
    }

    /// Which terms are single stems, by id: [`Vectorizer::unigram_part`] for many rows without
    /// looking at the term texts again.
    pub fn unigram_mask(&self) -> Vec<bool> {
        self.terms.par_iter().map(|t| !t.contains(' ')).collect()
    }

    /// TF-IDF row of a text (what `weigh(&term_counts(..))` gives, without a map of strings).
    pub fn transform(&self, text: &str) -> SparseVec {
        let mut stems = StemBuf::default();
        self.analyzer
            .for_each_term(text, |stem, _| stems.push(stem));
        self.row_of_stems(stems.iter(), true)
    }

    /// TF-IDF row of a document given as its sequence of stems: its unigrams and (if the
    /// vectorizer uses them) the bigrams of adjacent stems, weighed as [`Vectorizer::weigh`] does.
    /// A bigram is formed after every stem but the first, or, with `skip_after_empty`, after
    /// every non-empty stem (as [`term_counts`] does; stems are never empty in practice).
    pub fn row_of_stems<'s>(
        &self,
        stems: impl IntoIterator<Item = &'s str>,
        skip_after_empty: bool,
    ) -> SparseVec {
        let mut ids: Vec<u32> = Vec::new();
        let mut pair = String::new();
        let mut prev: Option<&str> = None;
        for stem in stems {
            if let Some(id) = self.term_id(stem) {
                ids.push(id);
            }
            if self.params.bigrams
                && let Some(p) = prev
                && !(skip_after_empty && p.is_empty())
            {
                pair.clear();
                pair.push_str(p);
                pair.push(' ');
                pair.push_str(stem);
                if let Some(id) = self.term_id(&pair) {
                    ids.push(id);
                }
            }
            prev = Some(stem);
        }
        self.row_of_ids(&mut ids)
    }

    /// The row of a document's vocabulary term ids (one per occurrence, any order).
    fn row_of_ids(&self, ids: &mut [u32]) -> SparseVec {
        ids.sort_unstable();
        let mut counts: Vec<(u32, u32)> = ids
            .chunk_by(|a, b| a == b)
            .map(|run| (run[0], run.len() as u32))
            .collect();
        self.row_of_counts(&mut counts)
    }

    /// The row of (distinct vocabulary term id, count) pairs, as [`Vectorizer::weigh`] computes
    /// it (the same arithmetic, the same order of summation).
    fn row_of_counts(&self, counts: &mut [(u32, u32)]) -> SparseVec {
        counts.sort_unstable_by_key(|p| p.0);
        let pairs = counts
            .iter()
            .map(|&(id, c)| (id, (1.0 + (c as f32).ln()) * self.idf[id as usize]))
            .collect();
        let mut row = SparseVec::from_pairs(pairs);
        row.normalize();
        row
    }

    /// Sublinear TF × IDF, L2-normalized, over known terms.
    pub fn weigh(&self, counts: &TermCounts) -> SparseVec {
        let pairs = counts
            .iter()
            .filter_map(|(t, &c)| {
                let id = self.term_id(t)?;
                Some((id, (1.0 + (c as f32).ln()) * self.idf[id as usize]))
            })
            .collect();
        let mut row = SparseVec::from_pairs(pairs);
        row.normalize();
        row
    }
}

/// The cells of `row` whose term `keep` accepts, L2-normalized again.
pub fn unigram_part_by(row: &SparseVec, keep: impl Fn(u32) -> bool) -> SparseVec {
    let (idx, val) = row.iter().filter(|&(id, _)| keep(id)).unzip();
    let mut part = SparseVec { idx, val };
    part.normalize();
    part
}

/// Term → id lookup over the vocabulary itself: an open-addressing table of ids tagged with 32
/// bits of their term's hash, so loading a model hashes each term once and copies none, and a
/// lookup compares strings only when the tags agree (nearly always the term itself).
#[derive(Debug, Clone, Default)]
struct TermIndex {
    /// `tag << 32 | (id + 1)` of a term (0: empty); a power of two long, at most half full.
    slots: Vec<u64>,
}

impl TermIndex {
    fn new(terms: &[String]) -> TermIndex {
        let mut index = TermIndex {
            slots: vec![0; (terms.len() * 2).next_power_of_two().max(16)],
        };
        let mask = index.slots.len() - 1;
        for (id, term) in terms.iter().enumerate() {
            let (mut i, tag) = index.slot(term);
            // A repeated term takes its last id, as collecting into a map would.
            while index.slots[i] != 0 && terms[(index.slots[i] as u32 - 1) as usize] != *term {
                i = (i + 1) & mask;
            }
            let id = u32::try_from(id + 1).expect("fewer than 2^32 - 1 terms");
            index.slots[i] = (tag as u64) << 32 | id as u64;
        }
        index
    }

    /// The home slot (the top bits of the term's mixed hash) and the tag (its low bits).
    #[inline]
    fn slot(&self, term: &str) -> (usize, u32) {
        use std::hash::BuildHasher;
        let h = rustc_hash::FxBuildHasher
            .hash_one(term)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let bits = self.slots.len().trailing_zeros();
        ((h >> (64 - bits)) as usize, h as u32)
    }

    #[inline]
    fn get(&self, terms: &[String], term: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let (mut i, tag) = self.slot(term);
        loop {
            let s = self.slots[i];
            if s == 0 {
                return None;
            }
            if (s >> 32) as u32 == tag {
                let id = s as u32 - 1;
                if same_bytes(terms[id as usize].as_bytes(), term.as_bytes()) {
                    return Some(id);
                }
            }
            i = (i + 1) & mask;
        }
    }
}

/// `a == b`, inline for up to 16 bytes (nearly every term): a call to `memcmp` per lookup cost
/// more than the comparison.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().expect("4 bytes"));
    match n {
        // Two overlapping loads cover the bytes.
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => a == b,
    }
}

/// A document's stems in one buffer (no `String` per stem).
#[derive(Debug, Clone, Default)]
pub struct StemBuf {
    text: String,
    ends: Vec<usize>,
}

impl StemBuf {
    pub fn push(&mut self, stem: &str) {
        self.text.push_str(stem);
        self.ends.push(self.text.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(s, &e)| &self.text[s..e])
    }
}

/// The stems of many documents as ids into one table of distinct stems: what training analyses
/// once and counts, vectorizes and matches against the lexicon from.
#[derive(Debug, Clone, Default)]
pub struct StemCorpus {
    /// Distinct stems, by id.
    stems: Vec<Box<str>>,
    /// Stem ids of all documents, one after the other.
    ids: Vec<u32>,
    /// Where each document's ids start in `ids` (one more entry than documents).
    starts: Vec<usize>,
}

impl StemCorpus {
    /// Analyses `items` in parallel (`text` gives each one's text).
    pub fn analyze<T: Sync>(
        analyzer: &Analyzer,
        items: &[T],
        text: impl Fn(&T) -> std::borrow::Cow<'_, str> + Sync,
    ) -> StemCorpus {
        type Part = (Vec<Box<str>>, Vec<u32>, Vec<usize>);
        let parts: Vec<Part> = items
            .par_chunks(chunk_len(items.len()))
            .map(|chunk| {
                let mut local = Interner::default();
                let (mut ids, mut ends) = (Vec::new(), Vec::with_capacity(chunk.len()));
                for item in chunk {
                    analyzer.for_each_term(&text(item), |stem, _| ids.push(local.id(stem)));
                    ends.push(ids.len());
                }
                (local.into_stems(), ids, ends)
            })
            .collect();
        let mut global: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let total = parts.iter().map(|p| p.1.len()).sum();
        let mut ids = Vec::with_capacity(total);
        let mut starts = Vec::with_capacity(items.len() + 1);
        starts.push(0);
        for (stems, local_ids, ends) in parts {
            let remap: Vec<u32> = stems
                .into_iter()
                .map(|s| match global.get(&*s) {
                    Some(&id) => id,
                    None => {
                        let id = u32::try_from(global.len())
                            .ok()
                            .filter(|&id| id < u32::MAX)
                            .expect("fewer than 2^32 - 1 distinct stems");
                        global.insert(s, id);
                        id
                    }
                })
                .collect();
            let base = ids.len();
            ids.extend(local_ids.iter().map(|&l| remap[l as usize]));
            starts.extend(ends.iter().map(|&e| base + e));
        }
        StemCorpus {
            stems: by_id(global),
            ids,
            starts,
        }
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stem ids of document `i`, in order.
    pub fn doc(&self, i: usize) -> &[u32] {
        &self.ids[self.starts[i]..self.starts[i + 1]]
    }

    pub fn stem(&self, id: u32) -> &str {
        &self.stems[id as usize]
    }

    /// The stems of document `i` (what [`Analyzer::stems`] gives for its text).
    pub fn stems_of(&self, i: usize) -> Vec<&str> {
        self.doc(i).iter().map(|&id| self.stem(id)).collect()
    }

    /// Number of distinct stems.
    pub fn n_stems(&self) -> usize {
        self.stems.len()
    }

    /// The text of a term key (see [`unigram_key`]).
    pub(crate) fn term_text(&self, key: u64) -> String {
        let a = self.stem((key >> 32) as u32);
        if is_unigram(key) {
            a.to_string()
        } else {
            let b = self.stem(key as u32);
            let mut t = String::with_capacity(a.len() + 1 + b.len());
            t.push_str(a);
            t.push(' ');
            t.push_str(b);
            t
        }
    }
}

/// Stem → local id while analysing: stems of up to 16 bytes (nearly all) are keyed by their
/// bytes inline (no pointer to follow, no `memcmp`), longer ones by their text.
#[derive(Default)]
struct Interner {
    short: FxHashMap<(u128, u8), u32>,
    long: FxHashMap<Box<str>, u32>,
    stems: Vec<Box<str>>,
}

impl Interner {
    #[inline]
    fn id(&mut self, stem: &str) -> u32 {
        let b = stem.as_bytes();
        if b.len() <= 16 {
            let mut key = [0u8; 16];
            key[..b.len()].copy_from_slice(b);
            let key = (u128::from_le_bytes(key), b.len() as u8);
            if let Some(&id) = self.short.get(&key) {
                return id;
            }
            let id = self.stems.len() as u32;
            self.short.insert(key, id);
            self.stems.push(stem.into());
            id
        } else {
            if let Some(&id) = self.long.get(stem) {
                return id;
            }
            let id = self.stems.len() as u32;
            self.long.insert(stem.into(), id);
            self.stems.push(stem.into());
            id
        }
    }

    fn into_stems(self) -> Vec<Box<str>> {
        self.stems
    }
}

/// The strings of an interning map, by id.
fn by_id(map: FxHashMap<Box<str>, u32>) -> Vec<Box<str>> {
    let mut out: Vec<Box<str>> = vec![Box::from(""); map.len()];
    for (s, id) in map {
        out[id as usize] = s;
    }
    out
}

/// The first 16 bytes of a text, big-endian, zero-padded: ordering by it agrees with ordering by
/// the bytes (a shorter text that is a prefix of another sorts first, or ties if it ends in NUL
/// bytes; ties are broken by the text).
fn prefix(text: &str) -> u128 {
    let b = text.as_bytes();
    let mut p = [0u8; 16];
    let n = b.len().min(16);
    p[..n].copy_from_slice(&b[..n]);
    u128::from_be_bytes(p)
}

/// (term key, document frequency) of every term of the corpus whose frequency `keep` accepts:
/// of unigrams counted in a dense array, of bigrams by hash bucket (each bucket then counted on
/// its own, so no table of every bigram is ever built).
pub(crate) fn term_dfs(
    corpus: &StemCorpus,
    terms_of: &TermKeys,
    keep: impl Fn(u32) -> bool + Sync,
) -> Vec<(u64, u32)> {
    let n_stems = corpus.stems.len();
    let chunk = chunk_len(corpus.len());
    type Pass = (Vec<u32>, Vec<Vec<u64>>);
    let passes: Vec<Pass> = (0..corpus.len())
        .collect::<Vec<_>>()
        .par_chunks(chunk)
        .map_init(TermKeys::scratch, |scratch, docs| {
            let mut uni_df = vec![0u32; n_stems];
            let mut buckets = vec![Vec::new(); N_BUCKETS];
            for &d in docs {
                terms_of.distinct(d, scratch, |key| {
                    if is_unigram(key) {
                        uni_df[(key >> 32) as usize] += 1;
                    } else {
                        buckets[bucket(key)].push(key);
                    }
                });
            }
            // Growth slack would be a good part of the peak memory.
            buckets.iter_mut().for_each(Vec::shrink_to_fit);
            (uni_df, buckets)
        })
        .collect();
    let mut uni_df = vec![0u32; n_stems];
    let mut by_bucket: Vec<Vec<Vec<u64>>> = (0..N_BUCKETS).map(|_| Vec::new()).collect();
    for (u, buckets) in passes {
        uni_df.iter_mut().zip(u).for_each(|(a, b)| *a += b);
        for (all, b) in by_bucket.iter_mut().zip(buckets) {
            all.push(b);
        }
    }
    let mut kept: Vec<(u64, u32)> = by_bucket
        .into_par_iter()
        .flat_map_iter(|parts| {
            let mut df: FxHashMap<u64, u32> = FxHashMap::default();
            for part in parts {
                for key in part {
                    *df.entry(key).or_insert(0) += 1;
                }
            }
            df.into_iter().filter(|&(_, d)| keep(d))
        })
        .collect();
    kept.extend(
        uni_df
            .iter()
            .enumerate()
            .filter(|&(_, &d)| keep(d))
            .map(|(id, &d)| (unigram_key(id as u32), d)),
    );
    kept
}

/// Documents per parallel chunk: a few chunks per thread.
fn chunk_len(n: usize) -> usize {
    n.div_ceil(rayon::current_num_threads() * 4).max(1)
}

/// A term as a number: a unigram is `stem << 32 | u32::MAX`, a bigram `first << 32 | second`
/// (stem ids are below `u32::MAX`).
pub(crate) fn unigram_key(stem: u32) -> u64 {
    (stem as u64) << 32 | u32::MAX as u64
}

pub(crate) fn is_unigram(key: u64) -> bool {
    key as u32 == u32::MAX
}

const N_BUCKETS: usize = 256;

fn bucket(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize
}

/// The terms of a corpus's documents, as [`term_counts`] counts them.
pub(crate) struct TermKeys<'c> {
    corpus: &'c StemCorpus,
    bigrams: bool,
    /// The id of the empty stem, if any (no bigram starts with it, as in [`term_counts`]).
    empty: Option<u32>,
}

impl<'c> TermKeys<'c> {
    pub(crate) fn new(corpus: &'c StemCorpus, bigrams: bool) -> TermKeys<'c> {
        let empty = corpus.stems.iter().position(|s| s.is_empty());
        TermKeys {
            corpus,
            bigrams,
            empty: empty.map(|i| i as u32),
        }
    }

    pub(crate) fn scratch() -> FxHashMap<u64, u32> {
        FxHashMap::default()
    }

    /// Calls `f(key, count)` for every distinct term of document `d`.
    pub(crate) fn counts(
        &self,
        d: usize,
        scratch: &mut FxHashMap<u64, u32>,
        mut f: impl FnMut(u64, u32),
    ) {
        scratch.clear();
        let ids = self.corpus.doc(d);
        for (i, &id) in ids.iter().enumerate() {
            *scratch.entry(unigram_key(id)).or_insert(0) += 1;
            if self.bigrams && i > 0 && Some(ids[i - 1]) != self.empty {
                *scratch
                    .entry((ids[i - 1] as u64) << 32 | id as u64)
                    .or_insert(0) += 1;
            }
        }
        for (&key, &c) in scratch.iter() {
            f(key, c);
        }
    }

    /// Calls `f(key)` for every distinct term of document `d`.
    fn distinct(&self, d: usize, scratch: &mut FxHashMap<u64, u32>, mut f: impl FnMut(u64)) {
        self.counts(d, scratch, |key, _| f(key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Vec<String> {
        [
            "ضبط كمية من المخدرات في المطار",
            "مكافحة الإرهاب والجرائم الإلكترونية",
            "ضبط مروج المخدرات",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn rows_are_unit_length_and_share_terms() {
        let (v, rows) = Vectorizer::fit_transform(VectorizerParams::default(), &texts()).unwrap();
        for r in &rows {
            assert!((r.norm() - 1.0).abs() < 1e-5);
        }
        assert!(v.term_id("مخدر").is_some());
        assert!(
            v.term_id("ضبط مخدر").is_none(),
            "not adjacent after stop words"
        );
        assert!(rows[0].dot(&rows[2]) > rows[0].dot(&rows[1]));
    }

    #[test]
    fn idf_is_smoothed_and_rarer_terms_weigh_more() {
        let (v, _) = Vectorizer::fit_transform(VectorizerParams::default(), &texts()).unwrap();
        let common = v.idf[v.term_id("مخدر").unwrap() as usize];
        let rare = v.idf[v.term_id("ارهاب").unwrap() as usize];
        assert!(rare > common);
        assert!((smoothed_idf(3, 3) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn bad_params_are_refused() {
        let p = VectorizerParams {
            max_df: 0.0,
            ..Default::default()
        };
        assert!(Vectorizer::fit_transform(p, &texts()).is_err());
    }
    /// Seeds and the labeled corpus (when `../shared` is there), as full texts.
    fn corpus() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out: Vec<String> = crate::corpus::open_input(&root.join("seeds"))
            .unwrap()
            .map(|d| d.unwrap().full_text().into_owned())
            .collect();
        let dev = root.join("../shared/corpus/labeled/dev.jsonl");
        if dev.exists() {
            out.extend(
                crate::corpus::open_input(&dev)
                    .unwrap()
                    .map(|d| d.unwrap().full_text().into_owned()),
            );
        }
        out
    }

    /// The reference: a map of strings per document, `fit_counts`, `weigh`.
    fn reference(params: VectorizerParams, texts: &[String]) -> (Vectorizer, Vec<SparseVec>) {
        let analyzer = Analyzer::new(params.stemmer);
        let counts: Vec<TermCounts> = texts
            .iter()
            .map(|t| term_counts(&analyzer, t, params.bigrams))
            .collect();
        let v = Vectorizer::fit_counts(params, &counts).unwrap();
        let rows = counts.iter().map(|c| v.weigh(c)).collect();
        (v, rows)
    }

    #[test]
    fn fast_fit_transform_equals_the_reference_bit_for_bit() {
        let texts = corpus();
        for params in [
            VectorizerParams::default(),
            VectorizerParams {
                bigrams: false,
                min_df: 1,
                max_df: 1.0,
                ..Default::default()
            },
            VectorizerParams {
                stemmer: StemmerKind::Snowball,
                ..Default::default()
            },
        ] {
            for texts in [&texts[..], &texts[..texts.len().min(7)]] {
                let (want_v, want_rows) = reference(params, texts);
                let (v, rows) = Vectorizer::fit_transform(params, texts).unwrap();
                assert_eq!(v.terms, want_v.terms);
                assert_eq!(v.df, want_v.df);
                assert_eq!(v.idf, want_v.idf);
                assert_eq!(v.n_docs, want_v.n_docs);
                assert_eq!(rows, want_rows);
                for (t, row) in texts.iter().zip(&rows).take(50) {
                    assert_eq!(v.transform(t), *row);
                }
            }
        }
    }

    #[test]
    fn term_ids_agree_with_the_vocabulary() {
        let (v, _) = Vectorizer::fit_transform(VectorizerParams::default(), &corpus()).unwrap();
        for (i, t) in v.terms.iter().enumerate() {
            assert_eq!(v.term_id(t), Some(i as u32));
        }
        assert_eq!(v.term_id("no such term"), None);
        assert_eq!(v.term_id(""), None);
        let loaded: Vectorizer = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        assert_eq!(loaded.term_id(&v.terms[0]), None, "not rebuilt yet");
        assert_eq!(loaded.rebuild().term_id(&v.terms[0]), Some(0));
    }

    #[test]
    fn stem_corpus_gives_the_analyzer_stems() {
        let texts = corpus();
        let a = Analyzer::default();
        let c = StemCorpus::analyze(&a, &texts, |t| std::borrow::Cow::Borrowed(t));
        assert_eq!(c.len(), texts.len());
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(c.stems_of(i), a.stems(t));
        }
    }
}
