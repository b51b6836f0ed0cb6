//! Confusion matrix of an evaluation: true primary label by row, predicted by column, each cell
//! with its count and its share of the row (the colour), with recall per row.

use super::render::Figure;
use super::style::{Ctx, Frame, INK, MUTED, anchor, blues, drawing, ink_on, label_color};
use crate::corpus::{Label, N_LABELS};
use crate::error::{Error, Result};
use crate::model::EvalReport;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A confusion matrix ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfusionPlot {
    /// `counts[true][predicted]` in [`Label::ALL`] order.
    pub counts: [[usize; N_LABELS]; N_LABELS],
    pub subtitle: String,
}

impl ConfusionPlot {
    pub fn new(report: &EvalReport) -> Result<ConfusionPlot> {
        let how = if report.split == "date" {
            "trained on the earlier 70% by date, tested on the later 30%".to_string()
        } else {
            format!(
                "{}-fold cross-validation, seed {}",
                report.folds, report.seed
            )
        };
        let scores = format!(
            "accuracy {:.3}, macro-F1 {:.3}",
            report.primary_accuracy, report.primary_macro_f1
        );
        ConfusionPlot::from_counts(report.confusion, &format!("{how}; {scores}"))
    }

    /// From counts alone; `how` says how they were obtained.
    pub fn from_counts(counts: [[usize; N_LABELS]; N_LABELS], how: &str) -> Result<ConfusionPlot> {
        let total: usize = counts.iter().flatten().sum();
        if total == 0 {
            return Err(Error::Plot(
                "the evaluation has no predictions: no confusion matrix to plot".into(),
            ));
        }
        Ok(ConfusionPlot {
            counts,
            subtitle: format!("{total} labeled bulletins, {how}; colour: share of the row"),
        })
    }
}

