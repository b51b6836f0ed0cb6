//! Hostile input, on the real binary: the catalogue of issue 8 (README, "Hostile input").
//!
//! Every case checks the exit code, that the message is one line naming the input, that nothing
//! panicked, and that nothing was written where nothing should be.

mod common;
use assert_cmd::Command;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant, SystemTime};

const LIMIT: Duration = Duration::from_secs(120);

/// Deterministic pseudo-random bytes (xorshift64*): failures reproduce.
fn noise(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

fn classify(model: &Path) -> Command {
    let mut cmd = amn();
    cmd.args(["classify", "--model"]).arg(model).timeout(LIMIT);
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("amn runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json_rows(out: &Output) -> Vec<serde_json::Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

/// Relative path, size and modification time of everything under `dir`.
fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(m) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if m.is_dir() {
                stack.push(p.clone());
            }
            let rel = p.strip_prefix(dir).unwrap().to_path_buf();
            out.push((rel, m.len(), m.modified().ok()));
        }
    }
    out.sort();
    out
}

/// One bad bulletin alone: exit `code`, nothing on stdout, one line on stderr naming the file and
/// saying each of `needles`.
fn assert_refused(out: &Output, name: &str, code: i32, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{name}: {err}");
    assert!(out.stdout.is_empty(), "{name}: {}", stdout(out));
    assert_eq!(err.lines().count(), 1, "{name}: one line expected: {err}");
    assert!(err.contains(name), "{name} not named: {err}");
    for n in needles {
        assert!(err.contains(n), "{name}: {n:?} missing: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

/// Windows-1256 bytes of "ضبطت الشرطة كمية من المخدرات في المطار".
const CP1256: &[u8] = &[
    0xD6, 0xC8, 0xD8, 0xCA, 0x20, 0xC7, 0xE1, 0xD4, 0xD1, 0xD8, 0xC9, 0x20, 0xDF, 0xE3, 0xED, 0xC9,
    0x20, 0xE3, 0xE4, 0x20, 0xC7, 0xE1, 0xE3, 0xCE, 0xCF, 0xD1, 0xC7, 0xCA, 0x20, 0xDD, 0xED, 0x20,
    0xC7, 0xE1, 0xE3, 0xD8, 0xC7, 0xD1,
];
const ARABIC: &str = "ضبطت الشرطة كمية من المخدرات في المطار";

#[test]
fn blank_inputs_are_refused_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str); 5] = [
        ("zero.txt", ""),
        ("spaces.txt", " \t\r\n \n\u{00A0}\u{3000}\n"),
        (
            "harakat.txt",
            "\u{064E}\u{064F}\u{0650}\u{0651}\u{0652}\u{064B}\u{064C}\u{064D} \u{0670}",
        ),
        ("tatweel.txt", "ـــــــ ـــ\nـ"),
        (
            "marks.txt",
            "\u{FEFF}\u{200F}\u{200E}\u{200C}\u{200D}\u{2067}\u{2069}\u{00AD}",
        ),
    ];
    for (name, text) in cases {
        let f = write(dir.path(), name, text);
        let out = run(classify(seed_model()).arg(&f));
        assert_refused(&out, name, 3, &["empty bulletin"]);
    }
    // Text that is only punctuation and markup has no words: refused after cleaning.
    let f = write(
        dir.path(),
        "markup.txt",
        "<p>&nbsp;</p><div>... ، ؛ !</div>",
    );
    let out = run(classify(seed_model()).arg(&f));
    assert_refused(&out, "markup.txt", 3, &["no words"]);
}

