//! Shared look of every plot: the colour-blind-safe Okabe–Ito palette, colour scales, font sizes
//! that follow the canvas, and text drawing that gets Arabic right in both outputs.
//!
//! Text goes through [`Ctx::label`]: for PNG it is shaped and put in visual order
//! ([`super::shape::shape_for_display`]) because the bitmap backend draws code points one by one;
//! for SVG it stays in logical order and the viewer shapes it ([`super::render`] sets the direction
//! of each `<text>`).

use super::font::{self, FAMILY};
use super::shape::shape_for_display;
use crate::corpus::{Label, Topic};
use crate::error::{Error, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontStyle, FontTransform};

/// Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
/// deficiency.
pub mod okabe_ito {
    use plotters::style::RGBColor;
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    pub const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
    pub const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
}

/// Text and lines.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text (subtitles, notes).
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Grid lines and frames.
pub const RULE: RGBColor = RGBColor(0xCC, 0xCC, 0xCC);

/// The colour of a primary label, the same in every plot.
pub fn label_color(label: Label) -> RGBColor {
    match label {
        Label::Topic(Topic::Cybersecurity) => okabe_ito::BLUE,
        Label::Topic(Topic::AviationSecurity) => okabe_ito::ORANGE,
        Label::Topic(Topic::CounterTerrorism) => okabe_ito::VERMILLION,
        Label::Topic(Topic::Narcotics) => okabe_ito::BLUISH_GREEN,
        Label::Other => okabe_ito::GREY,
    }
}

/// How a label reads in a legend: Arabic name and English name.
pub fn label_name(label: Label) -> String {
    format!("{} ({})", label.arabic(), label.as_str().replace('_', " "))
}

/// Mixes `c` with white: `amount` 0 keeps it, 1 gives white.
pub fn tint(c: RGBColor, amount: f64) -> RGBColor {
    let mix = |v: u8| (v as f64 + (255.0 - v as f64) * amount).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// Relative luminance in [0, 1], to pick black or white text on a coloured cell.
pub fn luminance(c: RGBColor) -> f64 {
    (0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64) / 255.0
}

/// Text colour readable on `background`.
pub fn ink_on(background: RGBColor) -> RGBColor {
    if luminance(background) < 0.5 {
        WHITE
    } else {
        INK
    }
}

fn interpolate(stops: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (stops.len() - 1) as f64;
    let i = (pos.floor() as usize).min(stops.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (stops[i], stops[i + 1]);
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Viridis (perceptually uniform, colour-blind safe, readable in greyscale), `t` in [0, 1].
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (0x44, 0x01, 0x54),
        (0x47, 0x2D, 0x7B),
        (0x3B, 0x52, 0x8B),
        (0x2C, 0x72, 0x8E),
        (0x21, 0x91, 0x8C),
        (0x28, 0xAE, 0x80),
        (0x5E, 0xC9, 0x62),
        (0xAD, 0xDC, 0x30),
        (0xFD, 0xE7, 0x25),
    ];
    interpolate(&STOPS, t)
}

/// A light-to-dark blue scale (ColorBrewer "Blues"), `t` in [0, 1].
pub fn blues(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 7] = [
        (0xF7, 0xFB, 0xFF),
        (0xDE, 0xEB, 0xF7),
        (0xC6, 0xDB, 0xEF),
        (0x9E, 0xCA, 0xE1),
        (0x6B, 0xAE, 0xD6),
        (0x31, 0x82, 0xBD),
        (0x08, 0x51, 0x9C),
    ];
    interpolate(&STOPS, t)
}

/// Output kind, which decides how text is prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextMode {
    /// Bitmap: shape Arabic and reorder to visual order before drawing.
    Png,
    /// SVG: keep logical order; the viewer shapes it.
    Svg,
}

/// Font sizes (plotters units, at scale 1) used across plots.
pub mod size {
    pub const TITLE: f64 = 30.0;
    pub const SUBTITLE: f64 = 19.0;
    pub const LABEL: f64 = 19.0;
    pub const SMALL: f64 = 16.0;
}

/// Drawing context: how to prepare text, and how big things are on this canvas.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub mode: TextMode,
    pub width: u32,
    pub height: u32,
    /// Multiplies font sizes, line widths and margins (1 on a canvas about 1200 × 900).
    pub scale: f64,
}

/// Horizontal and vertical anchor of a text.
pub fn anchor(h: HPos, v: VPos) -> Pos {
    Pos::new(h, v)
}

impl Ctx {
    pub fn new(mode: TextMode, (width, height): (u32, u32)) -> Ctx {
        let scale = ((width as f64 / 1200.0).min(height as f64 / 900.0)).clamp(0.45, 4.0);
        Ctx {
            mode,
            width,
            height,
            scale,
        }
    }

    /// A length scaled to the canvas.
    pub fn px(&self, v: f64) -> f64 {
        v * self.scale
    }

