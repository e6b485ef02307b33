//! Which profiles exist, and what each one is: the names the files of stscreds and of
//! the AWS tools know (for completion and for catching a mistyped `--profile`), and
//! what a profile without stored keys is instead (a role, or a `credential_process`
//! profile), so that a message never sends anyone to `init` for the wrong profile.

use std::collections::BTreeSet;
use std::path::Path;

use super::{ConfigFile, setting};
use crate::files::{self, FileError, Paths};
use crate::ini::{Document, is_valid_profile_name};

/// What the files say about a profile that has no long-term keys stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known {
    /// A profile the files name, which could hold keys: `init` is what it needs.
    Named,
    /// A role profile (`role_arn` in `~/.aws/config`): the keys are its source's.
    Role {
        /// Its `source_profile`, if it has one.
        source: Option<String>,
    },
    /// A profile whose `credential_process` runs `stscreds credential-process` for
    /// another profile: stscreds serves it as that profile.
    ServedAs {
        /// The profile the process asks stscreds for.
        profile: String,
    },
    /// A profile whose `credential_process` runs another program.
    OtherProcess,
    /// A name no file knows; the known name closest to it, if one is close enough to
    /// be a typo of it.
    Unknown {
        /// The suggestion.
        closest: Option<String>,
    },
}

/// What `profile` is, for a message about its missing keys. Reads the four files that
/// name profiles; nothing is written.
pub fn describe(paths: &Paths, profile: &str) -> Result<Known, FileError> {
    let config = files::read_document(&paths.aws_config)?;
    let config_setting = |key| config.as_ref().and_then(|doc| setting(doc, profile, key));
    if config_setting("role_arn").is_some() {
        return Ok(Known::Role {
            source: config_setting("source_profile").map(str::to_owned),
        });
    }
    if let Some(command) = config_setting("credential_process") {
        return Ok(match stscreds_process_profile(command) {
            Some(served) if served == profile => Known::Named,
            Some(served) => Known::ServedAs { profile: served },
            None => Known::OtherProcess,
        });
    }
    let known = known_names_with(paths, config.as_ref())?;
    if known.contains(profile) {
        return Ok(Known::Named);
    }
    Ok(Known::Unknown {
        closest: closest(profile, &known).map(str::to_owned),
    })
}

/// The start of every message about a mistyped profile: that no file knows it, and
/// the name that is probably meant (wherever it was typed: `--profile`, a
/// `source_profile`, `--credential-process-for`).
pub fn unknown_profile(profile: &str, closest: &str) -> String {
    format!(
        "unknown profile '{profile}' (no file of stscreds or the AWS tools names it); did you mean '{closest}'?"
    )
}

/// Every profile name the files know: the profiles of `~/.aws/config`, the sections
/// of `~/.aws/credentials`, and the profiles stscreds keeps keys or facts for
/// (`~/.stscreds/credentials`, `~/.stscreds/config`; keyring and encrypted-file
/// profiles are recorded in the latter, so neither store is opened). Only names the
/// AWS tools accept, so each is safe to hand to a shell.
pub fn known_names(paths: &Paths) -> Result<BTreeSet<String>, FileError> {
    let config = files::read_document(&paths.aws_config)?;
    known_names_with(paths, config.as_ref())
}

fn known_names_with(
    paths: &Paths,
    config: Option<&Document>,
) -> Result<BTreeSet<String>, FileError> {
    let mut names: BTreeSet<String> = config.map(config_profile_names).unwrap_or_default();
    for file in [
        &paths.aws_credentials,
        &paths.long_term_credentials(),
        &paths.state(),
    ] {
        names.extend(section_names(file)?);
    }
    names.retain(|name| is_valid_profile_name(name));
    Ok(names)
}

fn section_names(file: &Path) -> Result<Vec<String>, FileError> {
    Ok(files::read_document(file)?
        .map(|document| document.sections().into_iter().map(str::to_owned).collect())
        .unwrap_or_default())
}

/// The profiles a config file defines: `[profile NAME]` (as botocore reads it, see
/// [`section_profile`](super::section_profile)), and `[default]`. Other sections
/// (`[sso-session …]`, `[services …]`, bare names) are not profiles to the SDKs.
fn config_profile_names(config: &Document) -> BTreeSet<String> {
    config
        .sections()
        .into_iter()
        .filter_map(super::section_profile)
        .filter(|name| is_valid_profile_name(name))
        .collect()
}

impl ConfigFile {
    /// The profiles `~/.aws/config` defines, in name order.
    pub fn profile_names(&self) -> BTreeSet<String> {
        self.document
            .as_ref()
            .map(config_profile_names)
            .unwrap_or_default()
    }

    /// The profile `profile`'s `credential_process` asks stscreds for, when it runs
    /// `stscreds credential-process` (as `stscreds configure` writes it).
    pub fn served_by_stscreds_as(&self, profile: &str) -> Option<String> {
        let command = setting(self.document.as_ref()?, profile, "credential_process")?;
        stscreds_process_profile(command)
    }
}

