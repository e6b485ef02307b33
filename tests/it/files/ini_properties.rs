//! Property tests for the format-preserving INI editor in `stscreds::profile`.
//!
//! Credentials files are generated from structured pieces (repeated and duplicate
//! sections, odd spacing, `:` separators, comments, blank lines, continuation lines, CRLF or
//! LF, with or without a final newline), so the test knows what every file means without
//! asking the parser. Random `set`/`remove` sequences are applied to the parsed document and
//! the result is checked against a small independent model and against the original bytes.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use stscreds::ini::Document;

/// Section names that generated files use; few, so that sections repeat.
const SECTIONS: &[&str] = &[
    "default",
    "work",
    "dev",
    "prod-admin",
    "profile dev",
    "a.b@c",
];
/// Section names that never appear in a generated file: edits on them create sections.
const NEW_SECTIONS: &[&str] = &["fresh", "ci/deploy"];
/// Keys that generated files use (all lowercase).
const KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "region",
    "s3",
];
/// Keys that never appear in a generated file.
const NEW_KEYS: &[&str] = &["expiration", "mfa_serial"];

// ---------------------------------------------------------------------------------------
// The structured file and its rendering
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct File {
    crlf: bool,
    preamble: Vec<String>,
    sections: Vec<Section>,
    final_newline: bool,
}

#[derive(Debug, Clone)]
struct Section {
    /// The name between the brackets, as botocore reads it (padding and inner blanks
    /// kept: `[ work ]` is not `work`).
    name: String,
    /// The header line as written, without its terminator.
    header: String,
    items: Vec<Item>,
}

#[derive(Debug, Clone)]
enum Item {
    /// A blank or comment line.
    Trivia(String),
    Property(Property),
}

#[derive(Debug, Clone)]
struct Property {
    key: &'static str,
    /// The value the SDKs see: no inline comment, no surrounding whitespace.
    value: String,
    /// The line as written, without its terminator.
    line: String,
    /// Indented lines that follow the property line directly.
    continuations: Vec<String>,
}

impl File {
    fn newline(&self) -> &'static str {
        if self.crlf { "\r\n" } else { "\n" }
    }

    fn lines(&self) -> Vec<&str> {
        let mut lines: Vec<&str> = self.preamble.iter().map(String::as_str).collect();
        for section in &self.sections {
            lines.push(&section.header);
            for item in &section.items {
                match item {
                    Item::Trivia(line) => lines.push(line),
                    Item::Property(property) => {
                        lines.push(&property.line);
                        lines.extend(property.continuations.iter().map(String::as_str));
                    }
                }
            }
        }
        lines
    }

    fn render(&self) -> String {
        let lines = self.lines();
        let mut text = lines.join(self.newline());
        if self.final_newline && !lines.is_empty() {
            text.push_str(self.newline());
        }
        text
    }

    /// What the SDKs see: repeated sections merge, the last occurrence of a key wins.
    fn model(&self) -> Model {
        let mut model = Model::default();
        for section in &self.sections {
            model.sections.insert(section.name.clone());
            for item in &section.items {
                if let Item::Property(property) = item {
                    model.values.insert(
                        (section.name.clone(), property.key.to_owned()),
                        property.value.clone(),
                    );
                }
            }
        }
        model
    }

    fn section_names(&self) -> BTreeSet<String> {
        self.sections.iter().map(|s| s.name.clone()).collect()
    }
}

// ---------------------------------------------------------------------------------------
// Edits and the independent model
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Edit {
    Set {
        section: &'static str,
        key: String,
        value: String,
    },
    Remove {
        section: &'static str,
        key: String,
    },
}

impl Edit {
    fn section(&self) -> &'static str {
        match self {
            Edit::Set { section, .. } | Edit::Remove { section, .. } => section,
        }
    }

    fn apply(&self, doc: &mut Document) {
        match self {
            Edit::Set {
                section,
                key,
                value,
            } => doc
                .set(section, key, value)
                .expect("generated text is single-line"),
            Edit::Remove { section, key } => {
                doc.remove(section, key);
            }
        }
    }
}

