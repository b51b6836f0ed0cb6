//! Readers for every input form: `.txt` files, directories of `.txt` (with an optional
//! `labels.tsv`), `.jsonl` / `.jsonl.gz` files, and `-` for standard input.
//!
//! Readers stream: a JSONL file yields one item per line, and a bad line is an `Err` item naming
//! the file and line, so a batch reports it and goes on with the rest.

use super::document::Document;
use super::labels::{Label, Labels, Topic};
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The largest single bulletin accepted (bytes); larger inputs are refused, not loaded.
pub const MAX_BULLETIN_BYTES: u64 = 16 * 1024 * 1024;
/// The longest JSONL line accepted (bytes).
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// A stream of documents (or per-item errors) from one input.
pub type DocStream = Box<dyn Iterator<Item = Result<Document>> + Send>;

/// Opens any input form. Errors here concern the input as a whole (missing, unreadable).
pub fn open_input(path: &Path) -> Result<DocStream> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(MAX_BULLETIN_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("<stdin>", e))?;
        let doc = decode_bulletin("<stdin>", bytes).map(|text| Document::new("stdin", text));
        return Ok(Box::new(std::iter::once(doc)));
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return read_dir(path);
    }
    let name = path.to_string_lossy();
    if name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") || name.ends_with(".json.gz") {
        return read_jsonl(path);
    }
    Ok(Box::new(std::iter::once(read_txt(path))))
}

/// Opens several inputs one after another; an input that cannot be opened becomes one error item.
pub fn open_inputs(paths: &[PathBuf]) -> DocStream {
    let paths = paths.to_vec();
    Box::new(paths.into_iter().flat_map(|p| match open_input(&p) {
        Ok(stream) => stream,
        Err(e) => Box::new(std::iter::once(Err(e))) as DocStream,
    }))
}

/// Reads one `.txt` bulletin; its id is the file name.
pub fn read_txt(path: &Path) -> Result<Document> {
    let id = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    // A regular file's size is known: refuse a huge one without reading it. Other files (pipes,
    // devices) are read up to the cap, and `decode_bulletin` refuses what goes past it.
    if let Ok(meta) = file.metadata()
        && meta.is_file()
        && meta.len() > MAX_BULLETIN_BYTES
    {
        return Err(too_large(&path.display().to_string(), Some(meta.len())));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BULLETIN_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let text = decode_bulletin(&path.display().to_string(), bytes)?;
    Ok(Document::new(id, text))
}

/// Checks and decodes the bytes of one bulletin: size, binary content, encoding, emptiness.
pub fn decode_bulletin(input: &str, bytes: Vec<u8>) -> Result<String> {
    if bytes.len() as u64 > MAX_BULLETIN_BYTES {
        return Err(too_large(input, None));
    }
    if let Some(text) = decode_utf16(&bytes) {
        return match text {
            Some(text) => check_not_blank(input, text),
            None => Err(Error::bad_input(
                input,
                "invalid UTF-16 (odd byte count or unpaired surrogate after the byte-order mark)",
            )),
        };
    }
    if bytes.contains(&0) {
        let why = if looks_like_utf16_without_bom(&bytes) {
            "looks like UTF-16 without a byte-order mark: convert it with `iconv -f UTF-16LE -t UTF-8`"
        } else {
            "binary data, not a text bulletin"
        };
        return Err(Error::bad_input(input, why));
    }
    match String::from_utf8(bytes) {
        Ok(text) => check_not_blank(input, text),
        Err(e) => {
            let bytes = e.into_bytes();
            let hint = if looks_like_windows_1256(&bytes) {
                " (it looks like Windows-1256 Arabic: convert it with `iconv -f WINDOWS-1256 -t UTF-8`)"
            } else {
                ""
            };
            Err(Error::bad_input(input, format!("not valid UTF-8{hint}")))
        }
    }
}

fn too_large(input: &str, size: Option<u64>) -> Error {
    let size = size.map_or(String::new(), |n| {
        format!(" ({:.1} MiB)", n as f64 / (1u64 << 20) as f64)
    });
    Error::bad_input(
        input,
        format!(
            "bulletin larger than {} MiB{size}: refused without reading it all; split it",
            MAX_BULLETIN_BYTES >> 20
        ),
    )
}

/// UTF-16 with a byte-order mark is decoded (Windows tools write it): `None` without a BOM,
/// `Some(None)` when the rest is not valid UTF-16.
fn decode_utf16(bytes: &[u8]) -> Option<Option<String>> {
    let le = bytes.starts_with(&[0xFF, 0xFE]);
    let be = bytes.starts_with(&[0xFE, 0xFF]);
    if !(le || be) {
        return None;
    }
    if !bytes.len().is_multiple_of(2) {
        return Some(None);
    }
    let units = bytes[2..].chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok(),
    )
}

