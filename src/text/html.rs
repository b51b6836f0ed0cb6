//! The first stage of analysis: markup in scraped pages and HTML-escaped text.
//!
//! [`mask`] returns the text with its markup overwritten *byte for byte*, so the result has the
//! same length and every offset in it is an offset into the original text: cleaning, tokens and
//! explanations keep pointing at what the analyst has. Nothing is copied when there is no markup.
//!
//! - HTML is recognized by a known tag (`<p>`, `<div class=..>`, `</span>`, `<br/>`, `<!DOCTYPE`,
//!   `<!--`...). Then every tag (`<` followed by a letter, `/`, `!` or `?`, up to the next `>`;
//!   quotes are not tracked) and every comment becomes newlines, so block and inline elements
//!   alike end a paragraph for cleaning and the kept ranges never include a tag. The contents of
//!   `script`, `style`, `noscript`, `template`, `svg`, `iframe`, `object`, `nav`, `aside`, `footer`,
//!   `form`, `button` and `select` are page furniture and become newlines too.
//! - Character references (`&amp;`, `&nbsp;`, `&#1575;`, `&#x627;`), in HTML and in plain text
//!   alike: a numeric reference to a letter or digit is decoded in place and padded with
//!   invisible marks that normalization drops (soft hyphen, zero-width space), so
//!   `ال&#1571;من` still reads as one word; every other reference (named ones included, the
//!   commonest being `&nbsp;`, `&quot;`, `&amp;`) becomes spaces: a separator, not a word `nbsp`.
//! - Text without a known tag keeps its `<` and `>` (`x < 5` is not markup).

use memchr::{memchr, memchr2};
use std::borrow::Cow;

/// Tags whose presence makes a text HTML.
const KNOWN_TAGS: &[&str] = &[
    "a",
    "abbr",
    "article",
    "aside",
    "b",
    "blockquote",
    "body",
    "br",
    "button",
    "center",
    "div",
    "em",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "li",
    "link",
    "main",
    "meta",
    "nav",
    "noscript",
    "ol",
    "p",
    "picture",
    "script",
    "section",
    "small",
    "source",
    "span",
    "strong",
    "style",
    "sub",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "u",
    "ul",
];

/// Elements whose contents are not bulletin text.
const DROP_CONTENT: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object", "nav", "aside", "footer",
    "form", "button", "select",
];

/// Longest named reference recognized (`&CounterClockwiseContourIntegral;` is 31 letters).
const MAX_ENTITY_NAME: usize = 32;

