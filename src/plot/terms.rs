//! Top terms per topic: the stems (and stem pairs) with the largest positive weights in each
//! topic's logistic model, drawn as horizontal bars and written as readable Arabic words.
//!
//! A stem is not always a word (`ارهاب`, `الكترون`, `مكافح`). Each stem is shown as the surface
//! word it most often comes from in the texts at hand ([`SurfaceWords`]): the analyzer is run over
//! the texts (input bulletins, or the archive titles) and over the lexicon's terms, and for every
//! wanted stem the original words behind it are counted; a stem pair is shown as the words of its
//! most frequent occurrence, with the small words between them (`مكافحة الإرهاب`). Diacritics
//! and tatweel are removed. A stem never seen in any text is shown as itself, marked with `*`.

use super::render::Figure;
use super::style::{
    Ctx, INK, MUTED, RULE, anchor, drawing, label_color, nice_step, size, tick_text,
};
use crate::corpus::{Label, Topic};
use crate::error::{Error, Result};
use crate::model::{Lexicon, Model};
use crate::text::Analyzer;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use rustc_hash::{FxHashMap, FxHashSet};

/// The surface words behind stems, counted over texts.
#[derive(Debug, Clone, Default)]
pub struct SurfaceWords {
    wanted: FxHashSet<String>,
    counts: FxHashMap<String, FxHashMap<String, u32>>,
    texts: usize,
}