#[test]
fn windows_1256_is_detected_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "cp1256.txt", CP1256);
    let before = snapshot(dir.path());
    let out = run(classify(seed_model()).arg(&f));
    assert_refused(
        &out,
        "cp1256.txt",
        3,
        &["not valid UTF-8", "Windows-1256", "iconv"],
    );
    assert_eq!(snapshot(dir.path()), before, "classify wrote something");
    // In a batch: reported by line, the rest classified.
    let mut jsonl = format!("{{\"id\": \"a\", \"text\": \"{ARABIC}\"}}\n").into_bytes();
    jsonl.extend_from_slice(b"{\"id\": \"b\", \"text\": \"");
    jsonl.extend_from_slice(CP1256);
    jsonl.extend_from_slice(b"\"}\n");
    jsonl.extend_from_slice(format!("{{\"id\": \"c\", \"text\": \"{ARABIC}\"}}\n").as_bytes());
    let f = write(dir.path(), "mixed.jsonl", jsonl);
    let out = run(classify(seed_model()).arg("--json").arg(&f));
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("mixed.jsonl:2: not valid UTF-8 (it looks like Windows-1256"));
    let ids: Vec<_> = json_rows(&out).iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, ["a", "c"]);
}

#[test]
fn utf16_with_a_bom_is_decoded_like_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("seeds/004_f00f016d401a14b0.txt")).unwrap();
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let plain = write(dir.path(), "utf8.txt", &text);
    let le = write(dir.path(), "le.txt", le);
    let be = write(dir.path(), "be.txt", be);
    let out = run(classify(seed_model())
        .arg("--json")
        .args([&plain, &le, &be]));
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = json_rows(&out);
    assert_eq!(rows.len(), 3);
    for r in &rows[1..] {
        assert_eq!(r["scores"], rows[0]["scores"]);
    }
    // Broken UTF-16 and UTF-16 without a BOM are refused with what they are.
    let mut odd = vec![0xFF, 0xFE];
    odd.extend("أمن".encode_utf16().flat_map(u16::to_le_bytes));
    odd.push(0x41);
    let f = write(dir.path(), "odd.txt", odd);
    assert_refused(
        &run(classify(seed_model()).arg(&f)),
        "odd.txt",
        3,
        &["invalid UTF-16"],
    );
    let no_bom: Vec<u8> = ARABIC.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let no_bom: Vec<u8> = "The ministry said"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .chain(no_bom)
        .collect();
    let f = write(dir.path(), "nobom.txt", no_bom);
    assert_refused(
        &run(classify(seed_model()).arg(&f)),
        "nobom.txt",
        3,
        &["UTF-16 without a byte-order mark"],
    );
}

#[test]
fn binary_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    png.extend(noise(7, 2000));
    let cases = [
        ("image.txt", png, "binary data"),
        ("random.txt", noise(42, 64 * 1024), "binary data"),
        // Random bytes with no NUL: still not text.
        (
            "random-nonul.txt",
            noise(43, 4096).into_iter().map(|b| b | 0x80).collect(),
            "not valid UTF-8",
        ),
    ];
    for (name, bytes, why) in cases {
        let f = write(dir.path(), name, bytes);
        let before = snapshot(dir.path());
        assert_refused(&run(classify(seed_model()).arg(&f)), name, 3, &[why]);
        assert_eq!(snapshot(dir.path()), before);
    }
    // Standard input too.
    let out = run(classify(seed_model())
        .arg("-")
        .write_stdin(noise(9, 10_000)));
    assert_refused(&out, "<stdin>", 3, &["binary data"]);
}

