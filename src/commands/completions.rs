//! `stscreds completions SHELL`: clap_complete's scripts, with the options whose value
//! is a profile (`--profile`, `configure --credential-process-for`) completing the
//! names `stscreds list --names` prints instead of file names. clap_complete's static
//! scripts cannot run a command for a value (its dynamic completion is still an
//! unstable feature), so those cases of each script are rewritten here; the unit tests
//! fail if a new clap_complete generates them differently.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Error;

/// The command the scripts run for the names: hidden from `--help`, one name a line.
const LIST_NAMES: &str = "list --names 2>/dev/null";

/// The long options whose value is a profile name.
const PROFILE_OPTIONS: [&str; 2] = ["--profile", "--credential-process-for"];

/// The top-level entry point for `stscreds completions`.
pub fn run(shell: Shell) -> Result<(), Error> {
    super::print(&script(shell))
}

/// The completion script for `shell`.
fn script(shell: Shell) -> String {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "stscreds", &mut script);
    let script = String::from_utf8_lossy(&script);
    match shell {
        Shell::Bash => bash_profiles(&script),
        Shell::Zsh => zsh_profiles(&script),
        Shell::Fish => fish_profiles(&script),
        _ => script.into_owned(),
    }
}

/// In the case of each profile option, `compgen -f` (file names) becomes the names
/// printed by the stscreds being completed (`$1`).
fn bash_profiles(script: &str) -> String {
    let files = r#"COMPREPLY=($(compgen -f "${cur}"))"#;
    let names = format!(r#"COMPREPLY=($(compgen -W "$("$1" {LIST_NAMES})" -- "${{cur}}"))"#);
    let mut lines: Vec<String> = Vec::new();
    for line in script.split_inclusive('\n') {
        let after_profile_option = lines.last().is_some_and(|last| {
            PROFILE_OPTIONS
                .iter()
                .any(|option| last.trim() == format!("{option})"))
        });
        if after_profile_option && line.trim() == files {
            lines.push(line.replacen(files, &names, 1));
        } else {
            lines.push(line.to_owned());
        }
    }
    lines.concat()
}

/// The `_default` action (file names) of every value named `PROFILE` becomes a
/// function that offers the names, defined next to the script's other helpers.
fn zsh_profiles(script: &str) -> String {
    let helper = format!(
        "(( $+functions[_stscreds_profile_names] )) ||\n_stscreds_profile_names() {{\n    local -a names\n    names=(${{(f)\"$(stscreds {LIST_NAMES})\"}})\n    compadd -a names\n}}\n\n"
    );
    let script = script.replace(":PROFILE:_default'", ":PROFILE:_stscreds_profile_names'");
    let tail = "if [ \"$funcstack[1]\" = \"_stscreds\" ]; then";
    script.replacen(tail, &(helper + tail), 1)
}

/// One more completion for each profile option (`--profile` after any command, as it
/// is global), whose `-f` keeps file names out and whose `-a` offers the names. Being
/// unconditional, it also serves the top level (`stscreds --profile w`), where the
/// script's own entry does not apply while the value is typed.
fn fish_profiles(script: &str) -> String {
    let names = format!("-r -f -a \"(stscreds {LIST_NAMES})\"");
    format!(
        "{script}complete -c stscreds -l profile -d 'The profile to work on' {names}\ncomplete -c stscreds -n \"__fish_stscreds_using_subcommand configure\" -l credential-process-for -d 'The profile the AWS tools get credentials of' {names}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How often `marker` occurs, a number that shows every command was generated.
    fn occurrences(script: &str, marker: &str, at_least: usize) -> usize {
        let places = script.matches(marker).count();
        assert!(places >= at_least, "{marker:?} found {places} times");
        places
    }

    #[test]
    fn bash_completes_profile_names_for_every_profile_option() {
        let bash = script(Shell::Bash);
        let places = occurrences(&bash, "--profile)\n", 10)
            + occurrences(&bash, "--credential-process-for)\n", 1);
        let names = r#"COMPREPLY=($(compgen -W "$("$1" list --names 2>/dev/null)" -- "${cur}"))"#;
        assert_eq!(bash.matches(names).count(), places);
        for option in PROFILE_OPTIONS {
            assert!(
                !bash.contains(&format!(
                    "{option})\n                    COMPREPLY=($(compgen -f"
                )),
                "no file names for {option}"
            );
        }
        assert!(
            bash.contains("--expires)\n                    COMPREPLY=($(compgen -f"),
            "other options are left as clap_complete makes them"
        );
    }

    #[test]
    fn zsh_completes_profile_names_for_every_profile_option() {
        let zsh = script(Shell::Zsh);
        let places = occurrences(&zsh, "'--profile=[", 10)
            + occurrences(&zsh, "--credential-process-for=[", 1);
        assert_eq!(
            zsh.matches(":PROFILE:_stscreds_profile_names'").count(),
            places
        );
        assert!(!zsh.contains(":PROFILE:_default"));
        let helper = zsh
            .find("_stscreds_profile_names() {")
            .expect("helper defined");
        assert!(helper < zsh.find("compdef _stscreds stscreds").unwrap());
        assert!(zsh.contains("$(stscreds list --names 2>/dev/null)"));
    }

    #[test]
    fn fish_completes_profile_names_for_every_profile_option() {
        let fish = script(Shell::Fish);
        let names = r#" -r -f -a "(stscreds list --names 2>/dev/null)""#;
        assert!(fish.contains(&format!(
            "\ncomplete -c stscreds -l profile -d 'The profile to work on'{names}\n"
        )));
        assert!(fish.contains(&format!("\"__fish_stscreds_using_subcommand configure\" -l credential-process-for -d 'The profile the AWS tools get credentials of'{names}\n")));
    }
}
