//! `stscreds doctor`: the diagnosis of `crate::doctor` for the context's profile (or
//! every profile), as text or JSON on stdout; exit status 1 when anything is wrong.

use crate::cli::DoctorArgs;
use crate::context::Context;
use crate::doctor::{self, Diagnosis, Facts};
use crate::env::{CONFIG_VARIABLE, SHARED_CREDENTIALS_VARIABLE, Settings};
use crate::error::Error;
use crate::files::Paths;
use crate::ui::dialog::{self, TerminalSide};
use crate::ui::prompt::PromptKind;

/// The top-level entry point for `stscreds doctor`.
pub fn run(cx: &Context, args: &DoctorArgs) -> Result<(), Error> {
    let profiles = if args.all {
        every_profile(cx)
    } else {
        vec![cx.profile.clone()]
    };
    let diagnoses: Vec<Diagnosis> = profiles
        .into_iter()
        .map(|profile| {
            let mut facts = facts(cx, profile);
            facts.one_of_all = args.all;
            let mut diagnosis = doctor::diagnose(facts);
            if args.online {
                let online =
                    doctor::online::check(&cx.paths, &diagnosis.profile, cx.report.clone());
                diagnosis.add_online(online);
            }
            diagnosis
        })
        .collect();
    let text = if args.json {
        let documents: Vec<serde_json::Value> = diagnoses.iter().map(Diagnosis::to_json).collect();
        let json = match (args.all, documents.as_slice()) {
            (false, [one]) => one.clone(),
            _ => serde_json::Value::Array(documents),
        };
        format!("{json:#}\n")
    } else {
        diagnoses.iter().map(Diagnosis::to_text).collect()
    };
    super::print(&text)?;
    match diagnoses.iter().map(|d| d.findings.len()).sum() {
        0 => Ok(()),
        problems => Err(Error::Diagnosed(problems)),
    }
}

/// What doctor reads for `profile`, from this process's environment.
fn facts(cx: &Context, profile: String) -> Facts {
    let mut facts = Facts::read(
        as_the_aws_tools_find_them(&cx.paths),
        profile,
        Box::new(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())),
        crate::launch::front_executable().ok(),
    );
    facts.nobody_can_answer = nobody_can_answer;
    facts
}

/// `paths` with the AWS files the AWS tools of this environment read: inside `stscreds
/// exec --server` stscreds' own variables point at the user's files while
/// `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` give the tools others, and the
/// verdicts are about the tools.
fn as_the_aws_tools_find_them(paths: &Paths) -> Paths {
    let without_ours = |name: &str| match name {
        SHARED_CREDENTIALS_VARIABLE | CONFIG_VARIABLE => None,
        _ => std::env::var_os(name),
    };
    match Paths::resolve(&Settings::from_lookup(&without_ours)) {
        Ok(tools) => Paths {
            aws_credentials: tools.aws_credentials,
            aws_config: tools.aws_config,
            ..paths.clone()
        },
        Err(_) => paths.clone(),
    }
}

/// Why nobody could answer a question for an MFA code shown as `kind` here, if so: a
/// dialog it names cannot be shown; or, unless a command (`side` `Stdin`) has a
/// terminal on standard input, `/dev/tty` cannot be opened and (for `auto`) no dialog
/// can be shown, as `credential-process`, whose standard input is an SDK's, would find.
fn nobody_can_answer(kind: PromptKind, side: TerminalSide) -> Option<String> {
    use std::io::IsTerminal;
    if let Some(why) = dialog::why_not_shown(kind) {
        return Some(why);
    }
    if side == TerminalSide::Stdin && std::io::stdin().is_terminal() {
        return None;
    }
    let mut ask = dialog::for_questions(TerminalSide::ControllingTerminal);
    ask.choose_prompt(kind, "");
    if kind == PromptKind::Terminal && !ask.is_interactive() {
        return Some("the prompt is the terminal, and there is none (no /dev/tty)".to_owned());
    }
    ask.nobody_can_answer()
}

/// Every profile the two AWS files name, each once.
fn every_profile(cx: &Context) -> Vec<String> {
    let facts = facts(cx, cx.profile.clone());
    let mut names: Vec<String> = Vec::new();
    let from_config = facts.config.iter().flat_map(|config| {
        config
            .sections()
            .into_iter()
            .filter_map(crate::config::section_profile)
    });
    let from_credentials = facts
        .credentials
        .iter()
        .flat_map(|credentials| credentials.sections().into_iter().map(str::to_owned));
    for name in from_config.chain(from_credentials) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}