/// A word as written, without diacritics, tatweel or surrounding punctuation.
fn clean_word(word: &str) -> String {
    word.chars()
        .filter(|&c| !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}'))
        .collect::<String>()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

impl SurfaceWords {
    /// Counts words only for these terms (stems, or two stems separated by a space).
    pub fn new(wanted: impl IntoIterator<Item = String>) -> SurfaceWords {
        SurfaceWords {
            wanted: wanted.into_iter().collect(),
            ..Default::default()
        }
    }

    /// Counts the words of one text.
    pub fn add_text(&mut self, analyzer: &Analyzer, text: &str) {
        self.texts += 1;
        let mut prev: Option<(String, std::ops::Range<usize>)> = None;
        analyzer.for_each_term(text, |stem, span| {
            if self.wanted.contains(stem) {
                self.count(stem, clean_word(&text[span.clone()]));
            }
            if let Some((p, pspan)) = &prev {
                let pair = format!("{p} {stem}");
                if self.wanted.contains(&pair) {
                    let between = &text[pspan.start..span.end];
                    let phrase =
                        if between.split_whitespace().count() <= 3 && !between.contains('\n') {
                            between
                                .split_whitespace()
                                .map(clean_word)
                                .collect::<Vec<_>>()
                                .join(" ")
                        } else {
                            format!(
                                "{} {}",
                                clean_word(&text[pspan.clone()]),
                                clean_word(&text[span.clone()])
                            )
                        };
                    self.count(&pair, phrase);
                }
            }
            prev = Some((stem.to_string(), span));
        });
    }

    /// Counts the words of the lexicon's terms.
    pub fn add_lexicon(&mut self, analyzer: &Analyzer, lexicon: &Lexicon) {
        for e in &lexicon.entries {
            self.add_text(analyzer, &e.term);
        }
    }

    /// Counts `word` for `term` `weight` times (words known from elsewhere, such as the archive's
    /// surface words learned from the training texts). Ignored, returning false, when `term` is
    /// not wanted or `word` is empty or the term itself.
    pub fn add_known(&mut self, term: &str, word: &str, weight: u32) -> bool {
        let word = word
            .split_whitespace()
            .map(clean_word)
            .collect::<Vec<_>>()
            .join(" ");
        if !self.wanted.contains(term) || word == term || word.is_empty() {
            return false;
        }
        *self
            .counts
            .entry(term.to_string())
            .or_default()
            .entry(word)
            .or_insert(0) += weight;
        true
    }

    fn count(&mut self, term: &str, word: String) {
        if word.is_empty() {
            return;
        }
        *self
            .counts
            .entry(term.to_string())
            .or_default()
            .entry(word)
            .or_insert(0) += 1;
    }

    /// The most frequent word for `term` (ties: the shorter, then the first in order).
    pub fn word(&self, term: &str) -> Option<&str> {
        self.counts.get(term).and_then(|words| {
            words
                .iter()
                .max_by(|a, b| {
                    a.1.cmp(b.1)
                        .then(b.0.chars().count().cmp(&a.0.chars().count()))
                        .then(b.0.cmp(a.0))
                })
                .map(|(w, _)| w.as_str())
        })
    }

    /// Number of texts counted.
    pub fn texts(&self) -> usize {
        self.texts
    }
}

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct TermBar {
    /// The model's term (stem or stem pair).
    pub term: String,
    /// What is drawn.
    pub word: String,
    /// False when no surface word was found and the stem itself is shown.
    pub found: bool,
    pub weight: f32,
}

/// Bars of every topic.
#[derive(Debug, Clone, PartialEq)]
pub struct TopTerms {
    pub panels: Vec<(Topic, Vec<TermBar>)>,
    pub subtitle: String,
}

/// The `2 * k` highest positive weights of each topic's term model, best first (the extra ones
/// make up for terms that turn out to read as the same word).
pub fn candidates(model: &Model, k: usize) -> Vec<(Topic, Vec<(String, f32)>)> {
    Topic::ALL
        .into_iter()
        .map(|t| {
            let mut w: Vec<(u32, f32)> = model
                .classifier
                .model(t)
                .linear
                .weights
                .iter()
                .copied()
                .filter(|&(_, w)| w > 0.0 && w.is_finite())
                .collect();
            w.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let terms = w
                .into_iter()
                .take(2 * k)
                .map(|(id, w)| (model.vectorizer.term(id).to_string(), w))
                .collect();
            (t, terms)
        })
        .collect()
}

impl TopTerms {
    /// Up to `k` terms per topic, as words from `words`; `about` says where the words came from.
    pub fn new(
        candidates: Vec<(Topic, Vec<(String, f32)>)>,
        words: &SurfaceWords,
        k: usize,
        about: &str,
    ) -> Result<TopTerms> {
        if k == 0 {
            return Err(Error::Invalid(
                "the number of top terms must be at least 1".into(),
            ));
        }
        if candidates.iter().all(|(_, c)| c.is_empty()) {
            return Err(Error::Plot(
                "the model has no learned term weights (trained with --no-terms?): no top terms to plot"
                    .into(),
            ));
        }
        let panels = candidates
            .into_iter()
            .map(|(topic, terms)| {
                let mut bars: Vec<TermBar> = Vec::new();
                for (term, weight) in terms {
                    let (word, found) = match words.word(&term) {
                        Some(w) => (w.to_string(), true),
                        None => (format!("{term}*"), false),
                    };
                    if bars.len() < k && !bars.iter().any(|b| b.word == word) {
                        bars.push(TermBar {
                            term,
                            word,
                            found,
                            weight,
                        });
                    }
                }
                (topic, bars)
            })
            .collect();
        Ok(TopTerms {
            panels,
            subtitle: format!(
                "largest positive weights of each topic's logistic model over TF-IDF terms; stems shown as their most frequent word in {about}"
            ),
        })
    }
}

impl Figure for TopTerms {
    fn name(&self) -> &'static str {
        "terms"
    }

    fn default_size(&self) -> (u32, u32) {
        (1700, 1300)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
        let top = ctx.title(
            root,
            "Top terms per topic — أهم الكلمات لكل موضوع",
            &self.subtitle,
        )?;
        let small = ctx.px(size::SMALL);
        let any_stem = self.panels.iter().flat_map(|p| &p.1).any(|b| !b.found);
        let foot = if any_stem { small * 1.8 } else { 0.0 };
        let body = root.margin(top, foot.round() as i32, 0, 0);
        let cols = 2;
        let rows = self.panels.len().div_ceil(cols);
        let cells = body.split_evenly((rows, cols));
        for ((topic, bars), area) in self.panels.iter().zip(&cells) {
            panel(area, ctx, *topic, bars)?;
        }
        if any_stem {
            let y = ctx.height as i32 - (foot * 0.6) as i32;
            let note =
                "* no word seen for this stem in the texts at hand: the stem itself is shown";
            let pos = anchor(HPos::Center, VPos::Center);
            ctx.text(root, note, (ctx.width as i32 / 2, y), small, MUTED, pos)?;
        }
        Ok(())
    }
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    topic: Topic,
    bars: &[TermBar],
) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as f64, h as f64);
    let margin = ctx.px(24.0);
    let gap = ctx.px(8.0);
    let head = ctx.px(size::LABEL) * 1.2;
    let small = ctx.px(size::SMALL);
    let color = label_color(Label::Topic(topic));
    let title = format!("{} — {}", topic.as_str().replace('_', " "), topic.arabic());
    let pos = anchor(HPos::Center, VPos::Top);
    ctx.text(area, &title, ((w / 2.0) as i32, gap as i32), head, INK, pos)?;
    let key = (head * 0.8).round() as i32;
    let kx = (w / 2.0 - ctx.width_of(&title, head) / 2.0 - gap) as i32;
    let ky = (gap + head * 0.15) as i32;
    area.draw(&Rectangle::new(
        [(kx - key, ky), (kx, ky + key)],
        color.filled(),
    ))
    .map_err(drawing)?;
    if bars.is_empty() {
        let pos = anchor(HPos::Center, VPos::Center);
        let note = "no positive term weights";
        return ctx.text(
            area,
            note,
            ((w / 2.0) as i32, (h / 2.0) as i32),
            small,
            MUTED,
            pos,
        );
    }
    let top = gap + head * 1.5;
    let bottom = h - small * 2.2 - gap;
    let row = (bottom - top) / bars.len() as f64;
    let word_size = ctx.px(size::LABEL).min(row * 0.75);
    let label_w = bars
        .iter()
        .map(|b| ctx.width_of(&b.word, word_size))
        .fold(0.0, f64::max)
        .min(w * 0.45);
    let left = margin + label_w + gap;
    let value_w = ctx.width_of("0.00", small) + gap;
    let right = w - margin - value_w;
    let max = bars
        .iter()
        .map(|b| b.weight as f64)
        .fold(0.0, f64::max)
        .max(1e-9);
    let step = nice_step(max, 4);
    let x_max = (max / step).ceil() * step;
    let to_x = |v: f64| (left + (right - left) * v / x_max).round() as i32;

    let mut v = 0.0;
    while v <= x_max + 1e-9 {
        let x = to_x(v);
        let style = ShapeStyle::from(&RULE).stroke_width(1);
        area.draw(&PathElement::new(
            vec![(x, top as i32), (x, bottom as i32)],
            style,
        ))
        .map_err(drawing)?;
        let pos = anchor(HPos::Center, VPos::Top);
        ctx.text(
            area,
            &tick_text(v, step),
            (x, (bottom + gap / 2.0) as i32),
            small,
            MUTED,
            pos,
        )?;
        v += step;
    }
    for (k, b) in bars.iter().enumerate() {
        let y0 = top + row * k as f64 + row * 0.15;
        let y1 = top + row * (k + 1) as f64 - row * 0.15;
        let rect = [
            (to_x(0.0), y0.round() as i32),
            (to_x(b.weight as f64), y1.round() as i32),
        ];
        area.draw(&Rectangle::new(rect, color.filled()))
            .map_err(drawing)?;
        let mid = ((y0 + y1) / 2.0).round() as i32;
        let word = ctx.fit(&b.word, word_size, label_w);
        let pos = anchor(HPos::Right, VPos::Center);
        let ink = if b.found { INK } else { MUTED };
        ctx.text(
            area,
            &word,
            (left as i32 - gap as i32, mid),
            word_size,
            ink,
            pos,
        )?;
        let pos = anchor(HPos::Left, VPos::Center);
        let value = format!("{:.2}", b.weight);
        ctx.text(
            area,
            &value,
            (to_x(b.weight as f64) + gap as i32 / 2, mid),
            small,
            MUTED,
            pos,
        )?;
    }
    let axis = ShapeStyle::from(&INK).stroke_width(1);
    area.draw(&PathElement::new(
        vec![(to_x(0.0), top as i32), (to_x(0.0), bottom as i32)],
        axis,
    ))
    .map_err(drawing)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_read_as_their_most_frequent_word() {
        let a = Analyzer::default();
        let stem = a.stems("الإرهاب")[0].clone();
        let pair = a.stems("مكافحة الإرهاب").join(" ");
        let mut words = SurfaceWords::new([stem.clone(), pair.clone()]);
        words.add_text(
            &a,
            "مكافحة الإرهاب واجب، والإرهاب خطر، الإرهاب عدو. مكافحة الإرهابِ",
        );
        assert_eq!(words.word(&stem), Some("الإرهاب"));
        assert_eq!(words.word(&pair), Some("مكافحة الإرهاب"));
        assert_eq!(words.word("غير"), None);
        assert!(words.add_known(&stem, "إرهاب", 9));
        assert_eq!(words.word(&stem), Some("إرهاب"));
        assert!(!words.add_known("غير", "غير", 1));
        assert_eq!(words.texts(), 1);
    }

    #[test]
    fn unknown_stems_are_marked_and_words_not_repeated() {
        let a = Analyzer::default();
        let s1 = a.stems("الإرهاب")[0].clone();
        let mut words = SurfaceWords::new([s1.clone()]);
        words.add_text(&a, "الإرهاب");
        let cands = vec![(
            Topic::CounterTerrorism,
            vec![(s1.clone(), 2.0), ("زززز".to_string(), 1.0), (s1, 0.5)],
        )];
        let t = TopTerms::new(cands, &words, 5, "test").unwrap();
        let bars = &t.panels[0].1;
        assert_eq!(bars.len(), 2);
        assert_eq!(bars[0].word, "الإرهاب");
        assert!(!bars[1].found && bars[1].word == "زززز*");
        let none = vec![(Topic::Narcotics, vec![])];
        assert!(TopTerms::new(none, &words, 5, "x").is_err());
    }
}
