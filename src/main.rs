//! The `amn` command: parses arguments and hands over to the library through `cli`.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    if let Err(err) = cli::run(args) {
        eprintln!("amn: error: {err:#}");
        let code = err
            .chain()
            .find_map(|e| e.downcast_ref::<amn::Error>())
            .map_or(1, amn::Error::exit_code);
        std::process::exit(code);
    }
}
