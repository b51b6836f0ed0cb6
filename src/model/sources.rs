//! The training corpora a model was built from, referenced rather than copied: `amn train`
//! records each `--corpus` path with its size and CRC-32 (for a directory, over its `.txt`
//! files and `labels.tsv`), and `amn retrain` reads them again, refusing one that is missing or
//! has changed. Paths are kept relative to the model directory when possible, so a checkout
//! can move with its corpora (and absolute as a fallback).

use crate::corpus::{Document, open_input};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// One training source as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// Relative to the model directory (or absolute); `-` for standard input.
    pub path: String,
    /// Absolute path at training time.
    pub absolute: String,
    /// `file`, `dir` or `stdin` (whose documents are kept in the store, not referenced).
    pub kind: String,
    pub bytes: u64,
    /// CRC-32 of the contents, hex.
    pub crc32: String,
    /// Documents read from it.
    pub documents: usize,
}

impl SourceRef {
    /// Describes `given` (as typed on the command line) for a model in `model_dir`.
    pub fn describe(given: &Path, model_dir: &Path, documents: usize) -> Result<SourceRef> {
        if given.as_os_str() == "-" {
            return Ok(SourceRef {
                path: "-".into(),
                absolute: "-".into(),
                kind: "stdin".into(),
                bytes: 0,
                crc32: String::new(),
                documents,
            });
        }
        let absolute = std::fs::canonicalize(given).map_err(|e| Error::io(given, e))?;
        let (kind, bytes, crc) = fingerprint(&absolute)?;
        let path = std::fs::canonicalize(model_dir)
            .ok()
            .and_then(|dir| relative_to(&absolute, &dir))
            .unwrap_or_else(|| absolute.clone());
        Ok(SourceRef {
            path: path.to_string_lossy().into_owned(),
            absolute: absolute.to_string_lossy().into_owned(),
            kind: kind.into(),
            bytes,
            crc32: format!("{crc:08x}"),
            documents,
        })
    }

    pub fn is_stdin(&self) -> bool {
        self.kind == "stdin"
    }

    /// Where the source is now: relative to the model directory, else the absolute path.
    pub fn locate(&self, model_dir: &Path) -> PathBuf {
        // From the canonical directory, as the relative path was made (so `..` is lexical).
        let dir = std::fs::canonicalize(model_dir).unwrap_or_else(|_| model_dir.to_path_buf());
        let rel = tidy(&dir.join(&self.path));
        if Path::new(&self.path).is_relative() && rel.exists() {
            rel
        } else if Path::new(&self.absolute).exists() {
            PathBuf::from(&self.absolute)
        } else {
            rel
        }
    }

    /// Finds the source and checks it is unchanged.
    pub fn verify(&self, model_dir: &Path) -> Result<PathBuf> {
        let path = self.locate(model_dir);
        let advice = "restore it, or train a new model with `amn train`";
        if !path.exists() {
            return Err(Error::bad_input(
                path.display(),
                format!(
                    "training corpus of this model is missing (recorded as {}); {advice}",
                    self.absolute
                ),
            ));
        }
        let (_, bytes, crc) = fingerprint(&path)?;
        let crc = format!("{crc:08x}");
        if bytes != self.bytes || crc != self.crc32 {
            return Err(Error::bad_input(
                path.display(),
                format!(
                    "training corpus has changed since the model was trained \
                     ({} bytes, CRC-32 {} then; {bytes} bytes, CRC-32 {crc} now); {advice}",
                    self.bytes, self.crc32
                ),
            ));
        }
        Ok(path)
    }

    /// Reads the source's documents after checking it; bad items are skipped, as `amn train`
    /// skipped them.
    pub fn read(&self, model_dir: &Path) -> Result<Vec<Document>> {
        let path = self.verify(model_dir)?;
        match open_input(&path) {
            Ok(items) => Ok(items.filter_map(|d| d.ok()).collect()),
            // It gave nothing to training either (e.g. a directory without bulletins).
            Err(_) if self.documents == 0 => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }
}

/// Kind, total size and CRC-32 of a file, or of a directory's bulletins and `labels.tsv`
/// (names, sizes and contents, in name order).
fn fingerprint(path: &Path) -> Result<(&'static str, u64, u32)> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        let (bytes, crc) = file_crc(path)?;
        return Ok(("file", bytes, crc));
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && (p.extension().is_some_and(|e| e == "txt")
                    || p.file_name().is_some_and(|n| n == "labels.tsv"))
        })
        .collect();
    names.sort();
    let mut h = crc32fast::Hasher::new();
    let mut total = 0;
    for p in names {
        let (bytes, crc) = file_crc(&p)?;
        total += bytes;
        h.update(p.file_name().unwrap_or_default().as_encoded_bytes());
        h.update(&bytes.to_le_bytes());
        h.update(&crc.to_le_bytes());
    }
    Ok(("dir", total, h.finalize()))
}

fn file_crc(path: &Path) -> Result<(u64, u32)> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        h.update(&buf[..n]);
    }
    Ok((total, h.finalize()))
}

/// `a/b/../c` as `a/c` (lexically: fine for the paths built here, which climb out of a model
/// directory that exists).
fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// `path` relative to `base` (both absolute and canonical), with `..` as needed.
fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    if p.first() != b.first() {
        return None;
    }
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut rel = PathBuf::new();
    for _ in common..b.len() {
        rel.push("..");
    }
    for c in &p[common..] {
        rel.push(c);
    }
    Some(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_drops_climbs_over_named_directories() {
        assert_eq!(
            tidy(Path::new("/tmp/m/../c.jsonl")),
            Path::new("/tmp/c.jsonl")
        );
        assert_eq!(tidy(Path::new("m/../../c")), Path::new("../c"));
    }

    #[test]
    fn relative_paths_climb_out_of_the_model_directory() {
        let r = relative_to(
            Path::new("/work/shared/corpus/dev.jsonl"),
            Path::new("/work/main/models/default"),
        );
        assert_eq!(r.unwrap(), Path::new("../../../shared/corpus/dev.jsonl"));
    }

    #[test]
    fn a_changed_or_missing_source_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("m");
        std::fs::create_dir(&model).unwrap();
        let corpus = dir.path().join("c.jsonl");
        std::fs::write(&corpus, "{\"id\": 1, \"text\": \"نص\"}\n").unwrap();
        let r = SourceRef::describe(&corpus, &model, 1).unwrap();
        assert_eq!(r.path, "../c.jsonl");
        assert_eq!(r.read(&model).unwrap().len(), 1);
        std::fs::write(&corpus, "{\"id\": 1, \"text\": \"نص آخر\"}\n").unwrap();
        let err = r.verify(&model).unwrap_err().to_string();
        assert!(err.contains("c.jsonl") && err.contains("changed"), "{err}");
        std::fs::remove_file(&corpus).unwrap();
        let err = r.verify(&model).unwrap_err().to_string();
        assert!(err.contains("c.jsonl") && err.contains("missing"), "{err}");
    }

    #[test]
    fn a_directory_is_fingerprinted_by_its_bulletins() {
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let (kind, bytes, _) = fingerprint(&seeds).unwrap();
        assert_eq!(kind, "dir");
        assert!(bytes > 1000);
    }
}
