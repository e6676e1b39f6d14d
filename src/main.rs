use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = bridgelab::cli::Cli::parse();
    match bridgelab::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bridgelab: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
