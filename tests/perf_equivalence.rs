//! The fast paths of issue 7 give exactly what the straightforward implementations they replaced
//! gave: classification analysis (one stem buffer, direct vocabulary lookups) against a map of
//! term strings + `Vectorizer::weigh`, on the seeds and the labeled corpus, with the shipped model.

use amn::corpus::{Document, open_input};
use amn::model::Model;
use amn::vector::TermCounts;
use rustc_hash::FxHashMap;
use std::path::Path;

fn docs() -> Vec<Document> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<Document> = open_input(&root.join("seeds"))
        .unwrap()
        .map(|d| d.unwrap())
        .collect();
    let dev = root.join("../shared/corpus/labeled/dev.jsonl");
    if dev.exists() {
        docs.extend(open_input(&dev).unwrap().map(|d| d.unwrap()));
    }
    docs
}

fn model() -> Option<Model> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default");
    Model::load(&path).ok()
}

#[test]
fn classification_analysis_equals_the_reference() {
    let Some(model) = model() else {
        eprintln!("skipped: no loadable models/default");
        return;
    };
    let analyzer = model.vectorizer.analyzer();
    for doc in docs() {
        let Ok(fast) = model.analysis(&doc) else {
            continue;
        };
        // The reference, as `Model::analysis` was first written.
        let text = doc.full_text();
        let mut stems: Vec<String> = Vec::new();
        let mut words: FxHashMap<String, Vec<String>> = FxHashMap::default();
        analyzer.for_each_term(&text, |stem, span| {
            let seen = words.entry(stem.to_owned()).or_default();
            let word = &text[span];
            if !seen.iter().any(|w| w == word) && seen.len() < 4 {
                seen.push(word.to_owned());
            }
            stems.push(stem.to_owned());
        });
        let mut counts = TermCounts::default();
        for (i, s) in stems.iter().enumerate() {
            *counts.entry(s.clone()).or_insert(0) += 1;
            if model.vectorizer.params.bigrams && i > 0 {
                *counts.entry(format!("{} {s}", stems[i - 1])).or_insert(0) += 1;
            }
        }
        let refs: Vec<&str> = stems.iter().map(String::as_str).collect();
        assert_eq!(fast.row, model.vectorizer.weigh(&counts), "{}", doc.id);
        assert_eq!(
            fast.hits,
            model.classifier.lexicon.hits(&refs),
            "{}",
            doc.id
        );
        assert_eq!(fast.words, words, "{}", doc.id);
        // Classification without explanations skips the words, not the decision.
        let plain = model.classify(&doc, false).unwrap();
        let explained = model.classify(&doc, true).unwrap();
        assert_eq!(plain.scores, explained.scores);
        assert_eq!(plain.topics, explained.topics);
        assert_eq!(plain.primary, explained.primary);
    }
}

/// Scores from the dense weight table equal scores from each linear model's merge over its
/// sorted weights (`LinearModel::margin`), bit for bit.
#[test]
fn dense_margins_give_the_scores_of_the_merge() {
    let Some(model) = model() else {
        eprintln!("skipped: no loadable models/default");
        return;
    };
    let p = &model.classifier.params;
    for doc in docs() {
        let Ok(a) = model.analysis(&doc) else {
            continue;
        };
        let fast = model.classifier.predict(&a.row, &a.hits);
        for m in &model.classifier.topics {
            let mut x = Vec::new();
            if p.use_terms {
                x.push(m.linear.margin(&a.row) as f64);
            }
            if p.use_lexicon {
                x.extend(a.hits.features(m.topic));
            }
            let s = m.blend.probability(&x) as f32;
            let s = if s.is_finite() {
                s.clamp(0.0, 1.0)
            } else {
                0.0
            };
            assert_eq!(
                fast.scores[m.topic.index()].to_bits(),
                s.to_bits(),
                "{} {}",
                doc.id,
                m.topic
            );
        }
    }
}
