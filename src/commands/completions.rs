//! `stscreds completions SHELL`: clap_complete's scripts, with the options whose value
//! is a profile (`--profile`, `configure --credential-process-for`), and the PROFILE
//! argument of `auth`, `exec`, `export` and `login`, completing the names `stscreds
//! list --names` prints instead of file names. clap_complete's static scripts cannot
//! run a command for a value (its dynamic completion is still an unstable feature), so
//! those cases of each script are rewritten here; the unit tests fail if a new
//! clap_complete generates them differently. `--install` writes the script where the
//! shell loads it by itself.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Error;
use crate::files;
use crate::invalid::Invalid;
use crate::ui::report::Report;

/// The command the scripts run for the names: hidden from `--help`, one name a line.
const LIST_NAMES: &str = "list --names 2>/dev/null";

/// The long options whose value is a profile name.
const PROFILE_OPTIONS: [&str; 2] = ["--profile", "--credential-process-for"];

/// The id of the PROFILE argument of the commands aws-vault users type it after.
const NAMED_PROFILE: &str = "named_profile";

/// The file whose absence means that bash loads no completion file by itself: the
/// `bash-completion` package's loader (Debian, Ubuntu, Fedora, Arch).
const BASH_COMPLETION_LOADER: &str = "/usr/share/bash-completion/bash_completion";

/// The top-level entry point for `stscreds completions`.
pub fn run(shell: Option<Shell>, install: bool, report: &dyn Report) -> Result<(), Error> {
    match (shell, install) {
        (Some(shell), false) => super::print(&script(shell)),
        (shell, _) => {
            let shell = shell.or_else(Shell::from_env).ok_or_else(|| {
                Invalid(
                    "cannot tell your shell from $SHELL; name it: `stscreds completions --install bash` (or zsh, fish)".to_owned(),
                )
            })?;
            self::install(shell, report)
        }
    }
}

/// Writes `shell`'s script where that shell loads it for this user, and says where and
/// what else (if anything) the shell needs to load it.
fn install(shell: Shell, report: &dyn Report) -> Result<(), Error> {
    let env = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    let path = install_path(shell, &env).ok_or_else(|| {
        Invalid(format!(
            "--install knows where bash, zsh and fish load completions, not {shell}; save the script where {shell} loads it: `stscreds completions {shell} > FILE`"
        ))
    })?;
    files::replace_atomically(&path, script(shell).as_bytes())?;
    report.say(&format!(
        "Wrote the {shell} completion of stscreds to {}.",
        path.display()
    ));
    match shell {
        Shell::Bash => match bash_loader_advice(Path::new(BASH_COMPLETION_LOADER), &path) {
            Some(advice) => report.warn(&advice),
            None => report.say("New bash shells complete stscreds."),
        },
        Shell::Zsh => report.say(&format!(
            "zsh loads it from a directory in $fpath: unless ~/.zshrc already does, add `fpath=({} $fpath)` before its `autoload -Uz compinit && compinit`.",
            path.parent().unwrap_or(&path).display()
        )),
        _ => report.say(&format!("New {shell} shells complete stscreds.")),
    }
    Ok(())
}

/// Where `shell` loads a user's completion of stscreds from, as its own documentation
/// says (`env` gives the environment): bash-completion's user directory, a `~/.zfunc`
/// for zsh's `$fpath` (zsh has none of its own), fish's user directory.
fn install_path(shell: Shell, env: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let home = PathBuf::from(env("HOME")?);
    let under = |variable: &str, default: &[&str]| {
        env(variable).map(PathBuf::from).unwrap_or_else(|| {
            default
                .iter()
                .fold(home.clone(), |path, part| path.join(part))
        })
    };
    match shell {
        Shell::Bash => {
            let user_dir = env("BASH_COMPLETION_USER_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    under("XDG_DATA_HOME", &[".local", "share"]).join("bash-completion")
                });
            Some(user_dir.join("completions").join("stscreds"))
        }
        Shell::Zsh => Some(under("ZDOTDIR", &[]).join(".zfunc").join("_stscreds")),
        Shell::Fish => {
            Some(under("XDG_CONFIG_HOME", &[".config"]).join("fish/completions/stscreds.fish"))
        }
        _ => None,
    }
}

