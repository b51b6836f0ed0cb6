//! Command-line interface: one file per subcommand. Only this layer prints.

mod add;
mod classify;
mod cluster;
mod common;
mod dupes;
mod eval;
mod history;
mod info;
mod label;
mod plot;
mod remove;
mod retrain;
mod similar;
mod train;

use clap::{Parser, Subcommand};

/// amn (أمن): classify Arabic security bulletins, find related ones, plot the archive.
#[derive(Debug, Parser)]
#[command(name = "amn", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Train(train::TrainArgs),
    Classify(classify::ClassifyArgs),
    Eval(eval::EvalArgs),
    Plot(plot::PlotArgs),
    Similar(similar::SimilarArgs),
    Cluster(cluster::ClusterArgs),
    Dupes(dupes::DupesArgs),
    Add(add::AddArgs),
    Retrain(retrain::RetrainArgs),
    Label(label::LabelArgs),
    Remove(remove::RemoveArgs),
    History(history::HistoryArgs),
    Rollback(history::RollbackArgs),
    Info(info::InfoArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Train(a) => train::run(a),
        Command::Classify(a) => classify::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Plot(a) => plot::run(a),
        Command::Similar(a) => similar::run(a),
        Command::Cluster(a) => cluster::run(a),
        Command::Dupes(a) => dupes::run(a),
        Command::Add(a) => add::run(a),
        Command::Retrain(a) => retrain::run(a),
        Command::Label(a) => label::run(a),
        Command::Remove(a) => remove::run(a),
        Command::History(a) => history::run_history(a),
        Command::Rollback(a) => history::run_rollback(a),
        Command::Info(a) => info::run(a),
    }
}
