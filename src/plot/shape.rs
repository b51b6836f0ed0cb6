//! Arabic shaping and bidi reordering for chart labels.
//!
//! The plot backend (plotters + ab_glyph with DejaVu Sans) draws a string
//! glyph by glyph, left to right, with no shaping and no bidi support. This
//! module turns a label in logical order (as typed / stored) into a string in
//! *visual* order made of pre-shaped glyphs, so that drawing it naively looks
//! right:
//!
//! 1. **Shaping** ([`shape_logical`]): every Arabic letter is replaced by its
//!    isolated / final / initial / medial presentation form, chosen from the
//!    joining types of its neighbours, using one table of
//!    `(base, isolated, final, initial, medial)`. Lam + alef (ا أ إ آ) become
//!    the obligatory lam-alef ligatures. Harakat and other Arabic combining
//!    marks are dropped (the font renders them poorly without a shaper), as
//!    are ZWJ/ZWNJ after they have influenced joining. Forms come from
//!    Arabic Presentation Forms-B (U+FE70–U+FEFF), plus a few Forms-A glyphs
//!    DejaVu Sans has (Persian پ چ ژ ک گ ی, and the initial/medial alef
//!    maksura, which Unicode classes as dual-joining).
//! 2. **Reordering** ([`shape_for_display`]): the shaped text is reordered to
//!    visual order with the `unicode-bidi` crate (a full UAX #9
//!    implementation), then characters at RTL levels are mirrored (rule L4,
//!    which that crate leaves to the caller) for ( ) [ ] { } < > « » ‹ ›.
//!    We use the crate rather than a hand-written "reverse the runs" routine
//!    because the weak-type rules are where hand-rolled versions go wrong:
//!    numbers with separators and signs ("0.85", "3.5%", "-12", "1,000"),
//!    Arabic-Indic digits, neutrals between runs of different direction, and
//!    LTR paragraphs that contain Arabic all come out right for free. (As in
//!    UAX #9 and every browser, a '%' after European digits in Arabic
//!    context lands on the number's left: "نسبة 3.5%" shows "%3.5".)
//!    Shaping is applied *before* reordering, because joining depends on
//!    logical order; presentation forms keep the Arabic-letter bidi class, so
//!    the reorder is unaffected by shaping.
//!
//! The paragraph direction follows the first strong character (rule P2/P3):
//! a label starting with Arabic is laid out right to left, one starting with
//! Latin left to right, with embedded runs of the other direction kept in
//! their own order. Each line (split on paragraph separators such as `\n`) is
//! handled independently.

use unicode_bidi::{BidiClass, BidiInfo};

/// One shaping entry: `(base, isolated, final, initial, medial)`.
///
/// A letter with `initial`/`medial` is dual-joining; one with only `final` is
/// right-joining (joins to the previous letter only); one with neither is
/// non-joining (hamza).
type Forms = (char, char, Option<char>, Option<char>, Option<char>);