/// What to do when bash will not load `installed` by itself: without the
/// `bash-completion` package (its `loader`), nothing reads that directory.
fn bash_loader_advice(loader: &Path, installed: &Path) -> Option<String> {
    (!loader.exists()).then(|| {
        format!(
            "bash loads it only with the bash-completion package, which is not installed ({} is missing): install it (`sudo apt install bash-completion`), or add `source {}` to ~/.bashrc.",
            loader.display(),
            installed.display()
        )
    })
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

/// The commands that take a PROFILE argument (`auth`, `exec`, `export`, `login`).
fn commands_with_a_profile_argument() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .filter(|command| {
            command
                .get_positionals()
                .any(|argument| argument.get_id() == NAMED_PROFILE)
        })
        .map(|command| command.get_name().to_owned())
        .collect()
}

/// In the case of each profile option, `compgen -f` (file names) becomes the names
/// printed by the stscreds being completed (`$1`); the words offered for a command
/// with a PROFILE argument get the names too, unless an option is being typed.
fn bash_profiles(script: &str) -> String {
    let files = r#"COMPREPLY=($(compgen -f "${cur}"))"#;
    let names = format!(r#"COMPREPLY=($(compgen -W "$("$1" {LIST_NAMES})" -- "${{cur}}"))"#);
    let with_names = format!(
        "            if [[ ${{cur}} != -* ]] ; then\n                opts=\"${{opts}} $(\"$1\" {LIST_NAMES})\"\n            fi\n"
    );
    let positional_cases: Vec<String> = commands_with_a_profile_argument()
        .iter()
        .map(|name| format!("stscreds__subcmd__{})", name.replace('-', "__")))
        .collect();
    let mut lines: Vec<String> = Vec::new();
    for line in script.split_inclusive('\n') {
        let last = lines.last().map(|last| last.trim());
        let after_profile_option = last.is_some_and(|last| {
            PROFILE_OPTIONS
                .iter()
                .any(|option| last == format!("{option})"))
        });
        let opts_of_positional_case = line.trim_start().starts_with("opts=\"")
            && last.is_some_and(|last| positional_cases.iter().any(|case| case == last));
        if after_profile_option && line.trim() == files {
            lines.push(line.replacen(files, &names, 1));
        } else if opts_of_positional_case {
            lines.push(line.to_owned() + &with_names);
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
    let script = script
        .replace(":PROFILE:_default'", ":PROFILE:_stscreds_profile_names'")
        .lines()
        .map(|line| match line.strip_suffix(":_default' \\") {
            Some(start) if line.starts_with(&format!("'::{NAMED_PROFILE} -- ")) => {
                format!("{start}:_stscreds_profile_names' \\\n")
            }
            _ => format!("{line}\n"),
        })
        .collect::<String>();
    let tail = "if [ \"$funcstack[1]\" = \"_stscreds\" ]; then";
    script.replacen(tail, &(helper + tail), 1)
}

/// One more completion for each profile option (`--profile` after any command, as it
/// is global), whose `-f` keeps file names out and whose `-a` offers the names. Being
/// unconditional, it also serves the top level (`stscreds --profile w`), where the
/// script's own entry does not apply while the value is typed. A command with a
/// PROFILE argument offers the names as arguments too (files stay: `exec` runs one).
fn fish_profiles(script: &str) -> String {
    let names = format!("-r -f -a \"(stscreds {LIST_NAMES})\"");
    let mut script = format!(
        "{script}complete -c stscreds -l profile -d 'The profile to work on' {names}\ncomplete -c stscreds -n \"__fish_stscreds_using_subcommand configure\" -l credential-process-for -d 'The profile the AWS tools get credentials of' {names}\n"
    );
    for command in commands_with_a_profile_argument() {
        script.push_str(&format!(
            "complete -c stscreds -n \"__fish_stscreds_using_subcommand {command}\" -a \"(stscreds {LIST_NAMES})\" -d 'Profile'\n"
        ));
    }
    script
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

    #[test]
    fn the_profile_argument_completes_profile_names_in_every_shell() {
        let commands = commands_with_a_profile_argument();
        assert_eq!(commands, ["auth", "exec", "export", "login"]);
        let bash = script(Shell::Bash);
        let names = r#"opts="${opts} $("$1" list --names 2>/dev/null)""#;
        assert_eq!(bash.matches(names).count(), 4);
        let auth = bash.find("stscreds__subcmd__auth)\n").unwrap();
        assert!(bash[auth..].find(names).unwrap() < bash[auth..].find("compgen").unwrap());
        let zsh = script(Shell::Zsh);
        assert_eq!(zsh.matches("'::named_profile -- ").count(), 4);
        assert_eq!(
            zsh.matches("(the same as --profile):_stscreds_profile_names' \\\n")
                .count(),
            4
        );
        let fish = script(Shell::Fish);
        for command in commands {
            assert!(fish.contains(&format!(
                "complete -c stscreds -n \"__fish_stscreds_using_subcommand {command}\" -a \"(stscreds list --names 2>/dev/null)\""
            )));
        }
    }

    #[test]
    fn each_shell_is_installed_where_it_loads_a_user_s_completions() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| OsString::from(value))
            }
        };
        let home = env(&[("HOME", "/home/u")]);
        let path = |shell, env: &dyn Fn(&str) -> Option<OsString>| install_path(shell, env);
        assert_eq!(
            path(Shell::Bash, &home).unwrap(),
            Path::new("/home/u/.local/share/bash-completion/completions/stscreds")
        );
        assert_eq!(
            path(Shell::Zsh, &home).unwrap(),
            Path::new("/home/u/.zfunc/_stscreds")
        );
        assert_eq!(
            path(Shell::Fish, &home).unwrap(),
            Path::new("/home/u/.config/fish/completions/stscreds.fish")
        );
        assert_eq!(path(Shell::PowerShell, &home), None);
        let xdg = env(&[
            ("HOME", "/h"),
            ("XDG_DATA_HOME", "/d"),
            ("XDG_CONFIG_HOME", "/c"),
            ("ZDOTDIR", "/z"),
        ]);
        assert_eq!(
            path(Shell::Bash, &xdg).unwrap(),
            Path::new("/d/bash-completion/completions/stscreds")
        );
        assert_eq!(
            path(Shell::Zsh, &xdg).unwrap(),
            Path::new("/z/.zfunc/_stscreds")
        );
        assert_eq!(
            path(Shell::Fish, &xdg).unwrap(),
            Path::new("/c/fish/completions/stscreds.fish")
        );
        let own = env(&[("HOME", "/h"), ("BASH_COMPLETION_USER_DIR", "/b")]);
        assert_eq!(
            path(Shell::Bash, &own).unwrap(),
            Path::new("/b/completions/stscreds")
        );
    }

    #[test]
    fn bash_without_the_bash_completion_package_is_told_what_to_do() {
        let home = tempfile::tempdir().unwrap();
        let installed = home.path().join("stscreds");
        let missing = home.path().join("bash_completion");
        let advice = bash_loader_advice(&missing, &installed).unwrap();
        assert!(
            advice.contains("sudo apt install bash-completion"),
            "{advice}"
        );
        assert!(
            advice.contains(&format!("source {}", installed.display())),
            "{advice}"
        );
        std::fs::write(&missing, "").unwrap();
        assert_eq!(bash_loader_advice(&missing, &installed), None);
    }
}
