//! The document store's file: an append-only JSONL log (`store.jsonl` in a model directory),
//! one record a line, human-readable, so a model can always be rebuilt from it. What the
//! records mean is `model::lineage`'s business; this file only reads, appends and repairs lines.
//!
//! Crash safety: a batch of records is appended with a single write of whole lines followed by
//! fsync. A process killed in the middle of that write can leave a final line without its
//! newline; readers ignore such a partial line, and the next writer cuts it off (with any other
//! uncommitted tail) before appending.

use super::hash::{FNV_OFFSET, fnv1a64_continue};
use crate::error::{Error, Result};
use crate::text::normalize::{char_table, push_folded};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

/// One complete line of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// 1-based line number.
    pub number: usize,
    /// Byte offset just past this line's newline.
    pub end: u64,
    pub text: String,
}

/// The complete lines of a log, and what follows them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Log {
    pub lines: Vec<LogLine>,
    /// Bytes of a final line without its newline (an interrupted append), ignored.
    pub partial_bytes: u64,
}

/// Reads a log; `None` when the file does not exist.
pub fn read_log(path: &Path) -> Result<Option<Log>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut log = Log::default();
    let mut start = 0usize;
    while start < bytes.len() {
        let Some(nl) = bytes[start..].iter().position(|&b| b == b'\n') else {
            log.partial_bytes = (bytes.len() - start) as u64;
            break;
        };
        let number = log.lines.len() + 1;
        let text = std::str::from_utf8(&bytes[start..start + nl]).map_err(|_| Error::BadLine {
            path: path.to_path_buf(),
            line: number,
            reason: "not valid UTF-8".into(),
        })?;
        start += nl + 1;
        log.lines.push(LogLine {
            number,
            end: start as u64,
            text: text.to_string(),
        });
    }
    Ok(Some(log))
}

/// Appends whole lines (each given without its newline) in one write, then fsyncs.
pub fn append_lines(path: &Path, lines: &[String]) -> Result<()> {
    let mut buf = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for l in lines {
        debug_assert!(!l.contains('\n'), "a record is one line");
        buf.push_str(l);
        buf.push('\n');
    }
    let created = !path.exists();
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    f.write_all(buf.as_bytes())
        .and_then(|()| f.sync_data())
        .map_err(|e| Error::io(path, e))?;
    if created {
        sync_parent(path);
    }
    Ok(())
}

/// Cuts the log to its first `len` bytes (dropping a partial or uncommitted tail), then fsyncs.
pub fn truncate(path: &Path, len: u64) -> Result<()> {
    let f = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    f.set_len(len)
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// Makes a new directory entry durable.
pub fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
}

/// Hash of a text after normalization (the analyzer's character folding, whitespace runs
/// collapsed, ends trimmed): two bulletins with the same hash are exact duplicates.
pub fn text_hash(text: &str) -> u64 {
    // Characters below U+0800 (nearly all of an Arabic text) fold by table, as the analyzer's
    // scanner does; the others go through `push_folded` itself.
    let table = char_table();
    let mut hash = Fnv::default();
    let bytes = text.as_bytes();
    let mut folded = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            let info = table[b as usize];
            // ASCII folds to one ASCII byte (lowercase).
            hash.char(info.utf8[0], &info.utf8[..1]);
            i += 1;
        } else if b < 0xE0 {
            let cp = ((b as usize & 0x1F) << 6) | (bytes[i + 1] as usize & 0x3F);
            let info = table[cp];
            if info.len > 0 {
                hash.char(info.utf8[0], &info.utf8[..info.len as usize]);
            }
            i += 2;
        } else {
            let c = text[i..].chars().next().expect("a character");
            folded.clear();
            push_folded(c, &mut folded);
            let mut utf8 = [0u8; 4];
            for d in folded.chars() {
                let e = d.encode_utf8(&mut utf8);
                hash.char(e.as_bytes()[0], e.as_bytes());
            }
            i += c.len_utf8();
        }
    }
    hash.h
}

