//! `similar`: the archive bulletins closest to a bulletin, and the terms the two share most.

use super::Archive;
use crate::corpus::{Document, Label};
use crate::error::Result;
use crate::model::predict::check_language;
use crate::vector::{SparseVec, TermCounts};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// How many shared terms are listed per neighbour.
pub const SHARED_TOP: usize = 5;

/// A bulletin's neighbours, best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Similar {
    pub id: String,
    pub neighbors: Vec<Neighbor>,
}

/// One archived bulletin close to the query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Neighbor {
    pub id: String,
    #[serde(serialize_with = "rounded")]
    pub score: f32,
    pub title: String,
    /// The classifier's primary label for it.
    pub primary: Label,
    /// The terms that contribute most to the cosine, as words.
    pub shared: Vec<SharedTerm>,
}

/// A term both bulletins hold: its stem(s), a readable word, and its share of the cosine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedTerm {
    pub stem: String,
    pub word: String,
    #[serde(serialize_with = "rounded")]
    pub weight: f32,
}

fn rounded<S: serde::Serializer>(v: &f32, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((*v as f64 * 10000.0).round() / 10000.0)
}

/// A bulletin analysed against the archive's vocabulary.
pub struct Query {
    pub row: SparseVec,
    /// Stem → the first surface word it came from in this bulletin.
    pub words: FxHashMap<String, String>,
}

/// Scores this close to the best count as a tie, so a bulletin is listed before its exact
/// copies (wire duplicates score 1 within rounding too).
const TIE: f32 = 1e-4;

impl Archive {
    /// Analyses a bulletin as training did (same terms, bigrams and weights); refuses text with
    /// no words or no Arabic.
    pub fn query(&self, doc: &Document) -> Result<Query> {
        let text = doc.full_text();
        let mut stems: Vec<String> = Vec::new();
        let mut words: FxHashMap<String, String> = FxHashMap::default();
        let stats = self.analyzer().for_each_term(&text, |stem, span| {
            words
                .entry(stem.to_owned())
                .or_insert_with(|| super::words::display_form(&text[span]));
            stems.push(stem.to_owned());
        });
        check_language(&doc.id, &stats)?;
        let mut counts = TermCounts::default();
        for (i, s) in stems.iter().enumerate() {
            *counts.entry(s.clone()).or_insert(0) += 1;
            if self.params().bigrams && i > 0 {
                *counts.entry(format!("{} {s}", stems[i - 1])).or_insert(0) += 1;
            }
        }
        Ok(Query {
            row: self.weigh(&counts),
            words,
        })
    }

    /// The `top` archived bulletins most similar to `doc`, with the terms each shares with it.
    pub fn similar(&self, doc: &Document, top: usize) -> Result<Similar> {
        let q = self.query(doc)?;
        let postings = self.postings();
        let mut hits = postings.top(&q.row, top);
        // The bulletin itself goes first among equals.
        if let Some(best) = hits.first().map(|h| h.score)
            && let Some(i) = hits
                .iter()
                .position(|h| h.score >= best - TIE && self.id(h.doc) == doc.id)
        {
            let me = hits.remove(i);
            hits.insert(0, me);
        }
        let neighbors = hits
            .iter()
            .map(|h| Neighbor {
                id: self.id(h.doc).to_string(),
                score: h.score,
                title: self.title(h.doc).to_string(),
                primary: self.predicted(h.doc),
                shared: self.shared_terms(&q, h.doc),
            })
            .collect();
        Ok(Similar {
            id: doc.id.clone(),
            neighbors,
        })
    }

    /// The query terms that add most to its cosine with `doc`.
    pub fn shared_terms(&self, q: &Query, doc: u32) -> Vec<SharedTerm> {
        let postings = self.postings();
        let mut shared: Vec<(u32, f32)> = q
            .row
            .iter()
            .filter_map(|(t, w)| postings.weight(t, doc).map(|v| (t, w * v)))
            .collect();
        shared.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        shared.truncate(SHARED_TOP);
        shared
            .into_iter()
            .map(|(t, weight)| {
                let stem = self.term(t).to_string();
                let word = stem
                    .split(' ')
                    .map(|s| q.words.get(s).map_or(s, String::as_str))
                    .collect::<Vec<_>>()
                    .join(" ");
                SharedTerm { stem, word, weight }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::store::tests::{docs, model};
    use super::super::store::{Archive, ModelStamp};
    use crate::corpus::Document;

    #[test]
    fn an_archived_bulletin_finds_itself_first_then_its_kin() {
        let docs = docs();
        let model = model(&docs);
        let a = Archive::build(&model, Some(&docs), ModelStamp::default()).unwrap();
        let s = a.similar(&docs[0], 3).unwrap();
        assert_eq!(s.neighbors[0].id, "d0");
        assert!((s.neighbors[0].score - 1.0).abs() < 1e-4);
        assert_eq!(s.neighbors[1].id, "d1", "{s:?}");
        let words: Vec<&str> = s.neighbors[1]
            .shared
            .iter()
            .map(|t| t.word.as_str())
            .collect();
        assert!(words.iter().any(|w| w.contains("الكبتاجون")), "{words:?}");
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["neighbors"][0]["id"], "d0");
        assert!(json["neighbors"][1]["title"].is_string());
    }

    #[test]
    fn exact_copies_do_not_displace_the_bulletin_itself() {
        let mut docs = docs();
        let copy = Document::new("d0-copy", docs[0].text.clone());
        docs.insert(0, copy);
        let model = model(&docs);
        let a = Archive::build(&model, None, ModelStamp::default()).unwrap();
        let s = a.similar(&docs[1], 2).unwrap();
        assert_eq!(s.neighbors[0].id, "d0");
        assert_eq!(s.neighbors[1].id, "d0-copy");
    }

    #[test]
    fn english_is_refused() {
        let docs = docs();
        let a = Archive::build(&model(&docs), None, ModelStamp::default()).unwrap();
        let e = a.similar(&Document::new("en", "drugs were seized"), 3);
        assert!(e.is_err());
    }
}
