//! Property tests over hostile text (issue 8): cleaning never grows text, terms stay inside their
//! source, and a model trained on the seeds gives finite scores in [0, 1], the same twice.
//! (Normalization idempotence and raw-token bounds are property-tested beside the code, in
//! `src/text/normalize.rs` and `src/text/tokenize.rs`; markup masking in `src/text/html.rs`.)

use amn::corpus::open_input;
use amn::text::clean::{clean, clean_text};
use amn::text::{Analyzer, StemmerKind, html};
use amn::{Document, Error, Model, TrainSettings};
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

/// Arabic letters and marks, presentation forms, Persian letters, Latin, digits, punctuation,
/// markup and template pieces, newlines: what scrapes and PDF extractions are made of.
fn scraped() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[\u{0621}-\u{064A}]{1,8}",
            1 => "[\u{064B}-\u{0652}\u{0640}\u{200C}-\u{200F}\u{FEFF}]",
            1 => "[\u{FE80}-\u{FEFC}\u{FB50}-\u{FBB1}]{1,4}",
            1 => "[پچژگکیہےںھ]{1,3}",
            1 => "[a-zA-Z0-9٠-٩]{1,6}",
            2 => "[ \n\r\t،.:«»]",
            1 => prop::sample::select(vec![
                "<p>", "</p>", "<script>", "</script>", "<!--", "-->", "&nbsp;", "&#1575;",
                "&quot;", "{{ x }}", "{%", "مشاركة :", "<div class=\"a\">", "\u{FFFD}",
            ])
            .prop_map(String::from),
            1 => "\\PC{1,3}",
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

fn seed_model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let docs: Vec<Document> = open_input(&seeds)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        Model::train(
            &docs,
            TrainSettings::default(),
            amn::model::lexicon::DEFAULT_LEXICON,
        )
        .unwrap()
    })
}

fn check_clean(s: &str) -> Result<(), TestCaseError> {
    prop_assert!(clean_text(s).len() <= s.len());
    let masked = html::mask(s);
    prop_assert_eq!(masked.len(), s.len());
    prop_assert!(clean_text(&masked).len() <= s.len());
    let mut last = 0;
    for r in clean(s) {
        prop_assert!(last <= r.start && r.start < r.end && r.end <= s.len());
        prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
        last = r.end;
    }
    Ok(())
}

fn check_terms(s: &str) -> Result<(), TestCaseError> {
    for kind in [StemmerKind::Light, StemmerKind::Snowball] {
        let mut last = 0;
        for t in Analyzer::new(kind).analyze(s) {
            prop_assert!(!t.stem.is_empty());
            prop_assert!(last <= t.span.start && t.span.start < t.span.end);
            prop_assert!(t.span.end <= s.len());
            prop_assert!(s.is_char_boundary(t.span.start) && s.is_char_boundary(t.span.end));
            prop_assert!(!s[t.span.clone()].trim().is_empty());
            last = t.span.end;
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn cleaning_never_grows_arbitrary_text(s in "\\PC{0,200}") {
        check_clean(&s)?;
    }

    #[test]
    fn cleaning_never_grows_scraped_text(s in scraped()) {
        check_clean(&s)?;
    }

    #[test]
    fn terms_are_nonempty_and_inside_arbitrary_text(s in "\\PC{0,200}") {
        check_terms(&s)?;
    }

    #[test]
    fn terms_are_nonempty_and_inside_scraped_text(s in scraped()) {
        check_terms(&s)?;
    }

    #[test]
    fn scores_are_finite_probabilities_and_repeatable(text in scraped(), title in scraped()) {
        let model = seed_model();
        let mut doc = Document::new("p", text);
        doc.title = title;
        match model.classify(&doc, true) {
            Ok(c) => {
                for s in c.scores.0 {
                    prop_assert!(s.is_finite() && (0.0..=1.0).contains(&s), "{s}");
                }
                prop_assert_eq!(model.classify(&doc, true).unwrap(), c);
            }
            // Only refusals of the input itself (no words, not Arabic), the same twice.
            Err(e) => {
                prop_assert!(matches!(e, Error::BadInput { .. }), "{e}");
                let again = model.classify(&doc, true).unwrap_err().to_string();
                prop_assert_eq!(again, e.to_string());
            }
        }
    }
}
