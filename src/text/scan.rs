//! The analyzer's hot path: cleaning, tokenization and folding in one pass over the bytes.
//!
//! [`scan_clean`] gives exactly the tokens that [`tokenize_span`](super::tokenize::tokenize_span)
//! finds in each range [`clean`](super::clean::clean) keeps, each with what
//! [`normalize`](super::normalize::normalize) makes of it, but decodes every character once: the
//! same loop builds the line's paragraph key (which decides whether the line is kept) and its
//! folded tokens (emitted once the line is known to be kept). Characters below U+0800 go through
//! a table built from the reference functions; the others through those functions themselves.
//! The tests compare it with the reference pipeline on the seeds, the labeled corpus and random
//! text.

use super::clean::{MIN_DUPLICATE_CHARS, TRAILER_MARKERS, lines, push_without_placeholders};
use super::normalize::{
    CharInfo, TABLE_LIMIT, char_table, is_ignorable, is_presentation_form, push_folded,
};
use super::tokenize::{TokenKind, char_kind};
use arabic::{RUN_CONTINUES, RUN_LETTER, arabic_run, arabic_run_table, run_index};
use rustc_hash::FxHashSet;
use std::ops::Range;

mod arabic;

/// A token of the current line, waiting for the line to be kept.
struct Pending {
    kind: u8,
    span: Range<usize>,
    /// Its folded form in the line's word buffer.
    word: Range<u32>,
    chars: u32,
}

const KIND_NONE: u8 = 0;
const KIND_ARABIC: u8 = 1;

fn token_kind(kind: u8) -> TokenKind {
    match kind {
        1 => TokenKind::Arabic,
        2 => TokenKind::Latin,
        _ => TokenKind::Number,
    }
}

fn kind_code(kind: Option<TokenKind>) -> u8 {
    match kind {
        None => KIND_NONE,
        Some(TokenKind::Arabic) => KIND_ARABIC,
        Some(TokenKind::Latin) => 2,
        Some(TokenKind::Number) => 3,
    }
}

/// Buffers reused from line to line (and, through [`Scanner`], from document to document).
#[derive(Default)]
pub(crate) struct Scanner {
    parts: Vec<Range<usize>>,
    key: Vec<u8>,
    words: Vec<u8>,
    pending: Vec<Pending>,
    folded: String,
    seen: FxHashSet<Box<[u8]>>,
    /// The line's key is its words (the fast path), not `key`.
    key_in_words: bool,
}

impl Scanner {
    /// Calls `emit(kind, span, folded, chars)` for every token of the text [`clean`] keeps of
    /// `text`, in order, where `folded` is the normalized token and `chars` its length in
    /// characters.
    ///
    /// [`clean`]: super::clean::clean
    pub fn scan_clean(
        &mut self,
        text: &str,
        mut emit: impl FnMut(TokenKind, Range<usize>, &str, usize),
    ) {
        self.seen.clear();
        for (line_start, trimmed) in lines(text) {
            self.parts.clear();
            push_without_placeholders(trimmed, line_start, &mut self.parts);
            let chars = self.scan_line(text);
            let key = if self.key_in_words {
                &self.words
            } else {
                &self.key
            };
            if key.is_empty() {
                continue;
            }
            if TRAILER_MARKERS.iter().any(|m| m.as_bytes() == key) {
                break;
            }
            // Hashed once: a paragraph is seldom a repeat.
            if chars >= MIN_DUPLICATE_CHARS && !self.seen.insert(key.as_slice().into()) {
                continue;
            }
            for p in &self.pending {
                let word = &self.words[p.word.start as usize..p.word.end as usize];
                emit(
                    token_kind(p.kind),
                    p.span.clone(),
                    as_str(word),
                    p.chars as usize,
                );
            }
        }
    }

    /// Scans the parts of one line: builds its paragraph key (as `clean` does: the normalized
    /// alphanumeric runs, single-spaced, parts joined by a space; in `words` or `key`, as
    /// `key_in_words` says) and its pending tokens (as `tokenize_span` over each part, folded).
    /// Returns the key's length in characters.
    fn scan_line(&mut self, text: &str) -> usize {
        let fast = self.scan_line_fast(text);
        self.key_in_words = fast.is_some();
        fast.unwrap_or_else(|| self.scan_line_general(text))
    }

