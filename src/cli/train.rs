//! `amn train`: build a model from labeled and unlabeled documents.

use super::common::{ModelArg, TrainOptions, load_corpus, spinner};
use amn::Model;
use anyhow::bail;
use std::path::PathBuf;
use std::time::Instant;

/// Train a model from .jsonl/.jsonl.gz files or directories of .txt bulletins.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Corpus file(s) or director(ies); unlabeled documents feed the vocabulary and the archive.
    #[arg(long, value_name = "PATH", required = true, num_args = 1..)]
    corpus: Vec<PathBuf>,
    #[command(flatten)]
    model: ModelArg,
    #[command(flatten)]
    options: TrainOptions,
}

pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let progress = spinner("reading corpus");
    let (docs, skipped) = load_corpus(&args.corpus, &progress);
    if docs.is_empty() {
        bail!("no usable documents in {:?}", args.corpus);
    }
    progress.set_message(format!("training on {} documents", docs.len()));
    let lexicon = args.options.lexicon_text()?;
    let model = Model::train(&docs, args.options.settings(), &lexicon)?;
    progress.set_message("writing model");
    model.save(&args.model.model)?;
    progress.finish_and_clear();
    println!(
        "trained {} documents ({} labeled, {} skipped), vocabulary {} terms, in {:.1}s -> {}",
        model.meta.documents,
        model.meta.labeled,
        skipped,
        model.vectorizer.len(),
        started.elapsed().as_secs_f64(),
        amn::model::file::model_file(&args.model.model).display()
    );
    Ok(())
}
