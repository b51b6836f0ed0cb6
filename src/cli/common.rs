//! Pieces shared by subcommands: model path, training options, corpus loading, progress.

use amn::corpus::{Document, open_inputs};
use amn::model::file::DEFAULT_MODEL_DIR;
use amn::model::repo::Writer;
use amn::model::{ClassifierParams, TrainSettings};
use amn::text::StemmerKind;
use amn::vector::VectorizerParams;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

/// `--model PATH`, shared by every subcommand that reads or writes a model.
#[derive(Debug, clap::Args)]
pub struct ModelArg {
    /// Model directory (or a `.amn` file).
    #[arg(long, value_name = "PATH", default_value = DEFAULT_MODEL_DIR)]
    pub model: PathBuf,
}

/// Options that shape training (shared by `train` and `eval`).
#[derive(Debug, Clone, clap::Args)]
pub struct TrainOptions {
    /// Stemmer: light (amn's own) or snowball.
    #[arg(long, default_value = "light")]
    pub stemmer: StemmerKind,
    /// Keep terms found in at least this many documents.
    #[arg(long, default_value_t = 2)]
    pub min_df: u32,
    /// Drop terms found in more than this fraction of documents.
    #[arg(long, default_value_t = 0.5)]
    pub max_df: f32,
    /// Unigrams only.
    #[arg(long)]
    pub no_bigrams: bool,
    /// Topic lexicon file (topic<TAB>weight<TAB>term; a negative weight marks context against the
    /// topic); the shipped one by default.
    #[arg(long, value_name = "PATH")]
    pub lexicon: Option<PathBuf>,
    /// Do not use the topic lexicon (learned terms only).
    #[arg(long, conflicts_with = "no_terms")]
    pub no_lexicon: bool,
    /// Do not use learned terms (lexicon only).
    #[arg(long)]
    pub no_terms: bool,
    /// Inner folds stratified by topic instead of grouped by publication day.
    #[arg(long)]
    pub stratified_inner: bool,
    /// L2 penalty of the logistic regressions.
    #[arg(long, default_value_t = ClassifierParams::default().alpha)]
    pub alpha: f64,
}

impl TrainOptions {
    pub fn settings(&self) -> TrainSettings {
        TrainSettings {
            vectorizer: VectorizerParams {
                stemmer: self.stemmer,
                min_df: self.min_df,
                max_df: self.max_df,
                bigrams: !self.no_bigrams,
            },
            classifier: ClassifierParams {
                alpha: self.alpha,
                use_lexicon: !self.no_lexicon,
                use_terms: !self.no_terms,
                group_by_day: !self.stratified_inner,
                ..ClassifierParams::default()
            },
        }
    }

    pub fn lexicon_text(&self) -> anyhow::Result<String> {
        match &self.lexicon {
            None => Ok(amn::model::lexicon::DEFAULT_LEXICON.to_string()),
            Some(p) => std::fs::read_to_string(p)
                .with_context(|| format!("reading lexicon {}", p.display())),
        }
    }
}

/// Reads every document of `paths`; bad items are reported on stderr and skipped.
/// Returns the documents and the number skipped.
pub fn load_corpus(paths: &[PathBuf], progress: &ProgressBar) -> (Vec<Document>, usize) {
    let mut docs = Vec::new();
    let mut skipped = 0;
    for item in open_inputs(paths) {
        match item {
            Ok(d) => {
                docs.push(d);
                if docs.len() % 1000 == 0 {
                    progress.set_message(format!("read {} documents", docs.len()));
                }
            }
            Err(e) => {
                skipped += 1;
                progress.suspend(|| eprintln!("amn: skipped: {e}"));
            }
        }
    }
    (docs, skipped)
}

/// A spinner on a terminal, nothing when stderr is piped.
pub fn spinner(message: &str) -> ProgressBar {
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("valid template"),
    );
    bar.set_message(message.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Indexes the archive of a model a writer has just changed, while it still holds the lock.
/// The change is committed already, so a failure only warns: `similar` and `cluster` index a
/// stale archive in memory (slower, same answers).
pub fn refresh_archive(w: &Writer, docs: &[Document]) {
    if let Err(e) = amn::Archive::refresh(&w.model, &w.paths.model, docs) {
        eprintln!(
            "amn: warning: could not index the archive again ({e}); `amn similar` and `amn cluster` will index it in memory"
        );
    }
}
