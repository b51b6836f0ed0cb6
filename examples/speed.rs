//! In-process speed figures for `bench/run.sh` (medians of several runs, one JSON object a line).
//!
//! ```sh
//! cargo run --release --example speed -- analyze  ../shared/corpus/saudinewsnet.jsonl.gz [--threads N] [--repeat R]
//! cargo run --release --example speed -- vectorize ../shared/corpus/saudinewsnet.jsonl.gz [--repeat R]
//! cargo run --release --example speed -- digest    ../shared/corpus/saudinewsnet.jsonl.gz
//! cargo run --release --example speed -- load     models/default [--repeat R]
//! cargo run --release --example speed -- classify models/default ../shared/corpus/labeled/dev.jsonl [--repeat R]
//! ```
//!
//! `analyze` times the analyzer alone (clean + tokenize + normalize + stop words + stem) over
//! every document; `vectorize` times what scikit-learn's `fit_transform` does (term counts with
//! bigrams, vocabulary, IDF, weighted rows) and reports the process's peak RSS, corpus included,
//! as `bench/baseline.py --speed` does. Corpus loading is not timed in either.

use amn::corpus::{Document, open_input};
use amn::vector::{Vectorizer, VectorizerParams};
use amn::{Analyzer, Model};
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| -> Option<usize> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse().expect("a number"))
    };
    let repeat = flag("--repeat").unwrap_or(5);
    let threads = flag("--threads").unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let threads = pool.current_num_threads();
    let (Some(mode), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!(
            "usage: speed analyze|digest|vectorize|load|classify PATH [PATH] [--threads N] [--repeat R]"
        );
        std::process::exit(2);
    };
    match mode.as_str() {
        "analyze" => {
            let texts = load_texts(path);
            let mb = megabytes(&texts);
            let analyzer = Analyzer::default();
            let cpu_before = cpu_seconds();
            let runs = time_runs(repeat, || {
                pool.install(|| {
                    use rayon::prelude::*;
                    texts
                        .par_iter()
                        .map(|t| {
                            let mut n = 0usize;
                            analyzer.for_each_term(t, |stem, _| n += stem.len());
                            n
                        })
                        .sum::<usize>()
                })
            });
            // CPU time per run (warm-up included in the count): on a loaded machine, wall time
            // measures the neighbours too.
            let cpu = (cpu_seconds() - cpu_before) / (runs.len() + 1) as f64;
            let s = median(&runs);
            println!(
                "{{\"mode\":\"analyze\",\"threads\":{threads},\"docs\":{},\"mb\":{mb:.3},\"seconds\":{s:.4},\"mb_per_s\":{:.2},\"cpu_seconds_per_run\":{cpu:.3},\"mb_per_cpu_s\":{:.2},\"runs\":{runs:?}}}",
                texts.len(),
                mb / s,
                mb / cpu
            );
        }
        "calibrate" => {
            // A plain byte-class scan (word starts by a 256-entry class table): what this machine
            // does per byte at best, under the current load.
            let texts = load_texts(path);
            let mb = megabytes(&texts);
            let mut class = [0u8; 256];
            for (b, c) in class.iter_mut().enumerate() {
                *c = u8::from((b as u8).is_ascii_alphanumeric() || b >= 0x80);
            }
            let runs = time_runs(repeat, || {
                let mut words = 0usize;
                for t in &texts {
                    let mut prev = 0u8;
                    for &b in t.as_bytes() {
                        let c = class[b as usize];
                        words += usize::from(c > prev);
                        prev = c;
                    }
                }
                words
            });
            let s = median(&runs);
            println!(
                "{{\"mode\":\"calibrate\",\"mb\":{mb:.3},\"seconds\":{s:.4},\"mb_per_s\":{:.1},\"runs\":{runs:?}}}",
                mb / s
            );
        }
        "digest" => {
            // What the analyzer gives for the corpus, as one number: every term's stem and span
            // and every document's script counts, in order. Equal before and after a speed change
            // means the change kept the output (compare the printed digests).
            use amn::corpus::hash::{FNV_OFFSET, fnv1a64_continue};
            let texts = load_texts(path);
            let analyzer = Analyzer::default();
            let mut h = FNV_OFFSET;
            let mut terms = 0usize;
            let feed = |h: &mut u64, n: usize| *h = fnv1a64_continue(*h, &(n as u64).to_le_bytes());
            for t in &texts {
                let stats = analyzer.for_each_term(t, |stem, span| {
                    h = fnv1a64_continue(h, stem.as_bytes());
                    feed(&mut h, span.start);
                    feed(&mut h, span.end);
                    terms += 1;
                });
                for n in [stats.arabic_words, stats.latin_words, stats.numbers] {
                    feed(&mut h, n);
                }
            }
            println!(
                "{{\"mode\":\"digest\",\"docs\":{},\"terms\":{terms},\"digest\":\"{h:016x}\"}}",
                texts.len()
            );
        }
        "vectorize" => {
            let texts = load_texts(path);
            let mb = megabytes(&texts);
            let mut n_features = 0;
            let runs = time_runs(repeat, || {
                pool.install(|| {
                    let (v, rows) =
                        Vectorizer::fit_transform(VectorizerParams::default(), &texts).unwrap();
                    n_features = v.len();
                    rows.len()
                })
            });
            let s = median(&runs);
            println!(
                "{{\"mode\":\"vectorize\",\"threads\":{threads},\"docs\":{},\"mb\":{mb:.3},\"seconds\":{s:.4},\"mb_per_s\":{:.2},\"n_features\":{n_features},\"peak_rss_mb\":{:.1},\"runs\":{runs:?}}}",
                texts.len(),
                mb / s,
                peak_rss_mb()
            );
        }
        "load" => {
            let runs = time_runs(repeat, || Model::load(Path::new(path)).unwrap().rows.len());
            let file = amn::model::file::model_file(Path::new(path));
            let bytes = std::fs::metadata(&file).map_or(0, |m| m.len());
            println!(
                "{{\"mode\":\"load\",\"bytes\":{bytes},\"seconds\":{:.5},\"runs\":{runs:?}}}",
                median(&runs)
            );
        }
        "classify" => {
            let model = Model::load(Path::new(path)).unwrap();
            let docs: Vec<Document> = open_input(Path::new(args.get(2).expect("INPUT")))
                .unwrap()
                .filter_map(Result::ok)
                .collect();
            let runs = time_runs(repeat, || {
                docs.iter()
                    .filter_map(|d| model.classify(d, false).ok())
                    .count()
            });
            let s = median(&runs);
            println!(
                "{{\"mode\":\"classify\",\"threads\":1,\"docs\":{},\"seconds\":{s:.4},\"per_s\":{:.0},\"runs\":{runs:?}}}",
                docs.len(),
                docs.len() as f64 / s
            );
        }
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2);
        }
    }
}

