//! Turning a figure into files: PNG (bitmap backend, encoded with the `png` crate) and SVG (with
//! right-to-left text marked for the viewer). Files are written atomically, and only after the
//! whole picture is drawn, so an error never leaves a half-drawn picture behind.

use super::font;
use super::style::{Ctx, TextMode, drawing};
use crate::error::{Error, Result};
use crate::model::file::write_atomically;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use unicode_bidi::{BidiClass, bidi_class};

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Png,
    Svg,
    Both,
}

impl Format {
    fn modes(self) -> &'static [TextMode] {
        match self {
            Format::Png => &[TextMode::Png],
            Format::Svg => &[TextMode::Svg],
            Format::Both => &[TextMode::Png, TextMode::Svg],
        }
    }
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        match s {
            "png" => Ok(Format::Png),
            "svg" => Ok(Format::Svg),
            "both" => Ok(Format::Both),
            _ => Err(Error::Invalid(format!(
                "unknown plot format {s:?} (png, svg or both)"
            ))),
        }
    }
}

/// Smallest and largest canvas accepted (pixels per side).
pub const MIN_SIDE: u32 = 300;
pub const MAX_SIDE: u32 = 8000;

/// Something that can be drawn on a canvas.
pub trait Figure {
    /// File name without extension (`heatmap`, `map`...).
    fn name(&self) -> &'static str;
    /// Canvas size when none is asked for.
    fn default_size(&self) -> (u32, u32);
    /// Draws the whole figure on `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()>;
}

fn check_size((w, h): (u32, u32)) -> Result<()> {
    if (MIN_SIDE..=MAX_SIDE).contains(&w) && (MIN_SIDE..=MAX_SIDE).contains(&h) {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "plot size {w}x{h} is out of range: each side must be in {MIN_SIDE}..={MAX_SIDE} pixels"
        )))
    }
}

/// The figure as PNG file bytes.
pub fn png_bytes<F: Figure>(fig: &F, size: (u32, u32)) -> Result<Vec<u8>> {
    check_size(size)?;
    font::ensure_registered()?;
    let (w, h) = size;
    let mut rgb = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        fig.draw(&root, &Ctx::new(TextMode::Png, size))?;
        root.present().map_err(drawing)?;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    let mut writer = encoder
        .write_header()
        .map_err(|e| Error::Plot(format!("encoding PNG: {e}")))?;
    writer
        .write_image_data(&rgb)
        .map_err(|e| Error::Plot(format!("encoding PNG: {e}")))?;
    writer
        .finish()
        .map_err(|e| Error::Plot(format!("encoding PNG: {e}")))?;
    Ok(out)
}

/// The figure as an SVG document.
pub fn svg_string<F: Figure>(fig: &F, size: (u32, u32)) -> Result<String> {
    check_size(size)?;
    font::ensure_registered()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        fig.draw(&root, &Ctx::new(TextMode::Svg, size))?;
        root.present().map_err(drawing)?;
    }
    Ok(mark_rtl_text(&svg))
}

