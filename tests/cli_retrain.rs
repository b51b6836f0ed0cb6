//! The document store, incremental retraining, history and safety, checked on the real binary.

mod common;
use common::*;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TOPICS: [&str; 4] = [
    "cybersecurity",
    "aviation_security",
    "counter_terrorism",
    "narcotics",
];

const TOPIC_WORDS: [&str; 4] = [
    "اختراق قراصنة البرمجيات الخبيثة الجرائم الإلكترونية الأمن السيبراني الابتزاز الإلكتروني حماية البيانات الفيروسات الحواسيب الشبكات المعلوماتية الهجمات الإلكترونية كلمات المرور التصيد الاحتيالي",
    "المطار الطائرة أمن الطيران تفتيش المسافرين الطيران المدني الرحلات الجوية الخطوط الجوية صالة المغادرة الأمتعة المشبوهة الملاحة الجوية طاقم الطائرة برج المراقبة",
    "الإرهاب تنظيم داعش خلية إرهابية تفجير انتحاري المتطرفين مكافحة الإرهاب الفكر المتطرف تمويل الإرهاب العمليات الإرهابية الجماعات المسلحة القاعدة الأحزمة الناسفة",
    "المخدرات الكبتاجون الحشيش تهريب المخدرات مروجي المخدرات أقراص الأمفيتامين الهيروين مكافحة المخدرات الإدمان المواد المخدرة ضبط كمية المهربين الجمارك",
];

const FILLER: &str = "أكدت الوزارة أن الجهات المختصة تواصل جهودها في المنطقة بالتعاون مع الشركاء وأوضح المتحدث الرسمي أن اللجنة عقدت اجتماعا موسعا لمناقشة الخطط المستقبلية والبرامج التدريبية وتطوير الأداء ورفع الكفاءة وتعزيز التنسيق بين القطاعات الحكومية والخاصة خلال الفترة المقبلة بحضور عدد من المسؤولين والمواطنين في العاصمة والمحافظات الشمالية والجنوبية والشرقية والغربية";

/// A small deterministic generator (tests need no true randomness, only spread).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, words: &[&'a str], n: usize) -> Vec<&'a str> {
        (0..n)
            .map(|_| words[self.next() as usize % words.len()])
            .collect()
    }
}

/// A bulletin text: `n_topic` words of the topic (if any) among filler words.
fn bulletin(rng: &mut Lcg, topic: Option<usize>, n_topic: usize) -> String {
    let filler: Vec<&str> = FILLER.split(' ').collect();
    let mut words = rng.pick(&filler, 30);
    if let Some(t) = topic {
        let tw: Vec<&str> = TOPIC_WORDS[t].split(' ').collect();
        words.extend(rng.pick(&tw, n_topic));
    }
    // Shuffle so topic words are spread through the text.
    for i in (1..words.len()).rev() {
        let j = rng.next() as usize % (i + 1);
        words.swap(i, j);
    }
    words.join(" ")
}

fn json_line(id: &str, text: &str, topic: Option<usize>) -> String {
    let mut v = serde_json::json!({"id": id, "text": text, "date": "2015-07-21 10:00:00"});
    if let Some(t) = topic {
        v["primary"] = TOPICS[t].into();
        v["topics"] = serde_json::json!([TOPICS[t]]);
    }
    v.to_string()
}

/// 24 labeled bulletins (4 per topic, 8 of none) and 6 unlabeled ones, as a `.jsonl` file.
fn corpus(dir: &Path, name: &str, seed: u64) -> PathBuf {
    let mut rng = Lcg(seed);
    let mut lines = Vec::new();
    for i in 0..24 {
        let topic = (i % 6 < 4).then_some(i % 6);
        let text = bulletin(&mut rng, topic, 12);
        let mut line = json_line(&format!("g{i}"), &text, topic);
        if topic.is_none() {
            // Labeled as none of the topics.
            let mut v: Value = serde_json::from_str(&line).unwrap();
            v["primary"] = "other".into();
            v["topics"] = serde_json::json!([]);
            line = v.to_string();
        }
        lines.push(line);
    }
    for i in 0..6 {
        lines.push(json_line(
            &format!("u{i}"),
            &bulletin(&mut rng, None, 0),
            None,
        ));
    }
    write(dir, name, lines.join("\n") + "\n")
}