    /// [`scan_line`](Self::scan_line) for the usual line, where the key's words are exactly the
    /// folded tokens: every character is a token character whose fold is alphanumeric, a
    /// separator (kind none, folds to something not alphanumeric), or one that folds to nothing.
    /// Then the words, written once with a space where the key has one, *are* the key. `None`
    /// (buffers left dirty) for any other line: an alphanumeric that is no token character (½),
    /// a token character that folds to punctuation, a presentation form.
    fn scan_line_fast(&mut self, text: &str) -> Option<usize> {
        let Scanner {
            parts,
            words,
            pending,
            folded,
            ..
        } = self;
        words.clear();
        pending.clear();
        let table = char_table();
        let run_table = arabic_run_table();
        let bytes = text.as_bytes();
        let mut w = 0;
        let mut chars = 0;
        for part in parts.iter() {
            // Room for the part, a joining space and a spare 4-byte write (see `FoldedChar`);
            // `arabic_run` writes within what its part folds to.
            words.resize(w + part.len() + 1 + 4, 0);
            // A separator since the last token: the key has a space there (parts are joined by one).
            let mut sep = true;
            let mut token = OpenToken::NONE;
            let mut i = part.start;
            while i < part.end {
                // A space (a sixth of the text) ends the token: no table needed.
                if bytes[i] == b' ' {
                    chars += token.close(pending, w);
                    sep = true;
                    i += 1;
                    continue;
                }
                // An Arabic-block letter (or, inside an Arabic word, a mark): the whole run at once.
                // D8 and D9 lead two-byte characters, so `bytes[i + 1]` is in the text.
                if bytes[i] & 0xFE == 0xD8 {
                    let e = run_table[run_index(bytes[i], bytes[i + 1])];
                    if e & RUN_LETTER != 0 || (e & RUN_CONTINUES != 0 && token.kind == KIND_ARABIC)
                    {
                        if token.kind != KIND_ARABIC {
                            chars += token.close(pending, w);
                            token = OpenToken::open_after(
                                KIND_ARABIC,
                                i,
                                words,
                                &mut w,
                                &mut sep,
                                &mut chars,
                            );
                        }
                        let (read, written, letters) =
                            arabic_run(run_table, &bytes[i..part.end], &mut words[w..]);
                        // It starts on a character that continues the word: it moves on.
                        debug_assert!(read > 0);
                        i += read;
                        w += written;
                        token.chars += letters;
                        token.stop = i;
                        continue;
                    }
                }
                let c = folded_char(table, text, i, folded)?;
                if c.kind == KIND_NONE {
                    if c.flags & CharInfo::FOLDED_ALNUM != 0 {
                        return None;
                    }
                    if token.kind == KIND_ARABIC && c.flags & CharInfo::IGNORABLE != 0 {
                        // Ignorable marks inside an Arabic word keep it whole (and fold to nothing).
                        token.stop = i + c.width;
                    } else {
                        chars += token.close(pending, w);
                        sep |= c.len > 0;
                    }
                } else {
                    if c.flags & CharInfo::FOLDED_ALNUM == 0 {
                        return None;
                    }
                    if token.kind != c.kind {
                        chars += token.close(pending, w);
                        token =
                            OpenToken::open_after(c.kind, i, words, &mut w, &mut sep, &mut chars);
                    }
                    words[w..w + 4].copy_from_slice(&c.utf8);
                    w += c.len as usize;
                    token.chars += 1;
                    token.stop = i + c.width;
                }
                i += c.width;
            }
            chars += token.close(pending, w);
        }
        words.truncate(w);
        Some(chars)
    }

