//! `amn cluster`: themes of the archive by k-means over LSA-reduced TF-IDF.

use super::common::{ModelArg, spinner};
use super::similar::open_archive;
use amn::archive::cluster::{DEFAULT_DIMS, DEFAULT_SEED};
use amn::archive::{Cluster, ClusterSettings, KChoice};
use std::io::Write;

/// Group the model's archive into themes.
#[derive(Debug, clap::Args)]
pub struct ClusterArgs {
    #[command(flatten)]
    model: ModelArg,
    /// Number of clusters, or `auto` to choose by silhouette.
    #[arg(long, default_value = "auto", value_parser = parse_k)]
    k: KChoice,
    /// Random seed (same seed, same clusters).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Dimensions of the reduced space.
    #[arg(long, default_value_t = DEFAULT_DIMS as u32, value_parser = clap::value_parser!(u32).range(2..=1000))]
    dims: u32,
    /// One JSON object per cluster per line.
    #[arg(long)]
    json: bool,
    /// Also report purity and adjusted Rand index against the hand labels (on stderr).
    #[arg(long)]
    eval: bool,
}

fn parse_k(s: &str) -> Result<KChoice, String> {
    s.parse().map_err(|e: amn::Error| e.to_string())
}

pub fn run(args: ClusterArgs) -> anyhow::Result<()> {
    let archive = open_archive(&args.model.model)?;
    archive.verify()?;
    let progress = spinner(&format!("clustering {} bulletins", archive.len()));
    let settings = ClusterSettings {
        k: args.k,
        seed: args.seed,
        dims: args.dims as usize,
    };
    let clustering = archive.cluster(settings)?;
    progress.finish_and_clear();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if !clustering.tried.is_empty() && !args.json {
        let tried: Vec<String> = clustering
            .tried
            .iter()
            .map(|(k, s)| format!("{k}:{s:.3}"))
            .collect();
        writeln!(
            out,
            "k by silhouette (k:score): {} -> k = {}\n",
            tried.join(" "),
            clustering.clusters.len()
        )?;
    }
    for c in &clustering.clusters {
        if args.json {
            serde_json::to_writer(&mut out, c)?;
            writeln!(out)?;
        } else {
            write_block(&mut out, c)?;
        }
    }
    out.flush()?;
    if args.eval {
        match clustering.agreement(&archive) {
            Some(a) => eprintln!(
                "agreement with hand labels ({} labeled bulletins, {} clusters): purity {:.3}, adjusted Rand index {:.3}",
                a.labeled,
                clustering.clusters.len(),
                a.purity,
                a.ari
            ),
            None => eprintln!("no hand-labeled bulletins in the archive to evaluate against"),
        }
    }
    Ok(())
}

fn write_block(out: &mut impl Write, c: &Cluster) -> std::io::Result<()> {
    writeln!(
        out,
        "cluster {} · {} bulletins · {} ({}, {:.0}%)",
        c.cluster,
        c.size,
        c.topic,
        c.topic.arabic(),
        c.topic_share * 100.0
    )?;
    writeln!(out, "  terms:   {}", c.terms.join("، "))?;
    for (i, (id, title)) in c.members.iter().zip(&c.titles).enumerate() {
        let label = if i == 0 { "nearest:" } else { "" };
        writeln!(out, "  {label:<8} {id}  {title}")?;
    }
    writeln!(out)
}
