//! `stscreds completions SHELL`: clap_complete's scripts, with `--profile` completing
//! the profile names of `stscreds list --names` instead of file names. clap_complete's
//! static scripts cannot run a command for a value (its dynamic completion is still
//! an unstable feature), so the `--profile` case of each script is rewritten here;
//! the unit tests fail if a new clap_complete generates it differently.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Error;

/// The command the scripts run for the names: hidden from `--help`, one name a line.
const LIST_NAMES: &str = "list --names 2>/dev/null";

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

/// In each `--profile)` case, `compgen -f` (file names) becomes the names printed by
/// the stscreds being completed (`$1`).
fn bash_profiles(script: &str) -> String {
    let files = r#"COMPREPLY=($(compgen -f "${cur}"))"#;
    let names = format!(r#"COMPREPLY=($(compgen -W "$("$1" {LIST_NAMES})" -- "${{cur}}"))"#);
    let mut lines: Vec<String> = Vec::new();
    for line in script.split_inclusive('\n') {
        let after_profile = lines.last().is_some_and(|last| last.trim() == "--profile)");
        if after_profile && line.trim() == files {
            lines.push(line.replacen(files, &names, 1));
        } else {
            lines.push(line.to_owned());
        }
    }
    lines.concat()
}

/// `--profile`'s `_default` action (file names) becomes a function that offers the
/// names; the function is defined next to the script's other helpers.
fn zsh_profiles(script: &str) -> String {
    let helper = format!(
        "(( $+functions[_stscreds_profile_names] )) ||\n_stscreds_profile_names() {{\n    local -a names\n    names=(${{(f)\"$(stscreds {LIST_NAMES})\"}})\n    compadd -a names\n}}\n\n"
    );
    let script = script.replace(":PROFILE:_default'", ":PROFILE:_stscreds_profile_names'");
    let tail = "if [ \"$funcstack[1]\" = \"_stscreds\" ]; then";
    script.replacen(tail, &(helper + tail), 1)
}

/// Each `-l profile … -r` (any value, file names by default) also gets `-f -a` with the
/// names.
fn fish_profiles(script: &str) -> String {
    script
        .split_inclusive('\n')
        .map(|line| {
            let body = line.trim_end_matches('\n');
            if body.contains(" -l profile ") && body.ends_with(" -r") {
                format!("{body} -f -a \"(stscreds {LIST_NAMES})\"\n")
            } else {
                line.to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command takes `--profile` (it is global), and so does the top level.
    fn places_with_a_profile_option(script: &str, marker: &str) -> usize {
        let places = script.matches(marker).count();
        assert!(places > 10, "{marker:?} found {places} times");
        places
    }

    #[test]
    fn bash_completes_profile_names_wherever_profile_is_completed() {
        let bash = script(Shell::Bash);
        let places = places_with_a_profile_option(&bash, "--profile)\n");
        assert_eq!(
            bash.matches(
                r#"COMPREPLY=($(compgen -W "$("$1" list --names 2>/dev/null)" -- "${cur}"))"#
            )
            .count(),
            places
        );
        assert!(
            !bash.contains("--profile)\n                    COMPREPLY=($(compgen -f"),
            "no file names for --profile"
        );
        assert!(
            bash.contains("--expires)\n                    COMPREPLY=($(compgen -f"),
            "other options are left as clap_complete makes them"
        );
    }

    #[test]
    fn zsh_completes_profile_names_wherever_profile_is_completed() {
        let zsh = script(Shell::Zsh);
        let places = places_with_a_profile_option(&zsh, "'--profile=[");
        assert_eq!(
            zsh.matches(":PROFILE:_stscreds_profile_names'").count(),
            places
        );
        assert!(!zsh.contains(":PROFILE:_default"));
        let helper = zsh
            .find("_stscreds_profile_names() {")
            .expect("helper defined");
        assert!(helper < zsh.find("compdef _stscreds stscreds").unwrap());
        assert!(zsh.contains("stscreds list --names"));
    }

    #[test]
    fn fish_completes_profile_names_wherever_profile_is_completed() {
        let fish = script(Shell::Fish);
        let places = places_with_a_profile_option(&fish, " -l profile ");
        assert_eq!(
            fish.matches(r#" -r -f -a "(stscreds list --names 2>/dev/null)""#)
                .count(),
            places
        );
    }
}