#[rustfmt::skip]
const FORMS: &[Forms] = &[
    ('\u{0621}', '\u{FE80}', None,             None,             None),             // ء hamza
    ('\u{0622}', '\u{FE81}', Some('\u{FE82}'), None,             None),             // آ
    ('\u{0623}', '\u{FE83}', Some('\u{FE84}'), None,             None),             // أ
    ('\u{0624}', '\u{FE85}', Some('\u{FE86}'), None,             None),             // ؤ
    ('\u{0625}', '\u{FE87}', Some('\u{FE88}'), None,             None),             // إ
    ('\u{0626}', '\u{FE89}', Some('\u{FE8A}'), Some('\u{FE8B}'), Some('\u{FE8C}')), // ئ
    ('\u{0627}', '\u{FE8D}', Some('\u{FE8E}'), None,             None),             // ا
    ('\u{0628}', '\u{FE8F}', Some('\u{FE90}'), Some('\u{FE91}'), Some('\u{FE92}')), // ب
    ('\u{0629}', '\u{FE93}', Some('\u{FE94}'), None,             None),             // ة
    ('\u{062A}', '\u{FE95}', Some('\u{FE96}'), Some('\u{FE97}'), Some('\u{FE98}')), // ت
    ('\u{062B}', '\u{FE99}', Some('\u{FE9A}'), Some('\u{FE9B}'), Some('\u{FE9C}')), // ث
    ('\u{062C}', '\u{FE9D}', Some('\u{FE9E}'), Some('\u{FE9F}'), Some('\u{FEA0}')), // ج
    ('\u{062D}', '\u{FEA1}', Some('\u{FEA2}'), Some('\u{FEA3}'), Some('\u{FEA4}')), // ح
    ('\u{062E}', '\u{FEA5}', Some('\u{FEA6}'), Some('\u{FEA7}'), Some('\u{FEA8}')), // خ
    ('\u{062F}', '\u{FEA9}', Some('\u{FEAA}'), None,             None),             // د
    ('\u{0630}', '\u{FEAB}', Some('\u{FEAC}'), None,             None),             // ذ
    ('\u{0631}', '\u{FEAD}', Some('\u{FEAE}'), None,             None),             // ر
    ('\u{0632}', '\u{FEAF}', Some('\u{FEB0}'), None,             None),             // ز
    ('\u{0633}', '\u{FEB1}', Some('\u{FEB2}'), Some('\u{FEB3}'), Some('\u{FEB4}')), // س
    ('\u{0634}', '\u{FEB5}', Some('\u{FEB6}'), Some('\u{FEB7}'), Some('\u{FEB8}')), // ش
    ('\u{0635}', '\u{FEB9}', Some('\u{FEBA}'), Some('\u{FEBB}'), Some('\u{FEBC}')), // ص
    ('\u{0636}', '\u{FEBD}', Some('\u{FEBE}'), Some('\u{FEBF}'), Some('\u{FEC0}')), // ض
    ('\u{0637}', '\u{FEC1}', Some('\u{FEC2}'), Some('\u{FEC3}'), Some('\u{FEC4}')), // ط
    ('\u{0638}', '\u{FEC5}', Some('\u{FEC6}'), Some('\u{FEC7}'), Some('\u{FEC8}')), // ظ
    ('\u{0639}', '\u{FEC9}', Some('\u{FECA}'), Some('\u{FECB}'), Some('\u{FECC}')), // ع
    ('\u{063A}', '\u{FECD}', Some('\u{FECE}'), Some('\u{FECF}'), Some('\u{FED0}')), // غ
    ('\u{0640}', '\u{0640}', Some('\u{0640}'), Some('\u{0640}'), Some('\u{0640}')), // ـ tatweel
    ('\u{0641}', '\u{FED1}', Some('\u{FED2}'), Some('\u{FED3}'), Some('\u{FED4}')), // ف
    ('\u{0642}', '\u{FED5}', Some('\u{FED6}'), Some('\u{FED7}'), Some('\u{FED8}')), // ق
    ('\u{0643}', '\u{FED9}', Some('\u{FEDA}'), Some('\u{FEDB}'), Some('\u{FEDC}')), // ك
    ('\u{0644}', '\u{FEDD}', Some('\u{FEDE}'), Some('\u{FEDF}'), Some('\u{FEE0}')), // ل
    ('\u{0645}', '\u{FEE1}', Some('\u{FEE2}'), Some('\u{FEE3}'), Some('\u{FEE4}')), // م
    ('\u{0646}', '\u{FEE5}', Some('\u{FEE6}'), Some('\u{FEE7}'), Some('\u{FEE8}')), // ن
    ('\u{0647}', '\u{FEE9}', Some('\u{FEEA}'), Some('\u{FEEB}'), Some('\u{FEEC}')), // ه
    ('\u{0648}', '\u{FEED}', Some('\u{FEEE}'), None,             None),             // و
    ('\u{0649}', '\u{FEEF}', Some('\u{FEF0}'), Some('\u{FBE8}'), Some('\u{FBE9}')), // ى
    ('\u{064A}', '\u{FEF1}', Some('\u{FEF2}'), Some('\u{FEF3}'), Some('\u{FEF4}')), // ي
    // DejaVu Sans has no glyph for alef wasla (U+0671 / U+FB50): draw a plain alef.
    ('\u{0671}', '\u{FE8D}', Some('\u{FE8E}'), None,             None),             // ٱ
    ('\u{067E}', '\u{FB56}', Some('\u{FB57}'), Some('\u{FB58}'), Some('\u{FB59}')), // پ
    ('\u{0686}', '\u{FB7A}', Some('\u{FB7B}'), Some('\u{FB7C}'), Some('\u{FB7D}')), // چ
    ('\u{0698}', '\u{FB8A}', Some('\u{FB8B}'), None,             None),             // ژ
    ('\u{06A9}', '\u{FB8E}', Some('\u{FB8F}'), Some('\u{FB90}'), Some('\u{FB91}')), // ک
    ('\u{06AF}', '\u{FB92}', Some('\u{FB93}'), Some('\u{FB94}'), Some('\u{FB95}')), // گ
    ('\u{06CC}', '\u{FBFC}', Some('\u{FBFD}'), Some('\u{FBFE}'), Some('\u{FBFF}')), // ی
];

