//! The invariants of the credentials-file parser and editor, for any input bytes.
//!
//! Shared by the fuzz target (`fuzz_targets/ini.rs`) and the corpus replay test
//! (`tests/it/files/fuzz_corpus.rs`), so every input the fuzzer keeps is also a
//! regression test.
//!
//! For input the parser accepts:
//! - rendering gives back the input bytes exactly;
//! - a fixed set of edits (replace then remove the first key of the first section, set a
//!   new key in that section, set a key in a new section) yields text that parses again,
//!   round-trips, and reads back the values that were set, without the removed key, with
//!   every other value unchanged, with exactly one header for the new section, and with
//!   CRLF line endings kept if the input used only those.
//!
//! Parsing must never panic, whatever the input.

use std::collections::BTreeMap;

use stscreds::ini::Document;

const REPLACED_VALUE: &str = "replaced/value+=";
const SET_KEY: &str = "stscreds_fuzz_key";
const SET_VALUE: &str = "ASIAFUZZ/set+value=";
const NEW_SECTION: &str = "stscreds-fuzz-new";
const NEW_KEY: &str = "aws_access_key_id";
const NEW_VALUE: &str = "AKIAFUZZNEWSECTION";
/// Caps the number of untouched values compared, so that large inputs stay fast.
const MAX_COMPARED: usize = 64;

pub fn check(data: &[u8]) {
    let Ok(mut doc) = Document::parse_bytes(data) else {
        return;
    };
    let text = std::str::from_utf8(data).expect("parse_bytes accepted bytes that are not UTF-8");
    assert_eq!(
        doc.render().as_bytes(),
        data,
        "rendering an unedited document must give back its bytes"
    );

    let settings = settings(text);
    let before: Vec<(String, String, Option<String>)> = settings
        .iter()
        .take(MAX_COMPARED)
        .map(|(section, key)| {
            let value = doc.get(section, key).map(str::to_owned);
            assert!(
                value.is_some(),
                "[{section}] {key} is on a setting line but get() does not see it: {text:?}"
            );
            (section.clone(), key.clone(), value)
        })
        .collect();

    // (section, lowercase key) -> the value expected after all edits.
    let mut expected: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    let first_section = first_header(text);
    if let Some(section) = &first_section {
        assert!(
            doc.has_section(section),
            "[{section}] is not seen: {text:?}"
        );
        if let Some((_, key)) = settings.iter().find(|(s, _)| s == section)
            && set_unless_unsafe(&mut doc, section, key, REPLACED_VALUE)
        {
            assert_eq!(doc.get(section, key), Some(REPLACED_VALUE), "{text:?}");
            assert!(doc.remove(section, key), "[{section}] {key}: {text:?}");
            assert_eq!(doc.get(section, key), None, "{text:?}");
            assert!(!doc.remove(section, key), "removed twice: {text:?}");
            expected.insert((section.clone(), key.to_ascii_lowercase()), None);
        }
        if set_unless_unsafe(&mut doc, section, SET_KEY, SET_VALUE) {
            expected.insert(
                (section.clone(), SET_KEY.to_owned()),
                Some(SET_VALUE.to_owned()),
            );
        }
    }
    let mut new_section = NEW_SECTION.to_owned();
    while doc.has_section(&new_section) {
        new_section.push('x');
    }
    doc.set(&new_section, NEW_KEY, NEW_VALUE)
        .expect("fixed text is single-line");
    expected.insert(
        (new_section.clone(), NEW_KEY.to_owned()),
        Some(NEW_VALUE.to_owned()),
    );

    let output = doc.render();
    let reparsed = Document::parse(&output).unwrap_or_else(|error| {
        panic!("edited text does not parse: {error}\ninput:  {text:?}\noutput: {output:?}")
    });
    assert_eq!(reparsed.render(), output, "edited text does not round-trip");
    for ((section, key), value) in &expected {
        for (name, document) in [("edited", &doc), ("reparsed", &reparsed)] {
            assert_eq!(
                document.get(section, key),
                value.as_deref(),
                "{name} document: [{section}] {key}\ninput:  {text:?}\noutput: {output:?}"
            );
        }
    }
    for (section, key, value) in &before {
        if expected.contains_key(&(section.clone(), key.to_ascii_lowercase())) {
            continue;
        }
        assert_eq!(
            reparsed.get(section, key),
            value.as_deref(),
            "an untouched value changed: [{section}] {key}\ninput:  {text:?}\noutput: {output:?}"
        );
    }
    assert!(reparsed.has_section(&new_section));
    let new_headers = headers(&output).filter(|name| *name == new_section).count();
    assert_eq!(
        new_headers, 1,
        "new section [{new_section}] appears {new_headers} times: {output:?}"
    );
    if text.contains('\n') && all_crlf(text) {
        assert!(all_crlf(&output), "CRLF not kept: {text:?} -> {output:?}");
    }
}

