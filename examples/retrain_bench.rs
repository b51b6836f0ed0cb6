//! Benchmark of incremental retraining: adding one bulletin to a model versus rebuilding it.
//!
//! ```sh
//! amn train --corpus ../shared/corpus/saudinewsnet.jsonl.gz ../shared/corpus/labeled/dev.jsonl --model /tmp/big
//! cargo run --release --example retrain_bench -- /tmp/big
//! ```
//!
//! Works on a copy of the model directory (`<dir>-bench`, replaced), so the model is untouched.
//! Adds each seed bulletin in turn (they are not in the SaudiNewsNet archive): unlabeled, then
//! labeled without and with the cross-validation of the change, then rebuilds everything with
//! `retrain`, printing the time of each step.

use amn::corpus::{Label, Labels, Topic, open_input};
use amn::model::rebuild::retrain;
use amn::model::repo::Writer;
use amn::model::update::{AddOptions, Change, add};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let src = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/tmp/big".into()));
    let dir = PathBuf::from(format!("{}-bench", src.display()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&src, &dir)?;
    let seeds: Vec<_> = open_input(Path::new("seeds"))?.collect::<Result<_, _>>()?;
    let quiet = |_: &str| {};
    let runs: [(&str, Option<Labels>, bool); 4] = [
        ("add 1 unlabeled", None, false),
        ("add 1 unlabeled (again)", None, false),
        (
            "add 1 labeled, no CV",
            Some(Labels::new(Label::Topic(Topic::Cybersecurity), vec![])),
            false,
        ),
        (
            "add 1 labeled, with CV",
            Some(Labels::new(Label::Topic(Topic::CounterTerrorism), vec![])),
            true,
        ),
    ];
    for ((name, labels, evaluate), seed) in runs.into_iter().zip(&seeds) {
        let (t, cpu) = (Instant::now(), cpu_secs());
        let mut w = Writer::open(&dir, "retrain_bench")?;
        let open = t.elapsed().as_secs_f64();
        let mut doc = seed.clone();
        doc.labels = labels;
        let opts = AddOptions {
            evaluate,
            ..AddOptions::default()
        };
        let r = add(&mut w, vec![doc], opts, &quiet)?;
        report(name, open, &r.change, t, cpu);
    }
    let (t, cpu) = (Instant::now(), cpu_secs());
    let mut w = Writer::open(&dir, "retrain_bench")?;
    let open = t.elapsed().as_secs_f64();
    let c = retrain(&mut w, &quiet)?;
    report("retrain (full rebuild)", open, &c, t, cpu);
    Ok(())
}

/// CPU seconds (user + system, all threads) of this process so far (Linux), so figures taken
/// on a busy machine can be compared.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which ends with ')'): utime and stime are 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn report(name: &str, open: f64, c: &Change, t: Instant, cpu: f64) {
    let steps: Vec<String> = std::iter::once(format!("open {open:.2}"))
        .chain(c.timings.iter().map(|(s, secs)| format!("{s} {secs:.2}")))
        .collect();
    println!(
        "{name:<24} {:>6.2}s wall {:>6.2}s CPU  documents {} → {}, vocabulary {} → {}  [{}]",
        t.elapsed().as_secs_f64(),
        cpu_secs() - cpu,
        c.documents.0,
        c.documents.1,
        c.vocabulary.0,
        c.vocabulary.1,
        steps.join(", ")
    );
}

/// Copies a model directory (without its lock).
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else if e.file_name() != "lock" {
            std::fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}