/// Lam-alef ligatures: `(alef variant following lam, isolated, final)`.
#[rustfmt::skip]
const LAM_ALEF: &[(char, char, char)] = &[
    ('\u{0622}', '\u{FEF5}', '\u{FEF6}'), // لآ
    ('\u{0623}', '\u{FEF7}', '\u{FEF8}'), // لأ
    ('\u{0625}', '\u{FEF9}', '\u{FEFA}'), // لإ
    ('\u{0627}', '\u{FEFB}', '\u{FEFC}'), // لا
];

const LAM: char = '\u{0644}';
const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

/// Bracket pairs mirrored inside right-to-left runs (bidi rule L4).
const MIRROR: &[(char, char)] = &[
    ('(', ')'),
    (')', '('),
    ('[', ']'),
    (']', '['),
    ('{', '}'),
    ('}', '{'),
    ('<', '>'),
    ('>', '<'),
    ('\u{00AB}', '\u{00BB}'), // « »
    ('\u{00BB}', '\u{00AB}'),
    ('\u{2039}', '\u{203A}'), // ‹ ›
    ('\u{203A}', '\u{2039}'),
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Joining {
    /// Does not join (Latin, digits, spaces, hamza, ZWNJ, unknown letters).
    None,
    /// Joins to the previous (right-hand) letter only.
    Right,
    /// Joins on both sides.
    Dual,
    /// Joins on both sides but is not drawn (ZWJ).
    Causing,
}

fn forms(c: char) -> Option<&'static Forms> {
    FORMS.iter().find(|f| f.0 == c)
}

fn joining(c: char) -> Joining {
    if c == ZWJ {
        return Joining::Causing;
    }
    match forms(c) {
        Some((_, _, _, Some(_), _)) => Joining::Dual,
        Some((_, _, Some(_), None, _)) => Joining::Right,
        _ => Joining::None,
    }
}

/// Whether `c`, placed before a letter, connects to it (joins on its left side).
fn joins_forward(c: char) -> bool {
    matches!(joining(c), Joining::Dual | Joining::Causing)
}

/// Whether `c`, placed after a letter, connects to it (joins on its right side).
fn joins_backward(c: char) -> bool {
    matches!(
        joining(c),
        Joining::Dual | Joining::Right | Joining::Causing
    )
}

/// Arabic combining marks (harakat, Quranic annotation signs, superscript
/// alef) that are dropped before shaping.
fn is_dropped_mark(c: char) -> bool {
    matches!(c,
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06ED}')
}

/// True if `text` contains any character from the Arabic script blocks
/// (Arabic, Arabic Supplement, Arabic Extended-A, Presentation Forms-A/B).
pub fn contains_arabic(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c,
            '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{0870}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}')
    })
}

/// Applies Arabic contextual shaping, keeping logical order.
///
/// Each Arabic letter is replaced by its presentation form; lam + alef pairs
/// become one ligature; Arabic combining marks, ZWJ and ZWNJ are removed.
/// Non-Arabic text passes through unchanged.
pub fn shape_logical(text: &str) -> String {
    if !contains_arabic(text) {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().filter(|&c| !is_dropped_mark(c)).collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev_joins = i > 0 && joins_forward(chars[i - 1]);

        if c == LAM
            && let Some(&(_, iso, fin)) = chars
                .get(i + 1)
                .and_then(|next| LAM_ALEF.iter().find(|l| l.0 == *next))
        {
            out.push(if prev_joins { fin } else { iso });
            i += 2;
            continue;
        }

        match forms(c) {
            Some(&(_, iso, fin, ini, med)) => {
                let next_joins = chars.get(i + 1).is_some_and(|&n| joins_backward(n));
                let shaped = match (prev_joins, next_joins, fin, ini, med) {
                    (true, true, _, _, Some(m)) => m,
                    (true, _, Some(f), _, _) => f,
                    (false, true, _, Some(s), _) => s,
                    _ => iso,
                };
                out.push(shaped);
            }
            None if c == ZWJ || c == ZWNJ => {}
            None => out.push(c),
        }
        i += 1;
    }
    out
}

