//! Shell completion installed in a fresh HOME, completing profile names.

use std::process::Command;

use crate::support::Sandbox;

/// The `bash-completion` package's loader, which reads a user's completion directory.
const BASH_COMPLETION_LOADER: &str = "/usr/share/bash-completion/bash_completion";

/// What a real bash offers for the last of `words` (the word being completed), with
/// the completion `stscreds completions bash --install` wrote into the sandbox, loaded
/// as bash-completion loads it (or sourced, where that package is missing).
fn bash_offers(sandbox: &Sandbox, words: &[&str]) -> Vec<String> {
    let binaries = std::path::Path::new(env!("CARGO_BIN_EXE_stscreds"))
        .parent()
        .unwrap();
    let path = std::env::join_paths(
        std::iter::once(binaries.to_owned())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let load = if std::path::Path::new(BASH_COMPLETION_LOADER).exists() {
        format!("source {BASH_COMPLETION_LOADER} && __load_completion stscreds")
    } else {
        "source ~/.local/share/bash-completion/completions/stscreds".to_owned()
    };
    let complete = r#"
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _stscreds stscreds "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf '%s\n' "${COMPREPLY[@]}""#;
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c"])
        .arg(format!("{load} && complete -p stscreds >&2 && {complete}"))
        .arg("bash")
        .args(words)
        .env_clear()
        .env("PATH", path)
        .env("HOME", sandbox.home())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("-F _stscreds stscreds"),
        "not loaded: {stderr}"
    );
    let mut offered: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    offered.sort();
    offered
}

#[test]
fn bash_completion_installs_in_a_fresh_home_and_completes_profile_names_after_the_command() {
    let sandbox = Sandbox::new(&crate::support::dead_endpoint());
    let run = sandbox
        .run(&["completions", "bash", "--install"], "")
        .success();
    let installed = sandbox.path(".local/share/bash-completion/completions/stscreds");
    assert!(
        run.stderr.contains(&format!(
            "Wrote the bash completion of stscreds to {}.",
            installed.display()
        )),
        "{run:#?}"
    );
    let loader_missing = !std::path::Path::new(BASH_COMPLETION_LOADER).exists();
    assert_eq!(
        run.stderr
            .contains("the bash-completion package, which is not installed"),
        loader_missing,
        "{run:#?}"
    );
    assert_eq!(run.stdout, "", "the script went to the file");
    assert!(
        sandbox
            .read(".local/share/bash-completion/completions/stscreds")
            .contains("_stscreds()")
    );

    sandbox.write(
        ".aws/config",
        "[profile dev]\nregion = eu-west-1\n\n[profile work]\nregion = us-east-1\n",
    );
    assert_eq!(bash_offers(&sandbox, &["stscreds", "auth", "d"]), ["dev"]);
    assert_eq!(bash_offers(&sandbox, &["stscreds", "login", "w"]), ["work"]);
    assert_eq!(
        bash_offers(&sandbox, &["stscreds", "exec", "--expires", "1h", "w"]),
        ["work"]
    );
    assert_eq!(
        bash_offers(&sandbox, &["stscreds", "export", "--profile", ""]),
        ["dev", "work"]
    );
    assert_eq!(
        bash_offers(&sandbox, &["stscreds", "auth", "--output"]),
        ["--output-env"],
        "options are options"
    );
}
