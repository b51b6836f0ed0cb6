//! `amn label`: correct the labels of a stored document, and retrain.

use super::add::{labels_of, parse_label, parse_topic, print_change};
use super::common::{ModelArg, refresh_archive, spinner};
use amn::corpus::{Label, Topic};
use amn::model::repo::Writer;
use amn::model::update;
use std::time::Instant;

/// Set the labels of a stored document (every document with that id), and retrain.
#[derive(Debug, clap::Args)]
pub struct LabelArgs {
    #[command(flatten)]
    model: ModelArg,
    /// The document's id (as `amn similar` or the store show it).
    #[arg(value_name = "ID")]
    id: String,
    /// Its topics, comma- or space-separated; none at all means none of the topics (`other`).
    #[arg(long, value_name = "TOPIC", num_args = 0.., value_delimiter = ',',
          value_parser = parse_topic, required_unless_present = "clear")]
    topics: Option<Vec<Topic>>,
    /// Its primary label (a topic, or `other`); the first topic by default.
    #[arg(long, value_name = "LABEL", value_parser = parse_label, conflicts_with = "clear")]
    primary: Option<Label>,
    /// Remove its labels (it becomes unlabeled).
    #[arg(long)]
    clear: bool,
    /// Do not measure the change in cross-validated macro-F1 (faster).
    #[arg(long)]
    no_eval: bool,
}

pub fn run(args: LabelArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut w = Writer::open(&args.model.model, "amn label")?;
    let labels = (!args.clear).then(|| labels_of(args.primary, &args.topics.unwrap_or_default()));
    // Several documents can share an id (e.g. a labeled copy of an archived article).
    let mut old: Vec<Option<amn::Labels>> = Vec::new();
    for a in w.model.archive.iter().filter(|a| a.id == args.id) {
        if !old.contains(&a.labels) {
            old.push(a.labels.clone());
        }
    }
    let n = w.model.archive.iter().filter(|a| a.id == args.id).count();
    let progress = spinner("relabeling");
    let step = |m: &str| progress.set_message(m.to_string());
    let change = update::label(&mut w, &args.id, labels.clone(), !args.no_eval, &step)?;
    if change.version.is_some() {
        step("indexing the archive");
        refresh_archive(&w, &[]);
    }
    progress.finish_and_clear();
    let show = |l: &Option<amn::Labels>| match l {
        None => "unlabeled".to_string(),
        Some(l) => {
            let topics: Vec<&str> = l.topics.iter().map(|t| t.as_str()).collect();
            let topics = if topics.is_empty() {
                "no topic".to_string()
            } else {
                topics.join(", ")
            };
            format!("{topics} (primary {})", l.primary)
        }
    };
    let copies = if n > 1 {
        format!(" ({n} documents)")
    } else {
        String::new()
    };
    let old: Vec<String> = old.iter().map(show).collect();
    println!(
        "{}{copies}: {} → {}",
        args.id,
        old.join(" / "),
        show(&labels)
    );
    print_change(&change, &w, started);
    Ok(())
}
