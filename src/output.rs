//! Session credentials in the syntax of each shell or tool that loads them: the
//! `export` formats and the JSON of `credential_process`.

use jiff::Timestamp;

use crate::ini::UnsafeText;
use crate::session::{CredentialKey, SessionCredentials};

/// The syntaxes `stscreds export` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `export NAME='value'` (bash, zsh, dash, ksh).
    #[value(alias = "bash", alias = "zsh")]
    Sh,
    /// `set -gx NAME 'value'`.
    Fish,
    /// `$Env:NAME = 'value'`.
    Powershell,
    /// `set "NAME=value"` (Windows cmd.exe).
    Cmd,
    /// `NAME="value"` lines for .env files.
    Dotenv,
    /// The JSON of `credential_process` (Version 1).
    Json,
    /// A `[profile]` section for a credentials file.
    Ini,
}

/// The environment variables that carry session credentials to the AWS SDKs and CLI;
/// a shell that has them set uses them before any file.
pub const CREDENTIAL_VARIABLES: [&str; 3] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// Variables that would make AWS tools ignore credentials set in the environment, or
/// mix in other ones: a profile (the AWS SDK for JavaScript skips environment keys
/// while `AWS_PROFILE` is set), a role, a web identity or a credential server. `exec`
/// removes them from its command's environment; the shell formats unset them.
pub const OVERRIDING_VARIABLES: [&str; 11] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_SSO_SESSION",
];

