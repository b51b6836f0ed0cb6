//! `amn dupes`: groups of near-identical archived bulletins (wire copies, re-posts).

use super::common::ModelArg;
use super::similar::open_archive;
use amn::archive::dupes::{DEFAULT_THRESHOLD, find_in};
use std::io::Write;

/// List groups of near-duplicate bulletins in the model's archive.
#[derive(Debug, clap::Args)]
pub struct DupesArgs {
    #[command(flatten)]
    model: ModelArg,
    /// Cosine similarity from which two bulletins count as copies, in (0, 1].
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    threshold: f32,
    /// One JSON object per group per line.
    #[arg(long)]
    json: bool,
}

pub fn run(args: DupesArgs) -> anyhow::Result<()> {
    let archive = open_archive(&args.model.model)?;
    archive.verify()?;
    let postings = archive.postings();
    let dupes = find_in(&postings.rows(), postings, args.threshold)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let copies: usize = dupes.groups.iter().map(|g| g.docs.len() - 1).sum();
    for (i, g) in dupes.groups.iter().enumerate() {
        if args.json {
            let members: Vec<_> = g
                .docs
                .iter()
                .map(|&d| serde_json::json!({"id": archive.id(d), "title": archive.title(d)}))
                .collect();
            let row = serde_json::json!({
                "group": i,
                "size": g.docs.len(),
                "min_score": (g.min_score as f64 * 1e4).round() / 1e4,
                "max_score": (g.max_score as f64 * 1e4).round() / 1e4,
                "members": members,
            });
            writeln!(out, "{row}")?;
        } else {
            writeln!(
                out,
                "group {} · {} bulletins · cosine {:.3}–{:.3}",
                i + 1,
                g.docs.len(),
                g.min_score,
                g.max_score
            )?;
            for &d in &g.docs {
                writeln!(out, "  {}  {}", archive.id(d), archive.title(d))?;
            }
            writeln!(out)?;
        }
    }
    out.flush()?;
    drop(out);
    eprintln!(
        "{} groups, {copies} copies among {} bulletins (threshold {})",
        dupes.groups.len(),
        archive.len(),
        args.threshold
    );
    Ok(())
}
