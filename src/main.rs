//! The `firedrill` binary: everything happens in `firedrill::cli`.

fn main() -> std::process::ExitCode {
    firedrill::cli::main()
}
