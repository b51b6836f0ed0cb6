//! The `amn` command: parses arguments and hands over to the library through `cli`.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    if let Err(err) = cli::run(args) {
        // The chain on one line; a cause already spelled out by its parent (`path: reason` of an
        // I/O error) is not repeated.
        let mut message = err.to_string();
        for cause in err.chain().skip(1) {
            let cause = cause.to_string();
            if !message.ends_with(&cause) {
                message = format!("{message}: {cause}");
            }
        }
        eprintln!("amn: error: {message}");
        let code = err
            .chain()
            .find_map(|e| e.downcast_ref::<amn::Error>())
            .map_or(1, amn::Error::exit_code);
        std::process::exit(code);
    }
}