/// The environment variables the AWS SDKs and CLI read, with their values: the session
/// credentials, their expiry and the profile's `region`. What `exec` sets in its
/// command's environment and `export` prints, so that a shell gets the same either way.
pub fn variables(credentials: &SessionCredentials, region: &str) -> [(&'static str, String); 6] {
    let value = |key| credentials.value(key).to_owned();
    let [key_id, secret, token] = CREDENTIAL_VARIABLES;
    [
        (key_id, value(CredentialKey::AccessKeyId)),
        (secret, value(CredentialKey::SecretAccessKey)),
        (token, value(CredentialKey::SessionToken)),
        ("AWS_CREDENTIAL_EXPIRATION", rfc3339(credentials.expiration)),
        ("AWS_REGION", region.to_owned()),
        ("AWS_DEFAULT_REGION", region.to_owned()),
    ]
}

/// `2026-01-01T00:00:00Z`, as the SDKs want it.
pub fn rfc3339(timestamp: Timestamp) -> String {
    timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The credentials in `format`, the shell formats with the profile's `region` too,
/// and lines that unset [`OVERRIDING_VARIABLES`] (as `exec` removes them); `profile` names
/// the section of the `ini` format, which refuses a profile name or value that would
/// not stay on its line. The `json` format is exactly [`credential_process_json`]: no
/// region, which that document has no field for.
pub fn render(
    credentials: &SessionCredentials,
    region: &str,
    format: Format,
    profile: &str,
) -> Result<String, UnsafeText> {
    Ok(match format {
        Format::Json => credential_process_json(credentials),
        Format::Ini => ini(credentials, profile)?,
        _ => {
            let variables = variables(credentials, region);
            let set: Vec<(&str, &str)> = variables
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            shell_lines(format, &OVERRIDING_VARIABLES, &set)
        }
    })
}

/// Environment variables in `format`: in a shell's syntax, a line each that sets
/// `variables`, then one that unsets each of `unset` (so that nothing left in the
/// shell overrides them; the two lists never share a name); one JSON object of `variables`; `None` for `ini`, which holds
/// credentials only.
pub fn render_variables(
    unset: &[&str],
    variables: &[(&str, &str)],
    format: Format,
) -> Option<String> {
    match format {
        Format::Ini => None,
        Format::Json => Some(format!("{}\n", json_object(variables))),
        _ => Some(shell_lines(format, unset, variables)),
    }
}

/// The lines of a shell format: `set` assigned, then `unset` removed. In that order so
/// that the first line stays `export AWS_ACCESS_KEY_ID=…`, as it always was.
fn shell_lines(format: Format, unset: &[&str], set: &[(&str, &str)]) -> String {
    let assignments = set
        .iter()
        .map(|(name, value)| assignment(format, name, value));
    let unsets = unset.iter().filter_map(|name| removal(format, name));
    assignments.chain(unsets).collect()
}

/// The line that removes `name` from a shell's environment. None for dotenv: a `.env`
/// file can only set, and an empty `AWS_PROFILE` is not "no profile" to botocore (it
/// looks for a profile named "" and fails).
fn removal(format: Format, name: &str) -> Option<String> {
    match format {
        Format::Sh | Format::Json | Format::Ini => Some(format!("unset {name}\n")),
        Format::Fish => Some(format!("set -e {name};\n")),
        Format::Powershell => Some(format!(
            "Remove-Item Env:{name} -ErrorAction SilentlyContinue\n"
        )),
        Format::Cmd => Some(format!("set \"{name}=\"\n")),
        Format::Dotenv => None,
    }
}

fn assignment(format: Format, name: &str, value: &str) -> String {
    match format {
        Format::Fish => format!(
            "set -gx {name} '{}';\n",
            value.replace('\\', "\\\\").replace('\'', "\\'")
        ),
        Format::Powershell => format!("$Env:{name} = '{}'\n", value.replace('\'', "''")),
        Format::Cmd => format!("set \"{name}={value}\"\n"),
        Format::Dotenv => format!(
            "{name}=\"{}\"\n",
            value.replace('\\', "\\\\").replace('"', "\\\"")
        ),
        Format::Sh | Format::Json | Format::Ini => {
            format!("export {name}='{}'\n", value.replace('\'', r"'\''"))
        }
    }
}

/// The exact document `credential_process` must print.
pub fn credential_process_json(credentials: &SessionCredentials) -> String {
    let field = |name: &str, value: &str| format!("\"{name}\": {}", json_string(value));
    let fields = [
        "\"Version\": 1".to_owned(),
        field("AccessKeyId", credentials.value(CredentialKey::AccessKeyId)),
        field(
            "SecretAccessKey",
            credentials.value(CredentialKey::SecretAccessKey),
        ),
        field(
            "SessionToken",
            credentials.value(CredentialKey::SessionToken),
        ),
        field("Expiration", &rfc3339(credentials.expiration)),
    ];
    format!("{{{}}}\n", fields.join(", "))
}

/// The document the AWS SDKs' container credential provider reads (what the credential
/// server answers): `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`, and
/// `AccountId` when `account` is known.
pub fn container_json(credentials: &SessionCredentials, account: Option<&str>) -> String {
    let expiration = rfc3339(credentials.expiration);
    let mut fields = vec![
        ("AccessKeyId", credentials.value(CredentialKey::AccessKeyId)),
        (
            "SecretAccessKey",
            credentials.value(CredentialKey::SecretAccessKey),
        ),
        ("Token", credentials.value(CredentialKey::SessionToken)),
        ("Expiration", expiration.as_str()),
    ];
    fields.extend(account.map(|account| ("AccountId", account)));
    json_object(&fields)
}

/// A JSON object of string fields, in the order given.
pub fn json_object(fields: &[(&str, &str)]) -> String {
    let fields: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("{}: {}", json_string(name), json_string(value)))
        .collect();
    format!("{{{}}}", fields.join(", "))
}

fn json_string(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if u32::from(c) < 0x20 => quoted.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

fn ini(credentials: &SessionCredentials, profile: &str) -> Result<String, UnsafeText> {
    let mut document = crate::ini::Document::empty();
    for key in [
        CredentialKey::AccessKeyId,
        CredentialKey::SecretAccessKey,
        CredentialKey::SessionToken,
    ] {
        document.set(profile, key.name(), credentials.value(key))?;
    }
    Ok(document.render())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGION: &str = "eu-west-1";

    fn sample() -> SessionCredentials {
        SessionCredentials {
            access_key_id: "ASIA".into(),
            secret_access_key: "a/b+c".into(),
            session_token: "it's\"\\".into(),
            expiration: "2030-01-02T03:04:05Z".parse().unwrap(),
        }
    }

    #[test]
    fn the_container_document_names_the_account_when_known() {
        let without = container_json(&sample(), None);
        assert!(
            without.starts_with("{\"AccessKeyId\": \"ASIA\""),
            "{without}"
        );
        assert!(!without.contains("AccountId"), "{without}");
        let with = container_json(&sample(), Some("123456789012"));
        assert!(
            with.ends_with(", \"AccountId\": \"123456789012\"}"),
            "{with}"
        );
    }

    #[test]
    fn each_shell_gets_its_own_quoting() {
        let token = |format| {
            render(&sample(), REGION, format, "p")
                .unwrap()
                .lines()
                .find(|line| line.contains("AWS_SESSION_TOKEN"))
                .unwrap()
                .to_owned()
        };
        assert_eq!(token(Format::Sh), r#"export AWS_SESSION_TOKEN='it'\''s"\'"#);
        assert_eq!(
            token(Format::Fish),
            r#"set -gx AWS_SESSION_TOKEN 'it\'s"\\';"#
        );
        assert_eq!(
            token(Format::Powershell),
            r#"$Env:AWS_SESSION_TOKEN = 'it''s"\'"#
        );
        assert_eq!(token(Format::Dotenv), r#"AWS_SESSION_TOKEN="it's\"\\""#);
        assert_eq!(token(Format::Cmd), r#"set "AWS_SESSION_TOKEN=it's"\""#);
    }

    #[test]
    fn the_expiration_and_the_region_travel_with_the_keys() {
        let sh = render(&sample(), REGION, Format::Sh, "p").unwrap();
        assert!(
            sh.starts_with("export AWS_ACCESS_KEY_ID='ASIA'\n")
                && sh.contains(
                    "export AWS_CREDENTIAL_EXPIRATION='2030-01-02T03:04:05Z'\nexport AWS_REGION='eu-west-1'\nexport AWS_DEFAULT_REGION='eu-west-1'\nunset "
                ),
            "{sh}"
        );
        for format in [
            Format::Fish,
            Format::Powershell,
            Format::Cmd,
            Format::Dotenv,
        ] {
            let text = render(&sample(), REGION, format, "p").unwrap();
            let regions = text.lines().filter(|line| line.contains(REGION)).count();
            assert_eq!(regions, 2, "AWS_REGION and AWS_DEFAULT_REGION: {text}");
        }
    }

    #[test]
    fn each_shell_format_unsets_what_would_override_the_keys() {
        let line_after_the_region = |format| {
            render(&sample(), REGION, format, "p")
                .unwrap()
                .lines()
                .nth(6)
                .unwrap()
                .to_owned()
        };
        assert_eq!(line_after_the_region(Format::Sh), "unset AWS_PROFILE");
        assert_eq!(line_after_the_region(Format::Fish), "set -e AWS_PROFILE;");
        assert_eq!(
            line_after_the_region(Format::Powershell),
            "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue"
        );
        assert_eq!(line_after_the_region(Format::Cmd), "set \"AWS_PROFILE=\"");
        let sh = render(&sample(), REGION, Format::Sh, "p").unwrap();
        for name in OVERRIDING_VARIABLES {
            assert!(sh.contains(&format!("unset {name}\n")), "{name}: {sh}");
        }
        let dotenv = render(&sample(), REGION, Format::Dotenv, "p").unwrap();
        assert!(
            dotenv.starts_with("AWS_ACCESS_KEY_ID=") && !dotenv.contains("AWS_PROFILE"),
            "a .env file cannot unset, and an empty AWS_PROFILE breaks botocore: {dotenv}"
        );
    }

    #[test]
    fn json_is_the_credential_process_document() {
        assert_eq!(
            render(&sample(), REGION, Format::Json, "p").unwrap(),
            "{\"Version\": 1, \"AccessKeyId\": \"ASIA\", \"SecretAccessKey\": \"a/b+c\", \"SessionToken\": \"it's\\\"\\\\\", \"Expiration\": \"2030-01-02T03:04:05Z\"}\n"
        );
        assert_eq!(json_string("a\nb\u{1}"), "\"a\\u000ab\\u0001\"");
    }

    #[test]
    fn ini_is_a_credentials_file_section() {
        assert_eq!(
            render(&sample(), REGION, Format::Ini, "work").unwrap(),
            "[work]\naws_access_key_id = ASIA\naws_secret_access_key = a/b+c\naws_session_token = it's\"\\\n"
        );
    }
}
