//! What the examples that take `dedup`'s own inputs and flags share: the
//! command line, the inputs read as `dedup` reads them (each problem printed
//! and skipped), and exit code 2 with the tool's name on an error.

use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Parser;
use dedup::read::{read_inputs, Corpus};

// The command line of `dedup` itself, so that every flag means the same here.
#[allow(dead_code)]
#[path = "../../src/cli.rs"]
mod cli;

/// The command line, `dedup`'s own, of its main command.
pub fn parse() -> Result<cli::Cli> {
    let args = std::iter::once("dedup".to_string()).chain(std::env::args().skip(1));
    let cli = cli::Cli::try_parse_from(args)?;
    if cli.command.is_some() {
        bail!("give inputs and flags of the main `dedup` command, not a subcommand");
    }
    Ok(cli)
}

/// The articles of the inputs `cli` names; each input's problem is printed
/// under `tool`'s name and the rest are read.
pub fn read(tool: &str, cli: &cli::Cli) -> Corpus<'static> {
    let corpus = read_inputs(&cli.run.inputs, &cli.run.input.read_options());
    for error in &corpus.errors {
        eprintln!("{tool}: {}: {}", error.input, error.problem);
    }
    corpus
}

/// The exit code of `tool`'s run: 2, with the error printed, if it failed.
pub fn exit(tool: &str, result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{tool}: {err:#}");
            ExitCode::from(2)
        }
    }
}