/// UTF-16 without a BOM: NUL bytes at (nearly) every other position of one parity, none at the
/// other (text in Latin script: high bytes 0; in Arabic: 0x06).
fn looks_like_utf16_without_bom(bytes: &[u8]) -> bool {
    let n = bytes.len().min(4096) / 2;
    if n < 2 {
        return false;
    }
    let zeros = |parity: usize| {
        bytes[..2 * n]
            .chunks_exact(2)
            .filter(|c| c[parity] == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    let one_sided = |a: usize, b: usize| a == 0 && b * 10 >= n * 3;
    one_sided(even, odd) || one_sided(odd, even)
}

/// Windows-1256 Arabic letters live in 0xC1–0xFE; a text that is mostly such bytes and ASCII is
/// very likely that encoding.
fn looks_like_windows_1256(bytes: &[u8]) -> bool {
    let high = bytes.iter().filter(|&&b| b >= 0x80).count();
    let arabic = bytes
        .iter()
        .filter(|&&b| (0xC1..=0xFE).contains(&b))
        .count();
    high > 0 && arabic * 10 >= high * 8
}

fn check_not_blank(input: &str, text: String) -> Result<String> {
    let visible = text
        .chars()
        .any(|c| !c.is_whitespace() && !crate::text::normalize::is_ignorable(c) && !c.is_control());
    if visible {
        Ok(text)
    } else {
        Err(Error::bad_input(input, "empty bulletin (no text)"))
    }
}

/// The fields amn reads from a JSONL line; unknown fields are ignored.
#[derive(Deserialize)]
struct JsonLine {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    primary: Option<String>,
    #[serde(default)]
    topics: Option<Vec<String>>,
}

/// Streams a `.jsonl` or `.jsonl.gz` file.
pub fn read_jsonl(path: &Path) -> Result<DocStream> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let gz = path.extension().is_some_and(|e| e == "gz");
    let reader: Box<dyn BufRead + Send> = if gz {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(file),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, file))
    };
    let path = path.to_path_buf();
    let mut lines = LineReader { reader, line: 0 };
    Ok(Box::new(std::iter::from_fn(move || {
        loop {
            match lines.next_line(&path)? {
                Ok(None) => continue,
                Ok(Some((n, text))) => return Some(parse_json_line(&path, n, &text)),
                Err(e) => return Some(Err(e)),
            }
        }
    })))
}

/// Reads lines as bytes so one non-UTF-8 line is reported without ending the file.
struct LineReader {
    reader: Box<dyn BufRead + Send>,
    line: usize,
}