    /// A length scaled to the canvas, in whole pixels.
    pub fn ipx(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    /// The string to hand to plotters for `text`.
    pub fn label(&self, text: &str) -> String {
        match self.mode {
            TextMode::Png => font::drawable(&shape_for_display(text)),
            TextMode::Svg => text.to_string(),
        }
    }

    /// Width in pixels `text` takes at font size `size` (already scaled).
    pub fn width_of(&self, text: &str, size: f64) -> f64 {
        font::text_width(&font::drawable(&shape_for_display(text)), size)
    }

    /// `text` cut at a word (or character) boundary, with "…", to fit in `max` pixels.
    pub fn fit(&self, text: &str, size: f64, max: f64) -> String {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if self.width_of(&text, size) <= max {
            return text;
        }
        let chars: Vec<char> = text.chars().collect();
        let mut end = chars.len();
        while end > 0 {
            end -= 1;
            let mut cut = end;
            // Prefer cutting at a space when one is near.
            if let Some(space) = chars[..end].iter().rposition(|c| *c == ' ')
                && end - space < 12
            {
                cut = space;
            }
            let candidate: String = chars[..cut]
                .iter()
                .collect::<String>()
                .trim_end()
                .to_string();
            let candidate = format!("{candidate}…");
            if self.width_of(&candidate, size) <= max {
                return candidate;
            }
            end = cut;
        }
        "…".to_string()
    }

    /// `text` broken at spaces into at most `lines` lines of at most `max` pixels (the last one
    /// cut with "…" if needed).
    pub fn wrap(&self, text: &str, size: f64, max: f64, lines: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut current = String::new();
        for word in text.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if self.width_of(&candidate, size) <= max || current.is_empty() {
                current = candidate;
            } else {
                out.push(std::mem::replace(&mut current, word.to_string()));
            }
        }
        if !current.is_empty() {
            out.push(current);
        }
        if out.len() > lines {
            let rest = out.split_off(lines - 1).join(" ");
            out.push(rest);
        }
        out.into_iter().map(|l| self.fit(&l, size, max)).collect()
    }

    /// A text style of `size` (already scaled) and `color`, anchored at `pos`.
    pub fn style(&self, size: f64, color: RGBColor, pos: Pos) -> TextStyle<'static> {
        FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Normal)
            .color(&color)
            .pos(pos)
    }

    /// Draws `text` (logical order) at `(x, y)`.
    pub fn text<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
        text: &str,
        (x, y): (i32, i32),
        size: f64,
        color: RGBColor,
        pos: Pos,
    ) -> Result<()> {
        let style = self.style(size, color, pos);
        area.draw(&Text::new(
            self.label(text),
            (x, y + self.baseline_fix(size, pos)),
            style,
        ))
        .map_err(drawing)
    }

    /// Draws `text` turned a quarter to the left (reading bottom to top), centred on `(x, y)`.
    pub fn text_vertical<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
        text: &str,
        (x, y): (i32, i32),
        size: f64,
        color: RGBColor,
    ) -> Result<()> {
        let style = self
            .style(size, color, anchor(HPos::Center, VPos::Center))
            .transform(FontTransform::Rotate270);
        area.draw(&Text::new(self.label(text), (x, y), style))
            .map_err(drawing)
    }

    /// plotters' bitmap text sits about an eighth of the font size above the box it reports; SVG
    /// viewers place text by its own metrics. Lowering bitmap text keeps both aligned alike.
    fn baseline_fix(&self, size: f64, pos: Pos) -> i32 {
        match (self.mode, pos.v_pos) {
            (TextMode::Png, VPos::Top | VPos::Center) => (size * 0.12).round() as i32,
            _ => 0,
        }
    }

    /// Title (and optional subtitle) at the top centre; returns the y just below them.
    pub fn title<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
        title: &str,
        subtitle: &str,
    ) -> Result<i32> {
        let cx = self.width as i32 / 2;
        let mut y = self.ipx(18.0);
        let t = self.px(size::TITLE);
        let max = self.width as f64 - self.px(40.0);
        let title = self.fit(title, t, max);
        self.text(
            area,
            &title,
            (cx, y),
            t,
            INK,
            anchor(HPos::Center, VPos::Top),
        )?;
        y += (t * 1.15).round() as i32;
        let s = self.px(size::SUBTITLE);
        for line in self.wrap(subtitle, s, max, 2) {
            self.text(
                area,
                &line,
                (cx, y),
                s,
                MUTED,
                anchor(HPos::Center, VPos::Top),
            )?;
            y += (s * 1.3).round() as i32;
        }
        Ok(y + self.ipx(8.0))
    }

    /// The measures a whole-canvas figure lays itself out with, below `top` (where
    /// [`Ctx::title`] ended).
    pub fn frame(&self, top: i32) -> Frame {
        Frame {
            top: top as f64,
            w: self.width as f64,
            h: self.height as f64,
            margin: self.px(30.0),
            gap: self.px(10.0),
            label_size: self.px(size::LABEL),
            small: self.px(size::SMALL),
        }
    }
}

