//! Cleaning of scraped pages: decides which parts of the original text are the bulletin.
//!
//! The result is a list of byte ranges of the original text (never a rewritten copy), so token
//! offsets stay valid. Removed: a leading BOM, CR of CRLF, template placeholders (`{{ ... }}`,
//! `{% ... %}`), everything from a share / related-articles trailer line on, and paragraphs that
//! repeat an earlier paragraph of the same document (scrapers often duplicate them).

use super::normalize::normalize;
use rustc_hash::FxHashSet;
use std::ops::Range;

/// Lines that start the page furniture after an article (compared after normalization, without
/// punctuation): everything from such a line on is dropped.
const TRAILER_MARKERS: &[&str] = &[
    "مشاركه",
    "مقالات ذات صله",
    "اخبار ذات صله",
    "مواضيع ذات صله",
    "اقرا ايضا",
    "اقرا المزيد",
    "شارك الخبر",
    "شارك هذا الخبر",
    "شارك المقال",
    "طباعه",
    "share",
    "related articles",
];

/// Paragraphs shorter than this (in normalized characters) may legitimately repeat (datelines).
const MIN_DUPLICATE_CHARS: usize = 20;

/// The kept byte ranges of `text`, in order.
pub fn clean(text: &str) -> Vec<Range<usize>> {
    let mut kept = Vec::new();
    let mut seen = FxHashSet::default();
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut offset = start;
    for line in text[start..].split('\n') {
        let line_start = offset;
        offset += line.len() + 1;
        let trimmed = line.trim_end_matches('\r');
        let key = paragraph_key(trimmed);
        if key.is_empty() {
            continue;
        }
        if TRAILER_MARKERS.contains(&key.as_str()) {
            break;
        }
        if key.chars().count() >= MIN_DUPLICATE_CHARS && !seen.insert(key) {
            continue;
        }
        push_without_placeholders(trimmed, line_start, &mut kept);
    }
    kept
}

/// The cleaned text itself, paragraphs joined by newlines (for display and full-text checks).
pub fn clean_text(text: &str) -> String {
    let ranges = clean(text);
    let mut out = String::with_capacity(text.len());
    for r in ranges {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(text[r].trim());
    }
    out
}

/// Normalized words of a paragraph, single-spaced, punctuation dropped: what "the same paragraph" means.
fn paragraph_key(line: &str) -> String {
    let normalized = normalize(&strip_placeholders(line));
    let mut key = String::with_capacity(normalized.len());
    for word in normalized
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    key
}

fn strip_placeholders(line: &str) -> String {
    let mut parts = Vec::new();
    push_without_placeholders(line, 0, &mut parts);
    parts
        .into_iter()
        .map(|r| &line[r])
        .collect::<Vec<_>>()
        .join(" ")
}

/// Pushes the ranges of `line` (starting at byte `base` of the document) outside `{{..}}`/`{%..%}`.
fn push_without_placeholders(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let mut from = 0;
    while let Some(open) = find_placeholder_open(&line[from..]) {
        let open = from + open;
        let closer = if line[open..].starts_with("{{") {
            "}}"
        } else {
            "%}"
        };
        let Some(close) = line[open + 2..].find(closer) else {
            break;
        };
        if open > from {
            out.push(base + from..base + open);
        }
        from = open + 2 + close + 2;
    }
    if from < line.len() && !line[from..].trim().is_empty() {
        out.push(base + from..base + line.len());
    }
}

fn find_placeholder_open(s: &str) -> Option<usize> {
    match (s.find("{{"), s.find("{%")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(name: &str) -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let path = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(name))
            .unwrap();
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn seed_002_placeholder_is_removed() {
        let raw = seed("002");
        assert!(raw.contains("{{ article.visit_count }}"));
        assert!(!clean_text(&raw).contains("visit_count"));
    }

    #[test]
    fn seed_002_repeated_paragraphs_count_once() {
        let raw = seed("002");
        let cleaned = clean_text(&raw);
        let paragraph = "وأعربت وزارة الداخلية ووزارة الأمن الداخلي الأمريكية";
        assert!(raw.matches(paragraph).count() > 1);
        assert_eq!(cleaned.matches(paragraph).count(), 1);
    }

    #[test]
    fn seed_trailers_are_dropped() {
        assert!(seed("001").contains("مشاركة :"));
        assert!(!clean_text(&seed("001")).contains("مشاركة :"));
        assert!(seed("004").contains("مقالات ذات صلة"));
        assert!(!clean_text(&seed("004")).contains("مقالات ذات صلة"));
    }

    #[test]
    fn bom_and_crlf_are_not_kept() {
        let text = "\u{FEFF}سطر أول\r\nسطر ثان\r\n";
        assert_eq!(clean_text(text), "سطر أول\nسطر ثان");
    }

    #[test]
    fn ranges_point_into_the_original() {
        let text = "العنوان\n{{ x }} النص هنا\n";
        let ranges = clean(text);
        assert_eq!(&text[ranges[0].clone()], "العنوان");
        assert_eq!(text[ranges[1].clone()].trim(), "النص هنا");
    }

    #[test]
    fn cleaning_never_grows_text() {
        for name in ["000", "001", "002", "003", "004"] {
            let raw = seed(name);
            assert!(clean_text(&raw).len() <= raw.len());
        }
    }
}
