//! Classifying with the shipped model (`models/default`): one bulletin, a batch of the labeled
//! bulletins, and loading the model file. `cargo bench --bench classify`.

mod common;

use amn::Model;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let dir = common::model_dir();
    let Ok(model) = Model::load(&dir) else {
        eprintln!("classify: skipped: no loadable model at {}", dir.display());
        return;
    };
    let docs = common::bulletins();
    let Some(one) = docs.iter().find(|d| model.classify(d, false).is_ok()) else {
        eprintln!("classify: skipped: no bulletin to classify");
        return;
    };
    let mut g = c.benchmark_group("classify");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("one-bulletin", |b| {
        b.iter(|| black_box(model.classify(one, false).ok()))
    });
    g.bench_function("one-bulletin/explain", |b| {
        b.iter(|| black_box(model.classify(one, true).ok()))
    });
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function("batch/labeled-corpus", |b| {
        b.iter(|| {
            docs.iter()
                .filter(|d| model.classify(d, false).is_ok())
                .count()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("model");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("load/models-default", |b| {
        b.iter(|| black_box(Model::load(&dir).expect("loads").rows.len()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