/// Draws `fig` and writes `DIR/NAME.png` and/or `DIR/NAME.svg`; returns the files written.
pub fn save<F: Figure>(
    fig: &F,
    dir: &Path,
    format: Format,
    size: Option<(u32, u32)>,
) -> Result<Vec<PathBuf>> {
    let size = size.unwrap_or_else(|| fig.default_size());
    // Draw everything first: a failure must not leave a broken file.
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for mode in format.modes() {
        let (ext, bytes) = match mode {
            TextMode::Png => ("png", png_bytes(fig, size)?),
            TextMode::Svg => ("svg", svg_string(fig, size)?.into_bytes()),
        };
        files.push((dir.join(format!("{}.{ext}", fig.name())), bytes));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    for (path, bytes) in files {
        write_atomically(&path, &[&bytes])?;
        written.push(path);
    }
    Ok(written)
}

/// Direction of a text by its first strong character (UAX #9 rules P2–P3).
fn is_rtl(text: &str) -> bool {
    text.chars()
        .map(bidi_class)
        .find(|c| matches!(c, BidiClass::L | BidiClass::R | BidiClass::AL))
        .is_some_and(|c| c != BidiClass::L)
}

/// Marks each `<text>` whose content starts right to left with `direction="rtl"`, so the viewer
/// lays it out as Arabic (numbers and Latin words placed as in the PNG). In right-to-left text,
/// SVG's `text-anchor` "start" is the right end, so start and end are swapped to keep the text on
/// the side of its anchor that plotters chose.
pub fn mark_rtl_text(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() + 1024);
    let mut rest = svg;
    while let Some(start) = rest.find("<text ") {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let (Some(open_end), Some(close)) = (rest.find('>'), rest.find("</text>")) else {
            break;
        };
        if open_end > close {
            break;
        }
        let open = &rest[..open_end];
        let content = &rest[open_end + 1..close];
        if is_rtl(content) && !open.contains("direction=") {
            let swapped = if open.contains("text-anchor=\"start\"") {
                open.replacen("text-anchor=\"start\"", "text-anchor=\"end\"", 1)
            } else {
                open.replacen("text-anchor=\"end\"", "text-anchor=\"start\"", 1)
            };
            out.push_str(&swapped);
            out.push_str(" direction=\"rtl\" unicode-bidi=\"embed\"");
        } else {
            out.push_str(open);
        }
        out.push('>');
        out.push_str(content.trim_end_matches('\n'));
        out.push_str("</text>");
        rest = &rest[close + "</text>".len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtl_text_gets_direction_and_swapped_anchor() {
        let svg = "<svg>\n<text x=\"1\" text-anchor=\"end\" font-size=\"3\">\nالأمن 2024\n</text>\n\
                   <text x=\"2\" text-anchor=\"start\">\nNIST الأمن\n</text>\n\
                   <text x=\"3\" text-anchor=\"middle\">\n2024 أمن\n</text>\n</svg>";
        let out = mark_rtl_text(svg);
        assert!(
            out.contains(
                "<text x=\"1\" text-anchor=\"start\" font-size=\"3\" direction=\"rtl\" unicode-bidi=\"embed\">\nالأمن 2024</text>"
            ),
            "{out}"
        );
        assert!(
            out.contains("<text x=\"2\" text-anchor=\"start\">\nNIST الأمن</text>"),
            "{out}"
        );
        assert!(
            out.contains("text-anchor=\"middle\" direction=\"rtl\""),
            "{out}"
        );
        assert!(out.starts_with("<svg>\n") && out.ends_with("\n</svg>"));
        roxmltree::Document::parse(&out).unwrap();
    }

    /// One label in the middle of a small canvas.
    struct OneLabel(&'static str);

    impl Figure for OneLabel {
        fn name(&self) -> &'static str {
            "label"
        }
        fn default_size(&self) -> (u32, u32) {
            (400, 300)
        }
        fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx) -> Result<()> {
            use plotters::style::text_anchor::{HPos, VPos};
            let pos = crate::plot::style::anchor(HPos::Center, VPos::Center);
            ctx.text(root, self.0, (200, 150), 40.0, BLACK, pos)
        }
    }

    fn pixels(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn a_shaped_arabic_label_renders_as_ink() {
        let (w, h, rgb) = pixels(&png_bytes(&OneLabel("مكافحة الإرهاب"), (400, 300)).unwrap());
        assert_eq!((w, h), (400, 300));
        let dark = rgb.chunks(3).filter(|p| p.iter().all(|&c| c < 128)).count();
        assert!(dark > 300, "only {dark} dark pixels");
        // Ink stays around the centre: nothing drawn in the corners.
        let at = |x: usize, y: usize| &rgb[(y * 400 + x) * 3..(y * 400 + x) * 3 + 3];
        assert_eq!(at(5, 5), [255, 255, 255]);
        // What is drawn is the shaped text: joined forms differ from isolated letters.
        let shaped = png_bytes(&OneLabel("الإرهاب"), (400, 300)).unwrap();
        let isolated = png_bytes(&OneLabel("ا ل إ ر ه ا ب"), (400, 300)).unwrap();
        assert_ne!(pixels(&shaped).2, pixels(&isolated).2);
    }

    #[test]
    fn svg_keeps_logical_order_and_marks_direction() {
        let svg = svg_string(&OneLabel("مكافحة الإرهاب 2024"), (400, 300)).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("width"), Some("400"));
        assert_eq!(root.attribute("height"), Some("300"));
        let text = root.descendants().find(|n| n.has_tag_name("text")).unwrap();
        assert_eq!(text.text().unwrap().trim(), "مكافحة الإرهاب 2024");
        assert_eq!(text.attribute("direction"), Some("rtl"));
    }

    #[test]
    fn sizes_out_of_range_are_refused() {
        assert!(png_bytes(&OneLabel("x"), (10, 300)).is_err());
        assert!(svg_string(&OneLabel("x"), (400, 90_000)).is_err());
    }

    #[test]
    fn formats_parse() {
        assert_eq!("both".parse::<Format>().unwrap(), Format::Both);
        assert!("gif".parse::<Format>().is_err());
    }
}
