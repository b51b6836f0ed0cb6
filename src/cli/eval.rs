//! `amn eval`: cross-validated figures of the whole training pipeline.

use super::common::{TrainOptions, load_corpus, spinner};
use amn::corpus::Label;
use amn::model::eval::{EvalReport, Prediction, Split, evaluate};
use anyhow::Context;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SplitBy {
    /// Stratified K-fold.
    Kfold,
    /// Train on the earlier 70 % (by date), test on the later 30 %.
    Date,
}

/// Cross-validate training settings on a labeled corpus.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// Labeled corpus file(s) or directories.
    #[arg(long, value_name = "PATH", required = true, num_args = 1..)]
    corpus: Vec<PathBuf>,
    /// Number of folds.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Seed of the fold assignment.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// How to split train and test.
    #[arg(long, value_enum, default_value = "kfold")]
    split_by: SplitBy,
    /// One JSON object.
    #[arg(long)]
    json: bool,
    /// Also write each test document's prediction and hand labels to this file (JSONL: `id`,
    /// `title`, `primary`, `topics`, `scores`, `true_primary`, `true_topics`, `error`).
    #[arg(long, value_name = "FILE")]
    predictions: Option<PathBuf>,
    /// Also draw the confusion matrix into this directory (confusion.png).
    #[arg(long, value_name = "DIR")]
    plot: Option<PathBuf>,
    /// File format of the --plot picture.
    #[arg(long, value_enum, default_value = "png", requires = "plot")]
    plot_format: super::plot::FormatArg,
    #[command(flatten)]
    options: TrainOptions,
}

pub fn run(args: EvalArgs) -> anyhow::Result<()> {
    let progress = spinner("reading corpus");
    let (docs, _) = load_corpus(&args.corpus, &progress);
    let split = match args.split_by {
        SplitBy::Kfold => Split::KFold {
            k: args.folds,
            seed: args.seed,
        },
        SplitBy::Date => Split::Date,
    };
    let lexicon = args.options.lexicon_text()?;
    let report = evaluate(
        &docs,
        args.options.settings(),
        &lexicon,
        split,
        |done, total| {
            progress.set_message(format!("fold {done}/{total} done"));
        },
    )?;
    progress.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_report(&report);
    }
    if let Some(file) = &args.predictions {
        write_predictions(file, &report.predictions)
            .with_context(|| format!("cannot write {}", file.display()))?;
    }
    if let Some(dir) = &args.plot {
        let fig = amn::plot::confusion::ConfusionPlot::new(&report)?;
        for file in amn::plot::save(&fig, dir, args.plot_format.into(), None)? {
            eprintln!("amn: wrote {}", file.display());
        }
    }
    Ok(())
}

fn print_report(r: &EvalReport) {
    let how = if r.split == "date" {
        "train on earlier 70% by date, test on later 30%".to_string()
    } else {
        format!("{}-fold stratified, seed {}", r.folds, r.seed)
    };
    println!("{} labeled documents, {how}\n", r.documents);
    println!(
        "{:<20} {:>9} {:>7} {:>6} {:>8}",
        "topic", "precision", "recall", "F1", "support"
    );
    for (t, p) in &r.per_topic {
        println!(
            "{:<20} {:>9.3} {:>7.3} {:>6.3} {:>8}",
            t.as_str(),
            p.precision,
            p.recall,
            p.f1,
            p.support
        );
    }
    println!("\ntopics macro-F1   {:.3}", r.topics_macro_f1);
    println!("primary accuracy  {:.3}", r.primary_accuracy);
    println!("primary macro-F1  {:.3}", r.primary_macro_f1);
    println!(
        "calibration error {:.3} (expected, 10 bins over all topic scores)\n",
        r.expected_calibration_error
    );
    println!("confusion (rows: true primary, columns: predicted)");
    print!("{:<20}", "");
    for l in Label::ALL {
        print!(" {:>6}", short(l));
    }
    println!();
    for l in Label::ALL {
        print!("{:<20}", l.as_str());
        for c in r.confusion[l.index()] {
            print!(" {c:>6}");
        }
        println!();
    }
    println!("\nreliability (topic scores pooled): bin, count, mean score, observed rate");
    for b in r.calibration.iter().filter(|b| b.count > 0) {
        println!(
            "  [{:.1}, {:.1})  {:>5}  {:.3}  {:.3}",
            b.low, b.high, b.count, b.mean_score, b.observed_rate
        );
    }
}

fn short(l: Label) -> &'static str {
    match l.as_str() {
        "cybersecurity" => "cyber",
        "aviation_security" => "aviat",
        "counter_terrorism" => "terror",
        "narcotics" => "narco",
        _ => "other",
    }
}

fn write_predictions(file: &Path, predictions: &[Prediction]) -> anyhow::Result<()> {
    let mut out = String::new();
    for p in predictions {
        let mut v = serde_json::to_value(p)?;
        v["error"] = p.is_error().into();
        out.push_str(&v.to_string());
        out.push('\n');
    }
    amn::model::file::write_atomically(file, &[out.as_bytes()])?;
    Ok(())
}
