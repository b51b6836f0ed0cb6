//! Cleaning of scraped pages: decides which parts of the original text are the bulletin.
//!
//! The result is a list of byte ranges of the original text (never a rewritten copy), so token
//! offsets stay valid. Removed: a leading BOM, CR of CRLF, template placeholders (`{{ ... }}`,
//! `{% ... %}`), everything from a share / related-articles trailer line on, and paragraphs that
//! repeat an earlier paragraph of the same document (scrapers often duplicate them).

use super::normalize::{CharInfo, char_table, push_folded};
use rustc_hash::FxHashSet;
use std::ops::Range;

/// Lines that start the page furniture after an article (compared after normalization, without
/// punctuation): everything from such a line on is dropped.
pub(crate) const TRAILER_MARKERS: &[&str] = &[
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
pub(crate) const MIN_DUPLICATE_CHARS: usize = 20;

/// The kept byte ranges of `text`, in order.
pub fn clean(text: &str) -> Vec<Range<usize>> {
    let mut kept = Vec::new();
    let mut seen: FxHashSet<Box<[u8]>> = FxHashSet::default();
    let mut parts = Vec::new();
    let mut key = Vec::new();
    for (line_start, trimmed) in lines(text) {
        parts.clear();
        push_without_placeholders(trimmed, 0, &mut parts);
        let chars = paragraph_key_into(trimmed, &parts, &mut key);
        if key.is_empty() {
            continue;
        }
        if TRAILER_MARKERS.iter().any(|m| m.as_bytes() == key) {
            break;
        }
        if chars >= MIN_DUPLICATE_CHARS {
            if seen.contains(key.as_slice()) {
                continue;
            }
            seen.insert(key.as_slice().into());
        }
        kept.extend(
            parts
                .iter()
                .map(|r| line_start + r.start..line_start + r.end),
        );
    }
    kept
}

/// The lines of `text` after a leading BOM, each with the byte offset where it starts, without
/// the CR of a CRLF.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    // Line ends by a vectorized search (`str::split` looks at a word at a time).
    let ends = memchr::memchr_iter(b'\n', &text.as_bytes()[start..])
        .map(move |p| start + p)
        .chain(std::iter::once(text.len()));
    let mut line_start = start;
    ends.map(move |end| {
        let line = &text[line_start..end];
        let at = line_start;
        line_start = end + 1;
        (at, line.trim_end_matches('\r'))
    })
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

/// Writes the key of a paragraph into `key`: the normalized words of `parts` of `line` (the text
/// outside placeholders, parts joined by a space), single-spaced, punctuation dropped: what "the
/// same paragraph" means. Returns the number of characters of the key. One pass over the bytes,
/// no allocation once `key` has grown.
fn paragraph_key_into(line: &str, parts: &[Range<usize>], key: &mut Vec<u8>) -> usize {
    key.clear();
    let table = char_table();
    let mut chars = 0;
    let mut gap;
    let mut folded = String::new();
    for part in parts {
        // Parts are joined by a space (a word boundary).
        gap = true;
        let part = &line[part.clone()];
        key.reserve(part.len() + 1);
        let bytes = part.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let info = if b < 0x80 {
                i += 1;
                table[b as usize]
            } else if b < 0xE0 {
                i += 2;
                table[((b as usize & 0x1F) << 6) | (bytes[i - 1] as usize & 0x3F)]
            } else {
                let c = part[i..].chars().next().expect("a character");
                i += c.len_utf8();
                folded.clear();
                push_folded(c, &mut folded);
                for d in folded.chars() {
                    if d.is_alphanumeric() {
                        if gap && !key.is_empty() {
                            key.push(b' ');
                            chars += 1;
                        }
                        gap = false;
                        key.extend_from_slice(d.encode_utf8(&mut [0; 4]).as_bytes());
                        chars += 1;
                    } else {
                        gap = true;
                    }
                }
                continue;
            };
            if info.flags & CharInfo::FOLDED_ALNUM != 0 {
                if gap && !key.is_empty() {
                    key.push(b' ');
                    chars += 1;
                }
                gap = false;
                info.push_to(key);
                chars += 1;
            } else if info.len > 0 {
                gap = true;
            }
        }
    }
    chars
}

/// Pushes the ranges of `line` (starting at byte `base` of the document) outside `{{..}}`/`{%..%}`.
pub(crate) fn push_without_placeholders(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    if memchr::memchr(b'{', line.as_bytes()).is_none() {
        if !line.trim().is_empty() {
            out.push(base..base + line.len());
        }
        return;
    }
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

    /// `clean` as first written (a normalized `String` key per line), the reference.
    fn reference_clean(text: &str) -> Vec<Range<usize>> {
        fn paragraph_key(line: &str) -> String {
            let mut parts = Vec::new();
            push_without_placeholders(line, 0, &mut parts);
            let stripped = parts
                .into_iter()
                .map(|r| &line[r])
                .collect::<Vec<_>>()
                .join(" ");
            let normalized = crate::text::normalize(&stripped);
            normalized
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        }
        let mut kept = Vec::new();
        let mut seen = FxHashSet::default();
        // Line splitting is shared with `clean` (`bom_and_crlf_are_not_kept` checks it); the
        // reference is for the paragraph keys and the dedupe.
        for (line_start, trimmed) in lines(text) {
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

    #[test]
    fn clean_equals_the_reference_on_the_corpus() {
        for t in crate::text::scan::tests::corpus_texts() {
            assert_eq!(clean(&t), reference_clean(&t));
        }
    }

    proptest::proptest! {
        #[test]
        fn lines_are_str_split_lines(s in "(\u{FEFF}|\r|\n|a|ب| ){0,20}") {
            let start = if s.starts_with('\u{FEFF}') { 3 } else { 0 };
            let mut offset = start;
            let reference: Vec<(usize, &str)> = s[start..]
                .split('\n')
                .map(|line| {
                    let at = offset;
                    offset += line.len() + 1;
                    (at, line.trim_end_matches('\r'))
                })
                .collect();
            proptest::prop_assert_eq!(lines(&s).collect::<Vec<_>>(), reference);
        }

        #[test]
        fn clean_equals_the_reference(
            s in "([\u{0600}-\u{06FF}\u{FB50}-\u{FEFF}\u{200B}-\u{200F} a-zA-Z0-9{}%\n\r.,]|مشاركه\n|share\n){0,80}"
        ) {
            proptest::prop_assert_eq!(clean(&s), reference_clean(&s));
        }

        #[test]
        fn clean_equals_the_reference_on_any_text(s in "\\PC{0,60}") {
            proptest::prop_assert_eq!(clean(&s), reference_clean(&s));
        }
    }
}