/// Section names that exist, and `(section, lowercase key) -> value`.
#[derive(Debug, Clone, Default)]
struct Model {
    sections: BTreeSet<String>,
    values: BTreeMap<(String, String), String>,
}

impl Model {
    fn apply(&mut self, edit: &Edit) {
        match edit {
            Edit::Set {
                section,
                key,
                value,
            } => {
                self.sections.insert((*section).to_owned());
                self.values.insert(
                    ((*section).to_owned(), key.to_ascii_lowercase()),
                    value.clone(),
                );
            }
            Edit::Remove { section, key } => {
                self.values
                    .remove(&((*section).to_owned(), key.to_ascii_lowercase()));
            }
        }
    }
}

fn all_sections() -> impl Iterator<Item = &'static str> {
    SECTIONS.iter().chain(NEW_SECTIONS).copied()
}

fn all_keys() -> impl Iterator<Item = &'static str> {
    KEYS.iter().chain(NEW_KEYS).copied()
}

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

/// A value as a credentials file holds it: letters, digits, `/`, `+`, `=`.
fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9/+=]{1,40}"
}

/// A value that can follow a `:` separator: with no `=`, which would split the line.
fn colon_token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9/+]{1,40}"
}

/// A comment body; it may look like a header or a property, which must not matter.
fn comment_body() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9 _.,-]{0,24}",
        Just(" [work]".to_owned()),
        Just(" aws_access_key_id = AKIA".to_owned()),
        Just("".to_owned()),
    ]
}

fn blank_line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(String::new()),
        1 => Just("   ".to_owned()),
        1 => Just("\t".to_owned()),
    ]
}

fn comment_line() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            3 => Just(""),
            1 => Just("  "),
            1 => Just("\t"),
        ],
        prop_oneof![Just('#'), Just(';')],
        comment_body(),
    )
        .prop_map(|(indent, mark, body)| format!("{indent}{mark}{body}"))
}

fn trivia() -> impl Strategy<Value = String> {
    prop_oneof![blank_line(), comment_line()]
}

/// A header line for `name`, and the name it gives (padding and inner blanks kept).
fn header(name: &'static str) -> impl Strategy<Value = (String, String)> {
    let inner_space = prop_oneof![
        3 => Just(" "),
        1 => Just("   "),
        1 => Just("\t"),
    ];
    let pad = prop_oneof![
        4 => Just(""),
        1 => Just(" "),
        1 => Just("  \t"),
    ];
    let trailer = prop_oneof![
        6 => Just(""),
        1 => Just("   "),
        1 => Just(" ; the work account"),
        1 => Just("# note"),
    ];
    (inner_space, pad.clone(), pad, trailer).prop_map(move |(space, before, after, trailer)| {
        let name = name.split(' ').collect::<Vec<_>>().join(space);
        let exact = format!("{before}{name}{after}");
        (format!("[{exact}]{trailer}"), exact)
    })
}

fn continuation() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("    max_concurrent_requests = 20".to_owned()),
        Just("\taddressing_style = path".to_owned()),
        Just("  more text".to_owned()),
        "[ \t]{1,4}[a-z_]{1,10} = [a-z0-9]{1,6}",
    ]
}

