//! Similarity heatmap: cosine similarity between bulletins, rows and columns grouped by primary
//! label (and by cluster within a label when clusters are given) so related bulletins form
//! blocks. Rows carry short titles; columns the same numbers as the rows.

use super::bulletins::{Bulletin, cosine, require};
use super::render::Figure;
use super::style::{
    Ctx, INK, Key, MUTED, RULE, anchor, drawing, ink_on, label_color, label_name, nice_step, size,
    tick_text, viridis,
};
use crate::corpus::Label;
use crate::error::Result;
use crate::vector::SparseVec;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Most bulletins a heatmap shows (cells and labels stay readable).
pub const MAX_BULLETINS: usize = 100;
/// Up to this many bulletins, each cell shows its value.
const MAX_VALUES: usize = 16;
/// Share of the off-diagonal values below the top of the colour scale.
const SCALE_QUANTILE: f32 = 0.97;
/// Diagonal cells (a bulletin with itself).
const DIAGONAL: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

/// A similarity matrix ready to draw.
#[derive(Debug, Clone)]
pub struct Heatmap {
    /// Labels (titles or ids) in display order.
    pub labels: Vec<String>,
    pub ids: Vec<String>,
    pub groups: Vec<Label>,
    /// Cluster of each row, when ordered by clusters.
    pub clusters: Option<Vec<usize>>,
    /// `sim[i][j]` in display order.
    pub sim: Vec<Vec<f32>>,
    /// Upper end of the colour scale (largest off-diagonal value, rounded up).
    pub vmax: f32,
    pub subtitle: String,
}

impl Heatmap {
    /// Builds the matrix of `items`, ordered by primary label, then by cluster (when
    /// `clusters[i]` gives one per item), then by closeness to the group's centre.
    /// `about` says what the bulletins are (e.g. "5 input bulletins").
    pub fn new(items: &[&Bulletin], clusters: Option<&[usize]>, about: &str) -> Result<Heatmap> {
        require(items, 2, "similarity heatmap")?;
        if items.len() > MAX_BULLETINS {
            return Err(crate::Error::Plot(format!(
                "{} bulletins are too many for a readable heatmap (at most {MAX_BULLETINS}); sample them",
                items.len()
            )));
        }
        let order = display_order(items, clusters);
        let cluster = |i: usize| clusters.and_then(|c| c.get(i).copied()).unwrap_or(0);
        let sim: Vec<Vec<f32>> = order
            .iter()
            .map(|&i| {
                order
                    .iter()
                    .map(|&j| cosine(&items[i].row, &items[j].row))
                    .collect()
            })
            .collect();
        let mut off: Vec<f32> = (0..sim.len())
            .flat_map(|i| (0..sim.len()).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| sim[i][j])
            .collect();
        off.sort_by(f32::total_cmp);
        // The scale ends at the 97th percentile: a few near-duplicates must not flatten the rest.
        let top = off[((off.len() - 1) as f32 * SCALE_QUANTILE).round() as usize];
        let vmax = ((top / 0.05).ceil() * 0.05).clamp(0.1, 1.0);
        let ordering = if clusters.is_some() {
            "ordered by primary label, then cluster"
        } else {
            "ordered by primary label"
        };
        Ok(Heatmap {
            labels: order
                .iter()
                .map(|&i| items[i].label().to_string())
                .collect(),
            ids: order.iter().map(|&i| items[i].id.clone()).collect(),
            groups: order.iter().map(|&i| items[i].primary).collect(),
            clusters: clusters.map(|_| order.iter().map(|&i| cluster(i)).collect()),
            sim,
            vmax,
            subtitle: format!(
                "{about}; cosine of TF-IDF vectors, {ordering}; diagonal (self) in grey"
            ),
        })
    }

    fn len(&self) -> usize {
        self.labels.len()
    }
}