/// The common measures of a figure drawn on the whole canvas (see [`Ctx::frame`]), scaled.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Just below the title and subtitle.
    pub top: f64,
    /// Canvas width and height.
    pub w: f64,
    pub h: f64,
    pub margin: f64,
    pub gap: f64,
    /// Font sizes of axis labels and of small text.
    pub label_size: f64,
    pub small: f64,
}

/// One legend entry: a colour key and its text.
pub type Key = (RGBColor, String);

impl Ctx {
    fn key_width(&self, text: &str, size: f64) -> f64 {
        size + self.px(8.0) + self.width_of(text, size) + self.px(30.0)
    }

    /// How `keys` flow into rows no wider than `max`: the indices of each row.
    pub fn legend_rows(&self, keys: &[Key], size: f64, max: f64) -> Vec<Vec<usize>> {
        let mut rows: Vec<Vec<usize>> = Vec::new();
        let mut width = 0.0;
        for (i, (_, text)) in keys.iter().enumerate() {
            let w = self.key_width(text, size);
            match rows.last_mut() {
                Some(row) if width + w <= max => {
                    row.push(i);
                    width += w;
                }
                _ => {
                    rows.push(vec![i]);
                    width = w;
                }
            }
        }
        rows
    }

    /// Draws `keys` as coloured squares with text, in centred rows starting at `top`; returns
    /// the height used.
    pub fn legend<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
        keys: &[Key],
        size: f64,
        top: f64,
        max: f64,
    ) -> Result<f64> {
        let line = size * 1.7;
        let rows = self.legend_rows(keys, size, max);
        for (r, row) in rows.iter().enumerate() {
            let widths: Vec<f64> = row
                .iter()
                .map(|&i| self.key_width(&keys[i].1, size))
                .collect();
            let total: f64 = widths.iter().sum::<f64>() - self.px(30.0);
            let mut x = (self.width as f64 - total) / 2.0;
            let y = (top + line * (r as f64 + 0.5)).round() as i32;
            for (&i, w) in row.iter().zip(&widths) {
                let s = size.round() as i32;
                let xi = x.round() as i32;
                area.draw(&Rectangle::new(
                    [(xi, y - s / 2), (xi + s, y + s / 2)],
                    keys[i].0.filled(),
                ))
                .map_err(drawing)?;
                let pos = anchor(HPos::Left, VPos::Center);
                self.text(
                    area,
                    &keys[i].1,
                    (xi + s + self.ipx(8.0), y),
                    size,
                    INK,
                    pos,
                )?;
                x += w;
            }
        }
        Ok(line * rows.len() as f64)
    }
}

/// A plotters drawing error as an amn error.
pub fn drawing<E: std::fmt::Display>(e: E) -> Error {
    Error::Plot(format!("drawing failed: {e}"))
}

/// "Nice" tick step (1, 2 or 5 × 10^k) giving about `n` ticks over `span`.
pub fn nice_step(span: f64, n: usize) -> f64 {
    if span.is_nan() || span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let k = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    k * mag
}

/// A tick value printed without float noise.
pub fn tick_text(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    format!("{v:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_scales_run_dark_to_light() {
        assert!(luminance(viridis(0.0)) < luminance(viridis(0.5)));
        assert!(luminance(viridis(0.5)) < luminance(viridis(1.0)));
        assert!(luminance(blues(0.0)) > luminance(blues(1.0)));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        assert_eq!(ink_on(viridis(0.0)), WHITE);
        assert_eq!(ink_on(viridis(1.0)), INK);
    }

    #[test]
    fn every_label_has_its_own_colour() {
        for (i, a) in Label::ALL.iter().enumerate() {
            for b in &Label::ALL[i + 1..] {
                assert_ne!(label_color(*a), label_color(*b));
            }
        }
    }

    #[test]
    fn long_text_is_cut_to_fit() {
        let ctx = Ctx::new(TextMode::Png, (1200, 900));
        let long = "عقد فريق العمل الأمني المشترك بين وزارتي الداخلية في مملكة البحرين";
        let cut = ctx.fit(long, 20.0, 200.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(ctx.width_of(&cut, 20.0) <= 200.0);
        assert!(long.starts_with(cut.trim_end_matches('…').trim_end()));
        assert_eq!(ctx.fit("أمن", 20.0, 200.0), "أمن");
        let lines = ctx.wrap(long, 20.0, 250.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| ctx.width_of(l, 20.0) <= 250.0));
        assert!(lines[1].ends_with('…'));
        assert!(ctx.wrap("", 20.0, 250.0, 2).is_empty());
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_step(1.0, 5), 0.2);
        assert_eq!(nice_step(37.0, 5), 10.0);
        assert_eq!(tick_text(0.30000000000000004, 0.1), "0.3");
        assert_eq!(tick_text(20.0, 10.0), "20");
    }
}
