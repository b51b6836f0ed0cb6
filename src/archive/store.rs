//! The archive file, `model.amx` beside `model.amn`: the vocabulary, IDF, posting lists, titles
//! and labels of every archived bulletin in flat little-endian arrays, memory-mapped so `amn
//! similar` touches only the pages a query needs instead of decoding the whole model.
//!
//! Layout: a header (magic, version, the model's payload length and CRC it was built from, the
//! body's CRC, a table of sections, the header's own CRC), then the sections, each 8-aligned.
//! Opening checks the header only, so it costs the same for any archive size; every offset is
//! bounds-checked where it is used, so a damaged body gives an error or odd results, never a
//! crash. [`Archive::verify`] checks the body CRC for the passes that read it all anyway.

use super::index::{Postings, PostingsBuf};
use super::words;
use crate::corpus::{Document, Label};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::file::{MAGIC as MODEL_MAGIC, model_file, write_atomically};
use crate::text::Analyzer;
use crate::vector::{SparseVec, TermCounts, VectorizerParams};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub const MAGIC: &[u8; 8] = b"AMNARCHV";
/// Bumped whenever the layout changes; other versions are rebuilt from the model.
pub const FORMAT_VERSION: u32 = 1;
pub const EXTENSION: &str = crate::model::file::ARCHIVE_EXTENSION;

const META: usize = 0;
const TERM_OFF: usize = 1;
const TERM_BYTES: usize = 2;
const IDF: usize = 3;
const POST_OFF: usize = 4;
const POST_DOC: usize = 5;
const POST_W: usize = 6;
const ID_OFF: usize = 7;
const ID_BYTES: usize = 8;
const TITLE_OFF: usize = 9;
const TITLE_BYTES: usize = 10;
/// Two bytes a document: predicted label index, hand primary label index (255: none).
const LABELS: usize = 11;
const WORD_OFF: usize = 12;
const WORD_BYTES: usize = 13;
const N_SECTIONS: usize = 14;
const FIXED: usize = 32;
const HEADER_LEN: usize = (FIXED + 16 * N_SECTIONS + 4).next_multiple_of(8);
const NO_LABEL: u8 = 255;

/// The archive file of a model path (`DIR/model.amx`, or `NAME.amx` beside `NAME.amn`).
pub fn archive_file(model_path: &Path) -> PathBuf {
    model_file(model_path).with_extension(EXTENSION)
}

/// Which model file an archive was built from: its payload length and CRC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelStamp {
    pub len: u64,
    pub crc: u32,
}

