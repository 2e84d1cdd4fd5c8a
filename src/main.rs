//! The `shiplight` binary: parses arguments and hands them to the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = <shiplight::cli::Cli as clap::Parser>::parse();
    let mut stdout = std::io::stdout().lock();
    match shiplight::run(cli, &mut stdout) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