    /// The general line scan: the key and the tokens built side by side, for any text.
    ///
    /// The key and the words are written by index into buffers sized up front (a character
    /// below U+0800 folds to at most as many bytes as it has, and each space of the key stands
    /// for at least one byte of separator or the part boundary), then truncated.
    fn scan_line_general(&mut self, text: &str) -> usize {
        let Scanner {
            parts,
            key,
            words,
            pending,
            folded,
            ..
        } = self;
        key.clear();
        words.clear();
        pending.clear();
        let table = char_table();
        let bytes = text.as_bytes();
        let (mut k, mut w) = (0, 0);
        let mut key_chars = 0;
        for part in parts.iter() {
            let mut gap = true;
            // Room for the part, the joining space and one spare byte (two-byte writes).
            key.resize(k + part.len() + 2, 0);
            words.resize(w + part.len() + 1, 0);
            let mut token = OpenToken::NONE;
            let mut i = part.start;
            while i < part.end {
                let b = bytes[i];
                let (info, len, slow) = if b < 0x80 {
                    (table[b as usize], 1, None)
                } else if b < 0xE0 {
                    let cp = ((b as usize & 0x1F) << 6) | (bytes[i + 1] as usize & 0x3F);
                    (table[cp], 2, None)
                } else {
                    let c = text[i..].chars().next().expect("a character");
                    let info = CharInfo {
                        kind: kind_code(char_kind(c)),
                        flags: if is_ignorable(c) {
                            CharInfo::IGNORABLE
                        } else {
                            0
                        },
                        ..CharInfo::default()
                    };
                    folded.clear();
                    push_folded(c, folded);
                    // Presentation forms can fold to more bytes than they have.
                    let extra = folded.len() + 2 + (part.end - i);
                    if key.len() < k + extra {
                        key.resize(k + extra, 0);
                    }
                    if words.len() < w + extra {
                        words.resize(w + extra, 0);
                    }
                    (info, c.len_utf8(), Some(c))
                };
                // The paragraph key.
                match slow {
                    None => {
                        if info.flags & CharInfo::FOLDED_ALNUM != 0 {
                            if gap && k > 0 {
                                key[k] = b' ';
                                k += 1;
                                key_chars += 1;
                            }
                            gap = false;
                            key[k] = info.utf8[0];
                            key[k + 1] = info.utf8[1];
                            k += info.len as usize;
                            key_chars += 1;
                        } else if info.len > 0 {
                            gap = true;
                        }
                    }
                    Some(_) => {
                        for d in folded.chars() {
                            if d.is_alphanumeric() {
                                if gap && k > 0 {
                                    key[k] = b' ';
                                    k += 1;
                                    key_chars += 1;
                                }
                                gap = false;
                                let d = d.encode_utf8(&mut [0; 4]).as_bytes().to_owned();
                                key[k..k + d.len()].copy_from_slice(&d);
                                k += d.len();
                                key_chars += 1;
                            } else {
                                gap = true;
                            }
                        }
                    }
                }
                // The tokens, as `tokenize_span`.
                let next = i + len;
                if info.kind != KIND_NONE {
                    if info.kind != token.kind {
                        token.close(pending, w);
                        token = OpenToken::at(info.kind, i, w);
                    }
                    token.stop = next;
                    match slow {
                        None => {
                            words[w] = info.utf8[0];
                            words[w + 1] = info.utf8[1];
                            w += info.len as usize;
                            token.chars += u32::from(info.len > 0);
                        }
                        Some(_) => {
                            words[w..w + folded.len()].copy_from_slice(folded.as_bytes());
                            w += folded.len();
                            token.chars += folded.chars().count() as u32;
                        }
                    }
                } else if token.kind == KIND_ARABIC && info.flags & CharInfo::IGNORABLE != 0 {
                    // Ignorable marks inside an Arabic word keep it whole (and fold to nothing).
                    token.stop = next;
                } else {
                    token.close(pending, w);
                }
                i = next;
            }
            token.close(pending, w);
        }
        key.truncate(k);
        words.truncate(w);
        key_chars
    }
}

/// One character for the fast path: its fold (`len` bytes of `utf8`), token kind and flags as in
/// [`CharInfo`], and its length in the text.
#[derive(Clone, Copy)]
struct FoldedChar {
    utf8: [u8; 4],
    len: u8,
    kind: u8,
    flags: u8,
    width: usize,
}

/// The character at byte `i` of `text`: from the table below U+0800, else from [`wide_char`].
#[inline(always)]
fn folded_char(
    table: &[CharInfo; TABLE_LIMIT as usize],
    text: &str,
    i: usize,
    folded: &mut String,
) -> Option<FoldedChar> {
    let bytes = text.as_bytes();
    let b = bytes[i];
    let (info, width) = if b < 0x80 {
        (table[b as usize], 1)
    } else if b < 0xE0 {
        (
            table[((b as usize & 0x1F) << 6) | (bytes[i + 1] as usize & 0x3F)],
            2,
        )
    } else {
        return wide_char(text, i, folded);
    };
    Some(FoldedChar {
        utf8: [info.utf8[0], info.utf8[1], 0, 0],
        len: info.len,
        kind: info.kind,
        flags: info.flags,
        width,
    })
}

