//! The `shiplight` binary: parses arguments, hands them to the library, and shows its output
//! and errors through [`Terminal`], so nothing read from a repository can steer a terminal.

use shiplight::shown::Terminal;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = <shiplight::cli::Cli as clap::Parser>::parse();
    let mut stdout = Terminal::new(std::io::stdout().lock());
    let result = shiplight::run(cli, &mut stdout);
    let _ = stdout.flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let mut stderr = Terminal::new(std::io::stderr().lock());
            let _ = writeln!(stderr, "error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