/// Sets `key = value` in `section`, which must be refused, leaving the document as it
/// was, exactly when one of them holds a CR, LF or NUL (a lone CR can sit inside a line
/// the parser accepts). Whether it was set.
fn set_unless_unsafe(doc: &mut Document, section: &str, key: &str, value: &str) -> bool {
    let is_unsafe = [section, key, value]
        .iter()
        .any(|text| text.contains(['\r', '\n', '\0']));
    let before = doc.clone();
    match doc.set(section, key, value) {
        Ok(()) => {
            assert!(!is_unsafe, "set wrote [{section:?}] {key:?}");
            true
        }
        Err(_) => {
            assert!(is_unsafe, "set refused [{section:?}] {key:?}");
            assert!(*doc == before, "a refused set changed the document");
            false
        }
    }
}

/// Each line without its terminator, with a leading byte-order mark removed from the first.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive('\n').enumerate().map(|(index, raw)| {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if index == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        }
    })
}

/// The section name of a trimmed `[name] trailer` line as botocore reads it: up to the
/// line's last `]`, untrimmed.
fn header_name(trimmed: &str) -> Option<String> {
    let inner = trimmed.strip_prefix('[')?;
    Some(inner[..inner.rfind(']')?].to_owned())
}

/// A header or a setting's key, in file order.
enum Seen {
    Header(String),
    Setting(String),
}

/// The headers and settings of `text`, read the way botocore reads a line (the input is
/// known to parse): a line indented deeper than the setting above it continues that
/// setting; any other line that is no blank or comment is a header or a setting.
fn seen(text: &str) -> Vec<Seen> {
    let mut setting_indent: Option<usize> = None;
    let mut found = Vec::new();
    for line in lines(text) {
        let trimmed = line.trim();
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if trimmed.is_empty()
            || trimmed.starts_with(['#', ';'])
            || setting_indent.is_some_and(|setting| indent > setting)
        {
            continue;
        }
        if let Some(name) = header_name(trimmed) {
            setting_indent = None;
            found.push(Seen::Header(name));
            continue;
        }
        setting_indent = Some(indent);
        if let Some((key, _)) = line.split_once('=').or_else(|| line.split_once(':')) {
            found.push(Seen::Setting(key.trim().to_owned()));
        }
    }
    found
}

fn headers(text: &str) -> impl Iterator<Item = String> {
    seen(text).into_iter().filter_map(|seen| match seen {
        Seen::Header(name) => Some(name),
        Seen::Setting(_) => None,
    })
}

fn first_header(text: &str) -> Option<String> {
    headers(text).next()
}

/// Every `(section, key)` set on a line of its own, in file order.
fn settings(text: &str) -> Vec<(String, String)> {
    let mut section = None;
    let mut found = Vec::new();
    for seen in seen(text) {
        match seen {
            Seen::Header(name) => section = Some(name),
            Seen::Setting(key) => {
                if let Some(section) = &section {
                    found.push((section.clone(), key));
                }
            }
        }
    }
    found
}

fn all_crlf(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .all(|(i, &b)| b != b'\n' || (i > 0 && bytes[i - 1] == b'\r'))
}