/// A character at or above U+0800, described by the reference functions; `None` for a
/// presentation form (its fold can be several characters, or longer than it), which the
/// general path handles.
#[cold]
fn wide_char(text: &str, i: usize, folded: &mut String) -> Option<FoldedChar> {
    let c = text[i..].chars().next().expect("a character");
    if is_presentation_form(c) {
        return None;
    }
    folded.clear();
    push_folded(c, folded);
    let mut utf8 = [0; 4];
    let mut flags = if is_ignorable(c) {
        CharInfo::IGNORABLE
    } else {
        0
    };
    let mut folds = folded.chars();
    let len = match (folds.next(), folds.next()) {
        (None, _) => 0,
        (Some(d), None) if d.len_utf8() <= c.len_utf8() => {
            if d.is_alphanumeric() {
                flags |= CharInfo::FOLDED_ALNUM;
            }
            d.encode_utf8(&mut utf8).len()
        }
        _ => return None,
    };
    Some(FoldedChar {
        utf8,
        len: len as u8,
        kind: kind_code(char_kind(c)),
        flags,
        width: c.len_utf8(),
    })
}

/// The token a line scan is in: its kind ([`KIND_NONE`]: none), where it starts and ends in the
/// text and in the word buffer, and its characters.
struct OpenToken {
    kind: u8,
    start: usize,
    stop: usize,
    word_start: usize,
    chars: u32,
}

impl OpenToken {
    const NONE: OpenToken = OpenToken {
        kind: KIND_NONE,
        start: 0,
        stop: 0,
        word_start: 0,
        chars: 0,
    };

    /// A token of `kind` starting at byte `i` of the text, its fold at `w` in the word buffer.
    #[inline(always)]
    fn at(kind: u8, i: usize, w: usize) -> OpenToken {
        OpenToken {
            kind,
            start: i,
            stop: i,
            word_start: w,
            chars: 0,
        }
    }

    /// [`at`](Self::at) for the fast path, whose word buffer is the line's key: writes the key's
    /// space before the token first if a separator came since the last one.
    #[inline(always)]
    fn open_after(
        kind: u8,
        i: usize,
        words: &mut [u8],
        w: &mut usize,
        sep: &mut bool,
        chars: &mut usize,
    ) -> OpenToken {
        if *sep && *w > 0 {
            words[*w] = b' ';
            *w += 1;
            *chars += 1;
        }
        *sep = false;
        OpenToken::at(kind, i, *w)
    }

    /// Queues the token (if any) whose fold ends at `w` in the word buffer, and leaves none
    /// open; returns its characters (0 for none).
    #[inline(always)]
    fn close(&mut self, pending: &mut Vec<Pending>, w: usize) -> usize {
        if self.kind == KIND_NONE {
            return 0;
        }
        pending.push(Pending {
            kind: self.kind,
            span: self.start..self.stop,
            word: self.word_start as u32..w as u32,
            chars: self.chars,
        });
        let chars = self.chars as usize;
        *self = OpenToken::NONE;
        chars
    }
}

