//! `amn retrain`: rebuild a model from its training corpora and its document store.

use super::add::print_change;
use super::common::{ModelArg, refresh_archive, spinner};
use amn::model::rebuild;
use amn::model::repo::Writer;
use std::time::Instant;

/// Rebuild a model from its recorded training corpora and stored documents (e.g. after an
/// upgrade of amn's analyzer), with its recorded settings.
#[derive(Debug, clap::Args)]
pub struct RetrainArgs {
    #[command(flatten)]
    model: ModelArg,
}

pub fn run(args: RetrainArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut w = Writer::open(&args.model.model, "amn retrain")?;
    let progress = spinner("reading the training corpora");
    let lexicon_changed = w.lineage.root.lexicon.builtin_changed();
    let step = |m: &str| progress.set_message(m.to_string());
    let change = rebuild::retrain(&mut w, &step)?;
    step("indexing the archive");
    refresh_archive(&w, &[]);
    progress.finish_and_clear();
    let sources = w.lineage.root.sources.len();
    let added = w.lineage.added_docs().count();
    println!("retrained from {sources} training source(s) and {added} added document(s)");
    if lexicon_changed {
        println!("note: the built-in lexicon has changed since training; the new one was used");
    }
    print_change(&change, &w, started);
    Ok(())
}