/// [FNV-1a](super::hash), fed folded characters with whitespace runs collapsed to
/// one space and dropped at the ends.
struct Fnv {
    h: u64,
    started: bool,
    space: bool,
}

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv {
            h: FNV_OFFSET,
            started: false,
            space: false,
        }
    }
}

impl Fnv {
    /// One folded character: its UTF-8 (`first` is its first byte).
    #[inline(always)]
    fn char(&mut self, first: u8, utf8: &[u8]) {
        let white = if first < 0x80 {
            (first as char).is_whitespace()
        } else {
            std::str::from_utf8(utf8)
                .ok()
                .and_then(|s| s.chars().next())
                .is_some_and(char::is_whitespace)
        };
        if white {
            self.space = true;
            return;
        }
        if self.space && self.started {
            self.feed(b" ");
        }
        self.space = false;
        self.started = true;
        self.feed(utf8);
    }

    #[inline(always)]
    fn feed(&mut self, bytes: &[u8]) {
        self.h = fnv1a64_continue(self.h, bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The character-by-character hash the table-driven one must equal.
    fn reference_hash(text: &str) -> u64 {
        let mut h: u64 = 0xcbf29ce484222325;
        let mut feed = |bytes: &[u8]| {
            for &b in bytes {
                h ^= b as u64;
                h = h.wrapping_mul(0x100000001b3);
            }
        };
        let (mut folded, mut started, mut space) = (String::new(), false, false);
        let mut utf8 = [0u8; 4];
        for c in text.chars() {
            folded.clear();
            push_folded(c, &mut folded);
            for d in folded.chars() {
                if d.is_whitespace() {
                    space = true;
                    continue;
                }
                if space && started {
                    feed(b" ");
                }
                space = false;
                started = true;
                feed(d.encode_utf8(&mut utf8).as_bytes());
            }
        }
        h
    }

    #[test]
    fn text_hash_equals_the_reference_on_the_corpus() {
        for t in crate::text::scan::tests::corpus_texts() {
            assert_eq!(text_hash(&t), reference_hash(&t));
        }
        for t in ["", " \u{a0}\u{85}x\u{2003}y ", "ﻻ ﷲ ﷺ \u{200F}AB"] {
            assert_eq!(text_hash(t), reference_hash(t), "{t:?}");
        }
    }

    proptest! {
        #[test]
        fn text_hash_equals_the_reference(s in "\\PC{0,60}") {
            prop_assert_eq!(text_hash(&s), reference_hash(&s));
        }

        #[test]
        fn text_hash_equals_the_reference_on_arabic(
            s in "[\u{0600}-\u{06FF}\u{FB50}-\u{FEFF}\u{00A0}\u{0085} \n\ta-zA-Z0-9]{0,60}"
        ) {
            prop_assert_eq!(text_hash(&s), reference_hash(&s));
        }
    }

    #[test]
    fn partial_final_line_is_ignored_and_can_be_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.jsonl");
        assert_eq!(read_log(&path).unwrap(), None);
        append_lines(&path, &["{\"a\":1}".into(), "{\"b\":2}".into()]).unwrap();
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"c\":").unwrap();
        let log = read_log(&path).unwrap().unwrap();
        assert_eq!(log.lines.len(), 2);
        assert_eq!(log.lines[1].text, "{\"b\":2}");
        assert_eq!(log.partial_bytes, 5);
        truncate(&path, log.lines[1].end).unwrap();
        append_lines(&path, &["{\"d\":4}".into()]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "{\"a\":1}\n{\"b\":2}\n{\"d\":4}\n");
    }

    #[test]
    fn text_hash_ignores_spelling_variants_and_spacing_only() {
        let a = text_hash("ضبط  مروج\nالمخدرات في المطار");
        assert_eq!(a, text_hash(" ضَبط مروج المخدرات في المطار "));
        assert_eq!(a, text_hash("ضبط مروج المخدرات فى المطار"));
        assert_ne!(a, text_hash("ضبط مروج المخدرات في الميناء"));
        assert_ne!(text_hash("5 كغ"), text_hash("50 كغ"));
    }
}