/// Folded bytes as text.
#[inline(always)]
fn as_str(word: &[u8]) -> &str {
    debug_assert!(std::str::from_utf8(word).is_ok());
    // SAFETY: a pending token's range of the word buffer holds whole characters only: the UTF-8
    // of folded characters from the tables (made by `char::encode_utf8`), the bytes of a
    // `String`, and the eight-letter blocks of `arabic`, of which only the prefix of whole
    // two-byte letters counts (the bytes past it are overwritten or cut off).
    unsafe { std::str::from_utf8_unchecked(word) }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::text::clean::clean;
    use crate::text::normalize::normalize;
    use crate::text::tokenize::tokenize_span;
    use proptest::prelude::*;

    type Token = (TokenKind, Range<usize>, String, usize);

    /// The reference: `clean`, then `tokenize_span` over each kept range, then `normalize`.
    fn reference(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        for range in clean(text) {
            tokenize_span(text, range, |t| {
                let folded = normalize(&text[t.span.clone()]);
                let n = folded.chars().count();
                out.push((t.kind, t.span, folded, n));
            });
        }
        out
    }

    fn fast(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        Scanner::default().scan_clean(text, |k, span, w, n| out.push((k, span, w.to_owned(), n)));
        out
    }

    pub(crate) fn corpus_texts() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = Vec::new();
        for e in std::fs::read_dir(root.join("seeds")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                texts.push(std::fs::read_to_string(p).unwrap());
            }
        }
        let dev = root.join("../shared/corpus/labeled/dev.jsonl");
        if let Ok(s) = std::fs::read_to_string(dev) {
            for line in s.lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let title = v["title"].as_str().unwrap_or("");
                let text = v["text"].as_str().unwrap_or("");
                texts.push(format!("{title}\n{text}"));
            }
        }
        texts
    }

    #[test]
    fn one_pass_equals_clean_tokenize_normalize_on_the_corpus() {
        let texts = corpus_texts();
        assert!(texts.len() >= 5);
        for t in &texts {
            assert_eq!(fast(t), reference(t));
        }
    }

    #[test]
    fn one_pass_handles_the_edge_cases() {
        for t in [
            "",
            "\u{FEFF}سطر أول\r\nسطر ثان\r\n",
            "العنوان\n{{ x }} النص هنا\n{% y %}\n{{ unclosed",
            "كلمة\u{200F} word\u{200B}word الـداخـلية ٢٠٢٤ abc١٢٣",
            "\u{FEFB}\u{FE8D}\u{FEDF}\u{FE83}\u{FEE3}\u{FEE6} \u{FDF2} ﷺ",
            "مشاركة :\nبعد",
            "هذه فقرة طويلة تتكرر في الصفحة\nهذه فقرة طويلة تتكرر في الصفحة!\n",
            "Ωmega café naïve ﬁ 𝐀𝐁 😀 日本語",
        ] {
            assert_eq!(fast(t), reference(t), "{t:?}");
        }
    }

    type LineToken = (u8, Range<usize>, Vec<u8>, u32);

    fn line_tokens(s: &Scanner) -> Vec<LineToken> {
        let word = |p: &Pending| s.words[p.word.start as usize..p.word.end as usize].to_vec();
        s.pending
            .iter()
            .map(|p| (p.kind, p.span.clone(), word(p), p.chars))
            .collect()
    }

    /// On every line the fast scan takes, it gives the general scan's paragraph key (which
    /// decides the dedupe), the key's length and the tokens. Returns how many lines it took, of
    /// how many.
    fn fast_lines_equal_general(text: &str) -> (usize, usize) {
        let mut s = Scanner::default();
        let (mut taken, mut all) = (0, 0);
        for (line_start, trimmed) in lines(text) {
            all += 1;
            s.parts.clear();
            push_without_placeholders(trimmed, line_start, &mut s.parts);
            let Some(chars) = s.scan_line_fast(text) else {
                continue;
            };
            taken += 1;
            let (key, tokens) = (s.words.clone(), line_tokens(&s));
            assert_eq!(s.scan_line_general(text), chars, "{trimmed:?}");
            assert_eq!(s.key, key, "{trimmed:?}");
            assert_eq!(line_tokens(&s), tokens, "{trimmed:?}");
        }
        (taken, all)
    }

    #[test]
    fn the_fast_line_scan_equals_the_general_one_on_the_corpus() {
        let (mut taken, mut all) = (0, 0);
        for text in corpus_texts() {
            let (t, a) = fast_lines_equal_general(&text);
            (taken, all) = (taken + t, all + a);
        }
        // The fast scan is the usual one: it must take most lines for the comparison to count.
        assert!(taken * 10 > all * 9, "{taken} of {all}");
    }

    #[test]
    fn long_words_and_words_at_the_end_of_a_line_scan_as_the_reference() {
        for t in [
            "والاستخباراتيةالمتخصصةبالإرهابالإلكترونيوالمخدرات",
            "كلمة طويلة جدا\nالمستشفياتالحكومية\nقصيرة أخيرةً",
            "ـــالإرهـــاب الإرهابيين، والإرهابيون؟ مكافحةالمخدراتوالمؤثراتالعقلية",
        ] {
            assert_eq!(fast(t), reference(t), "{t:?}");
        }
    }

    proptest! {
        #[test]
        fn one_pass_equals_the_reference_on_random_text(
            s in "([\u{0600}-\u{06FF}\u{0750}-\u{077F}\u{FB50}-\u{FEFF}\u{200B}-\u{200F} a-zA-Z0-9{}%\n\r.,]|مشاركه\n){0,80}"
        ) {
            prop_assert_eq!(fast(&s), reference(&s));
        }

        #[test]
        fn one_pass_equals_the_reference_on_arabic_words(
            // Letters (the plain ones, those that fold, rarer ones), marks, tatweel, spaces and
            // a few other separators: long runs that the eight-letter blocks take, cut anywhere.
            s in "([ابتثجحخدذرسشصضطظعغفقكلمنهويء]{1,12}|[أإآؤئةىٱیکڤ]|[\u{064B}-\u{0652}\u{0640}\u{0670}\u{200C}]| |،|\n|[a-z0-9]){0,60}"
        ) {
            prop_assert_eq!(fast(&s), reference(&s));
            fast_lines_equal_general(&s);
        }

        #[test]
        fn one_pass_equals_the_reference_on_any_text(s in "\\PC{0,60}") {
            prop_assert_eq!(fast(&s), reference(&s));
        }
    }
}
