//! Archive map: bulletins as points in two dimensions, coloured (and shaped) by primary label,
//! with cluster centres when clusters are given.
//!
//! The sparse TF-IDF rows are never densified over the vocabulary: each row is first reduced by a
//! very sparse random projection (every term adds ±1/√4 to four of 128 coordinates, chosen by a
//! hash of its id; Achlioptas / Li et al.), which keeps inner products on average, and the
//! reduced n × 128 matrix goes through PCA (linfa-reduction) to two components.

use super::bulletins::{Bulletin, require};
use super::render::Figure;
use super::style::{Ctx, INK, MUTED, RULE, anchor, drawing, label_color, label_name, size};
use crate::corpus::Label;
use crate::error::{Error, Result};
use crate::vector::SparseVec;
use linfa::DatasetBase;
use linfa::traits::{Fit, Predict};
use linfa_reduction::Pca;
use ndarray::{Array2, Axis};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Dimensions of the random projection before PCA.
pub const PROJECTION_DIMS: usize = 128;
/// Coordinates each term contributes to.
const PER_TERM: usize = 4;
/// Most points drawn (a larger archive is sampled).
pub const MAX_POINTS: usize = 5000;
const LEGEND_TITLE: &str = "primary label — التصنيف الرئيسي";
/// Up to this many points, each is titled on the map.
const MAX_NAMED: usize = 12;

/// Reduces a sparse row to [`PROJECTION_DIMS`] numbers (same `seed`, same projection).
pub fn project(row: &SparseVec, seed: u64) -> Vec<f64> {
    let mut out = vec![0.0; PROJECTION_DIMS];
    let scale = 1.0 / (PER_TERM as f64).sqrt();
    for (term, value) in row.iter() {
        for k in 0..PER_TERM as u64 {
            let h = splitmix64(seed ^ (u64::from(term) * PER_TERM as u64 + k));
            let sign = if h >> 63 == 0 { 1.0 } else { -1.0 };
            out[(h % PROJECTION_DIMS as u64) as usize] += sign * scale * value as f64;
        }
    }
    out
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A cluster centre to mark: its mean row in TF-IDF space, a tag drawn on the map (`C1`) and a
/// description for the legend (size, distinctive words).
#[derive(Debug, Clone, PartialEq)]
pub struct Centre {
    pub row: SparseVec,
    pub tag: String,
    pub about: String,
}

/// Most clusters described in the legend.
const MAX_CLUSTER_LINES: usize = 12;

/// Points ready to draw.
#[derive(Debug, Clone)]
pub struct ArchiveMap {
    pub points: Vec<(f64, f64)>,
    pub groups: Vec<Label>,
    pub names: Vec<String>,
    pub centres: Vec<(f64, f64)>,
    /// Tag and description of each centre.
    pub centre_names: Vec<(String, String)>,
    /// Share of the (projected) variance along each axis.
    pub explained: (f64, f64),
    pub subtitle: String,
}

impl ArchiveMap {
    /// Projects `items` (at least 3) and the cluster `centres` (rows in the same TF-IDF space;
    /// may be empty). `about` says what the bulletins are.
    pub fn new(
        items: &[&Bulletin],
        centres: &[Centre],
        about: &str,
        seed: u64,
    ) -> Result<ArchiveMap> {
        require(items, 3, "archive map")?;
        if items.len() > MAX_POINTS {
            return Err(Error::Plot(format!(
                "{} bulletins are too many for the map (at most {MAX_POINTS}); sample them",
                items.len()
            )));
        }
        if items.iter().all(|b| b.row.is_empty()) {
            return Err(Error::Plot(
                "none of the bulletins has a word the model knows: nothing to place on a map"
                    .into(),
            ));
        }
        let n = items.len();
        let mut x = Array2::<f64>::zeros((n, PROJECTION_DIMS));
        for (i, b) in items.iter().enumerate() {
            for (j, v) in project(&b.row, seed).into_iter().enumerate() {
                x[[i, j]] = v;
            }
        }
        let pca = Pca::params(2)
            .fit(&DatasetBase::from(x.clone()))
            .map_err(|e| Error::Plot(format!("PCA of {n} bulletins failed: {e}")))?;
        let y: Array2<f64> = pca.predict(&x);
        let total: f64 = x.var_axis(Axis(0), 0.0).sum();
        let var = y.var_axis(Axis(0), 0.0);
        let share = |k: usize| if total > 0.0 { var[k] / total } else { 0.0 };
        let centre_names = centres
            .iter()
            .map(|c| (c.tag.clone(), c.about.clone()))
            .collect();
        let centres = if centres.is_empty() {
            Vec::new()
        } else {
            let mut c = Array2::<f64>::zeros((centres.len(), PROJECTION_DIMS));
            for (i, centre) in centres.iter().enumerate() {
                for (j, v) in project(&centre.row, seed).into_iter().enumerate() {
                    c[[i, j]] = v;
                }
            }
            let p: Array2<f64> = pca.predict(&c);
            p.rows().into_iter().map(|r| (r[0], r[1])).collect()
        };
        let points: Vec<(f64, f64)> = y.rows().into_iter().map(|r| (r[0], r[1])).collect();
        if points.iter().any(|p| !p.0.is_finite() || !p.1.is_finite()) {
            return Err(Error::Plot("PCA gave non-finite coordinates".into()));
        }
        Ok(ArchiveMap {
            points,
            groups: items.iter().map(|b| b.primary).collect(),
            names: items.iter().map(|b| b.label().to_string()).collect(),
            centres,
            centre_names,
            explained: (share(0), share(1)),
            subtitle: format!(
                "{about}; PCA of TF-IDF vectors (after a sparse random projection to {PROJECTION_DIMS} dimensions)"
            ),
        })
    }
}

/// The marker of a label: shape and colour both tell labels apart.
fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: Label,
    (x, y): (i32, i32),
    r: i32,
    alpha: f64,
) -> Result<()> {
    let color = label_color(label);
    let fill = color.mix(alpha).filled();
    let edge = color.stroke_width(1);
    let polygon = |pts: Vec<(i32, i32)>| -> Result<()> {
        area.draw(&Polygon::new(pts.clone(), fill))
            .map_err(drawing)?;
        let mut closed = pts;
        closed.push(closed[0]);
        area.draw(&PathElement::new(closed, edge)).map_err(drawing)
    };
    match label {
        Label::Other => area
            .draw(&Circle::new(
                (x, y),
                (r * 3 / 4).max(2),
                color.stroke_width(2),
            ))
            .map_err(drawing),
        Label::Topic(t) => match t.index() {
            0 => {
                area.draw(&Circle::new((x, y), r, fill)).map_err(drawing)?;
                area.draw(&Circle::new((x, y), r, edge)).map_err(drawing)
            }
            1 => {
                let r = r + r / 4;
                polygon(vec![
                    (x, y - r),
                    (x + r, y + r * 3 / 4),
                    (x - r, y + r * 3 / 4),
                ])
            }
            2 => {
                let r = r * 7 / 8;
                polygon(vec![
                    (x - r, y - r),
                    (x + r, y - r),
                    (x + r, y + r),
                    (x - r, y + r),
                ])
            }
            _ => {
                let r = r + r / 4;
                polygon(vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)])
            }
        },
    }
}

