//! `cargo xtask man [DIR]`: writes the man pages of stscreds (`stscreds.1` and one per
//! command, `stscreds-auth.1`, …) into DIR (default `target/man`), generated from the
//! same clap definitions as `--help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::CommandFactory;
use stscreds::cli::Cli;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("man") => {
            let directory = args
                .next()
                .map_or_else(|| PathBuf::from("target/man"), PathBuf::from);
            match write_man_pages(&directory) {
                Ok(count) => {
                    eprintln!("Wrote {count} man pages to {}", directory.display());
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!(
                        "error: cannot write man pages to {}: {error}",
                        directory.display()
                    );
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("usage: cargo xtask man [DIR]");
            ExitCode::from(2)
        }
    }
}

/// Writes the top-level page and one page per command; returns how many.
fn write_man_pages(directory: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(directory)?;
    let command = Cli::command();
    let mut written = 0;
    for page in std::iter::once(command.clone()).chain(command.get_subcommands().cloned()) {
        let name = if page.get_name() == command.get_name() {
            "stscreds".to_owned()
        } else {
            format!("stscreds-{}", page.get_name())
        };
        let mut roff = Vec::new();
        clap_mangen::Man::new(page.name(name.clone())).render(&mut roff)?;
        std::fs::write(directory.join(format!("{name}.1")), roff)?;
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_gets_a_man_page() {
        let directory = std::env::temp_dir().join(format!("stscreds-man-{}", std::process::id()));
        let count = write_man_pages(&directory).unwrap();
        assert_eq!(count, Cli::command().get_subcommands().count() + 1);
        let exec = std::fs::read_to_string(directory.join("stscreds-exec.1")).unwrap();
        assert!(
            exec.starts_with(".ie") && exec.contains(".SH NAME"),
            "{exec}"
        );
        let top = std::fs::read_to_string(directory.join("stscreds.1")).unwrap();
        assert!(
            top.contains("credential\\-process"),
            "the top page lists the commands"
        );
        std::fs::remove_dir_all(directory).unwrap();
    }
}
