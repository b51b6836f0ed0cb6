//! `amn add`: add bulletins to a model's document store and retrain it.

use super::common::{ModelArg, refresh_archive, spinner};
use super::history::delta;
use amn::corpus::{Label, Labels, Topic, open_input};
use amn::model::repo::Writer;
use amn::model::update::{self, AddOptions, Change, NEAR_DUPLICATE, Outcome};
use std::path::PathBuf;
use std::time::Instant;

/// Add bulletins to a model's document store (skipping duplicates) and retrain the model.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    #[command(flatten)]
    model: ModelArg,
    /// A topic of the added bulletins (repeatable); applies to those without labels of their own.
    #[arg(long = "label", value_name = "TOPIC", value_parser = parse_topic)]
    labels: Vec<Topic>,
    /// Their primary label (a topic, or `other`); the first --label by default.
    #[arg(long, value_name = "LABEL", value_parser = parse_label)]
    primary: Option<Label>,
    /// Cosine at or above which a bulletin is a near-duplicate of one already stored.
    #[arg(long, value_name = "COSINE", default_value_t = NEAR_DUPLICATE)]
    near_duplicate: f32,
    /// Do not measure the change in cross-validated macro-F1 when labels were added (faster).
    #[arg(long)]
    no_eval: bool,
    /// Bulletins: .txt files, .jsonl/.jsonl.gz (lines may carry `primary`/`topics`),
    /// directories (with an optional labels.tsv), or - for stdin.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
}

pub fn parse_topic(s: &str) -> Result<Topic, String> {
    Topic::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Topic::ALL.iter().map(|t| t.as_str()).collect();
        format!("unknown topic {s:?} (one of {})", names.join(", "))
    })
}

pub fn parse_label(s: &str) -> Result<Label, String> {
    Label::parse(s).ok_or_else(|| format!("unknown label {s:?} (a topic, or other)"))
}

/// Labels from `--primary` and topics (the first topic is the primary when none is given).
pub fn labels_of(primary: Option<Label>, topics: &[Topic]) -> Labels {
    let primary =
        primary.unwrap_or_else(|| topics.first().map_or(Label::Other, |&t| Label::Topic(t)));
    Labels::new(primary, topics.to_vec())
}

