//! `amn similar`: the archived bulletins closest to each input, and the terms they share.

use super::common::ModelArg;
use amn::archive::{Archive, Similar, Source};
use amn::corpus::open_inputs;
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;

/// Find the archived bulletins most similar to each input (.txt, .jsonl, directories, or -).
#[derive(Debug, clap::Args)]
pub struct SimilarArgs {
    #[command(flatten)]
    model: ModelArg,
    /// How many neighbours to list per input.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    top: u32,
    /// One JSON object per input per line.
    #[arg(long)]
    json: bool,
    /// Bulletins to look up.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
}

pub fn run(args: SimilarArgs) -> anyhow::Result<()> {
    let archive = open_archive(&args.model.model)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut ok, mut failed) = (0usize, 0usize);
    let mut last_error = None;
    for item in open_inputs(&args.inputs) {
        match item.and_then(|doc| archive.similar(&doc, args.top as usize)) {
            Ok(s) => {
                ok += 1;
                if args.json {
                    serde_json::to_writer(&mut out, &s)?;
                    writeln!(out)?;
                } else {
                    write_block(&mut out, &s)?;
                }
            }
            Err(e) => {
                failed += 1;
                out.flush()?;
                eprintln!("amn: {e}");
                last_error = Some(e);
            }
        }
    }
    out.flush().context("writing output")?;
    match last_error {
        // One bad bulletin alone is the whole answer: fail with its own error and exit code.
        Some(e) if ok == 0 && failed == 1 => Err(e.into()),
        Some(e) => Err(anyhow::Error::new(e).context(format!(
            "{failed} of {} bulletins could not be looked up",
            ok + failed
        ))),
        None => Ok(()),
    }
}

/// The stored archive of a model, or one indexed in memory (with a note on stderr why).
pub fn open_archive(model: &std::path::Path) -> anyhow::Result<Archive> {
    let (archive, source) = Archive::load(model)?;
    if let Source::Rebuilt(note) = source {
        eprintln!("amn: note: {note}");
    }
    Ok(archive)
}

fn write_block(out: &mut impl Write, s: &Similar) -> std::io::Result<()> {
    writeln!(out, "{}", s.id)?;
    if s.neighbors.is_empty() {
        writeln!(out, "  no archived bulletin shares a term with it")?;
    }
    for (i, n) in s.neighbors.iter().enumerate() {
        writeln!(
            out,
            "  {:>2}. {:.3}  {}  [{}]  {}",
            i + 1,
            n.score,
            n.id,
            n.primary,
            n.title
        )?;
        let words: Vec<&str> = n.shared.iter().map(|t| t.word.as_str()).collect();
        writeln!(out, "      shared: {}", words.join("، "))?;
    }
    writeln!(out)
}
