//! The properties the fuzz targets check, shared with `tests/fuzz_regressions.rs`, which runs
//! them on the kept inputs in a normal `cargo test`.

#![allow(dead_code)] // each fuzz target uses one of the checks

use amn::Document;
use amn::model::file::{decode, header};
use amn::text::analyzer::MAX_TERM_CHARS;
use amn::text::clean::{clean, clean_text};
use amn::text::stem::light_stem;
use amn::text::stopwords::is_stopword;
use amn::text::tokenize::{TokenKind, tokenize_span};
use amn::text::{Analyzer, StemmerKind, Term, html, language, normalize};
use std::path::Path;

/// Arbitrary bytes (as lossy UTF-8) through markup masking, cleaning, normalization, language
/// detection and both analyzers: ranges and spans inside the text on character boundaries and in
/// order, masking keeps the length, cleaning never grows text, normalization is idempotent, stems
/// are non-empty, and the light analyzer gives what its stages give one after the other.
pub fn analyzer(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;

    let masked = html::mask(text);
    assert_eq!(masked.len(), text.len());
    assert_eq!(html::mask(&masked), masked);

    let mut last = 0;
    for r in clean(text) {
        assert!(
            r.start >= last && r.start <= r.end && r.end <= text.len(),
            "{r:?}"
        );
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        last = r.end;
    }
    assert!(clean_text(text).len() <= text.len());

    let once = normalize(text);
    assert_eq!(normalize(&once), once);

    if let Some(d) = language::detect(text) {
        assert!(d.hits >= language::MIN_HITS && !d.warning().is_empty());
    }

    let kind = if data.first().is_some_and(|b| b & 1 == 1) {
        StemmerKind::Snowball
    } else {
        StemmerKind::Light
    };
    let mut last = 0;
    let terms = Analyzer::new(kind).analyze(text);
    for t in &terms {
        assert!(!t.stem.is_empty());
        assert!(t.span.start >= last && t.span.start < t.span.end && t.span.end <= text.len());
        assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
        last = t.span.end;
    }
    if kind == StemmerKind::Light {
        assert_eq!(terms, reference_terms(&masked));
    }
}

/// The light analyzer's terms as its stages, one after the other, give them (the analyzer does
/// them in one pass, with SIMD for Arabic words): the ranges `clean` keeps, their tokens, each
/// normalized, numbers, one-letter words, overlong words and stop words left out, then stemmed.
fn reference_terms(masked: &str) -> Vec<Term> {
    let mut terms = Vec::new();
    for range in clean(masked) {
        tokenize_span(masked, range, |t| {
            let folded = normalize(&masked[t.span.clone()]);
            let chars = folded.chars().count();
            if t.kind != TokenKind::Number
                && (2..=MAX_TERM_CHARS).contains(&chars)
                && !is_stopword(&folded)
            {
                terms.push(Term {
                    stem: light_stem(&folded).to_owned(),
                    span: t.span,
                });
            }
        });
    }
    terms
}

/// Arbitrary bytes as a model file. Two modes, chosen by the first byte:
/// - as they are (header, length and checksum checks must refuse them cleanly);
/// - `W` then a payload: wrapped in a valid header with the right length and CRC-32, so the
///   fuzzer reaches the payload decoder and the consistency checks; a model that loads must then
///   classify (and explain) a bulletin without panicking, with scores in [0, 1].
pub fn model_loader(data: &[u8]) {
    let path = Path::new("fuzz/model.amn");
    let bytes = match data.split_first() {
        Some((&b'W', payload)) => {
            let mut b = header(payload);
            b.extend_from_slice(payload);
            b
        }
        _ => data.to_vec(),
    };
    match decode(path, &bytes) {
        Ok(model) => {
            let doc = Document::new(
                "fuzz",
                "ضبطت شرطة المطار مروجا بحوزته أقراص الكبتاجون المخدرة بعد هجوم إلكتروني إرهابي",
            );
            if let Ok(c) = model.classify(&doc, true) {
                assert!(c.scores.0.iter().all(|s| (0.0..=1.0).contains(s)));
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("fuzz/model.amn: ") && !msg.contains('\n'),
                "{msg}"
            );
        }
    }
}