pub fn run(args: AddArgs) -> anyhow::Result<()> {
    if !(args.near_duplicate > 0.0 && args.near_duplicate <= 1.0) {
        return Err(amn::Error::Invalid("--near-duplicate must be in (0, 1]".into()).into());
    }
    let started = Instant::now();
    let mut w = Writer::open(&args.model.model, "amn add")?;
    let progress = spinner("reading bulletins");
    let given = (!args.labels.is_empty() || args.primary.is_some())
        .then(|| labels_of(args.primary, &args.labels));
    let mut docs = Vec::new();
    // Where each document came from, to name it in messages.
    let mut origins = Vec::new();
    let mut failed = 0usize;
    let mut last_error = None;
    for input in &args.inputs {
        let items = open_input(input).unwrap_or_else(|e| Box::new(std::iter::once(Err(e))));
        for item in items {
            match item {
                Ok(mut d) => {
                    if d.labels.is_none() {
                        d.labels.clone_from(&given);
                    }
                    origins.push(input.display().to_string());
                    docs.push(d);
                }
                Err(e) => {
                    failed += 1;
                    progress.suspend(|| eprintln!("amn: skipped: {e}"));
                    last_error = Some(e);
                }
            }
        }
    }
    let total = docs.len() + failed;
    let opts = AddOptions {
        near_duplicate: args.near_duplicate,
        evaluate: !args.no_eval,
    };
    let report = if docs.is_empty() {
        None
    } else {
        let step = |m: &str| progress.set_message(m.to_string());
        // A sample for the readable words of new terms (the archive samples no more).
        let sample: Vec<_> = docs.iter().take(2_000).cloned().collect();
        let report = update::add(&mut w, docs, opts, &step)?;
        if report.change.version.is_some() {
            step("indexing the archive");
            refresh_archive(&w, &sample);
        }
        Some(report)
    };
    progress.finish_and_clear();
    if let Some(r) = report {
        let added = r
            .outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Added { .. }))
            .count();
        let duplicates = r
            .outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Exact { .. } | Outcome::Near { .. }))
            .count();
        for (o, origin) in r.outcomes.into_iter().zip(origins) {
            match o {
                Outcome::Added {
                    id,
                    renamed_from,
                    labeled,
                } => {
                    let renamed = renamed_from
                        .map(|old| format!(" (id {old} was taken)"))
                        .unwrap_or_default();
                    let labeled = if labeled { " [labeled]" } else { "" };
                    println!("added    {id}{renamed}{labeled}");
                }
                Outcome::Exact { id, of, relabeled } => {
                    let relabeled = if relabeled {
                        " (its labels were recorded on it)"
                    } else {
                        ""
                    };
                    println!("skipped  {id}: exact duplicate of {of}{relabeled}");
                }
                Outcome::Near { id, of, cosine } => {
                    println!("skipped  {id}: near-duplicate of {of} (cosine {cosine:.3})")
                }
                Outcome::Rejected { error, .. } => {
                    failed += 1;
                    let error = name_origin(error, &origin);
                    eprintln!("amn: skipped: {error}");
                    last_error = Some(error);
                }
            }
        }
        println!(
            "{added} added, {duplicates} duplicates skipped, {failed} unusable, of {total} bulletins"
        );
        print_change(&r.change, &w, started);
    }
    match last_error {
        // One bad bulletin alone is the whole answer: fail with its own error and exit code.
        Some(e) if total == 1 => Err(e.into()),
        Some(e) => Err(anyhow::Error::new(e)
            .context(format!("{failed} of {total} bulletins could not be added"))),
        None => Ok(()),
    }
}

/// Prefixes the input a bad document came from to its error (unless its id already says it).
fn name_origin(error: amn::Error, origin: &str) -> amn::Error {
    match error {
        amn::Error::BadInput { input, reason } if !origin.ends_with(&input) => {
            amn::Error::BadInput {
                input: format!("{origin}: {input}"),
                reason,
            }
        }
        e => e,
    }
}

/// The lines every change prints: documents, vocabulary, macro-F1, version.
pub fn print_change(c: &Change, w: &Writer, started: Instant) {
    let Some(version) = c.version else {
        println!(
            "nothing changed: {} is still version {}",
            w.paths.model.display(),
            c.previous
        );
        return;
    };
    println!(
        "documents   {} → {} (labeled {} → {})",
        c.documents.0, c.documents.1, c.labeled.0, c.labeled.1
    );
    println!(
        "vocabulary  {} → {} terms ({:+})",
        c.vocabulary.0,
        c.vocabulary.1,
        c.vocabulary.1 as i64 - c.vocabulary.0 as i64
    );
    if let Some(cv) = &c.cv {
        match &cv.after {
            Some(a) => println!(
                "macro-F1    topics {}, primary {} (3-fold CV over the {} labeled documents)",
                delta(cv.before.as_ref(), a, |f| f.topics_macro_f1),
                delta(cv.before.as_ref(), a, |f| f.primary_macro_f1),
                a.labeled
            ),
            None => println!(
                "macro-F1    not measured: {}",
                cv.problem.as_deref().unwrap_or("unknown reason")
            ),
        }
    }
    if c.reanalysed {
        println!(
            "(the analysis cache did not match this version: every document was analysed again)"
        );
    }
    println!(
        "version {version} (was {}) in {:.1}s -> {}; `amn rollback` restores version {}",
        c.previous,
        started.elapsed().as_secs_f64(),
        w.paths.model.display(),
        c.previous
    );
}