fn centre_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    r: i32,
    width: u32,
) -> Result<()> {
    for (color, w) in [(WHITE, width + 4), (INK, width)] {
        let style = ShapeStyle::from(&color).stroke_width(w);
        area.draw(&PathElement::new(
            vec![(x - r, y - r), (x + r, y + r)],
            style,
        ))
        .map_err(drawing)?;
        area.draw(&PathElement::new(
            vec![(x - r, y + r), (x + r, y - r)],
            style,
        ))
        .map_err(drawing)?;
    }
    Ok(())
}

/// A tick label without "-0.00".
fn axis_number(v: &f64) -> String {
    let s = format!("{v:.2}");
    if s == "-0.00" { "0.00".into() } else { s }
}

fn padded(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let span = (hi - lo).max(1e-6);
    (lo - span * 0.06)..(hi + span * 0.06)
}

impl Figure for ArchiveMap {
    fn name(&self) -> &'static str {
        "map"
    }

    fn default_size(&self) -> (u32, u32) {
        (1600, 1100)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
        let top = ctx.title(root, "Archive map — خريطة الأرشيف", &self.subtitle)?;
        let margin = ctx.px(28.0);
        let gap = ctx.px(10.0);
        let legend_size = ctx.px(size::LABEL);
        let n = self.points.len();

        // Legend entries: labels present, most frequent first.
        let mut present: Vec<(Label, usize)> = Label::ALL
            .into_iter()
            .map(|l| (l, self.groups.iter().filter(|&&g| g == l).count()))
            .filter(|&(_, c)| c > 0)
            .collect();
        present.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let entries: Vec<String> = present
            .iter()
            .map(|&(l, c)| format!("{} · {c}", label_name(l)))
            .collect();
        let mut clusters: Vec<String> = self
            .centre_names
            .iter()
            .take(MAX_CLUSTER_LINES)
            .map(|(tag, about)| format!("{tag} · {about}"))
            .collect();
        if self.centre_names.len() > MAX_CLUSTER_LINES {
            clusters.push(format!(
                "… {} more",
                self.centre_names.len() - MAX_CLUSTER_LINES
            ));
        }
        let r = if n <= 50 {
            ctx.ipx(9.0)
        } else if n <= 600 {
            ctx.ipx(6.0)
        } else {
            ctx.ipx(4.0)
        }
        .max(3);
        let key_r = ctx.ipx(9.0).max(4);
        let small = ctx.px(size::SMALL);
        let text_w = entries
            .iter()
            .map(|e| ctx.width_of(e, legend_size) + key_r as f64 * 2.0 + gap)
            .chain(clusters.iter().map(|c| ctx.width_of(c, small)))
            .fold(ctx.width_of(LEGEND_TITLE, legend_size), f64::max);
        let legend_w = (text_w + gap * 3.0 + margin).min(ctx.width as f64 * 0.4);

        // The chart.
        let chart_w = ctx.width as f64 - legend_w;
        let (plot, legend) = root.split_horizontally(chart_w.round() as u32);
        let plot = plot.margin(top, margin as i32, margin as i32, gap as i32);
        let (xs, ys): (Vec<f64>, Vec<f64>) =
            self.points.iter().chain(&self.centres).copied().unzip();
        let (x_lo, x_hi) = xs
            .iter()
            .fold((f64::MAX, f64::MIN), |a, &v| (a.0.min(v), a.1.max(v)));
        let (y_lo, y_hi) = ys
            .iter()
            .fold((f64::MAX, f64::MIN), |a, &v| (a.0.min(v), a.1.max(v)));
        let tick = ctx.px(size::SMALL);
        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(tick * 3.6)
            .y_label_area_size(tick * 5.0)
            .build_cartesian_2d(padded(x_lo, x_hi), padded(y_lo, y_hi))
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .x_desc(format!(
                "first principal component ({:.0}% of the variance)",
                self.explained.0 * 100.0
            ))
            .y_desc(format!(
                "second principal component ({:.0}%)",
                self.explained.1 * 100.0
            ))
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&axis_number)
            .y_label_formatter(&axis_number)
            .label_style(ctx.style(tick, MUTED, anchor(HPos::Center, VPos::Center)))
            .axis_desc_style(ctx.style(
                ctx.px(size::LABEL),
                INK,
                anchor(HPos::Center, VPos::Center),
            ))
            .light_line_style(RGBColor(0xF2, 0xF2, 0xF2))
            .bold_line_style(RULE)
            .axis_style(MUTED)
            .draw()
            .map_err(drawing)?;

        // Points: `other` underneath, rarer labels on top.
        let alpha = if n <= 200 { 0.85 } else { 0.6 };
        for (label, _) in present.iter().rev() {
            for (p, g) in self.points.iter().zip(&self.groups) {
                if g == label {
                    let at = chart.backend_coord(p);
                    marker(root, *label, at, r, alpha)?;
                }
            }
        }
        if n <= MAX_NAMED {
            // Names point away from the nearer side, so they stay inside the chart.
            let name_size = ctx.px(size::SMALL);
            let (left_x, right_x) = (
                chart.backend_coord(&(x_lo, y_lo)).0,
                chart.backend_coord(&(x_hi, y_lo)).0,
            );
            let mid = (left_x + right_x) / 2;
            for (p, name) in self.points.iter().zip(&self.names) {
                let (x, y) = chart.backend_coord(p);
                let short = ctx.fit(name, name_size, ctx.px(280.0));
                let (at, h) = if x > mid {
                    ((x - r - 6, y), HPos::Right)
                } else {
                    ((x + r + 6, y), HPos::Left)
                };
                ctx.text(root, &short, at, name_size, INK, anchor(h, VPos::Center))?;
            }
        }
        let cr = ctx.ipx(10.0);
        for c in &self.centres {
            centre_marker(root, chart.backend_coord(c), cr, ctx.ipx(3.0).max(2) as u32)?;
        }
        for (c, (tag, _)) in self.centres.iter().zip(&self.centre_names) {
            let at = chart.backend_coord(c);
            // A light box keeps the tag readable over the points.
            let (x, y) = (at.0 + cr + 2, at.1 - cr / 2);
            let w = ctx.width_of(tag, small).round() as i32;
            let h = (small * 1.05).round() as i32;
            root.draw(&Rectangle::new(
                [(x - 2, y - h), (x + w + 2, y + 2)],
                WHITE.mix(0.85).filled(),
            ))
            .map_err(drawing)?;
            ctx.text(
                root,
                tag,
                (x, y),
                small,
                INK,
                anchor(HPos::Left, VPos::Bottom),
            )?;
        }

        // Legend: labels, then clusters.
        let line_h = (legend_size * 1.8).round() as i32;
        let small_h = (small * 1.6).round() as i32;
        let mut block_h = line_h * (entries.len() as i32 + 1);
        if !clusters.is_empty() {
            block_h += line_h * 2 + small_h * clusters.len() as i32;
        }
        let mut y = ((ctx.height as i32 - block_h) / 2).max(top);
        let x0 = (gap * 3.0) as i32;
        let text_max = legend_w - gap * 3.0 - margin / 2.0;
        let pos = anchor(HPos::Left, VPos::Center);
        ctx.text(&legend, LEGEND_TITLE, (x0, y), legend_size, INK, pos)?;
        for (&(label, _), entry) in present.iter().zip(&entries) {
            y += line_h;
            marker(&legend, label, (x0 + key_r, y), key_r, 0.85)?;
            let at = (x0 + 2 * key_r + gap as i32, y);
            ctx.text(&legend, entry, at, legend_size, INK, pos)?;
        }
        if !clusters.is_empty() {
            y += line_h * 2;
            centre_marker(&legend, (x0 + key_r, y), key_r, ctx.ipx(3.0).max(2) as u32)?;
            let at = (x0 + 2 * key_r + gap as i32, y);
            ctx.text(
                &legend,
                "k-means clusters (size · words)",
                at,
                legend_size,
                INK,
                pos,
            )?;
            y += line_h / 2;
            for line in &clusters {
                y += small_h;
                let line = ctx.fit(line, small, text_max);
                ctx.text(&legend, &line, (x0, y), small, INK, pos)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Topic;
    use crate::plot::bulletins::tests::bulletin;

    #[test]
    fn projection_keeps_similar_rows_close() {
        let a = SparseVec::from_pairs(vec![(1, 0.6), (7, 0.8)]);
        let b = SparseVec::from_pairs(vec![(1, 0.6), (7, 0.7), (9, 0.1)]);
        let c = SparseVec::from_pairs(vec![(100, 0.8), (200, 0.6)]);
        let (pa, pb, pc) = (project(&a, 3), project(&b, 3), project(&c, 3));
        let d = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| (p - q).powi(2)).sum::<f64>();
        assert!(d(&pa, &pb) < d(&pa, &pc));
        assert_eq!(pa, project(&a, 3));
        // Norms are kept on average (each term spreads over PER_TERM coordinates).
        let n: f64 = pa.iter().map(|v| v * v).sum();
        assert!((0.3..3.0).contains(&n), "{n}");
    }

    #[test]
    fn map_separates_two_topics() {
        let nar = Label::Topic(Topic::Narcotics);
        let cyb = Label::Topic(Topic::Cybersecurity);
        let mut items = Vec::new();
        for i in 0..6u32 {
            items.push(bulletin(&format!("n{i}"), nar, &[(1, 1.0), (2 + i, 0.3)]));
            items.push(bulletin(&format!("c{i}"), cyb, &[(50, 1.0), (60 + i, 0.3)]));
        }
        let refs: Vec<&Bulletin> = items.iter().collect();
        let centre = Centre {
            row: SparseVec::from_pairs(vec![(1, 1.0)]),
            tag: "C1".into(),
            about: "6 · مخدرات".into(),
        };
        let m = ArchiveMap::new(&refs, &[centre], "12", 7).unwrap();
        let xs = |l: Label| -> Vec<f64> {
            m.points
                .iter()
                .zip(&m.groups)
                .filter(|p| *p.1 == l)
                .map(|p| p.0.0)
                .collect()
        };
        let (a, b) = (xs(nar), xs(cyb));
        let separated =
            a.iter().all(|x| b.iter().all(|y| x < y)) || a.iter().all(|x| b.iter().all(|y| x > y));
        assert!(separated, "{a:?} {b:?}");
        assert!(m.explained.0 > 0.5, "{:?}", m.explained);
        assert_eq!(m.centres.len(), 1);
        let e = ArchiveMap::new(&refs[..2], &[], "2", 7).unwrap_err();
        assert!(e.to_string().contains("needs at least 3"), "{e}");
    }
}