#[test]
fn a_200_mb_bulletin_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    let started = Instant::now();
    {
        use std::io::Write;
        let chunk = format!("{ARABIC}\n").repeat((1 << 20) / (ARABIC.len() + 1));
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        while f.get_ref().metadata().unwrap().len() < 200 << 20 {
            f.write_all(chunk.as_bytes()).unwrap();
            f.flush().unwrap();
        }
        f.get_ref().set_len(200 << 20).unwrap();
    }
    let written = started.elapsed();
    // Address space capped at 150 MiB: reading the file whole (or even a quarter of it) would
    // fail, so success here shows memory stays bounded.
    let started = Instant::now();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 153600 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_amn"))
        .args(["classify", "--model"])
        .arg(seed_model())
        .arg(&path)
        .output()
        .unwrap();
    eprintln!(
        "200 MiB bulletin: written in {:.2}s, refused in {:.2}s",
        written.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    assert_refused(&out, "huge.txt", 3, &["larger than 16 MiB", "200.0 MiB"]);
    // The same from a pipe (size unknown): read up to the cap, then refused.
    let out = run(classify(seed_model()).arg("-").pipe_stdin(&path).unwrap());
    assert_refused(&out, "<stdin>", 3, &["larger than 16 MiB"]);
}

#[test]
fn an_overlong_jsonl_line_is_skipped_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.jsonl");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(f, "{{\"id\": \"a\", \"text\": \"{ARABIC}\"}}").unwrap();
        write!(f, "{{\"id\": \"b\", \"text\": \"").unwrap();
        let chunk = "أمن ".repeat(1 << 16);
        for _ in 0..(60 << 20) / chunk.len() {
            f.write_all(chunk.as_bytes()).unwrap();
        }
        writeln!(f, "\"}}").unwrap();
        writeln!(f, "{{\"id\": \"c\", \"text\": \"{ARABIC}\"}}").unwrap();
    }
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 153600 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_amn"))
        .args(["classify", "--json", "--model"])
        .arg(seed_model())
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("long.jsonl:2: line longer than 16 MiB"));
    let ids: Vec<_> = json_rows(&out).iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, ["a", "c"]);
}

#[test]
fn a_million_line_jsonl_reports_bad_lines_and_classifies_the_rest() {
    const LINES: usize = 1_000_000;
    let bad = [2usize, 333_333, 500_000, 999_999];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.jsonl");
    let texts = [
        "ضبط مخدرات في المطار",
        "هجوم إلكتروني على موقع الوزارة",
        "القبض على خلية إرهابية",
        "افتتاح معرض الكتاب",
    ];
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for i in 1..=LINES {
            match bad.iter().position(|&b| b == i) {
                Some(0) => f.write_all(b"{broken\n").unwrap(),
                Some(1) => f
                    .write_all(b"{\"id\": \"x\", \"text\": \"\xC7\xE1\xC3\xE3\xE4\"}\n")
                    .unwrap(),
                Some(2) => f.write_all(b"{\"id\": \"y\"}\n").unwrap(),
                Some(_) => f.write_all(b"{\"id\": \"z\", \"text\": 5}\n").unwrap(),
                None => writeln!(f, "{{\"id\":\"{i}\",\"text\":\"{}\"}}", texts[i % 4]).unwrap(),
            }
        }
    }
    let started = Instant::now();
    let out = run(classify(seed_model())
        .arg("--json")
        .arg(&path)
        .timeout(Duration::from_secs(600)));
    let took = started.elapsed();
    eprintln!(
        "1,000,000-line JSONL classified in {:.1}s",
        took.as_secs_f64()
    );
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    for (b, why) in bad.iter().zip([
        "malformed JSON",
        "not valid UTF-8",
        "missing \"text\"",
        "unusable JSON object",
    ]) {
        assert!(
            err.contains(&format!("million.jsonl:{b}: {why}")),
            "{b}: {err}"
        );
    }
    assert!(
        err.contains("4 of 1000000 bulletins could not be classified"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 5, "{err}");
    let text = stdout(&out);
    assert_eq!(text.lines().count(), LINES - bad.len());
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "1");
}

