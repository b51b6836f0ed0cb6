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
}

/// Raw term counts of one document (unigrams and, if asked, bigrams of adjacent stems).
pub type TermCounts = FxHashMap<String, u32>;

/// Counts the terms of one text.
pub fn term_counts(analyzer: &Analyzer, text: &str, bigrams: bool) -> TermCounts {
    let mut counts = TermCounts::default();
    let mut prev = String::new();
    let mut bigram = String::new();
    analyzer.for_each_term(text, |stem, _| {
        *counts.entry_ref_or_insert(stem) += 1;
        if bigrams && !prev.is_empty() {
            bigram.clear();
            bigram.push_str(&prev);
            bigram.push(' ');
            bigram.push_str(stem);
            *counts.entry_ref_or_insert(&bigram) += 1;
        }
        prev.clear();
        prev.push_str(stem);
    });
    counts
}

trait EntryRef {
    fn entry_ref_or_insert(&mut self, key: &str) -> &mut u32;
}

impl EntryRef for TermCounts {
    /// Avoids allocating a key for terms already counted.
    fn entry_ref_or_insert(&mut self, key: &str) -> &mut u32 {
        if !self.contains_key(key) {
            self.insert(key.to_owned(), 0);
        }
        self.get_mut(key).expect("just inserted")
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
    index: FxHashMap<String, u32>,
    #[serde(skip)]
    analyzer: Analyzer,
}

/// Smoothed IDF, as scikit-learn's `smooth_idf=True`: ln((1 + n) / (1 + df)) + 1.
pub fn smoothed_idf(n_docs: u32, df: u32) -> f32 {
    ((1.0 + n_docs as f64) / (1.0 + df as f64)).ln() as f32 + 1.0
}

impl Vectorizer {
    /// Analyzes `texts` in parallel, fits the vocabulary and returns it with the rows.
    pub fn fit_transform(
        params: VectorizerParams,
        texts: &[String],
    ) -> Result<(Vectorizer, Vec<SparseVec>)> {
        params.check()?;
        let analyzer = Analyzer::new(params.stemmer);
        let counts: Vec<TermCounts> = texts
            .par_iter()
            .map(|t| term_counts(&analyzer, t, params.bigrams))
            .collect();
        let vectorizer = Vectorizer::fit_counts(params, &counts)?;
        let rows = counts.par_iter().map(|c| vectorizer.weigh(c)).collect();
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
        let mut df: FxHashMap<&str, u32> = FxHashMap::default();
        for c in counts {
            for term in c.keys() {
                *df.entry(term.as_str()).or_insert(0) += 1;
            }
        }
        // A handful of documents cannot support min_df 2 or max_df pruning.
        let min_df = if n_docs < 10 { 1 } else { params.min_df };
        let max_df = if n_docs < 10 {
            n_docs
        } else {
            (params.max_df * n_docs as f32).ceil() as u32
        };
        let mut kept: Vec<(&str, u32)> = df
            .into_iter()
            .filter(|&(_, d)| d >= min_df && d <= max_df.max(1))
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
        let index = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
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
        self.index.get(term).copied()
    }

    pub fn term(&self, id: u32) -> &str {
        &self.terms[id as usize]
    }

    /// TF-IDF row of a text.
    pub fn transform(&self, text: &str) -> SparseVec {
        self.weigh(&term_counts(&self.analyzer, text, self.params.bigrams))
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
}