fn mirror(c: char) -> char {
    MIRROR
        .iter()
        .find(|m| m.0 == c)
        .map_or(c, |&(_, mirrored)| mirrored)
}

/// Shapes `text` and reorders it into visual (left-to-right drawing) order.
///
/// The result is meant for renderers that draw code points one by one from
/// left to right without any shaping or bidi processing.
pub fn shape_for_display(text: &str) -> String {
    let shaped = shape_logical(text);
    let info = BidiInfo::new(&shaped, None);
    if !info.has_rtl() {
        return shaped;
    }
    let mut out = String::with_capacity(shaped.len());
    for para in &info.paragraphs {
        // Keep a trailing paragraph separator (e.g. '\n') out of the
        // reordered line, so that it stays at the end.
        let mut line = para.range.clone();
        let separator = shaped[line.clone()]
            .char_indices()
            .next_back()
            .filter(|&(i, _)| info.original_classes[line.start + i] == BidiClass::B)
            .map(|(_, c)| c);
        if let Some(sep) = separator {
            line.end -= sep.len_utf8();
        }
        if !line.is_empty() {
            let byte_levels = info.reordered_levels(para, line.clone());
            let (chars, levels): (Vec<char>, Vec<_>) = shaped[line.clone()]
                .char_indices()
                .map(|(i, c)| (c, byte_levels[line.start + i]))
                .unzip();
            for idx in BidiInfo::reorder_visual(&levels) {
                let c = chars[idx];
                out.push(if levels[idx].is_rtl() { mirror(c) } else { c });
            }
        }
        out.extend(separator);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cps(s: &str) -> Vec<u32> {
        s.chars().map(|c| c as u32).collect()
    }

    fn from_cps(v: &[u32]) -> String {
        v.iter().map(|&u| char::from_u32(u).unwrap()).collect()
    }

    fn reversed(v: &[u32]) -> Vec<u32> {
        v.iter().rev().copied().collect()
    }

    #[test]
    fn table_is_consistent() {
        for (i, f) in FORMS.iter().enumerate() {
            assert!(
                FORMS[..i].iter().all(|g| g.0 != f.0),
                "duplicate entry {:?}",
                f.0
            );
            // Dual-joining letters have all four forms.
            assert_eq!(f.3.is_some(), f.4.is_some(), "{:?}", f.0);
            if f.3.is_some() {
                assert!(f.2.is_some(), "{:?}", f.0);
            }
        }
        for l in LAM_ALEF {
            assert_eq!(joining(l.0), Joining::Right);
        }
    }

    #[test]
    fn shape_al_irhab() {
        // ا ل إ ر ه ا ب
        let logical = [0xFE8D, 0xFEF9, 0xFEAD, 0xFEEB, 0xFE8E, 0xFE8F];
        assert_eq!(cps(&shape_logical("الإرهاب")), logical);
        assert_eq!(cps(&shape_for_display("الإرهاب")), reversed(&logical));
    }

    #[test]
    fn shape_muhammad_all_positions() {
        // م initial, ح medial, م medial, د final
        let logical = [0xFEE3, 0xFEA4, 0xFEE4, 0xFEAA];
        assert_eq!(cps(&shape_logical("محمد")), logical);
        assert_eq!(cps(&shape_for_display("محمد")), reversed(&logical));
    }

    #[test]
    fn lam_alef_final_after_joining_letter() {
        // س initial, لا final ligature, م isolated (after alef)
        assert_eq!(cps(&shape_logical("سلام")), [0xFEB3, 0xFEFC, 0xFEE1]);
        assert_eq!(cps(&shape_for_display("سلام")), [0xFEE1, 0xFEFC, 0xFEB3]);
    }

    #[test]
    fn lam_alef_variants() {
        assert_eq!(cps(&shape_logical("لا")), [0xFEFB]);
        assert_eq!(cps(&shape_logical("لأ")), [0xFEF7]);
        assert_eq!(cps(&shape_logical("لإ")), [0xFEF9]);
        assert_eq!(cps(&shape_logical("لآ")), [0xFEF5]);
        // After a dual-joining letter: final forms.
        assert_eq!(cps(&shape_logical("بلا")), [0xFE91, 0xFEFC]);
        assert_eq!(cps(&shape_logical("بلأ")), [0xFE91, 0xFEF8]);
        assert_eq!(cps(&shape_logical("بلإ")), [0xFE91, 0xFEFA]);
        assert_eq!(cps(&shape_logical("بلآ")), [0xFE91, 0xFEF6]);
    }

    #[test]
    fn diacritics_are_dropped_without_breaking_joins() {
        assert_eq!(shape_logical("مُحَمَّد"), shape_logical("محمد"));
        assert_eq!(shape_logical("هٰذا"), shape_logical("هذا"));
        // A shadda between lam and alef must not prevent the ligature.
        assert_eq!(cps(&shape_logical("لّا")), [0xFEFB]);
    }

    #[test]
    fn right_joining_letters_break_the_word() {
        // و د ا ع: و iso, د iso (after و), ا iso (after د), ع iso.
        assert_eq!(
            cps(&shape_logical("وداع")),
            [0xFEED, 0xFEA9, 0xFE8D, 0xFEC9]
        );
        // ة and ى only ever seen word-final here.
        assert_eq!(
            cps(&shape_logical("مدرسة")),
            [0xFEE3, 0xFEAA, 0xFEAD, 0xFEB3, 0xFE94]
        );
        assert_eq!(cps(&shape_logical("على")), [0xFECB, 0xFEE0, 0xFEF0]);
        // Hamza is non-joining.
        assert_eq!(
            cps(&shape_logical("سماء")),
            [0xFEB3, 0xFEE4, 0xFE8E, 0xFE80]
        );
    }

    #[test]
    fn tatweel_and_zero_width_joiners() {
        // ب ـ ب: tatweel joins both sides and is kept.
        assert_eq!(cps(&shape_logical("بـب")), [0xFE91, 0x0640, 0xFE90]);
        // ZWNJ prevents joining and is removed.
        assert_eq!(cps(&shape_logical("ب\u{200C}ب")), [0xFE8F, 0xFE8F]);
        // ZWJ forces joining and is removed.
        assert_eq!(cps(&shape_logical("ب\u{200D}")), [0xFE91]);
    }

    #[test]
    fn mixed_arabic_with_number() {
        let text = "أمن الطيران 2024";
        let logical = [
            0xFE83, 0xFEE3, 0xFEE6, 0x20, // أمن
            0xFE8D, 0xFEDF, 0xFEC4, 0xFEF4, 0xFEAE, 0xFE8D, 0xFEE5, 0x20, // الطيران
            0x32, 0x30, 0x32, 0x34, // 2024
        ];
        assert_eq!(cps(&shape_logical(text)), logical);
        let visual = [
            0x32, 0x30, 0x32, 0x34, 0x20, // 2024 stays in order, leftmost
            0xFEE5, 0xFE8D, 0xFEAE, 0xFEF4, 0xFEC4, 0xFEDF, 0xFE8D, 0x20, // نارايطلا
            0xFEE6, 0xFEE3, 0xFE83, // نمأ
        ];
        assert_eq!(cps(&shape_for_display(text)), visual);
        assert!(shape_for_display(text).starts_with("2024 "));
    }

    #[test]
    fn decimals_and_percent_keep_their_order() {
        let out = shape_for_display("نسبة 3.5% و 0.85");
        assert!(out.starts_with("0.85 "), "{out:?}");
        // The digits of "3.5" stay in order. After Arabic letters, European
        // digits resolve to AN (UAX #9 W2), so the trailing '%' is a neutral
        // and lands on the number's left, as browsers and editors show it
        // ("%3.5", i.e. "3.5 percent" read right to left).
        assert!(out.contains(" %3.5 "), "{out:?}");
        // In a Latin (LTR) context the percent sign follows the number.
        assert_eq!(shape_for_display("rate 3.5% مرتفع").find("3.5%"), Some(5));
        // Arabic-Indic digits also stay left to right.
        let out = shape_for_display("عام ٢٠٢٤");
        assert!(out.starts_with("٢٠٢٤ "), "{out:?}");
    }

    #[test]
    fn latin_first_paragraph_is_ltr() {
        let text = "cybersecurity / الأمن السيبراني";
        let arabic_logical = [
            0xFE8D, 0xFEF7, 0xFEE3, 0xFEE6, 0x20, // الأمن
            0xFE8D, 0xFEDF, 0xFEB4, 0xFEF4, 0xFE92, 0xFEAE, 0xFE8D, 0xFEE7,
            0xFEF2, // السيبراني
        ];
        let mut expected = cps("cybersecurity / ");
        expected.extend(reversed(&arabic_logical));
        assert_eq!(cps(&shape_for_display(text)), expected);
    }

    #[test]
    fn latin_word_inside_arabic_keeps_order() {
        // RTL paragraph: the Latin word is one LTR run placed on the left.
        let out = shape_for_display("تقرير NIST السنوي");
        let expected = format!(
            "{} NIST {}",
            from_cps(&reversed(&cps(&shape_logical("السنوي")))),
            from_cps(&reversed(&cps(&shape_logical("تقرير")))),
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn brackets_are_mirrored_in_rtl() {
        let out = shape_for_display("(الأمن)");
        let inner = reversed(&cps(&shape_logical("الأمن")));
        let mut expected = vec!['(' as u32];
        expected.extend(inner);
        expected.push(')' as u32);
        assert_eq!(cps(&out), expected);

        let out = shape_for_display("«أمن» [1]");
        // Visual: "[1] «نمأ»" read left to right, brackets mirrored.
        assert!(out.starts_with("[1] «"), "{out:?}");
        assert!(out.ends_with('»'), "{out:?}");
    }

    #[test]
    fn pure_latin_is_unchanged() {
        for s in [
            "cybersecurity",
            "Threat (model) [v2] 0.85",
            "a < b > c",
            "  spaces  ",
        ] {
            assert_eq!(shape_for_display(s), s);
            assert_eq!(shape_logical(s), s);
        }
    }

    #[test]
    fn empty_string() {
        assert_eq!(shape_for_display(""), "");
        assert_eq!(shape_logical(""), "");
        assert!(!contains_arabic(""));
    }

    #[test]
    fn contains_arabic_detection() {
        assert!(contains_arabic("الإرهاب"));
        assert!(contains_arabic("NIST أمن"));
        assert!(contains_arabic("\u{FEFB}"));
        assert!(!contains_arabic("security 2024"));
        assert!(!contains_arabic("שלום"));
    }

    #[test]
    fn multiline_handled_per_line() {
        let out = shape_for_display("محمد\nabc");
        let expected = format!("{}\nabc", from_cps(&[0xFEAA, 0xFEE4, 0xFEA4, 0xFEE3]));
        assert_eq!(out, expected);
    }

    #[test]
    fn display_preserves_glyph_multiset() {
        let text = "تقرير (NIST) عن أمن الطيران 2024 - 3.5%";
        let shaped = shape_logical(text);
        let display = shape_for_display(text);
        let norm = |s: &str| {
            let mut v: Vec<char> = s.chars().map(|c| c.min(mirror(c))).collect();
            v.sort_unstable();
            v
        };
        assert_eq!(norm(&shaped), norm(&display));
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_input(s in any::<String>()) {
            let _ = shape_for_display(&s);
            let _ = shape_logical(&s);
            let _ = contains_arabic(&s);
        }

        #[test]
        fn never_panics_on_arabic_heavy_input(
            s in "[\u{0600}-\u{06FF}\u{200C}\u{200D}a-z0-9 .,%()\\[\\]«»\n\u{2029}\u{202B}\u{202E}\u{2067}\u{2069}-]{0,40}"
        ) {
            let display = shape_for_display(&s);
            let logical = shape_logical(&s);
            prop_assert_eq!(display.chars().count(), logical.chars().count());
        }
    }
}
