//! The archive's promises (`similar`, `cluster`, `dupes`, `train --dedupe`), on the real binary.

mod common;
use common::*;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A model trained once per test binary on dev.jsonl.
fn dev_model() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        amn()
            .args(["train", "--corpus"])
            .arg(dev_jsonl())
            .arg("--model")
            .arg(dir.path())
            .assert()
            .success()
            .stdout(predicate::str::contains("near-duplicates:"));
        assert!(dir.path().join("model.amx").exists());
        dir
    })
    .path()
}

fn dev_lines() -> Vec<String> {
    std::fs::read_to_string(dev_jsonl())
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn archive_subcommands_have_help() {
    assert_help(&["similar", "cluster", "dupes"], "--model");
}

#[test]
fn an_archived_bulletin_finds_itself_first() {
    let dir = tempfile::tempdir().unwrap();
    let lines = dev_lines();
    let input = write(
        dir.path(),
        "two.jsonl",
        format!("{}\n{}\n", lines[0], lines[7]),
    );
    let out = stdout_ok(amn_on(dev_model(), &["similar", "--json", "--top", "4"]).arg(&input));
    let rows = json_lines(&out);
    assert_eq!(rows.len(), 2);
    for (row, line) in rows.iter().zip([&lines[0], &lines[7]]) {
        let id = serde_json::from_str::<Value>(line).unwrap()["id"].clone();
        assert_eq!(row["id"], id);
        let neighbors = row["neighbors"].as_array().unwrap();
        assert_eq!(neighbors.len(), 4);
        assert_eq!(neighbors[0]["id"], id);
        assert!((neighbors[0]["score"].as_f64().unwrap() - 1.0).abs() < 1e-3);
        for n in neighbors {
            assert!(n["title"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(n["primary"].is_string() && n["shared"].is_array());
        }
        let scores: Vec<f64> = neighbors
            .iter()
            .map(|n| n["score"].as_f64().unwrap())
            .collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    }
}

#[test]
fn human_output_lists_neighbours_with_shared_words() {
    let text = "ضبطت شرطة المنطقة مروجا بحوزته كمية من أقراص الكبتاجون المخدرة وأحالته إلى النيابة";
    let out = stdout_ok(
        amn_on(dev_model(), &["similar", "--top", "3"])
            .arg("-")
            .write_stdin(text),
    );
    assert!(out.starts_with("stdin\n"), "{out}");
    assert_eq!(out.matches("shared: ").count(), 3, "{out}");
    assert!(out.contains("  1. "), "{out}");
}

#[test]
fn similar_refuses_english_and_needs_a_model() {
    amn_on(dev_model(), &["similar"])
        .arg("-")
        .write_stdin("Police seized drugs at the airport.")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("not Arabic"));
    amn()
        .args(["similar", "--model", "/nonexistent/model", "-"])
        .write_stdin("مكافحة المخدرات")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no model here"));
}

#[test]
fn a_model_without_its_archive_file_is_indexed_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(dev_model().join("model.amn"), dir.path().join("model.amn")).unwrap();
    let out = amn_on(dir.path(), &["similar", "--json", "--top", "1"])
        .arg("-")
        .write_stdin("مكافحة المخدرات وضبط الكبتاجون")
        .assert()
        .success()
        .stderr(predicate::str::contains("model.amx is missing"));
    assert_eq!(json_lines(&out.get_output().stdout).len(), 1);
}

#[test]
fn cluster_json_lines_are_valid_and_deterministic_for_a_seed() {
    let run = |seed: &str| {
        stdout_ok(&mut amn_on(
            dev_model(),
            &["cluster", "--json", "--k", "5", "--seed", seed],
        ))
    };
    let first = run("7");
    assert_eq!(first, run("7"), "same seed, same clusters");
    let rows = json_lines(&first);
    assert_eq!(rows.len(), 5);
    let mut total = 0;
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["cluster"], i);
        total += row["size"].as_u64().unwrap();
        let topic = row["topic"].as_str().unwrap();
        assert!(amn::Label::parse(topic).is_some(), "{topic}");
        let terms = row["terms"].as_array().unwrap();
        assert!(!terms.is_empty());
        let arabic = |v: &Value| {
            v.as_str()
                .unwrap()
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
        };
        assert!(terms.iter().all(arabic), "{terms:?}");
        let members = row["members"].as_array().unwrap();
        assert!((1..=3).contains(&members.len()));
    }
    assert_eq!(total, 389);
}

#[test]
fn cluster_auto_and_eval_report_on_stderr() {
    amn_on(dev_model(), &["cluster", "--k", "auto", "--eval"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("k by silhouette").and(predicate::str::contains("nearest:")),
        )
        .stderr(
            predicate::str::contains("purity").and(predicate::str::contains("adjusted Rand index")),
        );
    amn_on(dev_model(), &["cluster", "--k", "lots"])
        .assert()
        .code(2);
    amn_on(dev_model(), &["cluster", "--k", "100000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("more than"));
}

/// A corpus of the first 60 dev bulletins plus a re-posted copy of the 5th (new id, one extra
/// sentence) and the path of its model.
fn corpus_with_copy(dir: &Path, extra: &[&str]) -> (PathBuf, String, String) {
    let lines = dev_lines();
    let mut original: Value = serde_json::from_str(&lines[4]).unwrap();
    let id = original["id"].as_str().unwrap().to_string();
    original["id"] = Value::from("copy-of-5");
    original["text"] = Value::from(format!(
        "{} المصدر: واس.",
        original["text"].as_str().unwrap()
    ));
    let mut text: String = lines[..60].join("\n");
    text.push('\n');
    text.push_str(&original.to_string());
    text.push('\n');
    let corpus = write(dir, "corpus.jsonl", text);
    let model = dir.join("m");
    let out = stdout_ok(
        amn()
            .args(["train", "--corpus"])
            .arg(&corpus)
            .args(extra)
            .arg("--model")
            .arg(&model),
    );
    (model, id, out)
}

#[test]
fn dupes_finds_an_injected_copy_and_train_can_leave_it_out() {
    let dir = tempfile::tempdir().unwrap();
    let (model, id, report) = corpus_with_copy(dir.path(), &[]);
    assert!(report.contains("near-duplicates: "), "{report}");
    assert!(!report.contains("near-duplicates: 0 copies"), "{report}");
    let out = stdout_ok(&mut amn_on(&model, &["dupes", "--json"]));
    let groups = json_lines(&out);
    let group = groups
        .iter()
        .find(|g| {
            g["members"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == "copy-of-5")
        })
        .expect("the copy is in a group");
    let ids: Vec<&str> = group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&id.as_str()), "{ids:?}");
    assert!(group["min_score"].as_f64().unwrap() >= 0.9);
    amn_on(&model, &["dupes"])
        .assert()
        .success()
        .stdout(predicate::str::contains("copy-of-5"));
    amn_on(&model, &["dupes", "--threshold", "1.5"])
        .assert()
        .code(2);

    let dir2 = tempfile::tempdir().unwrap();
    let (model, _, report) = corpus_with_copy(dir2.path(), &["--dedupe"]);
    assert!(report.contains("left out"), "{report}");
    let out = stdout_ok(&mut amn_on(&model, &["dupes", "--json"]));
    assert!(!out.contains("copy-of-5"));
    let out = stdout_ok(
        amn_on(&model, &["similar", "--json", "--top", "61"])
            .arg("-")
            .write_stdin(
                serde_json::from_str::<Value>(&dev_lines()[4]).unwrap()["text"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            ),
    );
    assert!(!out.contains("copy-of-5"));
}
