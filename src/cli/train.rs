//! `amn train`: build a model from labeled and unlabeled documents.

use super::common::{ModelArg, TrainOptions, load_corpus, spinner};
use amn::Document;
use amn::model::eval::{Split, evaluate};
use amn::model::fit::{self, Trained};
use amn::model::lineage::CvFigures;
use amn::model::update::{CV_FOLDS, CV_SEED, cross_validate};
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
    /// Also cross-validate these settings (K folds) and store the figures in the model.
    #[arg(long, value_name = "K")]
    cv: Option<usize>,
    /// Leave near-duplicates (cosine >= 0.9, e.g. wire copies) out of the model and archive.
    #[arg(long)]
    dedupe: bool,
}

pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    // Locked first: a second writer is refused before the corpus is read.
    let mut trainer = amn::model::repo::Trainer::lock(&args.model.model)?;
    let progress = spinner("reading corpus");
    let (mut docs, mut skipped) = (Vec::new(), 0);
    for path in &args.corpus {
        let (d, s) = load_corpus(std::slice::from_ref(path), &progress);
        trainer.source(path, &d)?;
        docs.extend(d);
        skipped += s;
    }
    if docs.is_empty() {
        bail!("no usable documents in {:?}", args.corpus);
    }
    progress.set_message(format!("training on {} documents", docs.len()));
    let lexicon = args.options.lexicon_text()?;
    let Trained {
        mut model,
        mut prepared,
    } = fit::train(&docs, args.options.settings(), &lexicon)?;
    let dupes = amn::archive::dupes::find(&model.rows, amn::archive::dupes::DEFAULT_THRESHOLD)?;
    let mut removed = Vec::new();
    if args.dedupe && !dupes.groups.is_empty() {
        progress.set_message("training again without near-duplicates");
        removed = dupes.redundant_by(|d| docs[d as usize].labels.is_some());
        amn::archive::dupes::remove(&mut docs, &removed);
        Trained { model, prepared } = fit::train(&docs, args.options.settings(), &lexicon)?;
    }
    if let Some(k) = args.cv {
        progress.set_message(format!("cross-validating ({k} folds)"));
        let split = Split::KFold { k, seed: CV_SEED };
        let kfold = evaluate(&docs, args.options.settings(), &lexicon, split, |_, _| {})?;
        let date = evaluate(
            &docs,
            args.options.settings(),
            &lexicon,
            Split::Date,
            |_, _| {},
        )?;
        // The figures `amn add` and `amn label` compare against: CV_FOLDS folds over the
        // labeled documents alone (the k-fold above reused when it is exactly that).
        trainer.cv = if k == CV_FOLDS && docs.iter().all(|d| d.labels.is_some()) {
            Some(CvFigures::from(&kfold))
        } else {
            let labeled: Vec<Document> = docs
                .iter()
                .filter(|d| d.labels.is_some())
                .cloned()
                .collect();
            cross_validate(&labeled, args.options.settings(), &lexicon)
                .ok()
                .map(|(f, _)| f)
        };
        model.meta.cv_json = Some(serde_json::to_string(
            &serde_json::json!({ "kfold": kfold, "date": date }),
        )?);
        progress.suspend(|| {
            println!(
                "cross-validated: {k}-fold primary macro-F1 {:.3}, topics macro-F1 {:.3}; date split {:.3} / {:.3}",
                kfold.primary_macro_f1, kfold.topics_macro_f1, date.primary_macro_f1, date.topics_macro_f1
            )
        });
    }
    progress.set_message("writing model");
    let custom_lexicon = args.options.lexicon.is_some();
    trainer.commit(&removed, &model, &prepared, &lexicon, custom_lexicon)?;
    progress.set_message("indexing the archive");
    amn::archive::Archive::store(&model, &docs, &args.model.model)?;
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
    println!(
        "near-duplicates: {} copies in {} groups (cosine >= 0.9){}",
        dupes.redundant().len(),
        dupes.groups.len(),
        if args.dedupe {
            ", left out"
        } else {
            "; --dedupe leaves them out"
        }
    );
    Ok(())
}