#[test]
fn jsonl_fields_of_the_wrong_kind_and_duplicate_ids() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        format!(r#"{{"id": "dup", "text": "{ARABIC}"}}"#),
        r#"{"id": "notext", "title": "عنوان"}"#.to_string(),
        r#"{"id": "num", "text": 42}"#.to_string(),
        format!(r#"{{"id": "t", "title": ["x"], "text": "{ARABIC}"}}"#),
        format!(r#"{{"id": {{"a": 1}}, "text": "{ARABIC}"}}"#),
        format!(r#"{{"id": "topics", "text": "{ARABIC}", "topics": "narcotics"}}"#),
        format!(r#"{{"id": "label", "text": "{ARABIC}", "primary": "weather"}}"#),
        r#"["an", "array"]"#.to_string(),
        r#""a string""#.to_string(),
        r#"{"id": "empty", "text": "   "}"#.to_string(),
        format!(r#"{{"id": "dup", "text": "{ARABIC}"}}"#),
        format!(r#"{{"id": 7, "text": "{ARABIC}"}}"#),
        format!(r#"{{"id": "", "text": "{ARABIC}"}}"#),
        format!(r#"{{"text": "{ARABIC}", "unknown": {{"nested": [1, 2]}}}}"#),
    ];
    let f = write(dir.path(), "fields.jsonl", lines.join("\n") + "\n");
    let out = run(classify(seed_model()).arg("--json").arg(&f));
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    for needle in [
        "fields.jsonl:2: missing \"text\"",
        "fields.jsonl:3: unusable JSON object: invalid type: integer `42`, expected a string",
        "fields.jsonl:4: unusable JSON object: invalid type: sequence",
        "fields.jsonl:5: \"id\" must be a string or a number",
        "fields.jsonl:6: unusable JSON object: invalid type: string \"narcotics\", expected a sequence",
        "fields.jsonl:7: unknown primary label \"weather\"",
        "fields.jsonl:8: not a JSON object",
        "fields.jsonl:9: not a JSON object",
        "fields.jsonl:10: empty \"text\"",
        "warning: dup: duplicate id",
    ] {
        assert!(err.contains(needle), "{needle:?} missing:\n{err}");
    }
    assert!(!err.contains("panicked"));
    let ids: Vec<String> = json_rows(&out)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    // Duplicates are both classified (with a warning); an empty id falls back to file:line.
    assert_eq!(
        ids,
        ["dup", "dup", "7", "fields.jsonl:13", "fields.jsonl:14"]
    );
}

#[test]
fn english_and_french_are_not_arabic() {
    let dir = tempfile::tempdir().unwrap();
    let fr = "Le ministère de l'Intérieur a saisi 300 kg de drogue à l'aéroport de Casablanca, \
              selon un communiqué publié dimanche.";
    let en = "Police arrested three suspects after a cyber attack on the ministry's servers.";
    for (name, text) in [("fr.txt", fr), ("en.txt", en)] {
        let f = write(dir.path(), name, text);
        let out = run(classify(seed_model()).arg(&f));
        assert_refused(&out, name, 3, &["not Arabic text", "0 Arabic words"]);
    }
    // A French text quoting a few Arabic words is still not Arabic.
    let f = write(dir.path(), "fr-ar.txt", format!("{fr} « الأمن »"));
    assert_refused(
        &run(classify(seed_model()).arg(&f)),
        "fr-ar.txt",
        3,
        &["not Arabic"],
    );
    let jsonl = [
        format!(r#"{{"id": "ar", "text": "{ARABIC}"}}"#),
        format!(r#"{{"id": "fr", "text": "{fr}"}}"#),
        format!(r#"{{"id": "en", "text": "{en}"}}"#),
    ]
    .join("\n");
    let f = write(dir.path(), "langs.jsonl", jsonl);
    let out = run(classify(seed_model()).arg("--json").arg(&f));
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("amn: fr: not Arabic text"), "{err}");
    assert!(err.contains("amn: en: not Arabic text"), "{err}");
    let ids: Vec<_> = json_rows(&out).iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, ["ar"]);
}

const PERSIAN: &str = "پلیس فتا اعلام کرد که این حمله سایبری از خارج از کشور انجام شده است و \
    مهاجمان می‌خواستند اطلاعات کاربران را سرقت کنند. به گفته پلیس، این گروه در گذشته نیز \
    حملات مشابهی را علیه بانک‌ها انجام داده بود.";
const URDU: &str = "پولیس نے بتایا کہ ملزم کے قبضے سے منشیات برآمد ہوئی ہیں اور اسے گرفتار کر \
    لیا گیا ہے۔ یہ کارروائی ہوائی اڈے پر کی گئی اور ملزم کو عدالت میں پیش کیا جائے گا۔";

#[test]
fn persian_and_urdu_are_classified_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, lang) in [("fa.txt", PERSIAN, "Persian"), ("ur.txt", URDU, "Urdu")] {
        let f = write(dir.path(), name, text);
        let out = run(classify(seed_model()).arg("--json").arg(&f));
        assert!(out.status.success(), "{}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("warning: {name}: looks like {lang}, not Arabic")),
            "{err}"
        );
        let rows = json_rows(&out);
        assert_eq!(rows.len(), 1);
        assert!(rows[0]["warnings"][0].as_str().unwrap().contains(lang));
    }
    // Arabic gets no warning and no `warnings` field.
    let f = write(dir.path(), "ar.txt", ARABIC);
    let out = run(classify(seed_model()).arg("--json").arg(&f));
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    assert!(json_rows(&out)[0].get("warnings").is_none());
}

/// Seed 004 as a scraped page: every line in a block element, spaces as `&nbsp;`, plus script,
/// style, comments and navigation full of words of other topics.
fn as_html_page(text: &str) -> String {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">\n\
         <script>var s = \"<p>تفجير إرهابي</p>\"; if (a < b && c > d) {}</script>\n\
         <style>p { color: red; } /* الطيران */</style></head>\n<body>\n\
         <nav><a href=\"/\">الإرهاب</a> | <a href=\"/x\">الطيران</a></nav>\n<!-- تعليق: الإرهاب -->\n",
    );
    for line in text.lines() {
        if line.trim().is_empty() {
            page.push('\n');
        } else {
            page.push_str(&format!(
                "<p class=\"x\">{}</p>\n",
                line.replacen(' ', "&nbsp;", 2)
            ));
        }
    }
    page.push_str("<footer>جميع الحقوق محفوظة لمكافحة الإرهاب</footer></body></html>\n");
    page
}

#[test]
fn html_pages_are_stripped_to_their_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("seeds/004_f00f016d401a14b0.txt")).unwrap();
    let plain = write(dir.path(), "plain.txt", &text);
    let page = write(dir.path(), "page.txt", as_html_page(&text));
    let out = run(amn()
        .args(["classify", "--json", "--explain"])
        .arg(&plain)
        .arg(&page));
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = json_rows(&out);
    assert_eq!(rows[0]["scores"], rows[1]["scores"]);
    assert_eq!(rows[0]["topics"], rows[1]["topics"]);
    let explained = rows[1]["explanation"].to_string();
    for markup in ["nbsp", "class", "href", "script", "<p", "color"] {
        assert!(!explained.contains(markup), "{markup} in {explained}");
    }
}

#[test]
fn extremely_long_words_are_fast_and_do_not_bloat_the_model() {
    let dir = tempfile::tempdir().unwrap();
    // 1 MB without a space, Arabic and Latin, beside a few real words.
    let long = "الإرهاب".repeat(75_000);
    let f = write(
        dir.path(),
        "long.txt",
        format!("ضبط المخدرات في المطار {long} ومكافحة"),
    );
    let latin = write(
        dir.path(),
        "latin.txt",
        format!("{ARABIC} {}", "A".repeat(1 << 20)),
    );
    let started = Instant::now();
    let out = run(classify(seed_model()).arg("--explain").arg(&f).arg(&latin));
    let took = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert!(!stdout(&out).contains(&"الإرهاب".repeat(2)));
    // Training on it: the long word is no term, so the model is no bigger than without it.
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for e in std::fs::read_dir(root().join("seeds")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, corpus.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::copy(&f, corpus.join("zz_long.txt")).unwrap();
    let model = dir.path().join("m");
    amn()
        .args(["train", "--corpus"])
        .arg(&corpus)
        .arg("--model")
        .arg(&model)
        .timeout(LIMIT)
        .assert()
        .success();
    let size = std::fs::metadata(model.join("model.amn")).unwrap().len();
    let seeds_only = std::fs::metadata(seed_model().join("model.amn"))
        .unwrap()
        .len();
    assert!(size < seeds_only + 50_000, "{size} vs {seeds_only}");
}

/// Base letters → presentation forms, cycling through the forms of each letter (as PDF text
/// extraction gives them), with the lam-alef ligatures.
fn as_presentation_forms(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut forms: std::collections::HashMap<char, Vec<char>> = Default::default();
    for cp in 0xFE80..=0xFEF4u32 {
        let c = char::from_u32(cp).unwrap();
        let base: Vec<char> = std::iter::once(c).nfkc().collect();
        if let [b] = base[..] {
            forms.entry(b).or_default().push(c);
        }
    }
    let text = text
        .replace("لا", "\u{FEFB}")
        .replace("لأ", "\u{FEF7}")
        .replace("لإ", "\u{FEF9}");
    text.chars()
        .enumerate()
        .map(|(i, c)| forms.get(&c).map_or(c, |f| f[i % f.len()]))
        .collect()
}

#[test]
fn presentation_forms_classify_like_base_letters() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("seeds/000_98ba85b340fa3eee.txt")).unwrap();
    let pdf = as_presentation_forms(&text);
    assert!(
        pdf.chars()
            .filter(|c| ('\u{FE70}'..='\u{FEFF}').contains(c))
            .count()
            > 1000
    );
    let plain = write(dir.path(), "plain.txt", &text);
    let pdf = write(dir.path(), "pdf.txt", &pdf);
    let out = run(amn().args(["classify", "--json"]).arg(&plain).arg(&pdf));
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = json_rows(&out);
    assert_eq!(rows[0]["scores"], rows[1]["scores"]);
    assert_eq!(rows[0]["primary"], rows[1]["primary"]);
}

#[test]
fn mixed_rtl_ltr_text_with_numbers_classifies() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{202B}أعلنت شركة Microsoft في 14/2/2024 عن ثغرة CVE-2024-21412 في نظام \
                Windows 11\u{202C} استغلها قراصنة \u{200E}APT28\u{200E} لشن هجمات إلكترونية \
                وبرمجيات فدية على ١٬٢٠٠ جهاز حكومي، وبلغت خسائر الاختراق ٣٫٥ مليون دولار \
                (USD 3.5m) حسب تقرير \u{2066}Kaspersky Lab\u{2069} عن الأمن السيبراني، \
                https://example.com/report?id=42&lang=ar";
    let f = write(dir.path(), "mixed.txt", text);
    let out = run(amn().args(["classify", "--json", "--explain"]).arg(&f));
    assert!(out.status.success(), "{}", stderr(&out));
    let row = &json_rows(&out)[0];
    assert_eq!(row["primary"], "cybersecurity", "{row}");
    for e in row["explanation"].as_array().unwrap() {
        for ev in e["evidence"].as_array().unwrap() {
            for w in ev["words"].as_array().unwrap() {
                assert!(text.contains(w.as_str().unwrap()), "{w} not in the text");
            }
        }
    }
}

#[test]
fn unreadable_files_and_symlink_loops_in_a_directory() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir(&d).unwrap();
    write(&d, "a_good.txt", ARABIC);
    let secret = write(&d, "b_secret.txt", ARABIC);
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads a mode-000 file anyway: then there is no permission error to see.
    let privileged = std::fs::read(&secret).is_ok();
    symlink("c_loop.txt", d.join("c_loop.txt")).unwrap();
    symlink("d_pong.txt", d.join("d_ping.txt")).unwrap();
    symlink("d_ping.txt", d.join("d_pong.txt")).unwrap();
    symlink("nowhere.txt", d.join("e_dangling.txt")).unwrap();
    symlink(".", d.join("f_self")).unwrap();
    symlink("..", d.join("g_up.txt")).unwrap();
    std::fs::create_dir(d.join("h_dir.txt")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(d.join("i_fifo.txt"))
        .status()
        .is_ok_and(|s| s.success());
    let before = snapshot(&d);
    let out = run(classify(seed_model()).arg("--json").arg(&d));
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(0), "{err}");
    let ids: Vec<String> = json_rows(&out)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.contains(&"a_good.txt".to_string()), "{ids:?}");
    for name in ["c_loop.txt", "d_ping.txt", "d_pong.txt"] {
        assert!(
            err.contains(&format!("{name}: Too many levels of symbolic links")),
            "{name}: {err}"
        );
    }
    assert!(err.contains("e_dangling.txt: No such file"), "{err}");
    if fifo {
        assert!(err.contains("i_fifo.txt: not a regular file"), "{err}");
    }
    if privileged {
        eprintln!("running as root: mode 000 does not stop reading, permission case not checked");
        assert!(ids.contains(&"b_secret.txt".to_string()));
    } else {
        assert!(err.contains("b_secret.txt: Permission denied"), "{err}");
    }
    assert_eq!(
        snapshot(&d),
        before,
        "classify wrote in the input directory"
    );
    // A symlink loop given as the input itself: an I/O error naming it.
    let out = run(classify(seed_model()).arg(d.join("c_loop.txt")));
    assert_refused(
        &out,
        "c_loop.txt",
        5,
        &["Too many levels of symbolic links"],
    );
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
}

