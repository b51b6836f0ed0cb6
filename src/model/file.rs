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

/// Extension of the archive index beside a model file (see `crate::archive`).
pub const ARCHIVE_EXTENSION: &str = "amx";
pub const MAGIC: &[u8; 8] = b"AMNMODEL";
/// Bumped whenever the payload layout changes; other versions are refused.
/// 2: the classifier reads the unigram part of rows (same layout, other meaning).
/// 3: a third lexicon feature per topic (context against it), so each blend has one more input.
pub const FORMAT_VERSION: u32 = 3;
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
        write_atomically(&file, &[&header(&payload), &payload])
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
        // The header first: a foreign or huge file is refused without reading it all.
        let mut bytes = Vec::with_capacity(HEADER_LEN);
        (&mut f)
            .take(HEADER_LEN as u64)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(&file, e))?;
        check_header(&file, &bytes)?;
        let len = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
        // One byte more than announced, so padding is noticed; never more than the file has.
        let size = f.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
        (&mut f)
            .take(len.min(size) + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(&file, e))?;
        decode(&file, &bytes)
    }
}

/// The file header of a payload: magic, format version, length, CRC-32.
pub fn header(payload: &[u8]) -> Vec<u8> {
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    header.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    header
}

/// Checks what the first bytes can tell: magic and format version.
fn check_header(file: &Path, bytes: &[u8]) -> Result<()> {
    let bad = |why: String| Error::bad_model(file, why);
    if bytes.is_empty() {
        return Err(bad("empty file, not an amn model".into()));
    }
    let n = bytes.len().min(MAGIC.len());
    if bytes[..n] != MAGIC[..n] {
        return Err(bad("not an amn model file (bad magic header)".into()));
    }
    if bytes.len() < HEADER_LEN {
        return Err(bad(format!(
            "truncated model ({} bytes, shorter than the {HEADER_LEN}-byte header)",
            bytes.len()
        )));
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
    Ok(())
}

/// Checks header, length and checksum, then decodes.
pub fn decode(file: &Path, bytes: &[u8]) -> Result<Model> {
    let bad = |why: String| Error::bad_model(file, why);
    check_header(file, bytes)?;
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
    model
        .check_consistency()
        .map_err(|why| bad(format!("corrupt model (inconsistent: {why})")))?;
    Ok(model.rebuild())
}

impl Model {
    /// What the rest of amn assumes of a model and does not check again: matching lengths, ids in
    /// range, one model per topic in order, blend sizes that fit the settings, finite numbers. A
    /// file whose checksum matches but was written by a buggy or hostile program must be refused
    /// here rather than panic later.
    fn check_consistency(&self) -> std::result::Result<(), String> {
        use crate::corpus::{N_TOPICS, Topic};
        use crate::model::lexicon::N_LEXICON_FEATURES;
        let v = &self.vectorizer;
        let n_terms = v.terms.len();
        if v.df.len() != n_terms || v.idf.len() != n_terms {
            return Err(format!(
                "{n_terms} terms, {} document frequencies, {} IDF weights",
                v.df.len(),
                v.idf.len()
            ));
        }
        if v.idf.iter().any(|x| !x.is_finite()) {
            return Err("IDF weight not finite".into());
        }
        let in_range = |id: u32| (id as usize) < n_terms;
        let c = &self.classifier;
        c.params.check().map_err(|e| e.to_string())?;
        if c.topics.len() != N_TOPICS || c.topics.iter().zip(Topic::ALL).any(|(m, t)| m.topic != t)
        {
            return Err("topic models missing or out of order".into());
        }
        let blend_len = usize::from(c.params.use_terms)
            + if c.params.use_lexicon {
                N_LEXICON_FEATURES
            } else {
                0
            };
        for m in &c.topics {
            let finite = m.linear.intercept.is_finite()
                && m.threshold.is_finite()
                && m.blend.bias.is_finite()
                && m.blend.coef.iter().all(|x| x.is_finite())
                && m.linear.weights.iter().all(|(_, w)| w.is_finite());
            if !finite {
                return Err(format!("{} model has a weight that is not finite", m.topic));
            }
            if m.linear.weights.iter().any(|&(id, _)| !in_range(id)) {
                return Err(format!("{} model refers to an unknown term", m.topic));
            }
            if m.blend.coef.len() != blend_len {
                return Err(format!(
                    "{} blend has {} inputs, the settings need {blend_len}",
                    m.topic,
                    m.blend.coef.len()
                ));
            }
        }
        for e in &c.lexicon.entries {
            if e.stems.is_empty() || !e.weight.is_finite() {
                return Err(format!("lexicon entry {:?} has no stems or weight", e.term));
            }
        }
        // Rows, when the model keeps them, go with the archive entries one for one.
        if !self.rows.is_empty() && self.rows.len() != self.archive.len() {
            return Err(format!(
                "{} archive entries, {} vectors",
                self.archive.len(),
                self.rows.len()
            ));
        }
        for r in &self.rows {
            let sorted = r.idx.windows(2).all(|w| w[0] < w[1]);
            if r.idx.len() != r.val.len()
                || !sorted
                || !r.idx.iter().all(|&i| in_range(i))
                || !r.val.iter().all(|x| x.is_finite())
            {
                return Err("archive vector malformed".into());
            }
        }
        Ok(())
    }
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
    replace_via_temp(target, |tmp| {
        let mut w = BufWriter::new(File::create(tmp)?);
        for p in parts {
            w.write_all(p)?;
        }
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()
    })
}

/// Replaces `target` atomically: `fill` makes the temp file `.<name>.tmp.<pid>` beside it (and
/// syncs it), which is then renamed over `target` and the directory synced. On failure the temp
/// file is removed and `target` is untouched. Every writer goes through here so temp files keep
/// the one name pattern [`super::history::clean_temporaries`] removes after a killed writer.
pub fn replace_via_temp(
    target: &Path,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<()> {
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp.{}", std::process::id()));
    if let Err(e) = fill(&tmp).and_then(|()| std::fs::rename(&tmp, target)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(target, e));
    }
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Document, open_input};
    use crate::model::lexicon::DEFAULT_LEXICON;
    use crate::{Topic, TrainSettings};
    use std::sync::OnceLock;

    fn seed_model() -> Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL
            .get_or_init(|| {
                let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
                let docs: Vec<Document> =
                    open_input(&seeds).unwrap().collect::<Result<_>>().unwrap();
                Model::train(&docs, TrainSettings::default(), DEFAULT_LEXICON).unwrap()
            })
            .clone()
    }

    fn framed(model: &Model) -> Vec<u8> {
        let payload = bincode::serialize(model).unwrap();
        let mut bytes = header(&payload);
        bytes.extend_from_slice(&payload);
        bytes
    }

    #[test]
    fn a_model_round_trips_and_classifies() {
        let model = decode(Path::new("m.amn"), &framed(&seed_model())).unwrap();
        let doc = Document::new("d", "ضبط مخدرات في المطار بعد هجوم إلكتروني");
        let c = model.classify(&doc, true).unwrap();
        assert!(c.scores.0.iter().all(|s| (0.0..=1.0).contains(s)));
    }

    /// Files with a right checksum and a wrong inside (a buggy or hostile writer): each of these
    /// used to load and then panic (in `Lexicon::rebuild`, `TopicClassifier::model`, the blend's
    /// coefficients, `Vectorizer::term`, `Vectorizer::weigh`) instead of being refused.
    #[test]
    fn checksum_valid_but_inconsistent_models_are_refused() {
        type Break = fn(&mut Model);
        let cases: [(&str, Break); 10] = [
            ("topic missing", |m| {
                m.classifier.topics.pop();
            }),
            ("topics out of order", |m| m.classifier.topics.swap(0, 1)),
            ("lexicon entry without stems", |m| {
                m.classifier.lexicon.entries[0].stems.clear()
            }),
            ("unknown term id", |m| {
                let n = m.vectorizer.terms.len() as u32;
                m.classifier.topics[0].linear.weights.push((n + 5, 1.0));
            }),
            ("blend without coefficients", |m| {
                m.classifier.topics[Topic::Narcotics.index()]
                    .blend
                    .coef
                    .clear()
            }),
            ("IDF shorter than the vocabulary", |m| {
                m.vectorizer.idf.pop();
            }),
            ("NaN threshold", |m| {
                m.classifier.topics[1].threshold = f32::NAN
            }),
            ("archive and rows disagree", |m| {
                m.rows.push(Default::default());
                m.archive.clear();
            }),
            ("unsorted archive row", |m| {
                m.rows[0].idx.reverse();
            }),
            ("invalid settings", |m| m.classifier.params.inner_folds = 0),
        ];
        for (what, break_it) in cases {
            let mut m = seed_model();
            break_it(&mut m);
            let err = decode(Path::new("m.amn"), &framed(&m))
                .map(|_| ())
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("m.amn: corrupt model (inconsistent"),
                "{what}: {err}"
            );
        }
    }

    #[test]
    fn header_problems_are_named() {
        let bytes = framed(&seed_model());
        let err = |b: &[u8]| {
            decode(Path::new("m.amn"), b)
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        assert!(err(&[]).contains("empty file"));
        assert!(err(&bytes[..6]).contains("truncated"));
        assert!(err(&bytes[..20]).contains("header"));
        assert!(err(b"PK\x03\x04").contains("bad magic"));
        assert!(err(&bytes[..bytes.len() - 1]).contains("truncated or padded"));
    }

    #[test]
    fn loading_reads_the_header_first() {
        let dir = tempfile::tempdir().unwrap();
        // A large foreign file is refused from its first bytes.
        let big = dir.path().join("big.amn");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(1 << 40)
            .unwrap();
        let err = Model::load(&big).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("not an amn model"), "{err}");
        // A header announcing a huge payload in a small file: no huge allocation, just refused.
        let mut b = header(&[0u8; 16]);
        b[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
        b.extend_from_slice(&[0u8; 16]);
        let small = dir.path().join("small.amn");
        std::fs::write(&small, b).unwrap();
        let err = Model::load(&small).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("truncated or padded"), "{err}");
    }
}