fn load_texts(path: &str) -> Vec<String> {
    open_input(Path::new(path))
        .unwrap_or_else(|e| {
            eprintln!("speed: {e}");
            std::process::exit(1)
        })
        .filter_map(Result::ok)
        .map(|d| d.full_text().into_owned())
        .collect()
}

fn megabytes(texts: &[String]) -> f64 {
    texts.iter().map(String::len).sum::<usize>() as f64 / 1e6
}

/// Runs `f` once to warm up, then `repeat` times; returns the seconds of each timed run.
fn time_runs<T>(repeat: usize, mut f: impl FnMut() -> T) -> Vec<f64> {
    std::hint::black_box(f());
    (0..repeat.max(1))
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            (t.elapsed().as_secs_f64() * 1e4).round() / 1e4
        })
        .collect()
}

fn median(runs: &[f64]) -> f64 {
    let mut v = runs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// User + system CPU time of this process so far (all threads), seconds; 0 without /proc.
fn cpu_seconds() -> f64 {
    // Fields 14 and 15 of /proc/self/stat (after the parenthesized command name), in clock ticks
    // (100 per second on Linux).
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some((f[11].parse::<f64>().ok()? + f[12].parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(0.0)
}

/// Peak resident set of this process (VmHWM), MB; 0 where /proc is unavailable.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