/// Runs `classify` with a model file of these bytes; expects exit 4, one line naming it.
fn assert_model_refused(dir: &Path, name: &str, bytes: &[u8], needles: &[&str]) {
    let m = dir.join(name);
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(m.join("model.amn"), bytes).unwrap();
    let input = write(dir, "input.txt", ARABIC);
    let before = (snapshot(&m), std::fs::read(&input).unwrap());
    let out = run(amn()
        .args(["classify", "--model"])
        .arg(&m)
        .arg(&input)
        .timeout(LIMIT));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{name}: {err}");
    assert_eq!(err.lines().count(), 1, "{name}: {err}");
    assert!(err.contains(&format!("{name}/model.amn")), "{name}: {err}");
    for n in needles {
        assert!(err.contains(n), "{name}: {n:?} missing: {err}");
    }
    assert!(out.stdout.is_empty());
    assert_eq!(
        (snapshot(&m), std::fs::read(&input).unwrap()),
        before,
        "{name}: something was written"
    );
}

#[test]
fn model_truncated_at_every_tenth() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(seed_model().join("model.amn")).unwrap();
    for tenth in 0..10 {
        let cut = good.len() * tenth / 10;
        let why = if tenth == 0 {
            "empty file"
        } else {
            "truncated"
        };
        assert_model_refused(dir.path(), &format!("cut{tenth}"), &good[..cut], &[why]);
    }
    // Cut inside the header.
    assert_model_refused(
        dir.path(),
        "cut-header",
        &good[..15],
        &["truncated", "header"],
    );
    assert_model_refused(dir.path(), "cut-magic", &good[..5], &["truncated"]);
    // Padded.
    let mut padded = good.clone();
    padded.extend_from_slice(b"\n\n");
    assert_model_refused(dir.path(), "padded", &padded, &["padded"]);
}

