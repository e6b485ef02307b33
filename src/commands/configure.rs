//! `stscreds configure`: write a profile's settings into `~/.aws/config`, keeping every
//! other byte of the file. A `credential_process` goes only where the AWS tools will
//! run it: never into a role profile, whose role they assume themselves.

use crate::cli::ConfigureArgs;
use crate::config::profiles::{self, Known};
use crate::config::{self, ConfigFile};
use crate::context::Context;
use crate::credentials::sessions::Slot;
use crate::error::Error;
use crate::invalid::Invalid;
use crate::message::{config_shell_word, printable, shell_word};

/// The top-level entry point for `stscreds configure`.
pub fn run(cx: &Context, args: &ConfigureArgs) -> Result<(), Error> {
    let (paths, profile) = (&cx.paths, cx.profile.as_str());
    let served = served_profile(cx, args)?;
    let mut settings: Vec<(&str, String)> = Vec::new();
    if let Some(served) = &served {
        settings.push(("credential_process", credential_process_line(served)?));
        if args.region.is_none() && cx.config()?.configured_region(profile).is_none() {
            settings.push(("region", region_of(cx, served)?));
        }
    }
    let optional = [
        ("mfa_serial", &args.mfa_serial),
        ("mfa_process", &args.mfa_process),
        ("region", &args.region),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            settings.push((key, value.clone()));
        }
    }
    let pairs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let unset = keys_to_unset(args, &pairs)?;
    let edited = config::edit_profile(paths, &*cx.report, profile, &pairs, &unset)?;
    report_edit(cx, &edited, !pairs.is_empty(), &unset);
    if served.is_some() {
        move_session_out_of_credentials_file(cx)?;
    }
    Ok(())
}

/// The keys of `--unset`, refused when the same command also sets one of them.
fn keys_to_unset<'a>(
    args: &'a ConfigureArgs,
    pairs: &[(&str, &str)],
) -> Result<Vec<&'a str>, Error> {
    let unset: Vec<&str> = args.unset.iter().map(String::as_str).collect();
    if let Some(key) = unset
        .iter()
        .find(|key| pairs.iter().any(|(set, _)| set.eq_ignore_ascii_case(key)))
    {
        return Err(Invalid(format!(
            "this command would both set and remove {key}; give one of the two"
        ))
        .into());
    }
    Ok(unset)
}

/// Says what the edit of `~/.aws/config` did: the section written (if anything was
/// set), the keys removed, and those of `unset` it did not have.
fn report_edit(cx: &Context, edited: &config::Edited, wrote: bool, unset: &[&str]) {
    let (file, section) = (cx.paths.aws_config.display(), &edited.section);
    if wrote {
        cx.report.say(&format!("Wrote [{section}] in {file}"));
    }
    if !edited.removed.is_empty() {
        let removed = edited.removed.join(", ");
        cx.report
            .say(&format!("Removed {removed} from [{section}] in {file}"));
    }
    for key in unset
        .iter()
        .filter(|key| !edited.removed.iter().any(|r| r == *key))
    {
        cx.report.say(&format!(
            "Profile '{}' has no {key} in {file}; nothing to remove.",
            cx.profile
        ));
    }
}

/// The profile whose credentials the `credential_process` to write is to serve: the
/// profile's own (`--credential-process`) or another's (`--credential-process-for`).
/// Refused for a role profile, where the AWS tools assume the role themselves and never
/// run the process: the message gives the command that makes a profile they do run it
/// for.
fn served_profile(cx: &Context, args: &ConfigureArgs) -> Result<Option<String>, Error> {
    let profile = cx.profile.as_str();
    let served = match (&args.credential_process_for, args.credential_process) {
        (Some(other), _) => other.clone(),
        (None, true) => profile.to_owned(),
        (None, false) => return Ok(None),
    };
    if let Some(role) = cx.config()?.profile(profile)?.role {
        return Err(Invalid(format!(
            "profile '{profile}' assumes role {}, so the AWS tools assume it themselves and would never run a credential_process there; give them a profile of their own that gets the credentials of '{served}' from stscreds: `stscreds configure --profile {} --credential-process-for {}`",
            printable(&role.role_arn),
            shell_word(&format!("{profile}-cli")),
            shell_word(&served)
        ))
        .into());
    }
    if let Known::Unknown {
        closest: Some(closest),
    } = profiles::describe(&cx.paths, &served)?
    {
        return Err(Invalid(profiles::unknown_profile(&served, &closest)).into());
    }
    Ok(Some(served))
}

/// The region for a profile whose credential_process serves `served`: the region
/// stscreds uses for `served` (its `region` in the file, else `AWS_REGION`,
/// `AWS_DEFAULT_REGION`, else us-east-1). The AWS tools need one in the profile they
/// are given (the JavaScript SDK has no default at all), and it is the region the
/// credentials were got in.
fn region_of(cx: &Context, served: &str) -> Result<String, Error> {
    let config = cx.config()?;
    match config.configured_region(served) {
        Some(region) => Ok(region),
        None => Ok(config.profile(served)?.region),
    }
}

/// `/path/to/stscreds credential-process --profile NAME`, each word quoted so that
/// botocore, which splits the line as a shell would, and the SDKs that run it with
/// `/bin/sh` start the same program with the same arguments (see
/// [`config_shell_word`]).
fn credential_process_line(profile: &str) -> Result<String, Error> {
    let executable = crate::launch::front_executable()
        .map_err(|error| Invalid(format!("cannot tell where stscreds is installed: {error}")))?;
    let unwritable = || {
        Invalid(format!(
            "stscreds is installed at {}, a path a credential_process line cannot hold (it is not UTF-8 or has a control character); install it in a directory with a plainer name",
            printable(&executable.to_string_lossy())
        ))
    };
    let path = executable.to_str().ok_or_else(unwritable)?;
    let words = [path, "credential-process", "--profile", profile]
        .map(|word| config_shell_word(word).ok_or_else(unwritable));
    Ok(words.into_iter().collect::<Result<Vec<_>, _>>()?.join(" "))
}

/// A session stscreds wrote into `~/.aws/credentials` for this profile would now be
/// preferred by the AWS tools over the process, and used after it expires: move it to
/// where the profile's sessions now live (stscreds' private file), saying so.
fn move_session_out_of_credentials_file(cx: &Context) -> Result<(), Error> {
    let (paths, report) = (&cx.paths, &*cx.report);
    // Read again: the config was just changed.
    let config = ConfigFile::read(paths, &cx.settings, report)?;
    Slot::of_profile(paths, &config, &cx.profile)?.adopt(paths, report)?;
    Ok(())
}