/// Reads the stamp from the model file's header (see `model::file`: magic, version, payload
/// length, CRC); `None` when the file is missing or not a model.
pub fn model_stamp(model_path: &Path) -> Option<ModelStamp> {
    let mut head = [0u8; 24];
    std::fs::File::open(model_file(model_path))
        .and_then(|mut f| f.read_exact(&mut head))
        .ok()?;
    (&head[..8] == MODEL_MAGIC).then(|| ModelStamp {
        len: u64::from_le_bytes(head[12..20].try_into().expect("8 bytes")),
        crc: u32::from_le_bytes(head[20..24].try_into().expect("4 bytes")),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Meta {
    params: VectorizerParams,
    n_docs: u32,
    n_terms: u32,
    nnz: u64,
}

enum Backing {
    Mapped(memmap2::Mmap),
    /// u64 words keep the sections aligned for the casts.
    Owned(Vec<u64>),
}

/// The archive: every bulletin of a model, its vector (as postings) and its readable terms.
pub struct Archive {
    backing: Backing,
    sections: [Range<usize>; N_SECTIONS],
    meta: Meta,
    stamp: ModelStamp,
    body_crc: u32,
    analyzer: Analyzer,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("meta", &self.meta)
            .field("stamp", &self.stamp)
            .finish()
    }
}

/// Where an opened archive came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The stored archive file, mapped.
    Stored,
    /// Rebuilt in memory from the model, with the reason the file could not be used.
    Rebuilt(String),
}

fn strings<S: AsRef<str>>(items: impl Iterator<Item = S>) -> Result<(Vec<u32>, Vec<u8>)> {
    let mut offsets = vec![0u32];
    let mut bytes = Vec::new();
    for s in items {
        bytes.extend_from_slice(s.as_ref().as_bytes());
        let end = u32::try_from(bytes.len())
            .map_err(|_| Error::Invalid("archive strings exceed 4 GiB".into()))?;
        offsets.push(end);
    }
    Ok((offsets, bytes))
}

impl Archive {
    /// Builds the archive of `model`. `docs` (the training documents, in any order) teach the
    /// readable surface word of each stem; without them terms are shown as stems.
    pub fn build(model: &Model, docs: Option<&[Document]>, stamp: ModelStamp) -> Result<Archive> {
        let v = &model.vectorizer;
        let surface = match docs {
            Some(docs) => words::surface_words(docs, v.analyzer(), v.len(), |t| v.term_id(t)),
            None => vec![String::new(); v.len()],
        };
        Archive::build_with_words(model, &surface, stamp)
    }

    /// [`Archive::build`] with the surface word of each term given ("" for none).
    fn build_with_words(model: &Model, surface: &[String], stamp: ModelStamp) -> Result<Archive> {
        if cfg!(target_endian = "big") {
            return Err(Error::Invalid(
                "the archive file is little-endian only".into(),
            ));
        }
        let v = &model.vectorizer;
        if model.archive.len() != model.rows.len() {
            return Err(Error::Invalid(format!(
                "model has {} archive entries but {} rows",
                model.archive.len(),
                model.rows.len()
            )));
        }
        if !v.terms.windows(2).all(|w| w[0] < w[1]) {
            return Err(Error::Invalid("vocabulary is not sorted".into()));
        }
        let postings = PostingsBuf::from_rows(&model.rows, v.len())?;
        let (term_off, term_bytes) = strings(v.terms.iter())?;
        let (id_off, id_bytes) = strings(model.archive.iter().map(|e| &e.id))?;
        let (title_off, title_bytes) = strings(model.archive.iter().map(|e| &e.title))?;
        let labels: Vec<u8> = model
            .archive
            .iter()
            .flat_map(|e| {
                let hand = e
                    .labels
                    .as_ref()
                    .map_or(NO_LABEL, |l| l.primary.index() as u8);
                [e.predicted.index() as u8, hand]
            })
            .collect();
        let (word_off, word_bytes) = strings(surface.iter())?;
        let meta = Meta {
            params: v.params,
            n_docs: model.rows.len() as u32,
            n_terms: v.len() as u32,
            nnz: postings.docs.len() as u64,
        };
        let meta_json = serde_json::to_vec(&meta).map_err(|e| Error::Invalid(e.to_string()))?;
        // Borrowed, not copied: the file buffer is the only second copy of the postings.
        let parts: [&[u8]; N_SECTIONS] = [
            &meta_json,
            bytemuck::cast_slice(&term_off),
            &term_bytes,
            bytemuck::cast_slice(&v.idf),
            bytemuck::cast_slice(&postings.offsets),
            bytemuck::cast_slice(&postings.docs),
            bytemuck::cast_slice(&postings.weights),
            bytemuck::cast_slice(&id_off),
            &id_bytes,
            bytemuck::cast_slice(&title_off),
            &title_bytes,
            &labels,
            bytemuck::cast_slice(&word_off),
            &word_bytes,
        ];
        let words = encode(&parts, stamp);
        Archive::from_backing(Backing::Owned(words))
    }

    /// Builds the archive of a model just saved at `model_path` and stores it beside it.
    pub fn store(model: &Model, docs: &[Document], model_path: &Path) -> Result<Archive> {
        let stamp = model_stamp(model_path).ok_or_else(|| {
            Error::bad_model(model_file(model_path), "no saved model to index beside")
        })?;
        let archive = Archive::build(model, Some(docs), stamp)?;
        archive.save(model_path)?;
        Ok(archive)
    }

    /// Indexes `model`, just saved at `model_path` by a change (add, label, retrain, rollback),
    /// keeping the readable words of the archive file it replaces; `docs` (e.g. the bulletins
    /// just added) teach words first.
    pub fn refresh(model: &Model, model_path: &Path, docs: &[Document]) -> Result<Archive> {
        let stamp = model_stamp(model_path).ok_or_else(|| {
            Error::bad_model(model_file(model_path), "no saved model to index beside")
        })?;
        let v = &model.vectorizer;
        let mut surface = if docs.is_empty() {
            vec![String::new(); v.len()]
        } else {
            words::surface_words(docs, v.analyzer(), v.len(), |t| v.term_id(t))
        };
        if let Ok(old) = Archive::open_file(&archive_file(model_path)) {
            for (term, word) in v.terms.iter().zip(surface.iter_mut()) {
                if let (true, Some(id)) = (word.is_empty(), old.term_id(term)) {
                    word.push_str(old.text(WORD_OFF, WORD_BYTES, id as usize));
                }
            }
        }
        let archive = Archive::build_with_words(model, &surface, stamp)?;
        archive.save(model_path)?;
        Ok(archive)
    }

    /// Writes the archive file of `model_path` atomically.
    pub fn save(&self, model_path: &Path) -> Result<()> {
        write_atomically(&archive_file(model_path), &[self.bytes()])
    }

    /// Maps the stored archive of `model_path` if it matches the model there; otherwise loads the
    /// model and indexes it in memory (slower, and said so by the [`Source`]).
    pub fn load(model_path: &Path) -> Result<(Archive, Source)> {
        let stamp = model_stamp(model_path);
        let file = archive_file(model_path);
        let why = match (stamp, Archive::open_file(&file)) {
            (Some(s), Ok(a)) if a.stamp == s => return Ok((a, Source::Stored)),
            (_, Ok(_)) => "was built from another model".to_string(),
            (_, Err(Error::Io { source, .. })) if source.kind() == std::io::ErrorKind::NotFound => {
                "is missing".to_string()
            }
            (_, Err(e)) => format!("is unusable ({e})"),
        };
        let model = Model::load(model_path)?;
        let archive = Archive::build(&model, None, stamp.unwrap_or_default())?;
        let note = format!(
            "{} {why}; indexed the model in memory (run `amn train` to store it)",
            file.display()
        );
        Ok((archive, Source::Rebuilt(note)))
    }

    /// Maps an archive file and checks its header.
    pub fn open_file(file: &Path) -> Result<Archive> {
        let f = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
        // SAFETY: archive files are only ever replaced by rename (write_atomically), never
        // written in place, so the mapped inode does not change under us.
        let map = unsafe { memmap2::Mmap::map(&f) }.map_err(|e| Error::io(file, e))?;
        Archive::from_backing(Backing::Mapped(map)).map_err(|e| match e {
            Error::Invalid(why) => Error::bad_model(file, why),
            e => e,
        })
    }

    fn from_backing(backing: Backing) -> Result<Archive> {
        let bytes: &[u8] = match &backing {
            Backing::Mapped(m) => m,
            Backing::Owned(w) => bytemuck::cast_slice(w),
        };
        let (sections, stamp, body_crc) = parse_header(bytes)?;
        let meta: Meta = serde_json::from_slice(&bytes[sections[META].clone()])
            .map_err(|e| Error::Invalid(format!("bad archive metadata: {e}")))?;
        let (d, t, nnz) = (
            meta.n_docs as usize,
            meta.n_terms as usize,
            meta.nnz as usize,
        );
        let expect = [
            (TERM_OFF, 4 * (t + 1)),
            (IDF, 4 * t),
            (POST_OFF, 4 * (t + 1)),
            (POST_DOC, 4 * nnz),
            (POST_W, 4 * nnz),
            (ID_OFF, 4 * (d + 1)),
            (TITLE_OFF, 4 * (d + 1)),
            (LABELS, 2 * d),
            (WORD_OFF, 4 * (t + 1)),
        ];
        if let Some((s, _)) = expect.iter().find(|&&(s, n)| sections[s].len() != n) {
            return Err(Error::Invalid(format!(
                "archive section {s} has the wrong size"
            )));
        }
        let analyzer = Analyzer::new(meta.params.stemmer);
        Ok(Archive {
            backing,
            sections,
            meta,
            stamp,
            body_crc,
            analyzer,
        })
    }

    fn bytes(&self) -> &[u8] {
        match &self.backing {
            Backing::Mapped(m) => m,
            Backing::Owned(w) => bytemuck::cast_slice(w),
        }
    }

    /// Checks the body CRC (reads the whole file).
    pub fn verify(&self) -> Result<()> {
        let body = self.bytes().get(HEADER_LEN..).unwrap_or(&[]);
        if crc32fast::hash(body) == self.body_crc {
            Ok(())
        } else {
            Err(Error::Invalid(
                "corrupt archive file (checksum mismatch); run `amn train` again".into(),
            ))
        }
    }

    fn section(&self, s: usize) -> &[u8] {
        self.bytes().get(self.sections[s].clone()).unwrap_or(&[])
    }

    fn u32s(&self, s: usize) -> &[u32] {
        bytemuck::try_cast_slice(self.section(s)).unwrap_or(&[])
    }

    fn string(&self, off: usize, bytes: usize, i: usize) -> &[u8] {
        let o = self.u32s(off);
        match (o.get(i), o.get(i + 1)) {
            (Some(&a), Some(&b)) if a <= b => self
                .section(bytes)
                .get(a as usize..b as usize)
                .unwrap_or(&[]),
            _ => &[],
        }
    }

    fn text(&self, off: usize, bytes: usize, i: usize) -> &str {
        std::str::from_utf8(self.string(off, bytes, i)).unwrap_or("")
    }

    pub fn stamp(&self) -> ModelStamp {
        self.stamp
    }

    pub fn params(&self) -> VectorizerParams {
        self.meta.params
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Number of archived bulletins.
    pub fn len(&self) -> usize {
        self.meta.n_docs as usize
    }

    pub fn is_empty(&self) -> bool {
        self.meta.n_docs == 0
    }

    pub fn n_terms(&self) -> usize {
        self.meta.n_terms as usize
    }

    pub fn id(&self, doc: u32) -> &str {
        self.text(ID_OFF, ID_BYTES, doc as usize)
    }

    pub fn title(&self, doc: u32) -> &str {
        self.text(TITLE_OFF, TITLE_BYTES, doc as usize)
    }

    /// The classifier's primary label for an archived bulletin.
    pub fn predicted(&self, doc: u32) -> Label {
        let b = self.section(LABELS).get(2 * doc as usize).copied();
        b.and_then(|i| Label::ALL.get(i as usize).copied())
            .unwrap_or(Label::Other)
    }

    /// The hand-given primary label, when the bulletin had one.
    pub fn hand_label(&self, doc: u32) -> Option<Label> {
        let b = self.section(LABELS).get(2 * doc as usize + 1).copied()?;
        Label::ALL.get(b as usize).copied()
    }

    pub fn term(&self, id: u32) -> &str {
        self.text(TERM_OFF, TERM_BYTES, id as usize)
    }

    /// Id of a term, by binary search of the sorted vocabulary.
    pub fn term_id(&self, term: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0usize, self.n_terms());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.string(TERM_OFF, TERM_BYTES, mid).cmp(term.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    /// A readable form of a term: the most frequent surface word of each of its stems (or the
    /// stem itself when it was never seen in the sample).
    pub fn word(&self, id: u32) -> String {
        let stored = self.text(WORD_OFF, WORD_BYTES, id as usize);
        if !stored.is_empty() {
            return stored.to_string();
        }
        let term = self.term(id);
        if !term.contains(' ') {
            return term.to_string();
        }
        term.split(' ')
            .map(|part| {
                self.term_id(part)
                    .map(|p| self.text(WORD_OFF, WORD_BYTES, p as usize))
                    .filter(|w| !w.is_empty())
                    .unwrap_or(part)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn idf(&self) -> &[f32] {
        bytemuck::try_cast_slice(self.section(IDF)).unwrap_or(&[])
    }

    pub fn postings(&self) -> Postings<'_> {
        Postings {
            offsets: self.u32s(POST_OFF),
            docs: self.u32s(POST_DOC),
            weights: bytemuck::try_cast_slice(self.section(POST_W)).unwrap_or(&[]),
            n_docs: self.meta.n_docs,
        }
    }

    /// Sublinear TF × IDF, L2-normalized, over known terms: the same row the model's vectorizer
    /// gives (`Vectorizer::weigh`), looked up in the mapped vocabulary.
    pub fn weigh(&self, counts: &TermCounts) -> SparseVec {
        let idf = self.idf();
        let pairs = counts
            .iter()
            .filter_map(|(t, &c)| {
                let id = self.term_id(t)?;
                let w = idf.get(id as usize)?;
                Some((id, (1.0 + (c as f32).ln()) * w))
            })
            .collect();
        let mut row = SparseVec::from_pairs(pairs);
        row.normalize();
        row
    }
}

/// Lays out header and sections in one 8-aligned buffer.
fn encode(parts: &[&[u8]; N_SECTIONS], stamp: ModelStamp) -> Vec<u64> {
    let mut table = Vec::with_capacity(N_SECTIONS);
    let mut at = HEADER_LEN;
    for p in parts {
        table.push((at as u64, p.len() as u64));
        at = (at + p.len()).next_multiple_of(8);
    }
    let mut words = vec![0u64; at / 8];
    let buf: &mut [u8] = bytemuck::cast_slice_mut(&mut words);
    for (p, &(off, len)) in parts.iter().zip(&table) {
        buf[off as usize..(off + len) as usize].copy_from_slice(p);
    }
    let body_crc = crc32fast::hash(&buf[HEADER_LEN..]);
    let mut h = Vec::with_capacity(HEADER_LEN);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    h.extend_from_slice(&stamp.crc.to_le_bytes());
    h.extend_from_slice(&stamp.len.to_le_bytes());
    h.extend_from_slice(&body_crc.to_le_bytes());
    h.extend_from_slice(&(N_SECTIONS as u32).to_le_bytes());
    for (off, len) in table {
        h.extend_from_slice(&off.to_le_bytes());
        h.extend_from_slice(&len.to_le_bytes());
    }
    let crc = crc32fast::hash(&h);
    h.extend_from_slice(&crc.to_le_bytes());
    buf[..h.len()].copy_from_slice(&h);
    words
}

type Header = ([Range<usize>; N_SECTIONS], ModelStamp, u32);

fn parse_header(b: &[u8]) -> Result<Header> {
    let bad = |why: &str| Err(Error::Invalid(why.to_string()));
    if b.len() < HEADER_LEN || &b[..8] != MAGIC {
        return bad("not an amn archive file (bad magic header)");
    }
    let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
    let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    if u32_at(8) != FORMAT_VERSION {
        return bad("archive format version differs from this amn's");
    }
    let table_end = FIXED + 16 * N_SECTIONS;
    if u32_at(28) as usize != N_SECTIONS || crc32fast::hash(&b[..table_end]) != u32_at(table_end) {
        return bad("corrupt archive header (checksum mismatch)");
    }
    let stamp = ModelStamp {
        crc: u32_at(12),
        len: u64_at(16),
    };
    let mut sections: [Range<usize>; N_SECTIONS] = Default::default();
    for (s, range) in sections.iter_mut().enumerate() {
        let (off, len) = (u64_at(FIXED + 16 * s), u64_at(FIXED + 16 * s + 8));
        let end = off.checked_add(len).filter(|&e| e <= b.len() as u64);
        match end {
            Some(end) if off % 8 == 0 && off as usize >= HEADER_LEN => {
                *range = off as usize..end as usize;
            }
            _ => return bad("truncated archive file"),
        }
    }
    Ok((sections, stamp, u32_at(24)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::TrainSettings;

    pub(crate) fn docs() -> Vec<Document> {
        let texts = [
            "ضبطت شرطة المنطقة مروجا بحوزته كمية من أقراص الكبتاجون المخدرة",
            "أحبطت الجمارك تهريب أقراص الكبتاجون المخدرة في ميناء جدة",
            "تبنى تنظيم داعش الإرهابي تفجير مسجد وأعلنت الداخلية القبض على خلية إرهابية",
            "أعلنت وزارة الداخلية القبض على خلية إرهابية تابعة لتنظيم داعش",
            "افتتح أمير المنطقة معرض الكتاب الدولي بحضور عدد من المثقفين",
            "هجوم إلكتروني على مواقع حكومية واختراق أنظمة الحاسب في الوزارة",
        ];
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Document::new(format!("d{i}"), *t))
            .collect()
    }

    pub(crate) fn model(docs: &[Document]) -> Model {
        let lexicon = crate::model::lexicon::DEFAULT_LEXICON;
        let mut docs = docs.to_vec();
        // The classifier needs a labeled example of each kind.
        for (d, l) in docs
            .iter_mut()
            .zip(["narcotics", "narcotics", "counter_terrorism"])
        {
            let label = Label::parse(l).unwrap();
            d.labels = Some(crate::corpus::Labels::new(label, vec![]));
        }
        docs[4].labels = Some(crate::corpus::Labels::new(Label::Other, vec![]));
        Model::train(&docs, TrainSettings::default(), lexicon).unwrap()
    }

    #[test]
    fn saved_archive_maps_back_with_the_same_content() {
        let docs = docs();
        let model = model(&docs);
        let dir = tempfile::tempdir().unwrap();
        model.save(dir.path()).unwrap();
        let stamp = model_stamp(dir.path()).unwrap();
        let built = Archive::build(&model, Some(&docs), stamp).unwrap();
        built.save(dir.path()).unwrap();
        let (a, source) = Archive::load(dir.path()).unwrap();
        assert_eq!(source, Source::Stored);
        a.verify().unwrap();
        assert_eq!(a.len(), docs.len());
        assert_eq!(a.id(2), "d2");
        assert_eq!(a.hand_label(0), Label::parse("narcotics"));
        assert_eq!(a.hand_label(5), None);
        assert_eq!(a.postings().rows(), model.rows);
        let v = &model.vectorizer;
        for (i, t) in v.terms.iter().enumerate() {
            assert_eq!(a.term_id(t), Some(i as u32));
        }
        assert_eq!(a.term_id("zzz"), None);
        let stem = &v.analyzer().stems("الكبتاجون")[0];
        let id = a.term_id(stem).unwrap();
        assert_eq!(a.word(id), "الكبتاجون");
        let counts = crate::vector::term_counts(v.analyzer(), &docs[1].text, true);
        assert_eq!(a.weigh(&counts), v.weigh(&counts));
    }

    #[test]
    fn stale_missing_or_corrupt_archives_are_rebuilt_from_the_model() {
        let docs = docs();
        let model = model(&docs);
        let dir = tempfile::tempdir().unwrap();
        model.save(dir.path()).unwrap();
        let (_, source) = Archive::load(dir.path()).unwrap();
        assert!(matches!(source, Source::Rebuilt(ref w) if w.contains("missing")));
        let stale = Archive::build(&model, None, ModelStamp { len: 1, crc: 2 }).unwrap();
        stale.save(dir.path()).unwrap();
        let (a, source) = Archive::load(dir.path()).unwrap();
        assert!(matches!(source, Source::Rebuilt(ref w) if w.contains("another model")));
        assert_eq!(a.len(), docs.len());
        let file = archive_file(dir.path());
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.truncate(bytes.len() / 2);
        std::fs::write(&file, &bytes).unwrap();
        let (_, source) = Archive::load(dir.path()).unwrap();
        assert!(matches!(source, Source::Rebuilt(ref w) if w.contains("unusable")));
    }

    #[test]
    fn flipped_body_byte_fails_verification_without_panicking() {
        let docs = docs();
        let model = model(&docs);
        let a = Archive::build(&model, None, ModelStamp::default()).unwrap();
        let mut bytes = a.bytes().to_vec();
        let n = bytes.len() - 3;
        bytes[n] ^= 0x55;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.amx");
        std::fs::write(&f, &bytes).unwrap();
        let b = Archive::open_file(&f).unwrap();
        assert!(b.verify().is_err());
        for d in 0..b.len() as u32 {
            let _ = (b.id(d), b.title(d), b.predicted(d));
        }
        assert!(Archive::open_file(&dir.path().join("none.amx")).is_err());
    }
}