#[test]
fn model_bit_flipped_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(seed_model().join("model.amn")).unwrap();
    let mut places: Vec<(String, usize, &str)> = vec![
        ("magic".into(), 3, "not an amn model"),
        ("version".into(), 9, "newer"),
        ("length".into(), 13, "truncated or padded"),
        ("crc".into(), 21, "checksum"),
    ];
    for tenth in 1..10 {
        places.push((
            format!("payload{tenth}"),
            good.len() * tenth / 10,
            "checksum",
        ));
    }
    places.push(("last".into(), good.len() - 1, "checksum"));
    for (name, at, why) in places {
        let mut b = good.clone();
        b[at] ^= 0x04;
        assert_model_refused(dir.path(), &format!("flip-{name}"), &b, &[why]);
    }
}

#[test]
fn model_from_a_newer_version_or_random_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(seed_model().join("model.amn")).unwrap();
    let current = amn::model::file::FORMAT_VERSION;
    let mut newer = good.clone();
    newer[8..12].copy_from_slice(&(current + 1).to_le_bytes());
    let said = format!("version {} is newer", current + 1);
    assert_model_refused(dir.path(), "newer", &newer, &[&said, "retrain"]);
    let mut older = good.clone();
    older[8..12].copy_from_slice(&0u32.to_le_bytes());
    assert_model_refused(dir.path(), "older", &older, &["older"]);
    assert_model_refused(
        dir.path(),
        "random",
        &noise(1, 100_000),
        &["not an amn model"],
    );
    assert_model_refused(dir.path(), "text", ARABIC.as_bytes(), &["not an amn model"]);
    // Magic right, payload random (with its checksum right): the decoder refuses it.
    let payload = noise(3, 5000);
    let mut forged = b"AMNMODEL".to_vec();
    forged.extend_from_slice(&current.to_le_bytes());
    forged.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    forged.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    forged.extend_from_slice(&payload);
    assert_model_refused(dir.path(), "forged", &forged, &["corrupt model"]);
}