fn property(key: &'static str) -> impl Strategy<Value = Property> {
    let equals = prop_oneof![
        Just("="),
        Just(" = "),
        Just("   =    "),
        Just("\t=\t"),
        Just(" ="),
        Just("= "),
    ];
    let colon = prop_oneof![Just(":"), Just(": "), Just(" : ")];
    // An empty value is how sub-properties (`s3 =` plus indented lines) are written.
    let separator_and_value = prop_oneof![
        6 => (equals.clone(), token()),
        2 => (colon, colon_token()),
        1 => (equals, Just(String::new())),
    ];
    let trailer = prop_oneof![
        6 => Just(""),
        1 => Just("   "),
        1 => Just(" # trailing note"),
        1 => Just("\t; inline"),
    ];
    let continuations = prop_oneof![
        4 => Just(Vec::new()),
        1 => prop::collection::vec(continuation(), 1..3),
    ];
    (separator_and_value, trailer, continuations).prop_map(
        move |((separator, value), trailer, mut continuations)| {
            // Under an empty value, indented lines are `key = value` sub-properties.
            if value.is_empty() {
                for line in &mut continuations {
                    if !line.contains('=') {
                        line.push_str(" = on");
                    }
                }
            }
            // `k = # x` is empty, as `k =` is: the whitespace after `=` starts the comment.
            Property {
                key,
                line: format!("{key}{separator}{value}{trailer}"),
                value,
                continuations,
            }
        },
    )
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        1 => trivia().prop_map(Item::Trivia),
        3 => prop::sample::select(KEYS).prop_flat_map(property).prop_map(Item::Property),
    ]
}

/// How deep a section's settings are indented: botocore and the JavaScript SDK read
/// `[other]` then `    key = value` as settings (their continuations go deeper).
fn settings_indent() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        6 => Just(""),
        1 => Just("  "),
        1 => Just("\t"),
    ]
}

fn section() -> impl Strategy<Value = Section> {
    prop::sample::select(SECTIONS).prop_flat_map(|name| {
        (
            header(name),
            settings_indent(),
            prop::collection::vec(item(), 0..6),
        )
            .prop_map(move |((header, name), indent, mut items)| {
                for item in &mut items {
                    if let Item::Property(property) = item {
                        property.line.insert_str(0, indent);
                        for line in &mut property.continuations {
                            line.insert_str(0, indent);
                        }
                    }
                }
                Section {
                    name,
                    header,
                    items,
                }
            })
    })
}

fn file() -> impl Strategy<Value = File> {
    (
        any::<bool>(),
        prop::collection::vec(trivia(), 0..3),
        prop::collection::vec(section(), 0..6),
        prop::bool::weighted(0.8),
    )
        .prop_map(|(crlf, preamble, sections, final_newline)| File {
            crlf,
            preamble,
            sections,
            final_newline,
        })
}