/// The text with markup overwritten in place (same length, same offsets); borrowed when there is
/// none. Idempotent: the result has no markup left.
pub fn mask(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let has_lt = memchr(b'<', bytes).is_some();
    if !has_lt && memchr(b'&', bytes).is_none() {
        return Cow::Borrowed(text);
    }
    let html = has_lt && is_html(text);
    let mut out: Option<Vec<u8>> = None;
    let n = bytes.len();
    // Once a search for a closing `>` fails, no later tag can close either: keeps the scan linear.
    let mut tags_open = html;
    let mut i = 0;
    while let Some(at) = next_markup(&bytes[i..], tags_open) {
        i += at;
        match bytes[i] {
            b'<' if tags_open => {
                let Some(end) = tag_end(bytes, i) else {
                    i += 1;
                    continue;
                };
                let Some(end) = end else {
                    tags_open = false;
                    i += 1;
                    continue;
                };
                let buf = out.get_or_insert_with(|| bytes.to_vec());
                let mut stop = end;
                if let Some(name) = opening_name(&bytes[i..end])
                    && DROP_CONTENT.iter().any(|d| d.eq_ignore_ascii_case(name))
                    && !bytes[..end].ends_with(b"/>")
                {
                    stop = closing_tag_end(bytes, end, name).unwrap_or(n);
                }
                buf[i..stop].fill(b'\n');
                i = stop;
            }
            b'&' => {
                if let Some((len, decoded)) = entity(&bytes[i..]) {
                    // Right after a `<` this pass left as text, a decoded ASCII letter would
                    // start a tag for the next pass (`<&#x41;>`): blanked instead, so masking is
                    // idempotent. Other characters cannot start a tag and are decoded.
                    let decoded = decoded.filter(|c| {
                        !(html && c.is_ascii_alphabetic() && i > 0 && bytes[i - 1] == b'<')
                    });
                    let buf = out.get_or_insert_with(|| bytes.to_vec());
                    write_entity(&mut buf[i..i + len], decoded);
                    i += len;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    match out {
        None => Cow::Borrowed(text),
        // Only whole characters were overwritten (markup boundaries are ASCII), with ASCII or
        // whole characters: still UTF-8. The check costs one pass and keeps this free of `unsafe`.
        Some(buf) => String::from_utf8(buf).map_or(Cow::Borrowed(text), Cow::Owned),
    }
}

/// Offset of the next byte that can start markup: `&`, or `<` while tags can still close.
#[inline]
fn next_markup(bytes: &[u8], tags_open: bool) -> Option<usize> {
    if tags_open {
        memchr2(b'<', b'&', bytes)
    } else {
        memchr(b'&', bytes)
    }
}

/// True when `text` has at least one known HTML tag, comment or doctype.
pub fn is_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(p) = bytes[from..].iter().position(|&b| b == b'<') {
        let at = from + p;
        let rest = &bytes[at + 1..];
        if rest.starts_with(b"!--") || starts_with_ci(rest, b"!doctype") {
            return true;
        }
        let rest = rest.strip_prefix(b"/").unwrap_or(rest);
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let after = rest.get(len).copied();
        // A reference that masking turns into spaces ends the name too: `<html&quot;` is
        // `<html      ` once masked, and masking again must not find a tag the first pass missed.
        let ends_name = matches!(
            after,
            None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')
        ) || (after == Some(b'&')
            && matches!(entity(&rest[len..]), Some((_, None))));
        if len > 0
            && ends_name
            && KNOWN_TAGS
                .iter()
                .any(|t| t.as_bytes().eq_ignore_ascii_case(&rest[..len]))
        {
            return true;
        }
        from = at + 1;
    }
    false
}

/// If a tag or comment starts at `at`: `Some(Some(end))` (end exclusive), or `Some(None)` when it
/// never closes. `None` when the `<` is just a character.
fn tag_end(bytes: &[u8], at: usize) -> Option<Option<usize>> {
    let rest = &bytes[at + 1..];
    let first = *rest.first()?;
    if rest.starts_with(b"!--") {
        let body = at + 4;
        return Some(Some(
            find(&bytes[body..], b"-->").map_or(bytes.len(), |p| body + p + 3),
        ));
    }
    if !(first.is_ascii_alphabetic() || matches!(first, b'/' | b'!' | b'?')) {
        return None;
    }
    Some(rest.iter().position(|&b| b == b'>').map(|p| at + 1 + p + 1))
}

/// The element name of an opening tag (`<name ...>`), if `tag` is one.
fn opening_name(tag: &[u8]) -> Option<&str> {
    let rest = tag.strip_prefix(b"<")?;
    let len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    (len > 0).then(|| std::str::from_utf8(&rest[..len]).expect("ASCII"))
}

/// End (exclusive) of the first `</name ...>` at or after `from`, any case.
fn closing_tag_end(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let mut at = from;
    loop {
        let p = at + find(&bytes[at..], b"</")?;
        let rest = &bytes[p + 2..];
        let after = rest.get(name.len()).copied();
        if starts_with_ci(rest, name.as_bytes())
            && !after.is_some_and(|b| b.is_ascii_alphanumeric())
        {
            let close = p + 2 + rest.iter().position(|&b| b == b'>')?;
            return Some(close + 1);
        }
        at = p + 2;
    }
}

/// A character reference at the start of `s`: its length and, for a numeric reference to a
/// letter or digit, the character.
fn entity(s: &[u8]) -> Option<(usize, Option<char>)> {
    let rest = s.strip_prefix(b"&")?;
    if let Some(num) = rest.strip_prefix(b"#") {
        let (digits, radix, skip) = match num.first() {
            Some(b'x' | b'X') => (&num[1..], 16, 1),
            _ => (num, 10, 0),
        };
        let len = digits
            .iter()
            .take(8)
            .take_while(|b| b.is_ascii_digit() || (radix == 16 && b.is_ascii_hexdigit()))
            .count();
        if len == 0 || digits.get(len) != Some(&b';') {
            return None;
        }
        let value = std::str::from_utf8(&digits[..len]).ok()?;
        let c = u32::from_str_radix(value, radix)
            .ok()
            .and_then(char::from_u32)
            .filter(|c| c.is_alphanumeric());
        return Some((2 + skip + len + 1, c));
    }
    let len = rest
        .iter()
        .take(MAX_ENTITY_NAME + 1)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let named = (2..=MAX_ENTITY_NAME).contains(&len) && rest[0].is_ascii_alphabetic();
    (named && rest.get(len) == Some(&b';')).then_some((1 + len + 1, None))
}

/// Overwrites a reference with its character padded by invisible marks (soft hyphen, 2 bytes;
/// zero-width space, 3 bytes), or with spaces when it has no character or cannot be padded.
fn write_entity(slot: &mut [u8], decoded: Option<char>) {
    // A decoded character (alphanumeric, so `&#48;` or longer) always leaves at least 4 bytes
    // of padding, never the 1 that forces spaces: `is_html` relies on that.
    slot.fill(b' ');
    let Some(c) = decoded else { return };
    let n = c.len_utf8();
    let pad = slot.len() - n;
    if pad == 1 {
        return;
    }
    c.encode_utf8(&mut slot[..n]);
    let (threes, twos) = match pad % 2 {
        0 => (0, pad / 2),
        _ => (1, (pad - 3) / 2),
    };
    let mut at = n;
    for _ in 0..threes {
        '\u{200B}'.encode_utf8(&mut slot[at..at + 3]);
        at += 3;
    }
    for _ in 0..twos {
        '\u{00AD}'.encode_utf8(&mut slot[at..at + 2]);
        at += 2;
    }
}

fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Analyzer;
    use proptest::prelude::*;

    #[test]
    fn plain_text_is_borrowed() {
        for t in ["مكافحة الإرهاب", "x < 5 and y > 3", "ضبط 5 < 6", "AT&T"] {
            assert!(matches!(mask(t), Cow::Borrowed(_)), "{t}");
        }
    }

    #[test]
    fn tags_scripts_and_comments_are_masked_in_place() {
        let page = "<html><head><title>خبر</title><script>var x = \"<p>مخدرات</p>\";</script>\
                    <style>p{color:red}</style></head><body><!-- تعليق --><p class=\"a\">ضبط \
                    <b>المخدرات</b></p><nav>الرئيسية</nav></body></html>";
        let masked = mask(page);
        assert_eq!(masked.len(), page.len());
        let words: Vec<&str> = masked.split_whitespace().collect();
        assert_eq!(words, ["خبر", "ضبط", "المخدرات"]);
    }

    #[test]
    fn entities_separate_or_decode() {
        let t = "<p>الأمن&nbsp;الوطني &quot;ال&#1571;من&quot; &#x627;&#x644;&#x645;&#x637;&#x627;&#x631;&amp;</p>";
        let masked = mask(t);
        assert_eq!(masked.len(), t.len());
        let terms = Analyzer::default().analyze(t);
        let stems: Vec<&str> = terms.iter().map(|t| t.stem.as_str()).collect();
        assert_eq!(stems, ["امن", "وطن", "امن", "مطار"]);
        // The decoded word points at its references in the original.
        assert_eq!(&t[terms[2].span.clone()], "ال&#1571;من");
        assert!(t[terms[3].span.clone()].starts_with("&#x627;"));
        // Entities in plain text (scraped JSON) too.
        assert_eq!(mask("أمن&quot;عام").split_whitespace().count(), 2);
    }

    #[test]
    fn unclosed_markup_runs_to_the_end_without_hanging() {
        let t = format!("<p>نص</p><script>{}", "<a".repeat(100_000));
        let masked = mask(&t);
        assert_eq!(masked.split_whitespace().collect::<Vec<_>>(), ["نص"]);
        let t = format!("<p>نص {}", "<a ".repeat(100_000));
        assert_eq!(mask(&t).len(), t.len());
    }

    #[test]
    fn analyzer_spans_skip_tags() {
        let page = "<div><p>هجوم <a href=\"/x\">إلكتروني</a></p></div>";
        let terms = Analyzer::default().analyze(page);
        let words: Vec<&str> = terms.iter().map(|t| &page[t.span.clone()]).collect();
        assert_eq!(words, ["هجوم", "إلكتروني"]);
    }

    #[test]
    fn a_tag_name_ended_by_a_reference_is_markup_at_once() {
        // Found by fuzzing: the first pass saw no HTML (`<html&quot;` is no tag), turned the
        // reference into spaces, and a second pass then saw `<html ` and masked the tags.
        for t in [
            "<html&quot; x>نص</html>",
            "<p&nbsp;>نص",
            "<ht<htmlml><b&amp;>نص</b>",
            "<&#x41;><html",
            "x <&#97;> y",
            "<p>x <&#97;> y</p>",
        ] {
            let once = mask(t).into_owned();
            assert_eq!(mask(&once), once, "{t}");
        }
        assert_eq!(
            mask("<html&quot;>نص</html>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["نص"]
        );
        // Only an ASCII letter after `<` is held back: an Arabic letter or a digit is decoded.
        assert_eq!(mask("x<&#1575;لف").split_whitespace().count(), 1);
        assert!(mask("<p>3<&#49;0</p>").contains('1'));
    }

    proptest! {
        #[test]
        fn mask_keeps_length_and_is_idempotent(
            s in "(<p>|</div>|<script>|</script>|<!--|-->|<html|<b|<h|&nbsp;|&quot;|&#1575;|&#x41;|&#98;|&#x62;|&#49;|&#x3e;|&#9;|[<>&;#a-z ]|\\PC){0,40}"
        ) {
            let once = mask(&s).into_owned();
            prop_assert_eq!(once.len(), s.len());
            prop_assert_eq!(mask(&once).into_owned(), once.clone());
            // Spans found in the masked text are valid in the original.
            for t in Analyzer::default().analyze(&once) {
                prop_assert!(s.is_char_boundary(t.span.start) && s.is_char_boundary(t.span.end));
            }
        }
    }
}