/// Trains a model on the seeds and a generated corpus; returns (model dir, corpus file).
fn trained(dir: &Path) -> (PathBuf, PathBuf) {
    let c = corpus(dir, "corpus.jsonl", 7);
    let model = dir.join("model");
    amn()
        .args(["train", "--corpus", "seeds"])
        .arg(&c)
        .arg("--model")
        .arg(&model)
        .assert()
        .success();
    (model, c)
}

fn info(model: &Path) -> Value {
    let out = stdout_ok(&mut amn_on(model, &["info", "--json"]));
    serde_json::from_str(&out).unwrap()
}

#[test]
fn every_new_subcommand_has_help() {
    assert_help(
        &["add", "retrain", "label", "history", "rollback", "info"],
        "Usage",
    );
}

#[test]
fn add_skips_duplicates_reports_bad_lines_and_retrains() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = trained(dir.path());
    let before = info(&model);
    assert_eq!(before["documents"], 35);
    assert_eq!(before["labeled"], 29);
    let seed = std::fs::read_to_string(root().join("seeds/001_810501ad71301855.txt")).unwrap();
    let mut rng = Lcg(99);
    let new = bulletin(&mut rng, Some(3), 14);
    // The seed with diacritics and other spacing: an exact duplicate after normalization.
    let respaced = seed.replacen(' ', "  ", 3).replacen("الأمن", "الأَمن", 1);
    // The seed with a sentence more: a near-duplicate.
    let extended = format!("{seed} وقال المتحدث إن التعاون مستمر.");
    let input = write(
        dir.path(),
        "batch.jsonl",
        [
            json_line("new1", &new, Some(3)),
            json_line("dup", &respaced, None),
            "{broken".to_string(),
            json_line("near", &extended, None),
            json_line("english", "The ministry met the press today.", None),
        ]
        .join("\n")
            + "\n",
    );
    let out = stdout(
        amn_on(&model, &["add", "--no-eval"])
            .arg(&input)
            .assert()
            .code(3)
            .stderr(
                predicate::str::contains("batch.jsonl:3")
                    .and(predicate::str::contains("english"))
                    .and(predicate::str::contains("not Arabic")),
            ),
    );
    assert!(out.contains("added    new1 [labeled]"), "{out}");
    assert!(
        out.contains("skipped  dup: exact duplicate of 001_810501ad71301855.txt"),
        "{out}"
    );
    assert!(
        out.contains("skipped  near: near-duplicate of 001_810501ad71301855.txt"),
        "{out}"
    );
    assert!(
        out.contains("documents   35 → 36 (labeled 29 → 30)"),
        "{out}"
    );
    assert!(out.contains("vocabulary  "), "{out}");
    assert!(out.contains("version 2 (was 1)"), "{out}");
    let after = info(&model);
    assert_eq!(after["documents"], 36);
    assert_eq!(after["labeled"], 30);
    assert_eq!(after["store"]["added_documents"], 1);
    let store = std::fs::read_to_string(model.join("store.jsonl")).unwrap();
    let adds: Vec<Value> = store
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["op"] == "add")
        .collect();
    assert_eq!(adds.len(), 1);
    assert_eq!(adds[0]["id"], "new1");
    assert_eq!(adds[0]["labels"]["primary"], "narcotics");
    // The archive index was written again for the new version: `similar` uses it as stored
    // (no in-memory rebuild note) and finds the added bulletin.
    let query = write(dir.path(), "query.txt", &new);
    let found = stdout(
        amn_on(&model, &["similar", "--json", "--top", "1"])
            .arg(&query)
            .assert()
            .success()
            .stderr(predicate::str::contains("note").not()),
    );
    let found: Value = serde_json::from_str(found.trim()).unwrap();
    assert_eq!(found["neighbors"][0]["id"], "new1", "{found}");
    // Adding the same again changes nothing.
    let again = write(
        dir.path(),
        "again.jsonl",
        json_line("new1", &new, Some(3)) + "\n",
    );
    amn_on(&model, &["add"])
        .arg(&again)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("exact duplicate of new1")
                .and(predicate::str::contains("nothing changed")),
        );
}

#[test]
fn labels_given_on_the_command_line_and_cv_change_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = trained(dir.path());
    let mut rng = Lcg(5);
    let a = write(dir.path(), "a.txt", bulletin(&mut rng, Some(0), 14));
    let out = stdout_ok(amn_on(&model, &["add", "--label", "cybersecurity"]).arg(&a));
    assert!(out.contains("added    a.txt [labeled]"), "{out}");
    assert!(
        out.contains("macro-F1    topics ") && out.contains(" → ") && out.contains("3-fold CV"),
        "{out}"
    );
    let i = info(&model);
    assert_eq!(i["labeled_by_topic"]["cybersecurity"], 10);
    assert!(i["cv"]["topics_macro_f1"].as_f64().is_some(), "{i}");
    amn_on(&model, &["add", "--label", "weather"])
        .arg(&a)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown topic"));
}

