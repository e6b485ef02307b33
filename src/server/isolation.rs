//! Making the credential server the only source a client finds. Every SDK looks at its
//! environment, `~/.aws/credentials` and `~/.aws/config` before it asks a credential
//! server: keys, a `credential_process`, a role or SSO settings in the `default`
//! profile win over the server. `exec --server` points its child at files of its own
//! ([`client_config`] and an empty credentials file); `serve` cannot change the
//! environment of the tools that use it, so it says what would win
//! ([`shadowing_sources`]).

use std::path::Path;

use crate::config::profile_section;
use crate::files::{Paths, read_document};
use crate::ini::Document;

/// Whether `key` (lowercase) of a config-file profile makes the SDKs get credentials
/// from somewhere: keys, a process, a role, SSO, a web identity, a console login, and
/// stscreds' own settings (which are for stscreds, not for the SDKs). Everything else
/// (region, output, endpoints, retries, `s3` sub-settings, ...) only shapes the calls.
fn is_credential_setting(key: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "aws_",
        "credential_",
        "role_",
        "sso_",
        "web_identity_",
        "login_",
        "mfa_",
        "stscreds_",
    ];
    PREFIXES.iter().any(|prefix| key.starts_with(prefix))
        || matches!(key, "source_profile" | "external_id" | "duration_seconds")
}

/// Whether `key` (lowercase) of a config-file profile is where an SDK gets credentials
/// from (keys, a process, a role, SSO, a web identity, a console login): what wins over
/// the server. Settings that only shape how stscreds gets them (`mfa_serial`,
/// `mfa_process`, `duration_seconds`, ...) do not.
fn is_credential_source(key: &str) -> bool {
    matches!(
        key,
        "aws_access_key_id"
            | "credential_process"
            | "role_arn"
            | "credential_source"
            | "web_identity_token_file"
            | "sso_session"
            | "sso_start_url"
            | "login_session"
    )
}

/// The config file for a client of the server that runs as `profile`: `[default]`
/// (and `[profile NAME]`, for a tool told to use `NAME`) with every setting of
/// `profile`'s section in `config` that is not a source of credentials, and the
/// `[services ...]` section those settings name. So the client finds no credentials
/// in it, asks the server, and keeps the profile's region, output and endpoints.
pub fn client_config(config: Option<&Document>, profile: &str) -> String {
    let Some(config) = config else {
        return section_text("default", &[]);
    };
    let settings: Vec<(String, String)> = config
        .sdk_settings(&profile_section(config, profile))
        .into_iter()
        .filter(|(key, _)| !is_credential_setting(key))
        .collect();
    let mut text = section_text("default", &settings);
    if profile != "default" {
        text.push_str(&section_text(&format!("profile {profile}"), &settings));
    }
    let services = settings
        .iter()
        .find(|(key, _)| key == "services")
        .map(|(_, name)| format!("services {}", name.lines().next().unwrap_or_default()));
    if let Some(services) = services.filter(|section| config.has_section(section)) {
        text.push_str(&section_text(&services, &config.sdk_settings(&services)));
    }
    text
}

/// `[name]` and its settings, a value's further lines (sub-settings) indented.
fn section_text(name: &str, settings: &[(String, String)]) -> String {
    let mut text = format!("[{name}]\n");
    for (key, value) in settings {
        let mut lines = value.lines();
        let first = lines.next().unwrap_or_default();
        let line = format!("{key} = {first}");
        text.push_str(line.trim_end());
        text.push('\n');
        for line in lines {
            text.push_str(&format!("  {line}\n"));
        }
    }
    text
}

/// What an AWS tool that shares this user's files and `environment` would use before
/// a credential server, each as a warning that says what to do: `empty_credentials`
/// and `client_config` are the server's own files to point the tool at instead.
pub fn shadowing_sources(
    paths: &Paths,
    set_in_environment: &[&str],
    empty_credentials: &Path,
    client_config: &Path,
) -> Vec<String> {
    let run_it_with = "or run the tool under `stscreds exec --server`, which does this itself";
    let mut warnings = Vec::new();
    let credentials = read_document(&paths.aws_credentials).ok().flatten();
    if credentials.is_some_and(|file| file.get("default", "aws_access_key_id").is_some()) {
        warnings.push(format!(
            "{} has keys in [default] (where `stscreds auth` keeps the default profile's session), which AWS tools use before this server: start them with AWS_SHARED_CREDENTIALS_FILE={} (an empty file that lasts as long as the server), {run_it_with}",
            paths.aws_credentials.display(),
            empty_credentials.display()
        ));
    }
    let config = read_document(&paths.aws_config).ok().flatten();
    let source = config.as_ref().and_then(|config| {
        config
            .sdk_settings(&profile_section(config, "default"))
            .into_iter()
            .map(|(key, _)| key)
            .find(|key| is_credential_source(key))
    });
    if let Some(key) = source {
        warnings.push(format!(
            "{} sets {key} for the default profile, which AWS tools use before this server: start them with AWS_CONFIG_FILE={} (the served profile's settings without credentials, as long as the server runs), {run_it_with}",
            paths.aws_config.display(),
            client_config.display()
        ));
    }
    if !set_in_environment.is_empty() {
        warnings.push(format!(
            "{} set in this environment; an AWS tool that has them uses them before this server: keep them out of its environment (the shell lines printed here unset them)",
            set_in_environment.join(", ")
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_config_keeps_the_settings_and_no_source_of_credentials() {
        let config = Document::parse(
            "[default]\ncredential_process = other\nregion = us-east-1\n\n[profile work]\nregion = eu-west-1\noutput = text\ncredential_process = stscreds credential-process --profile work\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\nmfa_serial = arn:x\nmfa_process = echo 1\nsso_session = s\nAWS_ACCESS_KEY_ID = AKIA\nservices = local\ns3 =\n  addressing_style = path\n\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\n",
        )
        .unwrap();
        let expected_settings = "region = eu-west-1\noutput = text\nservices = local\ns3 =\n  addressing_style = path\n";
        assert_eq!(
            client_config(Some(&config), "work"),
            format!(
                "[default]\n{expected_settings}[profile work]\n{expected_settings}[services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\n"
            )
        );
        assert_eq!(
            client_config(Some(&config), "default"),
            "[default]\nregion = us-east-1\n"
        );
        assert_eq!(client_config(None, "work"), "[default]\n");
    }

    #[test]
    fn only_a_source_of_credentials_in_default_is_warned_about() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        let warnings = |config: &str| {
            std::fs::write(&paths.aws_config, config).unwrap();
            let (empty, client) = (home.path().join("e"), home.path().join("c"));
            shadowing_sources(&paths, &[], &empty, &client)
        };
        assert!(warnings("[default]\nregion = eu-west-1\nmfa_process = echo 1\nmfa_serial = arn:x\nduration_seconds = 900\n").is_empty());
        for source in [
            "credential_process = x",
            "role_arn = arn:r",
            "sso_session = s",
            "aws_access_key_id = AKIA",
        ] {
            let found = warnings(&format!("[default]\n{source}\n"));
            assert_eq!(found.len(), 1, "{source}");
            assert!(
                found[0].contains(source.split(' ').next().unwrap()),
                "{found:?}"
            );
        }
    }
}
