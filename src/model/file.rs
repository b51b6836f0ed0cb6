//! The model file: `AMNMODEL` magic, a format version, the payload length and CRC-32, then the
//! bincode payload. Written atomically (temp file, fsync, rename) so a crash leaves the old model.
//!
//! A model path is a directory (e.g. `models/default`) holding `model.amn`; a path ending in
//! `.amn` names the file itself.

use super::Model;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

pub const MAGIC: &[u8; 8] = b"AMNMODEL";
/// Bumped whenever the payload layout changes; other versions are refused.
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8 + 4;
pub const MODEL_FILE: &str = "model.amn";
/// Where the shipped model lives, relative to the working directory.
pub const DEFAULT_MODEL_DIR: &str = "models/default";

/// The model file inside a model path.
pub fn model_file(path: &Path) -> PathBuf {
    if path.extension().is_some_and(|e| e == "amn") {
        path.to_path_buf()
    } else {
        path.join(MODEL_FILE)
    }
}

impl Model {
    /// Writes the model atomically; the previous file stays valid until the rename.
    pub fn save(&self, path: &Path) -> Result<()> {
        let file = model_file(path);
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let payload = bincode::serialize(self)
            .map_err(|e| Error::bad_model(&file, format!("cannot encode model: {e}")))?;
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        header.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        write_atomically(&file, &[&header, &payload])
    }

    /// Reads and checks a model; any problem is one clear error naming the file.
    pub fn load(path: &Path) -> Result<Model> {
        let file = model_file(path);
        let mut f = File::open(&file).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::bad_model(
                &file,
                "no model here (train one with `amn train --corpus PATH --model DIR`)",
            ),
            _ => Error::io(&file, e),
        })?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).map_err(|e| Error::io(&file, e))?;
        decode(&file, &bytes)
    }
}

/// Checks header, length and checksum, then decodes.
pub fn decode(file: &Path, bytes: &[u8]) -> Result<Model> {
    let bad = |why: String| Error::bad_model(file, why);
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err(bad("not an amn model file (bad magic header)".into()));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        let age = if version > FORMAT_VERSION {
            "newer"
        } else {
            "older"
        };
        return Err(bad(format!(
            "model format version {version} is {age} than this amn's ({FORMAT_VERSION}); retrain it or use a matching amn"
        )));
    }
    let len = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let crc = u32::from_le_bytes(bytes[20..24].try_into().expect("4 bytes"));
    let payload = &bytes[HEADER_LEN..];
    if payload.len() as u64 != len {
        return Err(bad(format!(
            "truncated or padded model ({} payload bytes, header says {len})",
            payload.len()
        )));
    }
    if crc32fast::hash(payload) != crc {
        return Err(bad("corrupt model (checksum mismatch)".into()));
    }
    let model: Model = bincode::deserialize(payload)
        .map_err(|e| bad(format!("corrupt model (cannot decode: {e})")))?;
    Ok(model.rebuild())
}

impl Model {
    /// Restores lookup tables that are not stored.
    fn rebuild(mut self) -> Model {
        self.vectorizer = self.vectorizer.rebuild();
        self.classifier.lexicon = std::mem::take(&mut self.classifier.lexicon).rebuild();
        self
    }
}

/// Writes `parts` to a temp file beside `target`, fsyncs, and renames it over `target`.
pub fn write_atomically(target: &Path, parts: &[&[u8]]) -> Result<()> {
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp.{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut w = BufWriter::new(File::create(&tmp)?);
        for p in parts {
            w.write_all(p)?;
        }
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, target)?;
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(target, e)
    })
}