#[test]
fn train_with_cv_records_the_figures_add_compares_against() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus(dir.path(), "corpus.jsonl", 7);
    let model = dir.path().join("model");
    amn()
        .args(["train", "--cv", "3", "--corpus", "seeds"])
        .arg(&c)
        .arg("--model")
        .arg(&model)
        .assert()
        .success();
    let history = stdout_ok(&mut amn_on(&model, &["history", "--json"]));
    let v1: Value = serde_json::from_str(history.lines().next().unwrap()).unwrap();
    assert_eq!(v1["cv"]["folds"], 3, "{v1}");
    // Over the labeled documents only, as `add` measures.
    assert_eq!(v1["cv"]["labeled"], 29, "{v1}");
    let recorded = v1["cv"]["topics_macro_f1"].as_f64().unwrap();
    let mut rng = Lcg(11);
    let a = write(dir.path(), "a.txt", bulletin(&mut rng, Some(2), 14));
    let out = stdout_ok(amn_on(&model, &["add", "--label", "counter_terrorism"]).arg(&a));
    assert!(
        out.contains(&format!("macro-F1    topics {recorded:.3} → ")),
        "{out}"
    );
}

#[test]
fn label_history_and_rollback() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = trained(dir.path());
    amn_on(&model, &["label", "--no-eval"])
        .args([
            "u0",
            "--topics",
            "narcotics,cybersecurity",
            "--primary",
            "narcotics",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "u0: unlabeled → cybersecurity, narcotics (primary narcotics)",
        ));
    assert_eq!(info(&model)["labeled"], 30);
    amn_on(&model, &["label"])
        .args(["nope", "--topics", "narcotics"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no document with id \"nope\""));
    let h = stdout_ok(&mut amn_on(&model, &["history"]));
    assert!(h.contains("train") && h.contains("label"), "{h}");
    assert!(h.contains("*       2"), "{h}");
    let out = stdout_ok(&mut amn_on(&model, &["rollback"]));
    assert!(out.contains("restored version 1 as version 3"), "{out}");
    assert_eq!(info(&model)["labeled"], 29);
    assert_eq!(info(&model)["store"]["label_corrections"], 0);
    // Rolling forward again, to the labeled version.
    amn_on(&model, &["rollback", "--to", "2"])
        .assert()
        .success();
    assert_eq!(info(&model)["labeled"], 30);
    amn_on(&model, &["rollback", "--to", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("current model already"));
    let json = stdout_ok(&mut amn_on(&model, &["history", "--json"]));
    let rows = json_lines(json);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[3]["current"], true);
    assert_eq!(rows[3]["action"], "rollback");
}

#[test]
fn incremental_add_gives_the_model_a_full_retrain_gives() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = trained(dir.path());
    let mut rng = Lcg(11);
    let lines: Vec<String> = (0..4)
        .map(|i| {
            let topic = (i % 2 == 0).then_some(i % 4);
            json_line(&format!("x{i}"), &bulletin(&mut rng, topic, 10), topic)
        })
        .collect();
    let input = write(dir.path(), "x.jsonl", lines.join("\n") + "\n");
    amn_on(&model, &["add", "--no-eval"])
        .arg(&input)
        .assert()
        .success();
    let incremental = std::fs::read(model.join("model.amn")).unwrap();
    amn_on(&model, &["retrain"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "retrained from 2 training source(s) and 4 added",
        ));
    let full = std::fs::read(model.join("model.amn")).unwrap();
    let a = amn::model::file::decode(Path::new("incremental"), &incremental).unwrap();
    let b = amn::model::file::decode(Path::new("full"), &full).unwrap();
    assert_eq!(a.vectorizer.terms, b.vectorizer.terms);
    assert_eq!(a.vectorizer.df, b.vectorizer.df);
    assert_eq!(a.vectorizer.idf, b.vectorizer.idf);
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.classifier.topics, b.classifier.topics);
    assert_eq!(a.archive, b.archive);
    // The cache is rebuilt when it does not match: delete it and add again.
    std::fs::remove_file(model.join("cache.bin")).unwrap();
    let y = write(dir.path(), "y.txt", bulletin(&mut rng, Some(1), 12));
    amn_on(&model, &["add", "--no-eval"])
        .arg(&y)
        .assert()
        .success()
        .stdout(predicate::str::contains("analysed again"));
}

