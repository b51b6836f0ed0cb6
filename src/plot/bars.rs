//! Topic distribution: bulletins per label, as the primary label and as any of the topics that
//! apply (a bulletin can have several), with the counts written on the bars.

use super::bulletins::{Bulletin, require};
use super::render::Figure;
use super::style::{
    Ctx, Frame, INK, MUTED, RULE, anchor, drawing, label_color, nice_step, tick_text, tint,
};
use crate::corpus::{Label, N_LABELS};
use crate::error::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Counts per label.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicBars {
    /// Bulletins whose primary label is each label ([`Label::ALL`] order).
    pub primary: [usize; N_LABELS],
    /// Bulletins each label applies to at all; for `other`, bulletins with no topic.
    pub any: [usize; N_LABELS],
    pub total: usize,
    pub subtitle: String,
}

impl TopicBars {
    pub fn new(items: &[&Bulletin], about: &str) -> Result<TopicBars> {
        require(items, 1, "topic distribution")?;
        let mut primary = [0; N_LABELS];
        let mut any = [0; N_LABELS];
        for b in items {
            primary[b.primary.index()] += 1;
            for t in &b.topics {
                any[t.index()] += 1;
            }
            if b.topics.is_empty() {
                any[Label::Other.index()] += 1;
            }
        }
        Ok(TopicBars {
            primary,
            any,
            total: items.len(),
            subtitle: about.to_string(),
        })
    }
}

impl Figure for TopicBars {
    fn name(&self) -> &'static str {
        "topics"
    }

    fn default_size(&self) -> (u32, u32) {
        (1500, 950)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
        let top = ctx.title(
            root,
            "Bulletins per topic — النشرات حسب الموضوع",
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

        // Legend row.
        let sw = ctx.px(20.0);
        let legend_y = (top + sw / 2.0).round() as i32;
        let entries = [
            ("primary label (one per bulletin)", false),
            ("any topic that applies (a bulletin can have several)", true),
        ];
        let widths: Vec<f64> = entries
            .iter()
            .map(|(t, _)| sw + gap + ctx.width_of(t, small) + gap * 4.0)
            .collect();
        let mut x = (w - widths.iter().sum::<f64>()) / 2.0;
        for ((text, light), width) in entries.iter().zip(&widths) {
            let xi = x.round() as i32;
            let s = sw.round() as i32;
            let rect = [(xi, legend_y - s / 2), (xi + s, legend_y + s / 2)];
            swatch(root, rect, INK, *light)?;
            let pos = anchor(HPos::Left, VPos::Center);
            ctx.text(root, text, (xi + s + gap as i32, legend_y), small, INK, pos)?;
            x += width;
        }

        // Plot box.
        let max = self
            .primary
            .iter()
            .chain(&self.any)
            .copied()
            .max()
            .unwrap_or(1)
            .max(1);
        let step = nice_step(max as f64 * 1.1, 5).max(1.0);
        let y_max = ((max as f64 * 1.12) / step).ceil() * step;
        let tick_w = ctx.width_of(&tick_text(y_max, step), small);
        let left = margin + label_size * 1.6 + tick_w + gap;
        let right = w - margin;
        let plot_top = top + sw + gap * 3.0 + small * 1.5;
        let bottom = h - margin - label_size * 1.3 - small * 1.5 - gap;
        let to_y = |v: f64| (bottom - (bottom - plot_top) * v / y_max).round() as i32;

        // Grid and ticks.
        let mut v = 0.0;
        while v <= y_max + 1e-9 {
            let y = to_y(v);
            let style = ShapeStyle::from(&RULE).stroke_width(1);
            root.draw(&PathElement::new(
                vec![(left as i32, y), (right as i32, y)],
                style,
            ))
            .map_err(drawing)?;
            let pos = anchor(HPos::Right, VPos::Center);
            ctx.text(
                root,
                &tick_text(v, step),
                (left as i32 - gap as i32, y),
                small,
                MUTED,
                pos,
            )?;
            v += step;
        }
        let mid = ((plot_top + bottom) / 2.0) as i32;
        let axis_x = (margin + label_size * 0.6) as i32;
        ctx.text_vertical(root, "bulletins", (axis_x, mid), label_size, INK)?;

        // Bars.
        let slot = (right - left) / N_LABELS as f64;
        let bar = slot * 0.3;
        for label in Label::ALL {
            let k = label.index();
            let x0 = left + slot * k as f64 + slot * 0.5;
            let color = label_color(label);
            let bars: Vec<(f64, usize, bool)> = if label == Label::Other {
                vec![(x0 - bar / 2.0, self.primary[k], false)]
            } else {
                vec![
                    (x0 - bar - gap / 4.0, self.primary[k], false),
                    (x0 + gap / 4.0, self.any[k], true),
                ]
            };
            for (bx, count, light) in bars {
                let rect = [
                    (bx.round() as i32, to_y(count as f64)),
                    ((bx + bar).round() as i32, to_y(0.0)),
                ];
                swatch(root, rect, color, light)?;
                let share = 100.0 * count as f64 / self.total.max(1) as f64;
                let text = format!("{count} ({share:.0}%)");
                let size = if ctx.width_of(&text, label_size) < bar * 1.6 {
                    label_size
                } else {
                    small
                };
                let pos = anchor(HPos::Center, VPos::Bottom);
                let at = (
                    (bx + bar / 2.0).round() as i32,
                    to_y(count as f64) - gap as i32 / 2,
                );
                ctx.text(root, &text, at, size, INK, pos)?;
            }
            let name = ctx.fit(label.arabic(), label_size, slot - gap);
            let y = (bottom + gap) as i32;
            let pos = anchor(HPos::Center, VPos::Top);
            ctx.text(root, &name, (x0 as i32, y), label_size, INK, pos)?;
            let english = if label == Label::Other {
                "other (no topic)".to_string()
            } else {
                label.as_str().replace('_', " ")
            };
            let y2 = y + (label_size * 1.3) as i32;
            ctx.text(root, &english, (x0 as i32, y2), small, MUTED, pos)?;
        }
        let axis = ShapeStyle::from(&INK).stroke_width(ctx.ipx(1.5).max(1) as u32);
        root.draw(&PathElement::new(
            vec![(left as i32, to_y(0.0)), (right as i32, to_y(0.0))],
            axis,
        ))
        .map_err(drawing)?;
        Ok(())
    }
}

/// A bar or legend key: solid, or light with a solid outline.
fn swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rect: [(i32, i32); 2],
    color: RGBColor,
    light: bool,
) -> Result<()> {
    if light {
        area.draw(&Rectangle::new(rect, tint(color, 0.6).filled()))
            .map_err(drawing)?;
        area.draw(&Rectangle::new(rect, color.stroke_width(2)))
            .map_err(drawing)
    } else {
        area.draw(&Rectangle::new(rect, color.filled()))
            .map_err(drawing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Topic;
    use crate::plot::bulletins::tests::bulletin;

    #[test]
    fn counts_primary_and_any_topic() {
        let nar = Label::Topic(Topic::Narcotics);
        let mut a = bulletin("a", nar, &[(1, 1.0)]);
        a.topics.push(Topic::Cybersecurity);
        let b = bulletin("b", Label::Other, &[(1, 1.0)]);
        let bars = TopicBars::new(&[&a, &b], "2 bulletins").unwrap();
        assert_eq!(bars.primary, [0, 0, 0, 1, 1]);
        assert_eq!(bars.any, [1, 0, 0, 1, 1]);
        assert!(TopicBars::new(&[], "none").is_err());
    }
}
