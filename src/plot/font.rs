//! The font every plot uses: DejaVu Sans, shipped in `assets/` (Bitstream Vera / Arev licence,
//! `assets/DejaVuSans-LICENSE.txt`) and compiled into the binary, so pictures look the same on
//! every machine and never depend on system fonts. It has Arabic letters and the presentation
//! forms that [`super::shape`] produces.
//!
//! plotters (feature `ab_glyph`) draws with fonts registered from bytes; this module registers the
//! font once, measures text the way plotters does, and replaces characters the font lacks so no
//! label is ever drawn as empty boxes.

use crate::error::{Error, Result};
use ab_glyph::{Font, FontRef, ScaleFont};
use std::sync::OnceLock;

/// The font file, compiled in.
pub const FONT_BYTES: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// The family name plots use. It is also written into SVG files as a CSS font list: viewers with
/// DejaVu Sans draw the same glyphs as the PNG, others fall back to their sans-serif font.
pub const FAMILY: &str = "DejaVu Sans, sans-serif";

/// Drawn in place of a character the font has no glyph for.
const REPLACEMENT: char = '?';

fn font() -> Result<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
        .ok_or_else(|| {
            Error::Plot(
                "the embedded plot font (assets/DejaVuSans.ttf) is not a valid font file".into(),
            )
        })
}

/// Registers the font with plotters (once per process). Every plot calls this before drawing.
pub fn ensure_registered() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FAMILY, plotters::style::FontStyle::Normal, FONT_BYTES)
            .is_ok()
    });
    if ok {
        font().map(|_| ())
    } else {
        Err(Error::Plot(
            "cannot register the embedded plot font (assets/DejaVuSans.ttf) with plotters".into(),
        ))
    }
}

/// Whether the font has a glyph for `c`.
pub fn has_glyph(c: char) -> bool {
    font().is_ok_and(|f| f.glyph_id(c).0 != 0)
}

/// `text` with every character the font cannot draw replaced by `?`, and invisible formatting
/// characters (bidi controls, joiners) removed, so nothing is drawn as an empty box.
pub fn drawable(text: &str) -> String {
    text.chars()
        .filter(|&c| !is_invisible_format(c))
        .map(|c| {
            if c.is_whitespace() {
                ' '
            } else if has_glyph(c) {
                c
            } else {
                REPLACEMENT
            }
        })
        .collect()
}

fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    ) || (c.is_control() && !c.is_whitespace())
}

/// Width in pixels of `text` drawn at plotters font size `size`, as plotters lays it out.
pub fn text_width(text: &str, size: f64) -> f64 {
    let Ok(font) = font() else {
        return 0.0;
    };
    let scaled = font.as_scaled(size as f32);
    let mut width = 0.0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        width += scaled.h_advance(id);
        if let Some(p) = prev {
            width += scaled.kern(p, id);
        }
        prev = Some(id);
    }
    width as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::shape::shape_for_display;

    #[test]
    fn font_registers_and_covers_arabic_presentation_forms() {
        ensure_registered().unwrap();
        for word in [
            "الإرهاب",
            "مكافحة المخدرات",
            "أمن الطيران",
            "السيبراني",
            "لآ لأ لإ لا",
        ] {
            let shaped = shape_for_display(word);
            for c in shaped.chars().filter(|c| !c.is_whitespace()) {
                assert!(has_glyph(c), "no glyph for U+{:04X} in {word}", c as u32);
            }
        }
        for c in "cybersecurity 0123456789 ×—…%".chars() {
            assert!(has_glyph(c), "{c:?}");
        }
    }

    #[test]
    fn missing_glyphs_and_controls_are_replaced_not_drawn_as_boxes() {
        assert_eq!(drawable("a\u{200F}b\u{202B}c"), "abc");
        assert_eq!(drawable("x\u{4E2D}y"), "x?y");
        assert_eq!(drawable("a\tb"), "a b");
    }

    #[test]
    fn widths_grow_with_text_and_size() {
        let a = text_width("الإرهاب", 20.0);
        assert!(a > 20.0);
        assert!(text_width("الإرهاب الإرهاب", 20.0) > 2.0 * a);
        assert!(text_width("الإرهاب", 40.0) > 1.9 * a);
        assert_eq!(text_width("", 20.0), 0.0);
    }
}
