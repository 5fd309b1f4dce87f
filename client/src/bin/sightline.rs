//! The `sightline` command: see `sightline --help` and the crate's `cli`
//! module. This file only hands over to it.

fn main() -> std::process::ExitCode {
    sightline_client::cli::main()
}