/// The profile a `credential_process` command line asks stscreds for: its `--profile`
/// (else `default`) when the program is `stscreds` and the command `credential-process`;
/// `None` for any other program.
pub fn stscreds_process_profile(command: &str) -> Option<String> {
    let words = shlex::split(command)?;
    let (program, arguments) = words.split_first()?;
    let program = Path::new(program).file_name()?.to_str()?;
    if program != "stscreds" && program != "stscreds.exe" {
        return None;
    }
    if !arguments.iter().any(|word| word == "credential-process") {
        return None;
    }
    let mut words = arguments.iter();
    while let Some(word) = words.next() {
        if word == "--profile" {
            return words.next().cloned();
        }
        if let Some(name) = word.strip_prefix("--profile=") {
            return Some(name.to_owned());
        }
    }
    Some("default".to_owned())
}

/// The known name `name` is most likely a typo of: the same but for case, or at most
/// one edit away (two for names longer than four characters), a swap of neighbours
/// counting as one.
pub fn closest<'a>(name: &str, known: &'a BTreeSet<String>) -> Option<&'a str> {
    let limit = if name.chars().count() > 4 { 2 } else { 1 };
    let wanted = name.to_lowercase();
    known
        .iter()
        .filter(|candidate| *candidate != name)
        .map(|candidate| (edit_distance(&wanted, &candidate.to_lowercase()), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, candidate)| candidate.as_str())
}

/// Edits (insert, delete, replace, swap of neighbours) that turn `a` into `b`: the
/// optimal string alignment distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let replace = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + replace);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn a_typo_is_matched_to_the_closest_known_name() {
        let known = names(&["default", "work", "prod-eu", "prod-us", "dev"]);
        assert_eq!(closest("Work", &known), Some("work"));
        assert_eq!(closest("wrok", &known), Some("work"));
        assert_eq!(closest("wor", &known), Some("work"));
        assert_eq!(closest("prd-eu", &known), Some("prod-eu"));
        assert_eq!(closest("defualt", &known), Some("default"));
        assert_eq!(closest("DEV", &known), Some("dev"));
        assert_eq!(closest("qa", &known), None);
        assert_eq!(closest("staging", &known), None);
        assert_eq!(closest("work", &known), None, "a known name is no typo");
    }

    #[test]
    fn edit_distance_counts_a_swap_as_one() {
        assert_eq!(edit_distance("work", "work"), 0);
        assert_eq!(edit_distance("work", "wrok"), 1);
        assert_eq!(edit_distance("work", "wor"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_credential_process_of_stscreds_names_the_profile_it_serves() {
        let served = |command| stscreds_process_profile(command);
        assert_eq!(
            served("/home/j/.cargo/bin/stscreds credential-process --profile dev"),
            Some("dev".into())
        );
        assert_eq!(
            served("\"/Users/j d/bin/stscreds\" credential-process --profile=dev"),
            Some("dev".into())
        );
        assert_eq!(
            served("stscreds --profile dev credential-process"),
            Some("dev".into())
        );
        assert_eq!(
            served("stscreds credential-process"),
            Some("default".into())
        );
        assert_eq!(served("aws-vault exec dev --json"), None);
        assert_eq!(served("stscreds export --format json"), None);
        assert_eq!(served("unbalanced \"quote"), None);
    }

    #[test]
    fn only_profile_sections_of_the_config_file_are_profiles() {
        let config = Document::parse(
            "[default]\n[profile work]\n[profile  team/dev]\n[sso-session corp]\n[services s]\n[bare]\n[profile bad name!]\n",
        )
        .unwrap();
        assert_eq!(
            config_profile_names(&config),
            names(&["default", "team/dev", "work"])
        );
    }

    #[test]
    fn a_profile_is_described_by_what_the_files_say() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        std::fs::write(
            &paths.aws_config,
            "[profile dev]\nrole_arn = arn:aws:iam::1:role/D\nsource_profile = base\n[profile dev-cli]\ncredential_process = stscreds credential-process --profile dev\n[profile own]\ncredential_process = stscreds credential-process --profile own\n[profile vault]\ncredential_process = aws-vault exec x --json\n",
        )
        .unwrap();
        std::fs::write(&paths.aws_credentials, "[work]\n").unwrap();
        let describe = |profile| describe(&paths, profile).unwrap();
        assert_eq!(
            describe("dev"),
            Known::Role {
                source: Some("base".into())
            }
        );
        assert_eq!(
            describe("dev-cli"),
            Known::ServedAs {
                profile: "dev".into()
            }
        );
        assert_eq!(describe("own"), Known::Named);
        assert_eq!(describe("vault"), Known::OtherProcess);
        assert_eq!(describe("work"), Known::Named);
        assert_eq!(
            describe("Work"),
            Known::Unknown {
                closest: Some("work".into())
            }
        );
        assert_eq!(describe("default"), Known::Unknown { closest: None });
        assert_eq!(
            known_names(&paths).unwrap(),
            names(&["dev", "dev-cli", "own", "vault", "work"])
        );
    }
}