/// Group by label, then cluster, then by similarity to the group's mean (most central first).
fn display_order(items: &[&Bulletin], clusters: Option<&[usize]>) -> Vec<usize> {
    let cluster = |i: usize| clusters.and_then(|c| c.get(i).copied()).unwrap_or(0);
    let mut centre: Vec<(Label, usize, SparseVec)> = Vec::new();
    for (i, b) in items.iter().enumerate() {
        let key = (b.primary, cluster(i));
        match centre.iter_mut().find(|c| (c.0, c.1) == key) {
            Some(c) => c.2 = add(&c.2, &b.row),
            None => centre.push((key.0, key.1, b.row.clone())),
        }
    }
    let closeness = |i: usize| {
        let key = (items[i].primary, cluster(i));
        centre
            .iter()
            .find(|c| (c.0, c.1) == key)
            .map_or(0.0, |c| cosine(&c.2, &items[i].row))
    };
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        (items[a].primary.index(), cluster(a))
            .cmp(&(items[b].primary.index(), cluster(b)))
            .then(closeness(b).total_cmp(&closeness(a)))
            .then(items[a].id.cmp(&items[b].id))
    });
    order
}

fn add(a: &SparseVec, b: &SparseVec) -> SparseVec {
    let mut pairs: Vec<(u32, f32)> = a.iter().collect();
    for (i, v) in b.iter() {
        match pairs.binary_search_by_key(&i, |p| p.0) {
            Ok(k) => pairs[k].1 += v,
            Err(k) => pairs.insert(k, (i, v)),
        }
    }
    SparseVec::from_pairs(pairs)
}

