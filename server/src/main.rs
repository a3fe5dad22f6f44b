#![recursion_limit = "256"]
fn main() -> std::process::ExitCode {
    famigo::cli::main()
}
