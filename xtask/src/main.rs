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
    let mut command = Cli::command();
    // Built as a whole, each command is named as it is typed (`stscreds auth`, in its
    // synopsis) and as its page is called (`stscreds-auth`, git's convention), and
    // carries the global options (`--profile`, `--verbose`) it accepts.
    command.build();
    let mut written = 0;
    // Building adds clap's own `help` command, which `stscreds help` documents.
    let commands = command
        .get_subcommands()
        .filter(|sub| sub.get_name() != "help")
        .cloned();
    for page in std::iter::once(command.clone()).chain(commands) {
        let name = page
            .get_display_name()
            .unwrap_or(page.get_name())
            .to_owned();
        let mut roff = Vec::new();
        clap_mangen::Man::new(page).render(&mut roff)?;
        if name == "stscreds" {
            roff.extend_from_slice(reference_sections().as_bytes());
        }
        std::fs::write(directory.join(format!("{name}.1")), roff)?;
        written += 1;
    }
    Ok(written)
}

/// What the top-level page says beyond `--help`: a heading and its (term, text) items.
const REFERENCE: &[(&str, &[(&str, &str)])] = &[
    (
        "FILES",
        &[
            (
                "~/.aws/credentials",
                "Session credentials per profile, with stscreds_expiration; other profiles, comments and layout are kept byte for byte (AWS_SHARED_CREDENTIALS_FILE moves it).",
            ),
            (
                "~/.aws/config",
                "Profile settings stscreds reads: region, mfa_serial, mfa_process, duration_seconds, role_arn, source_profile, credential_process (AWS_CONFIG_FILE moves it).",
            ),
            (
                "~/.stscreds/credentials",
                "Long-term keys of profiles with the file backend (mode 0600, directory 0700).",
            ),
            (
                "~/.stscreds/credentials.age",
                "Long-term keys of profiles with the encrypted-file backend, encrypted with your passphrase (age, scrypt).",
            ),
            (
                "~/.stscreds/config",
                "Per profile: the key backend, and the IAM user name and MFA device stscreds learned.",
            ),
            (
                "~/.stscreds/sessions",
                "Role sessions, and sessions of profiles that use credential_process.",
            ),
            (
                "~/.stscreds/.lock, ~/.stscreds/locks/",
                "Locks that serialise edits and renewals; each holds the pid of its holder.",
            ),
        ],
    ),
    (
        "ENVIRONMENT",
        &[
            (
                "AWS_PROFILE",
                "The profile when --profile is not given (default: default).",
            ),
            (
                "AWS_REGION, AWS_DEFAULT_REGION",
                "The region for AWS calls, over the profile's region.",
            ),
            (
                "AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_IAM",
                "Other endpoints for STS and IAM (a proxy, a test server).",
            ),
            (
                "STSCREDS_BACKEND",
                "The key backend for init when --backend is not given: file, keyring or encrypted-file.",
            ),
            (
                "STSCREDS_FILE_PASSPHRASE",
                "The passphrase of the encrypted-file backend, for scripts; never passed on to commands run by exec.",
            ),
            (
                "STSCREDS_PROFILE",
                "Set by exec in the command's environment: the profile it runs as.",
            ),
            (
                "STSCREDS_TIMEOUT",
                "How long one attempt of an AWS call may take (default 20s).",
            ),
            (
                "STSCREDS_LOCK_TIMEOUT",
                "How long to wait for another stscreds process renewing the same profile (default 2m).",
            ),
            (
                "STSCREDS_MFA_TIMEOUT",
                "How long an MFA command (mfa_process, --mfa-command) may run (default 60s).",
            ),
            (
                "STSCREDS_ROTATE_WAIT",
                "How long rotate waits for a new key to start working (default 1m).",
            ),
            (
                "BROWSER",
                "The browser login opens the console in, when --browser is not given.",
            ),
            (
                "STSCREDS_SIGNIN_ENDPOINT",
                "Scheme and host that replace AWS's federation endpoint for login, for tests and proxies.",
            ),
        ],
    ),
    (
        "EXIT STATUS",
        &[
            ("0", "Success."),
            (
                "1",
                "An error; one line on stderr says what happened and what to do.",
            ),
            ("2", "The command line does not parse."),
            (
                "128+N",
                "Stopped by signal N (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP), with every file complete.",
            ),
            ("exec", "The exit status of the command it runs."),
        ],
    ),
    (
        "EXAMPLES",
        &[
            (
                "stscreds init --profile work",
                "Store an IAM user's long-term keys for the profile work.",
            ),
            (
                "stscreds auth --profile work --expires 12h",
                "Ask for an MFA code and write 12-hour session credentials into ~/.aws/credentials.",
            ),
            (
                "export AWS_SESSION_TOKEN=$(stscreds read aws_session_token)",
                "Read one value; renews first (asking for a code) only when the session has expired.",
            ),
            (
                "stscreds exec work -- terraform plan",
                "Run a command with the profile's session credentials in its environment.",
            ),
            (
                "eval \"$(stscreds export --profile work)\"",
                "Put the session credentials into this shell.",
            ),
            (
                "credential_process = stscreds credential-process --profile work",
                "In ~/.aws/config: every AWS SDK and the AWS CLI get credentials from stscreds.",
            ),
            (
                "stscreds exec --server work -- terraform apply",
                "Run a long command with a local credential server that renews the credentials ahead of expiry.",
            ),
            (
                "stscreds login --profile admin --service s3",
                "Open the S3 console signed in as the role of the profile admin.",
            ),
        ],
    ),
];

/// [`REFERENCE`] as roff sections, for the end of the top-level page.
fn reference_sections() -> String {
    let mut roff = String::new();
    for (heading, items) in REFERENCE {
        roff.push_str(&format!(".SH \"{heading}\"\n"));
        for (term, text) in *items {
            roff.push_str(&format!(
                ".TP\n\\fB{}\\fR\n{}\n",
                escape(term),
                escape(text)
            ));
        }
    }
    roff
}

/// `text` safe as roff text: backslashes and hyphens escaped, and no line that starts
/// with a control character.
fn escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
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
        let auth = std::fs::read_to_string(directory.join("stscreds-auth.1")).unwrap();
        assert!(
            auth.contains(".SH NAME\nstscreds\\-auth \\- "),
            "the page is stscreds-auth: {auth}"
        );
        assert!(
            auth.contains(".SH SYNOPSIS\n\\fBstscreds auth\\fR "),
            "the synopsis is the command as typed: {auth}"
        );
        assert!(auth.contains("\\fB\\-\\-profile\\fR"), "{auth}");
        let top = std::fs::read_to_string(directory.join("stscreds.1")).unwrap();
        assert!(
            top.contains("credential\\-process"),
            "the top page lists the commands"
        );
        for heading in ["FILES", "ENVIRONMENT", "EXIT STATUS", "EXAMPLES"] {
            assert!(
                top.contains(&format!(".SH \"{heading}\"")),
                "{heading}: {top}"
            );
        }
        assert!(top.contains("\\fBSTSCREDS_LOCK_TIMEOUT\\fR"), "{top}");
        std::fs::remove_dir_all(directory).unwrap();
    }
}