impl LineReader {
    /// `None` at end of file; `Ok(None)` for a blank line.
    #[allow(clippy::type_complexity)]
    fn next_line(&mut self, path: &Path) -> Option<Result<Option<(usize, String)>>> {
        let mut buf = Vec::new();
        let read = (&mut self.reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf);
        match read {
            Ok(0) => None,
            Err(e) => Some(Err(Error::BadLine {
                path: path.to_path_buf(),
                line: self.line + 1,
                reason: format!("read error: {e}"),
            })),
            Ok(_) => {
                self.line += 1;
                let n = self.line;
                if buf.len() > MAX_LINE_BYTES && !buf.ends_with(b"\n") {
                    drop(buf);
                    // Skip the rest of an over-long line without holding it in memory.
                    if let Err(e) = skip_line(&mut self.reader) {
                        return Some(Err(bad_line(path, n, format!("read error: {e}"))));
                    }
                    return Some(Err(bad_line(
                        path,
                        n,
                        format!("line longer than {} MiB", MAX_LINE_BYTES >> 20),
                    )));
                }
                match String::from_utf8(buf) {
                    Err(e) => {
                        let hint = if looks_like_windows_1256(e.as_bytes()) {
                            " (it looks like Windows-1256 Arabic)"
                        } else {
                            ""
                        };
                        Some(Err(bad_line(path, n, format!("not valid UTF-8{hint}"))))
                    }
                    Ok(s) if s.trim().is_empty() => Some(Ok(None)),
                    Ok(s) => Some(Ok(Some((n, s)))),
                }
            }
        }
    }
}