#[test]
fn training_on_bad_input_leaves_no_model_behind() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    write(&bad, "binary.txt", noise(5, 1000));
    write(&bad, "cp1256.txt", CP1256);
    write(&bad, "empty.txt", "");
    let bad_jsonl = write(dir.path(), "bad.jsonl", "{broken\n{\"id\": 1}\n\n");
    // A new model directory: nothing is left in it.
    let fresh = dir.path().join("fresh");
    let out = run(amn()
        .args(["train", "--corpus"])
        .arg(&bad)
        .arg(&bad_jsonl)
        .arg("--model")
        .arg(&fresh)
        .timeout(LIMIT));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("no usable documents"), "{err}");
    for name in [
        "binary.txt",
        "cp1256.txt",
        "empty.txt",
        "bad.jsonl:1",
        "bad.jsonl:2",
    ] {
        assert!(err.contains(name), "{name}: {err}");
    }
    assert!(!fresh.join("model.amn").exists());
    // Over an existing model: the old one is untouched.
    let existing = dir.path().join("existing");
    std::fs::create_dir(&existing).unwrap();
    std::fs::copy(seed_model().join("model.amn"), existing.join("model.amn")).unwrap();
    let before = std::fs::read(existing.join("model.amn")).unwrap();
    for corpus in [bad.as_path(), bad_jsonl.as_path()] {
        let out = run(amn()
            .args(["train", "--corpus"])
            .arg(corpus)
            .arg("--model")
            .arg(&existing)
            .timeout(LIMIT));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    }
    // Readable documents without a single label: a training error, the model untouched too.
    let unlabeled = write(
        dir.path(),
        "unlabeled.jsonl",
        format!("{{\"text\": \"{ARABIC}\"}}\n"),
    );
    let out = run(amn()
        .args(["train", "--corpus"])
        .arg(&unlabeled)
        .arg("--model")
        .arg(&existing)
        .timeout(LIMIT));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(std::fs::read(existing.join("model.amn")).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(&existing)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
