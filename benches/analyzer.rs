//! Analyzer throughput (clean + normalize + tokenize + stop words + stem) over the whole
//! saudinewsnet corpus, on one thread and on all cores. `cargo bench --bench analyzer`.

mod common;

use amn::Analyzer;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use std::hint::black_box;
use std::time::Duration;

fn analyze_all(analyzer: &Analyzer, texts: &[String]) -> usize {
    texts
        .par_iter()
        .map(|t| {
            let mut n = 0;
            analyzer.for_each_term(t, |stem, _| n += stem.len());
            n
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let Some(texts) = common::corpus_texts("analyzer") else {
        return;
    };
    let analyzer = Analyzer::default();
    let mut g = c.benchmark_group("analyzer");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Bytes(common::megabytes(&texts)));
    for (name, threads) in [("saudinewsnet/1-thread", 1), ("saudinewsnet/all-cores", 0)] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        g.bench_function(name, |b| {
            b.iter(|| pool.install(|| black_box(analyze_all(&analyzer, &texts))))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