/// Consumes the reader up to and including the next newline (or the end), a buffer at a time.
fn skip_line(reader: &mut dyn BufRead) -> std::io::Result<()> {
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(p) => {
                reader.consume(p + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

fn bad_line(path: &Path, line: usize, reason: impl Into<String>) -> Error {
    Error::BadLine {
        path: path.to_path_buf(),
        line,
        reason: reason.into(),
    }
}

fn parse_json_line(path: &Path, n: usize, text: &str) -> Result<Document> {
    let text = text.trim_start_matches('\u{FEFF}').trim_start();
    if !text.starts_with('{') {
        let what = if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
            "not a JSON object (one object a line)"
        } else {
            "malformed JSON (one object a line)"
        };
        return Err(bad_line(path, n, what));
    }
    let row: JsonLine = serde_json::from_str(text).map_err(|e| {
        let what = match e.classify() {
            // Valid JSON, wrong shape: a field of the wrong type, or not an object.
            serde_json::error::Category::Data => "unusable JSON object",
            _ => "malformed JSON",
        };
        bad_line(path, n, format!("{what}: {e}"))
    })?;
    let id = match row.id {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s,
        Some(serde_json::Value::Number(x)) => x.to_string(),
        None | Some(serde_json::Value::Null) => format!("{}:{n}", file_name(path)),
        Some(serde_json::Value::String(_)) => format!("{}:{n}", file_name(path)),
        Some(_) => return Err(bad_line(path, n, "\"id\" must be a string or a number")),
    };
    let body = row
        .text
        .ok_or_else(|| bad_line(path, n, "missing \"text\""))?;
    let title = row.title.unwrap_or_default();
    if body.trim().is_empty() && title.trim().is_empty() {
        return Err(bad_line(path, n, "empty \"text\""));
    }
    let labels = match (row.primary, row.topics) {
        (None, None) => None,
        (primary, topics) => Some(
            parse_labels(primary.as_deref(), topics.unwrap_or_default())
                .map_err(|reason| bad_line(path, n, reason))?,
        ),
    };
    Ok(Document {
        id,
        title,
        text: body,
        source: row.source,
        date: row.date,
        labels,
    })
}

/// Labels from a primary name and topic names (either may be missing).
pub fn parse_labels(primary: Option<&str>, topics: Vec<String>) -> Result<Labels, String> {
    let topics = topics
        .iter()
        .map(|t| Topic::parse(t).ok_or_else(|| format!("unknown topic {t:?}")))
        .collect::<Result<Vec<_>, _>>()?;
    let primary = match primary {
        Some(p) => Label::parse(p).ok_or_else(|| format!("unknown primary label {p:?}"))?,
        None => Label::Other,
    };
    Ok(Labels::new(primary, topics))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads a directory of `.txt` bulletins (sorted by name) with an optional `labels.tsv`
/// (`file name<TAB>primary<TAB>comma-separated topics`).
fn read_dir(dir: &Path) -> Result<DocStream> {
    // `.txt` entries: regular files (symlinks followed) are read; directories are skipped; the
    // rest (broken links, symlink loops, pipes, devices) are reported as bad items, not opened
    // (opening a pipe would wait for a writer) and not silently dropped.
    let mut files: Vec<(PathBuf, Option<Error>)> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .filter_map(|p| match std::fs::metadata(&p) {
            Ok(m) if m.is_file() => Some((p, None)),
            Ok(m) if m.is_dir() => None,
            Ok(_) => {
                let e =
                    Error::bad_input(p.display(), "not a regular file (pipe, socket or device)");
                Some((p, Some(e)))
            }
            Err(e) => {
                let e = Error::io(&p, e);
                Some((p, Some(e)))
            }
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    if files.is_empty() {
        return Err(Error::bad_input(
            dir.display(),
            "directory holds no .txt bulletins",
        ));
    }
    let labels = read_labels_tsv(&dir.join("labels.tsv"))?;
    Ok(Box::new(files.into_iter().map(move |(p, problem)| {
        if let Some(e) = problem {
            return Err(e);
        }
        let mut doc = read_txt(&p)?;
        doc.labels = labels.get(&doc.id).cloned();
        Ok(doc)
    })))
}

fn read_labels_tsv(path: &Path) -> Result<HashMap<String, Labels>> {
    let mut out = HashMap::new();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(path, e)),
    };
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(name), Some(primary)) = (cols.next(), cols.next()) else {
            return Err(bad_line(
                path,
                i + 1,
                "expected: file<TAB>primary<TAB>topics",
            ));
        };
        let topics = cols
            .next()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
        let labels = parse_labels(Some(primary), topics).map_err(|r| bad_line(path, i + 1, r))?;
        out.insert(name.trim().to_string(), labels);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn jsonl_bad_lines_are_reported_and_the_rest_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.jsonl");
        let mut f = File::create(&path).unwrap();
        writeln!(f, r#"{{"id": "a", "text": "نص أول"}}"#).unwrap();
        writeln!(f, "{{not json").unwrap();
        writeln!(f, r#"{{"id": "c"}}"#).unwrap();
        writeln!(
            f,
            r#"{{"id": 7, "text": "نص", "primary": "narcotics", "topics": []}}"#
        )
        .unwrap();
        let items: Vec<_> = read_jsonl(&path).unwrap().collect();
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].as_ref().unwrap().id, "a");
        assert!(
            items[1]
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("b.jsonl:2")
        );
        assert!(
            items[2]
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("missing \"text\"")
        );
        let d = items[3].as_ref().unwrap();
        assert_eq!(d.id, "7");
        assert_eq!(d.labels.as_ref().unwrap().topics, [Topic::Narcotics]);
    }

    #[test]
    fn encodings_are_checked() {
        assert!(decode_bulletin("x", "أمن".as_bytes().to_vec()).is_ok());
        let cp1256 = vec![0xC7, 0xE1, 0xC3, 0xE3, 0xE4]; // "الأمن" in Windows-1256
        let err = decode_bulletin("x", cp1256).unwrap_err().to_string();
        assert!(err.contains("Windows-1256"), "{err}");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("أمن".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode_bulletin("x", utf16).unwrap(), "أمن");
        assert!(decode_bulletin("x", b" \n\t ".to_vec()).is_err());
        assert!(decode_bulletin("x", vec![0x89, b'P', b'N', b'G', 0, 0]).is_err());
    }

    #[test]
    fn seeds_directory_reads_five_bulletins() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let docs: Vec<_> = open_input(&dir).unwrap().collect::<Result<_>>().unwrap();
        assert_eq!(docs.len(), 5);
        assert!(docs[0].id.starts_with("000_"));
    }
}