#[test]
fn retrain_names_a_missing_or_changed_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let (model, corpus) = trained(dir.path());
    let mut text = std::fs::read_to_string(&corpus).unwrap();
    text.push_str(&json_line("late", "نص أضيف لاحقا إلى الملف", None));
    text.push('\n');
    std::fs::write(&corpus, text).unwrap();
    amn_on(&model, &["retrain"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("corpus.jsonl").and(predicate::str::contains("changed")));
    std::fs::remove_file(&corpus).unwrap();
    amn_on(&model, &["retrain"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("corpus.jsonl").and(predicate::str::contains("missing")));
    // The model itself is untouched and still answers.
    assert_eq!(info(&model)["documents"], 35);
}

#[test]
fn a_second_writer_is_refused_while_readers_work() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = trained(dir.path());
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(model.join("lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let doc = write(
        dir.path(),
        "d.txt",
        "ضبطت الجمارك كمية من الحشيش في المنفذ الحدودي",
    );
    for args in [vec!["add"], vec!["retrain"], vec!["rollback"]] {
        amn()
            .args(&args)
            .arg("--model")
            .arg(&model)
            .args(if args[0] == "add" {
                vec![doc.clone()]
            } else {
                vec![]
            })
            .assert()
            .code(6)
            .stderr(
                predicate::str::contains(model.join("lock").display().to_string())
                    .and(predicate::str::contains("another amn process")),
            );
    }
    amn_on(&model, &["train", "--corpus", "seeds"])
        .assert()
        .code(6);
    amn_on(&model, &["classify"]).arg(&doc).assert().success();
    assert_eq!(info(&model)["documents"], 35);
    lock.unlock().unwrap();
    amn_on(&model, &["add"]).arg(&doc).assert().success();
}

#[test]
fn a_model_without_a_store_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = trained(dir.path());
    let bare = dir.path().join("bare");
    std::fs::create_dir(&bare).unwrap();
    std::fs::copy(model.join("model.amn"), bare.join("model.amn")).unwrap();
    let doc = write(
        dir.path(),
        "d.txt",
        "ضبطت الجمارك كمية من الحشيش في المنفذ الحدودي",
    );
    amn_on(&bare, &["add"])
        .arg(&doc)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no document store"));
    let i = info(&bare);
    assert_eq!(i["documents"], 35);
    assert!(
        i["store"]["problem"]
            .as_str()
            .unwrap()
            .contains("no document store")
    );
}

/// Every complete line of the store is a record; at most a final partial line follows.
fn check_store(store: &Path, allow_partial: bool) -> usize {
    let bytes = std::fs::read(store).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    let partial = &text[complete.len()..];
    assert!(
        allow_partial || partial.is_empty(),
        "half line left in the store: {partial:?}"
    );
    for l in complete.lines() {
        serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("bad store line {l:?}: {e}"));
    }
    complete.lines().count()
}

/// The store holds an unfinished change: a half line, or records after the current version's
/// commit (a writer killed between appending and installing its model).
fn unfinished_tail(model: &Path) -> bool {
    let text = std::fs::read_to_string(model.join("store.jsonl")).unwrap();
    let current = info(model)["store"]["version"].as_u64().unwrap();
    let last_commit = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["op"] == "commit")
        .filter_map(|v| v["version"].as_u64())
        .next_back();
    !text.ends_with('\n') || last_commit != Some(current)
}

