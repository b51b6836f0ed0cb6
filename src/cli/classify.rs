//! `amn classify`: topic scores, topics and primary label of each bulletin.

use super::common::ModelArg;
use amn::Model;
use amn::corpus::{Label, Topic, open_inputs};
use amn::model::Classification;
use anyhow::Context;
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

/// Bulletins classified in parallel at a time (bounded, so memory stays flat on large inputs).
const CHUNK: usize = 512;

/// Classify bulletins: .txt files, .jsonl files (one bulletin a line), directories, or - for stdin.
#[derive(Debug, clap::Args)]
pub struct ClassifyArgs {
    #[command(flatten)]
    model: ModelArg,
    /// One JSON object per bulletin per line.
    #[arg(long)]
    json: bool,
    /// List the stems (and words) that pushed each applied topic's score.
    #[arg(long)]
    explain: bool,
    /// Bulletins to classify.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
}

pub fn run(args: ClassifyArgs) -> anyhow::Result<()> {
    let model = Model::load(&args.model.model)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut ok, mut failed) = (0usize, 0usize);
    let mut last_error = None;
    // The first error waits for a second item: a single bad bulletin is reported once, by `main`,
    // as one line with its own exit code.
    let mut held: Option<amn::Error> = None;
    // Ids seen so far: a repeated id is classified again, with a warning (JSON consumers key on it).
    let mut seen: HashSet<String> = HashSet::new();
    // Bulletins are classified in parallel a chunk at a time and written in input order. Standard
    // input goes one at a time, so an interactive or slow producer sees each answer at once.
    let chunk = if args.inputs.iter().any(|p| p.as_os_str() == "-") {
        1
    } else {
        CHUNK
    };
    let mut items = open_inputs(&args.inputs);
    loop {
        let batch: Vec<_> = items.by_ref().take(chunk).collect();
        if batch.is_empty() {
            break;
        }
        let results: Vec<_> = batch
            .into_par_iter()
            .map(|item| item.and_then(|doc| model.classify(&doc, args.explain)))
            .collect();
        for result in results {
            if let Some(e) = held.take() {
                eprintln!("amn: {e}");
                last_error = Some(e);
            }
            match result {
                Ok(c) => {
                    ok += 1;
                    if !seen.insert(c.id.clone()) {
                        out.flush()?;
                        eprintln!(
                            "amn: warning: {}: duplicate id (an earlier bulletin has it too); both are classified",
                            c.id
                        );
                    }
                    if !c.warnings.is_empty() {
                        out.flush()?;
                        for w in &c.warnings {
                            eprintln!("amn: warning: {}: {w}", c.id);
                        }
                    }
                    if args.json {
                        serde_json::to_writer(&mut out, &c)?;
                        writeln!(out)?;
                    } else {
                        write_block(&mut out, &c)?;
                    }
                }
                Err(e) => {
                    failed += 1;
                    out.flush()?;
                    if ok + failed == 1 {
                        held = Some(e);
                    } else {
                        eprintln!("amn: {e}");
                        last_error = Some(e);
                    }
                }
            }
        }
    }
    out.flush().context("writing output")?;
    if let Some(e) = held {
        // One bad bulletin alone is the whole answer: fail with its own error and exit code.
        return Err(e.into());
    }
    match last_error {
        Some(e) => Err(anyhow::Error::new(e).context(format!(
            "{failed} of {} bulletins could not be classified",
            ok + failed
        ))),
        None => Ok(()),
    }
}

fn write_block(out: &mut impl Write, c: &Classification) -> std::io::Result<()> {
    writeln!(out, "{}", c.id)?;
    writeln!(out, "  primary: {} ({})", c.primary, c.primary.arabic())?;
    let applied: Vec<&str> = c.topics.iter().map(|t| t.as_str()).collect();
    writeln!(
        out,
        "  topics:  {}",
        if applied.is_empty() {
            "none".to_string()
        } else {
            applied.join(", ")
        }
    )?;
    for t in Topic::ALL {
        let mark = if c.topics.contains(&t) { "*" } else { " " };
        writeln!(
            out,
            "  {mark} {:<18} {:.3}  {}",
            t.as_str(),
            c.scores.0[t.index()],
            t.arabic()
        )?;
    }
    if let Some(explanations) = &c.explanation {
        for e in explanations {
            writeln!(
                out,
                "  why {} ({}):",
                e.topic,
                Label::Topic(e.topic).arabic()
            )?;
            for ev in &e.evidence {
                writeln!(
                    out,
                    "    {:+.3}  {:<24} {} [{}]",
                    ev.weight,
                    ev.stem,
                    ev.words.join("، "),
                    ev.source
                )?;
            }
        }
    }
    writeln!(out)
}