impl Figure for ConfusionPlot {
    fn name(&self) -> &'static str {
        "confusion"
    }

    fn default_size(&self) -> (u32, u32) {
        (1400, 1150)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
        let top = ctx.title(
            root,
            "Confusion matrix of the primary label — مصفوفة الالتباس",
            &self.subtitle,
        )?;
        let Frame {
            top,
            w,
            h,
            margin,
            gap,
            label_size,
            small,
        } = ctx.frame(top);
        let name_w = Label::ALL
            .iter()
            .map(|l| {
                ctx.width_of(l.arabic(), label_size)
                    .max(ctx.width_of(&english(*l), small))
            })
            .fold(0.0, f64::max);
        let recall_w = ctx.width_of("recall 100%", small) + gap * 2.0;
        let axis_title = label_size * 1.6;
        let header_h = label_size * 1.3 + small * 1.4 + gap;
        let bottom_h = axis_title + gap;
        let left = margin + axis_title + name_w + gap * 2.0;
        let side = (w - left - recall_w - margin)
            .min(h - top - header_h - bottom_h - margin)
            .max(ctx.px(100.0));
        let x0 = left + ((w - left - recall_w - margin) - side).max(0.0) / 2.0;
        let y0 = top + header_h;
        let cell = side / N_LABELS as f64;
        let at = |i: usize, j: usize| {
            (
                (x0 + j as f64 * cell).round() as i32,
                (y0 + i as f64 * cell).round() as i32,
            )
        };
        let count_size = (cell * 0.22).min(ctx.px(26.0));
        let share_size = (cell * 0.14).min(small);
        for (i, row) in self.counts.iter().enumerate() {
            let support: usize = row.iter().sum();
            for (j, &c) in row.iter().enumerate() {
                let share = if support == 0 {
                    0.0
                } else {
                    c as f64 / support as f64
                };
                let color = blues(share);
                let (a, b) = (at(i, j), at(i + 1, j + 1));
                root.draw(&Rectangle::new([a, b], color.filled()))
                    .map_err(drawing)?;
                root.draw(&Rectangle::new(
                    [a, b],
                    ShapeStyle::from(&WHITE).stroke_width(2),
                ))
                .map_err(drawing)?;
                let ink = ink_on(color);
                let cx = (a.0 + b.0) / 2;
                let cy = (a.1 + b.1) / 2;
                let pos = anchor(HPos::Center, VPos::Bottom);
                ctx.text(
                    root,
                    &c.to_string(),
                    (cx, cy + (count_size * 0.25) as i32),
                    count_size,
                    ink,
                    pos,
                )?;
                if c > 0 {
                    let pos = anchor(HPos::Center, VPos::Top);
                    let text = format!("{:.0}%", share * 100.0);
                    ctx.text(
                        root,
                        &text,
                        (cx, cy + (count_size * 0.35) as i32),
                        share_size,
                        ink,
                        pos,
                    )?;
                }
            }
            // Row name and recall.
            let label = Label::ALL[i];
            let (a, b) = (at(i, 0), at(i + 1, 0));
            let cy = (a.1 + b.1) / 2;
            let key = (gap * 0.8).round() as i32;
            root.draw(&Rectangle::new(
                [(a.0 - key - 3, a.1 + 2), (a.0 - 3, b.1 - 2)],
                label_color(label).filled(),
            ))
            .map_err(drawing)?;
            let x = a.0 - key - gap as i32;
            let pos = anchor(HPos::Right, VPos::Bottom);
            ctx.text(
                root,
                label.arabic(),
                (x, cy + (label_size * 0.15) as i32),
                label_size,
                INK,
                pos,
            )?;
            let pos = anchor(HPos::Right, VPos::Top);
            ctx.text(
                root,
                &english(label),
                (x, cy + (label_size * 0.25) as i32),
                small,
                MUTED,
                pos,
            )?;
            let recall = if support == 0 {
                "no examples".to_string()
            } else {
                format!("recall {:.0}%", 100.0 * row[i] as f64 / support as f64)
            };
            let end = at(i, N_LABELS).0 + gap as i32;
            let pos = anchor(HPos::Left, VPos::Bottom);
            ctx.text(root, &recall, (end, cy), small, MUTED, pos)?;
            let pos = anchor(HPos::Left, VPos::Top);
            ctx.text(
                root,
                &format!("n = {support}"),
                (end, cy + 2),
                small,
                MUTED,
                pos,
            )?;
        }
        // Column names.
        for (j, label) in Label::ALL.into_iter().enumerate() {
            let (a, b) = (at(0, j), at(0, j + 1));
            let cx = (a.0 + b.0) / 2;
            let name = ctx.fit(label.arabic(), label_size, cell - gap);
            let pos = anchor(HPos::Center, VPos::Bottom);
            let y = y0 as i32 - (small * 1.4 + gap / 2.0) as i32;
            ctx.text(root, &name, (cx, y), label_size, INK, pos)?;
            let eng = ctx.fit(&english(label), small, cell - gap);
            ctx.text(
                root,
                &eng,
                (cx, y0 as i32 - (gap / 2.0) as i32),
                small,
                MUTED,
                pos,
            )?;
        }
        // Axis titles.
        let pos = anchor(HPos::Center, VPos::Top);
        let y = (y0 + side + gap) as i32;
        let cx = (x0 + side / 2.0) as i32;
        ctx.text(
            root,
            "predicted primary label — التصنيف المتوقع",
            (cx, y),
            label_size,
            INK,
            pos,
        )?;
        let x = (margin + label_size * 0.7) as i32;
        let cy = (y0 + side / 2.0) as i32;
        ctx.text_vertical(
            root,
            "true primary label — التصنيف الصحيح",
            (x, cy),
            label_size,
            INK,
        )?;
        Ok(())
    }
}

fn english(label: Label) -> String {
    label.as_str().replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_confusion_is_refused() {
        let e = ConfusionPlot::from_counts([[0; N_LABELS]; N_LABELS], "x").unwrap_err();
        assert!(e.to_string().contains("no predictions"), "{e}");
        let mut c = [[0; N_LABELS]; N_LABELS];
        c[0][0] = 3;
        c[4][0] = 1;
        let p = ConfusionPlot::from_counts(c, "5-fold").unwrap();
        assert!(
            p.subtitle.starts_with("4 labeled bulletins, 5-fold"),
            "{}",
            p.subtitle
        );
        let png = crate::plot::render::png_bytes(&p, (700, 600)).unwrap();
        assert!(png.len() > 1000);
    }
}
