//! Command-line interface: one file per subcommand. Only this layer prints.

mod classify;
mod common;
mod eval;
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
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Train(a) => train::run(a),
        Command::Classify(a) => classify::run(a),
        Command::Eval(a) => eval::run(a),
    }
}
