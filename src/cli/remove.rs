//! `amn remove`: take a stored document out of the model (e.g. one added by mistake), and retrain.

use super::add::print_change;
use super::common::{ModelArg, refresh_archive, spinner};
use amn::model::repo::Writer;
use amn::model::update;
use std::time::Instant;

/// Remove a stored document (every document with that id) and retrain; `amn rollback` undoes it.
#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    #[command(flatten)]
    model: ModelArg,
    /// The document's id (as `amn similar` or the store show it).
    #[arg(value_name = "ID")]
    id: String,
}

pub fn run(args: RemoveArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut w = Writer::open(&args.model.model, "amn remove")?;
    let progress = spinner("removing");
    let step = |m: &str| progress.set_message(m.to_string());
    let change = update::remove(&mut w, &args.id, &step)?;
    step("indexing the archive");
    refresh_archive(&w, &[]);
    progress.finish_and_clear();
    let copies = change.documents.0 - change.documents.1;
    let plural = if copies == 1 { "" } else { "s" };
    println!("removed  {} ({copies} document{plural})", args.id);
    print_change(&change, &w, started);
    Ok(())
}