fn edit_key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(KEYS).prop_map(str::to_owned),
        2 => prop::sample::select(NEW_KEYS).prop_map(str::to_owned),
        // Keys are case-insensitive: an edit may spell one differently from the file.
        1 => prop::sample::select(KEYS).prop_map(|k| k.to_ascii_uppercase()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let section = prop_oneof![
        4 => prop::sample::select(SECTIONS),
        1 => prop::sample::select(NEW_SECTIONS),
    ];
    prop_oneof![
        3 => (section.clone(), edit_key(), token())
            .prop_map(|(section, key, value)| Edit::Set { section, key, value }),
        1 => (section, edit_key()).prop_map(|(section, key)| Edit::Remove { section, key }),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(edit(), 0..8)
}

// ---------------------------------------------------------------------------------------
// An independent reading of the text: blocks, headers, property lines
// ---------------------------------------------------------------------------------------

/// The name in a header line as botocore reads it, up to the line's last `]` and
/// untrimmed (`[ profile   dev ] ; c` -> ` profile   dev `), if it is one.
fn header_name(line: &str) -> Option<String> {
    let line = line.strip_prefix('\u{feff}').unwrap_or(line);
    let inner = line.trim_end_matches(['\r', '\n']).strip_prefix('[')?;
    let end = inner.rfind(']')?;
    Some(inner[..end].to_owned())
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// A header line plus every following line up to the next header; the preamble (block 0,
/// possibly empty) has no name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    name: Option<String>,
    text: String,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = vec![Block {
        name: None,
        text: String::new(),
    }];
    for line in text.split_inclusive('\n') {
        if let Some(name) = header_name(line) {
            blocks.push(Block {
                name: Some(name),
                text: String::new(),
            });
        }
        blocks.last_mut().expect("never empty").text.push_str(line);
    }
    blocks
}

/// The lowercase key of each property line in each block of `section`.
fn property_keys(text: &str, section: &str) -> Vec<String> {
    blocks(text)
        .into_iter()
        .filter(|b| b.name.as_deref() == Some(section))
        .flat_map(|b| {
            // A line indented deeper than the last setting continues it.
            let mut setting_indent: Option<usize> = None;
            b.text
                .split_inclusive('\n')
                .skip(1)
                .filter_map(|line| {
                    let line = line.trim_end_matches(['\r', '\n']);
                    let trimmed = line.trim();
                    if trimmed.is_empty()
                        || trimmed.starts_with(['#', ';'])
                        || setting_indent.is_some_and(|indent| indent_of(line) > indent)
                    {
                        return None;
                    }
                    setting_indent = Some(indent_of(line));
                    let end = line.find('=').or_else(|| line.find(':'))?;
                    Some(line[..end].trim().to_ascii_lowercase())
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn count_headers(text: &str, section: &str) -> usize {
    blocks(text)
        .iter()
        .filter(|b| b.name.as_deref() == Some(section))
        .count()
}

/// How the last block of a file looks once a section has been appended after it: its last
/// line gets a terminator, and a blank line separates it from the new header.
fn with_separator(block: &str, newline: &str) -> String {
    if block.is_empty() {
        return String::new();
    }
    let mut out = block.to_owned();
    if !out.ends_with('\n') {
        out.push_str(newline);
    }
    let last_line = block
        .split_inclusive('\n')
        .next_back()
        .expect("block is not empty");
    if !last_line.trim().is_empty() {
        out.push_str(newline);
    }
    out
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // Failing inputs are printed, shrunk, by the failure message; nothing is written
        // next to the tests.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn apply_all(text: &str, edits: &[Edit]) -> Document {
    let mut doc = Document::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    for edit in edits {
        edit.apply(&mut doc);
    }
    doc
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// (a) Parsing and rendering an unedited file gives back the same bytes.
    #[test]
    fn an_unedited_file_round_trips_byte_for_byte(file in file()) {
        let text = file.render();
        let doc = Document::parse(&text);
        prop_assert!(doc.is_ok(), "generated text must parse: {:?}: {:?}", text, doc);
        prop_assert_eq!(doc.unwrap().render(), text.clone());
        let from_bytes = Document::parse_bytes(text.as_bytes());
        prop_assert!(from_bytes.is_ok(), "{:?}", from_bytes);
        prop_assert_eq!(from_bytes.unwrap().render(), text);
    }

    /// (b) After any edits the text parses again, and every value reads as a simple model
    /// (last occurrence wins across repeated sections; `set` overwrites; `remove` removes
    /// the key from every occurrence) predicts.
    #[test]
    fn edited_values_read_back_as_the_model_predicts(file in file(), edits in edits()) {
        let text = file.render();
        let doc = apply_all(&text, &edits);
        let mut model = file.model();
        for edit in &edits {
            model.apply(edit);
        }
        let output = doc.render();
        let reparsed = Document::parse(&output);
        prop_assert!(reparsed.is_ok(), "edited text does not parse: {:?}: {:?}", output, reparsed);
        let reparsed = reparsed.unwrap();
        for section in all_sections() {
            prop_assert_eq!(
                reparsed.has_section(section),
                model.sections.contains(section),
                "has_section({:?}) in {:?}", section, output
            );
            for key in all_keys() {
                let expected = model
                    .values
                    .get(&(section.to_owned(), key.to_owned()))
                    .map(String::as_str);
                prop_assert_eq!(
                    doc.get(section, key), expected,
                    "edited document: [{}] {} in {:?}", section, key, output
                );
                prop_assert_eq!(
                    reparsed.get(section, key), expected,
                    "reparsed document: [{}] {} in {:?}", section, key, output
                );
            }
        }
    }

    /// (c) Blocks of sections no edit touched are byte-equal and in the same order, and so
    /// is the preamble. Only the file's last block may change, and only when a new section
    /// is appended after it: its last line gets a terminator and a blank line follows.
    #[test]
    fn untouched_sections_keep_their_bytes(file in file(), edits in edits()) {
        let text = file.render();
        let output = apply_all(&text, &edits).render();
        let touched: BTreeSet<&str> = edits.iter().map(Edit::section).collect();
        let untouched = |b: &Block| b.name.as_deref().is_none_or(|n| !touched.contains(n));

        let original = blocks(&text);
        let last = original.len() - 1;
        let existing = file.section_names();
        let appended = edits
            .iter()
            .any(|e| matches!(e, Edit::Set { section, .. } if !existing.contains(*section)));
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let expected: Vec<Block> = original
            .iter()
            .enumerate()
            .filter(|(_, b)| untouched(b))
            .map(|(i, b)| Block {
                name: b.name.clone(),
                text: if i == last && appended {
                    with_separator(&b.text, newline)
                } else {
                    b.text.clone()
                },
            })
            .collect();
        let actual: Vec<Block> = blocks(&output).into_iter().filter(untouched).collect();
        prop_assert_eq!(
            actual, expected,
            "\noriginal: {:?}\nedits: {:?}\noutput: {:?}", text, edits, output
        );
    }

    /// (d) `set` never creates a duplicate: a section that did not exist gets exactly one
    /// header, holding each of its keys exactly once; an existing section gets no new
    /// header; and a key set through `set` is never on more lines than before (or one).
    #[test]
    fn set_never_creates_a_duplicate(file in file(), edits in edits()) {
        let text = file.render();
        let output = apply_all(&text, &edits).render();
        let mut model = file.model();
        for edit in &edits {
            model.apply(edit);
        }
        let existing = file.section_names();
        for section in all_sections() {
            let before = count_headers(&text, section);
            let after = count_headers(&output, section);
            if existing.contains(section) || !model.sections.contains(section) {
                prop_assert_eq!(after, before, "headers of [{}] in {:?}", section, output);
            } else {
                prop_assert_eq!(after, 1, "new section [{}] in {:?}", section, output);
                let keys = property_keys(&output, section);
                for ((s, key), _) in model.values.iter().filter(|((s, _), _)| s == section) {
                    let count = keys.iter().filter(|k| *k == key).count();
                    prop_assert_eq!(count, 1, "[{}] {} in {:?}", s, key, output);
                }
                prop_assert_eq!(
                    keys.len(),
                    model.values.keys().filter(|(s, _)| s == section).count(),
                    "new section [{}] holds exactly the keys set in {:?}", section, output
                );
            }
        }
        let set: BTreeSet<(&str, String)> = edits
            .iter()
            .filter_map(|e| match e {
                Edit::Set { section, key, .. } => Some((*section, key.to_ascii_lowercase())),
                Edit::Remove { .. } => None,
            })
            .collect();
        for (section, key) in set {
            let count = |text: &str| property_keys(text, section).iter().filter(|k| **k == key).count();
            let (before, after) = (count(&text), count(&output));
            prop_assert!(
                after <= before.max(1),
                "[{}] {} is on {} lines, was on {}: {:?} -> {:?}",
                section, key, after, before, text, output
            );
        }
    }

    /// (e) Edits keep the file's line endings: an all-CRLF file stays all-CRLF, and a file
    /// without a carriage return gets none.
    #[test]
    fn line_endings_are_preserved(file in file(), edits in edits()) {
        let text = file.render();
        let output = apply_all(&text, &edits).render();
        let all_crlf = |s: &str| {
            s.bytes()
                .enumerate()
                .all(|(i, b)| b != b'\n' || (i > 0 && s.as_bytes()[i - 1] == b'\r'))
        };
        if text.contains('\n') && all_crlf(&text) {
            prop_assert!(all_crlf(&output), "{:?} -> {:?}", text, output);
        }
        if !text.contains('\r') {
            prop_assert!(!output.contains('\r'), "{:?} -> {:?}", text, output);
        }
    }
}

/// Whether the last line in `text` that sets `key` in `section` is followed, behind blank
/// and column-0 comment lines, by a line indented deeper: the SDKs would read that line
/// as part of the value (the Rust/Java/Go SDKs an indented comment too).
fn value_runs_on(text: &str, section: &str, key: &str) -> bool {
    let lines: Vec<&str> = text
        .split_inclusive('\n')
        .map(|line| line.trim_end_matches(['\r', '\n']))
        .collect();
    let mut current = None;
    let mut last_setting = None;
    // A line indented deeper than the last setting continues it.
    let mut setting_indent: Option<usize> = None;
    for (index, line) in lines.iter().enumerate() {
        if let Some(name) = header_name(line) {
            current = Some(name);
            setting_indent = None;
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty()
            || trimmed.starts_with(['#', ';'])
            || setting_indent.is_some_and(|indent| indent_of(line) > indent)
        {
            continue;
        }
        setting_indent = Some(indent_of(line));
        if current.as_deref() == Some(section)
            && line
                .split_once('=')
                .or_else(|| line.split_once(':'))
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case(key))
        {
            last_setting = Some(index);
        }
    }
    let Some(index) = last_setting else {
        return false;
    };
    lines[index + 1..]
        .iter()
        .find(|line| !line.trim().is_empty() && !line.starts_with(['#', ';']))
        .is_some_and(|line| indent_of(line) > indent_of(lines[index]))
}

proptest! {
    #![proptest_config(config())]

    /// (f) A value written by `set` is read whole by every SDK: no indented line (a
    /// continuation, or a comment the Rust SDK reads as one) is left under it.
    #[test]
    fn a_value_set_is_never_continued_by_an_indented_line(file in file(), edits in edits()) {
        let text = file.render();
        let output = apply_all(&text, &edits).render();
        let mut last_edit: BTreeMap<(&str, String), &Edit> = BTreeMap::new();
        for edit in &edits {
            let key = match edit {
                Edit::Set { key, .. } | Edit::Remove { key, .. } => key.to_ascii_lowercase(),
            };
            last_edit.insert((edit.section(), key), edit);
        }
        for ((section, key), edit) in last_edit {
            if matches!(edit, Edit::Set { .. }) {
                prop_assert!(
                    !value_runs_on(&output, section, &key),
                    "[{}] {} runs on into an indented line: {:?} -> {:?}", section, key, text, output
                );
            }
        }
    }
}

/// Found by the fuzzer: an indented line that follows a blank or comment line after a
/// property is that property's continuation, so removing the property must take it too,
/// or the edited file no longer parses (`OrphanContinuation`).
#[test]
fn removing_a_key_never_orphans_its_continuation_lines() {
    let cases = [
        // The fuzzer's minimized input (`\tr` was enough then; under an empty value
        // the line must now be a `key = value` sub-property to parse at all).
        ("[e]\nw=\n\n\tr = 1", "e", "w"),
        ("[e]\nw=x\n\n\tr", "e", "w"),
        // Sub-properties with a comment among them, as people write them.
        (
            "[default]\ns3 =\n  # tuning\n  max_concurrent_requests = 20\n",
            "default",
            "s3",
        ),
        ("[a]\nk = v\n\n  more\n", "a", "k"),
    ];
    for (text, section, key) in cases {
        let mut doc = Document::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert!(doc.remove(section, key), "{text:?}");
        let output = doc.render();
        assert!(
            Document::parse(&output).is_ok(),
            "removing [{section}] {key} from {text:?} gave {output:?}, which does not parse"
        );
    }
}
