//! Vectorizing the whole saudinewsnet corpus (analysis, vocabulary with min-df 2, IDF, rows),
//! what scikit-learn's `TfidfVectorizer.fit_transform` does in `bench/baseline.py --speed`.
//! `cargo bench --bench vectorize`.

mod common;

use amn::vector::{Vectorizer, VectorizerParams};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let Some(texts) = common::corpus_texts("vectorize") else {
        return;
    };
    let mut g = c.benchmark_group("vectorize");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Bytes(common::megabytes(&texts)));
    g.bench_function("saudinewsnet/fit_transform", |b| {
        b.iter(|| {
            let (v, rows) = Vectorizer::fit_transform(VectorizerParams::default(), &texts)
                .expect("a vocabulary");
            black_box((v.len(), rows.len()))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