impl Figure for Heatmap {
    fn name(&self) -> &'static str {
        "heatmap"
    }

    fn default_size(&self) -> (u32, u32) {
        if self.len() <= 12 {
            (1500, 1000)
        } else {
            (1700, 1500)
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
        let n = self.len();
        let (w, h) = (ctx.width as f64, ctx.height as f64);
        let margin = ctx.px(28.0);
        let top = ctx.title(
            root,
            "Similarity between bulletins — التشابه بين النشرات",
            &self.subtitle,
        )? as f64;

        // Space around the grid.
        let keys: Vec<Key> = Label::ALL
            .into_iter()
            .filter(|l| self.groups.contains(l))
            .map(|l| {
                let count = self.groups.iter().filter(|&&g| g == l).count();
                (label_color(l), format!("{} · {count}", label_name(l)))
            })
            .collect();
        let legend_size = ctx.px(size::SMALL);
        let rows = ctx.legend_rows(&keys, legend_size, w - 2.0 * margin).len();
        let legend_h = legend_size * 1.7 * rows as f64 + ctx.px(16.0);
        let number_size = ctx.px(size::SMALL);
        let strip = ctx.px(14.0);
        let gap = ctx.px(8.0);
        let header_h = number_size * 1.4 + strip + gap * 2.0;
        let number_w = ctx.width_of(&n.to_string(), number_size) + gap;
        let bar_w = ctx.px(24.0);
        let tick_w = ctx.width_of("0.00", ctx.px(size::SMALL));
        let right_w = gap * 3.0 + bar_w + gap + tick_w + ctx.px(size::LABEL) * 1.6;
        let min_label_w = ctx.px(160.0);
        let side_h = h - top - header_h - legend_h - margin;
        let side_w = w - 2.0 * margin - min_label_w - number_w - strip - gap * 2.0 - right_w;
        let side = side_h.min(side_w).max(ctx.px(60.0));
        let cell = side / n as f64;
        let label_size = ctx.px(size::LABEL).min(cell * 0.7);
        let wanted = self
            .labels
            .iter()
            .map(|l| ctx.width_of(l, label_size))
            .fold(0.0, f64::max);
        let label_w = (w - 2.0 * margin - side - number_w - strip - gap * 2.0 - right_w)
            .min(wanted)
            .max(min_label_w.min(wanted));
        let total_w = label_w + gap + number_w + strip + gap + side + right_w;
        let x0 = ((w - total_w) / 2.0).max(margin) + label_w + gap + number_w + strip + gap;
        let y0 = top + header_h;
        let xy = |i: usize, j: usize| -> (i32, i32) {
            (
                (x0 + j as f64 * cell).round() as i32,
                (y0 + i as f64 * cell).round() as i32,
            )
        };

        // Cells.
        for i in 0..n {
            for j in 0..n {
                let color = if i == j {
                    DIAGONAL
                } else {
                    viridis((self.sim[i][j] / self.vmax) as f64)
                };
                let (a, b) = (xy(i, j), xy(i + 1, j + 1));
                root.draw(&Rectangle::new([a, b], color.filled()))
                    .map_err(drawing)?;
            }
        }
        // Values.
        let value_size = (cell * 0.26).min(ctx.px(size::LABEL));
        if n <= MAX_VALUES && value_size >= 9.0 {
            for i in 0..n {
                for j in (0..n).filter(|&j| j != i) {
                    let v = self.sim[i][j];
                    let color = ink_on(viridis((v / self.vmax) as f64));
                    let (a, b) = (xy(i, j), xy(i + 1, j + 1));
                    let c = ((a.0 + b.0) / 2, (a.1 + b.1) / 2);
                    let pos = anchor(HPos::Center, VPos::Center);
                    ctx.text(root, &format!("{v:.2}"), c, value_size, color, pos)?;
                }
            }
        }
        // Lines between groups (thick) and between clusters within a group (thin).
        let thick = ShapeStyle::from(&WHITE).stroke_width(ctx.ipx(3.0).max(2) as u32);
        let thin = ShapeStyle::from(&WHITE.mix(0.8)).stroke_width(1);
        for k in 1..n {
            let new_cluster = self.clusters.as_ref().is_some_and(|c| c[k] != c[k - 1]);
            let line = if self.groups[k] != self.groups[k - 1] {
                Some(thick)
            } else if new_cluster {
                Some(thin)
            } else {
                None
            };
            if let Some(line) = line {
                let (a, b) = (xy(k, 0), xy(k, n));
                root.draw(&PathElement::new(vec![a, b], line))
                    .map_err(drawing)?;
                let (a, b) = (xy(0, k), xy(n, k));
                root.draw(&PathElement::new(vec![a, b], line))
                    .map_err(drawing)?;
            }
        }

        // Topic strips, numbers and row labels.
        let strip_i = strip.round() as i32;
        let gap_i = gap.round() as i32;
        let every = (n as f64 * number_size * 1.6 / side).ceil().max(1.0) as usize;
        for k in 0..n {
            let color = label_color(self.groups[k]).filled();
            let (cx, cy) = xy(k, k);
            let next = xy(k + 1, k + 1);
            root.draw(&Rectangle::new(
                [
                    (x0 as i32 - gap_i - strip_i, cy),
                    (x0 as i32 - gap_i, next.1),
                ],
                color,
            ))
            .map_err(drawing)?;
            root.draw(&Rectangle::new(
                [
                    (cx, y0 as i32 - gap_i - strip_i),
                    (next.0, y0 as i32 - gap_i),
                ],
                color,
            ))
            .map_err(drawing)?;
            let mid_y = (cy + next.1) / 2;
            let mid_x = (cx + next.0) / 2;
            if k % every == 0 || k + 1 == n {
                let number = (k + 1).to_string();
                let y_num = y0 as i32 - 2 * gap_i - strip_i;
                let pos = anchor(HPos::Center, VPos::Bottom);
                ctx.text(root, &number, (mid_x, y_num), number_size, MUTED, pos)?;
            }
            let nx = x0 as i32 - 2 * gap_i - strip_i;
            let pos = anchor(HPos::Right, VPos::Center);
            let num_size = number_size.min(cell * 0.7);
            ctx.text(
                root,
                &(k + 1).to_string(),
                (nx, mid_y),
                num_size,
                MUTED,
                pos,
            )?;
            let lx = nx - number_w.round() as i32;
            let label = ctx.fit(&self.labels[k], label_size, label_w);
            ctx.text(root, &label, (lx, mid_y), label_size, INK, pos)?;
        }
        let frame = ShapeStyle::from(&RULE).stroke_width(1);
        root.draw(&Rectangle::new([xy(0, 0), xy(n, n)], frame))
            .map_err(drawing)?;

        // Colour bar.
        let bx = (x0 + side + gap * 3.0).round() as i32;
        let bw = bar_w.round() as i32;
        let steps = 120;
        for s in 0..steps {
            let t0 = s as f64 / steps as f64;
            let ya = (y0 + side * (1.0 - (s + 1) as f64 / steps as f64)).floor() as i32;
            let yb = (y0 + side * (1.0 - t0)).ceil() as i32;
            root.draw(&Rectangle::new(
                [(bx, ya), (bx + bw, yb)],
                viridis(t0 + 0.5 / steps as f64).filled(),
            ))
            .map_err(drawing)?;
        }
        root.draw(&Rectangle::new(
            [(bx, y0 as i32), (bx + bw, (y0 + side) as i32)],
            ShapeStyle::from(&INK).stroke_width(1),
        ))
        .map_err(drawing)?;
        let step = nice_step(self.vmax as f64, 5);
        let tick_size = ctx.px(size::SMALL);
        let mut v = 0.0;
        while v <= self.vmax as f64 + 1e-9 {
            let y = (y0 + side * (1.0 - v / self.vmax as f64)).round() as i32;
            root.draw(&PathElement::new(
                vec![(bx + bw, y), (bx + bw + gap_i, y)],
                ShapeStyle::from(&INK).stroke_width(1),
            ))
            .map_err(drawing)?;
            let text = tick_text(v, step);
            let pos = anchor(HPos::Left, VPos::Center);
            ctx.text(root, &text, (bx + bw + gap_i + 2, y), tick_size, INK, pos)?;
            v += step;
        }
        let title_x = (bx as f64 + bar_w + gap * 2.0 + tick_w + ctx.px(size::LABEL) * 0.8) as i32;
        let clipped = (0..n).any(|i| (0..n).any(|j| i != j && self.sim[i][j] > self.vmax));
        let caption = if clipped {
            format!("cosine similarity (≥ {:.2} in yellow)", self.vmax)
        } else {
            "cosine similarity".to_string()
        };
        let mid = (y0 + side / 2.0) as i32;
        ctx.text_vertical(root, &caption, (title_x, mid), ctx.px(size::LABEL), INK)?;

        // Legend of the strips.
        ctx.legend(root, &keys, legend_size, y0 + side + gap, w - 2.0 * margin)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Topic;
    use crate::plot::bulletins::tests::bulletin;

    #[test]
    fn rows_are_grouped_by_label_and_the_scale_fits_the_values() {
        let nar = Label::Topic(Topic::Narcotics);
        let cyb = Label::Topic(Topic::Cybersecurity);
        let items = [
            bulletin("a", nar, &[(1, 1.0), (2, 1.0)]),
            bulletin("b", cyb, &[(3, 1.0)]),
            bulletin("c", nar, &[(1, 1.0)]),
            bulletin("d", cyb, &[(3, 1.0), (4, 0.2)]),
        ];
        let refs: Vec<&Bulletin> = items.iter().collect();
        let h = Heatmap::new(&refs, None, "4 bulletins").unwrap();
        assert_eq!(h.groups, [cyb, cyb, nar, nar]);
        assert!((h.sim[0][0] - 1.0).abs() < 1e-6);
        assert!(h.sim[0][2].abs() < 1e-6);
        assert!(h.vmax >= h.sim[0][1] && h.vmax <= 1.0);
        let one = [&items[0]];
        let e = Heatmap::new(&one, None, "1").unwrap_err().to_string();
        assert!(e.contains("needs at least 2"), "{e}");
    }
}
