//! The archive through the library: a bulletin's neighbours, then k-means clusters of the whole
//! archive with their purity and adjusted Rand index against the hand labels.
//!
//! `cargo run --release --example archive -- MODEL_DIR [K] [SEED]`, e.g. on a model trained on
//! `../shared/corpus/labeled/dev.jsonl`.

use amn::Document;
use amn::archive::{Archive, ClusterSettings, KChoice, Source};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let model = args.next().ok_or("usage: archive MODEL_DIR [K] [SEED]")?;
    let k: KChoice = args.next().as_deref().unwrap_or("5").parse()?;
    let seed: u64 = args.next().as_deref().unwrap_or("42").parse()?;
    let (archive, source) = Archive::load(model.as_ref())?;
    if let Source::Rebuilt(note) = source {
        eprintln!("note: {note}");
    }

    let query = Document::new("query", "ضبط مروج مخدرات بحوزته أقراص الكبتاجون");
    for n in archive.similar(&query, 3)?.neighbors {
        println!("{:.3}  {}  {}", n.score, n.id, n.title);
    }

    let settings = ClusterSettings {
        k,
        seed,
        ..ClusterSettings::default()
    };
    let clustering = archive.cluster(settings)?;
    for c in &clustering.clusters {
        println!(
            "cluster {} ({}, {}): {}",
            c.cluster,
            c.size,
            c.topic,
            c.terms.join("، ")
        );
    }
    match clustering.agreement(&archive) {
        Some(a) => println!(
            "{} labeled bulletins: purity {:.3}, adjusted Rand index {:.3}",
            a.labeled, a.purity, a.ari
        ),
        None => println!("no hand labels in this archive"),
    }
    Ok(())
}
