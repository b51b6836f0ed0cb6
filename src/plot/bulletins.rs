//! The bulletins a plot shows: given inputs (analyzed with the model) or the model's archive,
//! each with its TF-IDF row and its primary label and topics.

use crate::corpus::hash::fnv1a64;
use crate::corpus::{Document, Label, Topic};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::vector::SparseVec;
use std::borrow::Borrow;

/// Where a bulletin's label comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelSource {
    /// Labeled by hand (corpus `primary`/`topics`, or a `labels.tsv`).
    Hand,
    /// The classifier's decision.
    Model,
}

/// One bulletin to plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Bulletin {
    pub id: String,
    /// Short display title (may be empty).
    pub title: String,
    pub primary: Label,
    /// Topics that apply (for archive entries without hand labels: the primary topic only).
    pub topics: Vec<Topic>,
    pub source: LabelSource,
    /// L2-normalized TF-IDF row.
    pub row: SparseVec,
}

impl Bulletin {
    /// Analyzes a document with `model`: hand labels when it has them, else the model's.
    pub fn analyze(model: &Model, doc: &Document) -> Result<Bulletin> {
        let a = model.analysis(doc)?;
        let (primary, topics, source) = match &doc.labels {
            Some(l) => (l.primary, l.topics.clone(), LabelSource::Hand),
            None => {
                let p = model.classifier.predict(&a.features, &a.hits);
                (p.primary, p.topics, LabelSource::Model)
            }
        };
        Ok(Bulletin {
            id: doc.id.clone(),
            title: doc.display_title(),
            primary,
            topics,
            source,
            row: a.row,
        })
    }

    /// Text to label the bulletin with: its title, or its id.
    pub fn label(&self) -> &str {
        if self.title.trim().is_empty() {
            &self.id
        } else {
            &self.title
        }
    }
}

/// The archive of `model` as bulletins (hand labels where present, else the predicted primary).
pub fn from_archive(model: &Model) -> Vec<Bulletin> {
    model
        .archive
        .iter()
        .zip(&model.rows)
        .map(|(e, row)| {
            let (primary, topics, source) = match &e.labels {
                Some(l) => (l.primary, l.topics.clone(), LabelSource::Hand),
                None => {
                    let topics = match e.predicted {
                        Label::Topic(t) => vec![t],
                        Label::Other => Vec::new(),
                    };
                    (e.predicted, topics, LabelSource::Model)
                }
            };
            Bulletin {
                id: e.id.clone(),
                title: e.title.clone(),
                primary,
                topics,
                source,
                row: row.clone(),
            }
        })
        .collect()
}

/// Refuses sets too small for a plot with a message that says why.
pub fn require<B: Borrow<Bulletin>>(items: &[B], min: usize, what: &str) -> Result<()> {
    match items.len() {
        n if n >= min => Ok(()),
        0 => Err(Error::Plot(format!(
            "no bulletins to plot: the {what} needs at least {min}"
        ))),
        n => Err(Error::Plot(format!(
            "{n} bulletin{} ({}) {} not enough: the {what} needs at least {min}",
            if n == 1 { "" } else { "s" },
            items
                .iter()
                .map(|b| Borrow::<Bulletin>::borrow(b).id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            if n == 1 { "is" } else { "are" },
        ))),
    }
}

/// At most `max` indices of `items`, chosen deterministically and spread over the primary
/// labels (round robin), so each label present keeps a block. All of them when they fit.
pub fn sample(items: &[Bulletin], max: usize, seed: u64) -> Vec<usize> {
    if items.len() <= max {
        return (0..items.len()).collect();
    }
    let mut by_label: Vec<Vec<(u64, usize)>> = vec![Vec::new(); Label::ALL.len()];
    for (i, b) in items.iter().enumerate() {
        let key = fnv1a64(format!("{seed}:{}:{i}", b.id).as_bytes());
        by_label[b.primary.index()].push((key, i));
    }
    for group in &mut by_label {
        group.sort_unstable();
        group.reverse(); // pop() takes the smallest key
    }
    let mut chosen = Vec::with_capacity(max);
    while chosen.len() < max {
        let before = chosen.len();
        for group in &mut by_label {
            if chosen.len() < max
                && let Some((_, i)) = group.pop()
            {
                chosen.push(i);
            }
        }
        if chosen.len() == before {
            break;
        }
    }
    chosen.sort_unstable();
    chosen
}

/// "5 bulletins (hand labels)" / "389 bulletins (120 hand-labeled, 269 labeled by the model)".
pub fn describe<B: Borrow<Bulletin>>(items: &[B]) -> String {
    let hand = items
        .iter()
        .filter(|b| Borrow::<Bulletin>::borrow(*b).source == LabelSource::Hand)
        .count();
    let n = items.len();
    let noun = if n == 1 { "bulletin" } else { "bulletins" };
    if hand == n {
        format!("{n} {noun}, hand labels")
    } else if hand == 0 {
        format!("{n} {noun}, labels from the model")
    } else {
        format!(
            "{n} {noun}: {hand} hand-labeled, {} labeled by the model",
            n - hand
        )
    }
}

/// Cosine similarity of two rows (0 when either is empty).
pub fn cosine(a: &SparseVec, b: &SparseVec) -> f32 {
    let (na, nb) = (a.norm(), b.norm());
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        (a.dot(b) / (na * nb)).clamp(-1.0, 1.0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn bulletin(id: &str, primary: Label, row: &[(u32, f32)]) -> Bulletin {
        let mut row = SparseVec::from_pairs(row.to_vec());
        row.normalize();
        Bulletin {
            id: id.into(),
            title: format!("نشرة {id}"),
            primary,
            topics: match primary {
                Label::Topic(t) => vec![t],
                Label::Other => vec![],
            },
            source: LabelSource::Hand,
            row,
        }
    }

    #[test]
    fn sample_spreads_over_labels_and_is_deterministic() {
        let nar = Label::Topic(Topic::Narcotics);
        let mut items: Vec<Bulletin> = (0..50)
            .map(|i| bulletin(&format!("o{i}"), Label::Other, &[(1, 1.0)]))
            .collect();
        items.extend((0..3).map(|i| bulletin(&format!("n{i}"), nar, &[(2, 1.0)])));
        let s = sample(&items, 10, 1);
        assert_eq!(s.len(), 10);
        assert_eq!(s.iter().filter(|&&i| items[i].primary == nar).count(), 3);
        assert_eq!(s, sample(&items, 10, 1));
        assert_eq!(sample(&items, 100, 1).len(), items.len());
    }

    #[test]
    fn too_few_bulletins_are_refused_clearly() {
        let one = [bulletin("a", Label::Other, &[(1, 1.0)])];
        let e = require(&one, 2, "similarity heatmap")
            .unwrap_err()
            .to_string();
        assert!(e.contains("1 bulletin (a) is not enough"), "{e}");
        let e = require::<Bulletin>(&[], 2, "map").unwrap_err().to_string();
        assert!(e.contains("no bulletins"), "{e}");
        assert!(require(&one, 1, "bars").is_ok());
    }

    #[test]
    fn cosine_of_empty_rows_is_zero() {
        let a = SparseVec::from_pairs(vec![(1, 2.0)]);
        assert_eq!(cosine(&a, &SparseVec::default()), 0.0);
        assert!((cosine(&a, &a) - 1.0).abs() < 1e-6);
    }
}