#[test]
fn killed_writers_leave_the_old_or_the_new_state() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = trained(dir.path());
    let bin = assert_cmd::cargo::cargo_bin("amn");
    let mut rng = Lcg(2024);
    let doc = |rng: &mut Lcg, i: usize| {
        let t = i % 4;
        write(dir.path(), &format!("k{i}.txt"), bulletin(rng, Some(t), 12))
    };
    // How long one add takes here, to spread the kills over it.
    let started = Instant::now();
    let d = doc(&mut rng, 0);
    amn_on(&model, &["add", "--no-eval"])
        .arg(&d)
        .assert()
        .success();
    let span = started.elapsed().as_millis() as u64 * 13 / 10 + 5;
    let mut documents = info(&model)["documents"].as_u64().unwrap();
    let (mut killed_before, mut killed_after, mut interrupted) = (0, 0, 0);
    for i in 1..=24 {
        let retrain = i % 6 == 0;
        let mut cmd = std::process::Command::new(&bin);
        cmd.current_dir(root());
        if retrain {
            cmd.arg("retrain");
        } else {
            let d = doc(&mut rng, i);
            cmd.args(["add", "--no-eval"]).arg(&d);
            if i % 3 == 0 {
                cmd.args(["--label", TOPICS[i % 4]]);
            }
        }
        cmd.arg("--model").arg(&model);
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.next() % span));
        let _ = child.kill();
        let _ = child.wait();
        check_store(&model.join("store.jsonl"), true);
        if unfinished_tail(&model) {
            interrupted += 1;
        }
        let now = info(&model);
        let n = now["documents"].as_u64().unwrap();
        let expected = if retrain {
            vec![documents]
        } else {
            vec![documents, documents + 1]
        };
        assert!(
            expected.contains(&n),
            "after kill {i}: {n} documents, expected one of {expected:?}"
        );
        assert_eq!(
            now["store"]["added_documents"].as_u64().unwrap() + 35,
            n,
            "store and model agree"
        );
        if n > documents {
            killed_after += 1;
        } else {
            killed_before += 1;
        }
        documents = n;
    }
    eprintln!(
        "{killed_before} kills left the old state ({interrupted} of them in the middle of \
         writing the store), {killed_after} the new one"
    );
    // A writer that runs to the end repairs whatever was left, and everything still loads.
    let d = doc(&mut rng, 99);
    amn_on(&model, &["add", "--no-eval"])
        .arg(&d)
        .assert()
        .success();
    check_store(&model.join("store.jsonl"), false);
    assert_eq!(info(&model)["documents"].as_u64().unwrap(), documents + 1);
    amn_on(&model, &["history"]).assert().success();
    amn_on(&model, &["retrain"]).assert().success();
    assert_eq!(info(&model)["documents"].as_u64().unwrap(), documents + 1);
    let leftovers: Vec<String> = std::fs::read_dir(&model)
        .unwrap()
        .chain(std::fs::read_dir(model.join("history")).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn writers_killed_at_each_commit_step_and_half_lines_are_survived() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = trained(dir.path());
    let bin = assert_cmd::cargo::cargo_bin("amn");
    let mut rng = Lcg(77);
    let mut documents = 35;
    for (i, step) in ["saved", "appended", "installed"].into_iter().enumerate() {
        let d = write(
            dir.path(),
            &format!("p{i}.txt"),
            bulletin(&mut rng, Some(i), 12),
        );
        let mut child = std::process::Command::new(&bin)
            .current_dir(root())
            .env("AMN_TEST_PAUSE", step)
            .args(["add", "--no-eval", "--model"])
            .arg(&model)
            .arg(&d)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        while !line.contains("paused at") {
            line.clear();
            assert!(err.read_line(&mut line).unwrap() > 0, "no pause at {step}");
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let expected = if step == "installed" {
            documents + 1
        } else {
            documents
        };
        let now = info(&model);
        assert_eq!(now["documents"], expected, "killed after {step}");
        assert_eq!(now["store"]["added_documents"], expected - 35);
        assert_eq!(unfinished_tail(&model), step == "appended", "after {step}");
        documents = expected;
    }
    // A half line, as a write cut short would leave: ignored by readers, cut by the next writer.
    let store = model.join("store.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&store)
        .unwrap();
    std::io::Write::write_all(&mut f, b"{\"op\":\"add\",\"version\":9,\"te").unwrap();
    drop(f);
    assert_eq!(info(&model)["documents"], documents);
    amn_on(&model, &["history"]).assert().success();
    let d = write(dir.path(), "last.txt", bulletin(&mut rng, Some(3), 12));
    // The cache was written before the last kill's version was installed: analysed again.
    amn_on(&model, &["add", "--no-eval"])
        .arg(&d)
        .assert()
        .success()
        .stdout(predicate::str::contains("analysed again"));
    check_store(&store, false);
    assert_eq!(info(&model)["documents"], documents + 1);
}

#[test]
fn a_taken_id_gets_a_suffix_and_stdin_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = trained(dir.path());
    let mut rng = Lcg(31);
    let a = write(
        dir.path(),
        "a.jsonl",
        json_line("g1", &bulletin(&mut rng, Some(2), 12), None) + "\n",
    );
    amn_on(&model, &["add", "--no-eval"])
        .arg(&a)
        .assert()
        .success()
        .stdout(predicate::str::contains("added    g1~2 (id g1 was taken)"));
    amn_on(&model, &["add", "--no-eval", "--label", "narcotics"])
        .arg("-")
        .write_stdin(bulletin(&mut rng, Some(3), 12))
        .assert()
        .success()
        .stdout(predicate::str::contains("added    stdin [labeled]"));
    let store = std::fs::read_to_string(model.join("store.jsonl")).unwrap();
    assert!(store.contains(r#""id":"stdin""#), "{store}");
    // Both come back from the store when everything is rebuilt.
    amn_on(&model, &["retrain"]).assert().success();
    assert_eq!(info(&model)["documents"], 37);
    assert_eq!(info(&model)["labeled_by_topic"]["narcotics"], 6);
}

#[test]
fn adding_then_removing_a_bulletin_restores_the_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = trained(dir.path());
    let before = info(&model);
    let mut rng = Lcg(31);
    // Its terms found in one stored bulletin reach min-df 2: the vocabulary grows (checked).
    let text = bulletin(&mut rng, Some(1), 14);
    let doc = write(dir.path(), "mistake.txt", text);
    amn()
        .args(["add", "--no-eval", "--model"])
        .arg(&model)
        .arg(&doc)
        .assert()
        .success();
    let added = info(&model);
    assert_eq!(added["documents"], 36);
    assert_ne!(added["vocabulary"], before["vocabulary"]);
    let out = stdout(
        amn()
            .args(["remove", "--model"])
            .arg(&model)
            .arg("mistake.txt")
            .assert()
            .success(),
    );
    assert!(out.contains("removed  mistake.txt (1 document)"), "{out}");
    let after = info(&model);
    for field in ["documents", "labeled", "vocabulary", "labeled_by_topic"] {
        assert_eq!(after[field], before[field], "{field}: {after}");
    }
    assert_eq!(after["store"]["added_documents"], 0);
    // A full rebuild from the store agrees: the removal is recorded, not only applied.
    amn()
        .args(["retrain", "--model"])
        .arg(&model)
        .assert()
        .success();
    assert_eq!(info(&model)["vocabulary"], before["vocabulary"]);
    assert_eq!(info(&model)["documents"], before["documents"]);
    let history = stdout(
        amn()
            .args(["history", "--model"])
            .arg(&model)
            .assert()
            .success(),
    );
    assert!(
        history.contains("remove") && history.contains("removed mistake.txt"),
        "{history}"
    );
    // A source document can be removed too; an unknown id is refused.
    amn()
        .args(["remove", "--model"])
        .arg(&model)
        .arg("000_98ba85b340fa3eee.txt")
        .assert()
        .success();
    assert_eq!(info(&model)["documents"], 34);
    amn()
        .args(["remove", "--model"])
        .arg(&model)
        .arg("no-such-id")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no document with id"));
}

#[test]
fn a_bulletin_added_again_after_removal_does_not_inherit_old_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = trained(dir.path());
    let mut rng = Lcg(41);
    let first = write(dir.path(), "x.txt", bulletin(&mut rng, Some(3), 14));
    amn_on(&model, &["add", "--no-eval", "--label", "narcotics"])
        .arg(&first)
        .assert()
        .success();
    amn_on(
        &model,
        &["label", "--no-eval", "x.txt", "--topics", "cybersecurity"],
    )
    .assert()
    .success();
    amn_on(&model, &["remove", "x.txt"]).assert().success();
    let again = dir.path().join("again");
    std::fs::create_dir(&again).unwrap();
    write(&again, "x.txt", bulletin(&mut rng, Some(1), 14));
    amn_on(
        &model,
        &["add", "--no-eval", "--label", "aviation_security"],
    )
    .arg(again.join("x.txt"))
    .assert()
    .success();
    let incremental = info(&model)["labeled_by_topic"].clone();
    // A full rebuild from the store gives the same labels as the incremental path.
    amn_on(&model, &["retrain"]).assert().success();
    let rebuilt = info(&model)["labeled_by_topic"].clone();
    assert_eq!(rebuilt, incremental);
    assert_eq!(info(&model)["store"]["added_documents"], 1);
    // The seeds and the generated corpus hold 9 cybersecurity bulletins: the correction of
    // the removed x.txt does not make the new one a tenth.
    assert_eq!(rebuilt["cybersecurity"], 9, "{rebuilt}");
}
