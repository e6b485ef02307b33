//! The INI dialect of `~/.aws/credentials` and `~/.aws/config`: parse, query and
//! edit in place.
//!
//! A [`Document`] keeps every line of the file exactly as it was read (including its
//! line terminator), so rendering an unedited document gives back the same bytes, and an
//! edit changes only the lines it owns. Parsing follows the rules the AWS SDKs share
//! (see `docs/` and the README): `#`/`;` comments, `[section]` headers, `key = value`
//! properties split at the first `=`, and indented continuation lines.
//!
//! This module is pure: no I/O, so it serves both the write path and the fast `read`
//! path.

mod edit;

pub use edit::{TextPart, UnsafeText};

use std::fmt;

use zeroize::Zeroize;

/// A parsed credentials or config file that remembers every byte it was made from.
///
/// Its text may hold secrets: `Debug` shows only the section names, and the text is
/// wiped from memory when the document is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Document {
    lines: Vec<Line>,
    /// The line terminator new lines get: the one the file already uses.
    newline: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    /// The line as read, terminator included; the only thing rendered.
    raw: String,
    kind: LineKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum LineKind {
    Blank,
    Comment,
    /// A `[name]` header. `name` is what botocore (the AWS CLI, boto3) and the JavaScript
    /// SDK read: everything between the `[` and the line's last `]`, not trimmed, so
    /// `[ work ]` is the section `" work "`, which no client confuses with `work`.
    Section(String),
    Property {
        key: String,
        value: String,
    },
    /// An indented line that continues the previous property's value.
    Continuation,
    /// An indented `#`/`;` line. botocore reads it as a comment, but the Rust/Java/Go SDKs
    /// read it as a continuation of the property above it, so edits treat it as part of
    /// that property: it goes when the property is replaced or removed, and a new key is
    /// never put above it (where it would continue the new key).
    IndentedComment,
}

/// A section header or key repeated in a way botocore (the AWS CLI, boto3) refuses: it
/// reads the files with Python's strict `configparser`, which fails on the whole file,
/// while the Rust/Java/Go SDKs merge the repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The section, as written between the brackets.
    pub section: String,
    /// The repeated key as written the second time; `None` when the section header
    /// itself is repeated.
    pub key: Option<String>,
    /// The 1-based line of the first occurrence.
    pub first_line: usize,
    /// The 1-based line of the repeat.
    pub second_line: usize,
}

/// A `[section]` header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    /// The section's name (see [`Document::sections`]).
    pub name: &'a str,
    /// The 1-based line number.
    pub line: usize,
    /// The line as written, without its terminator.
    pub text: &'a str,
    /// Whether every client reads the line as `[name]`: unindented, and nothing after
    /// the `]` but blanks and maybe a comment after a blank. The JavaScript SDK misses
    /// `[name]#note`, the Rust SDK an indented header.
    pub plain: bool,
}

/// Why a file could not be parsed, and on which line (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ParseError {
    /// The 1-based line number of the offending line.
    pub line: usize,
    /// What is wrong with that line.
    pub reason: ParseErrorReason,
}

/// The ways a line can break the AWS INI dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorReason {
    /// A `[` with no closing `]`.
    UnterminatedSection,
    /// `[]` or `[   ]`.
    EmptySectionName,
    /// A `key = value` line before the first `[section]`.
    PropertyOutsideSection,
    /// A line that is neither a header, a comment nor `key = value`.
    NotAProperty,
    /// `= value` with nothing before the `=`.
    EmptyKey,
    /// An indented line that neither continues a setting nor is `key = value`.
    OrphanContinuation,
    /// An indented line under a setting with an empty value that is not `key = value`.
    SubPropertyNotAProperty,
    /// `= value` with nothing before the `=`, in an indented sub-property line.
    EmptySubPropertyKey,
    /// Bytes that are not UTF-8 text.
    NotText,
}

impl fmt::Display for ParseErrorReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnterminatedSection => "section header has no closing ']'",
            Self::EmptySectionName => "section header has no name",
            Self::PropertyOutsideSection => "setting appears before any [section] header",
            Self::NotAProperty => "expected 'key = value', a [section] header or a comment",
            Self::EmptyKey => "setting has no name before '='",
            Self::OrphanContinuation => {
                "indented line is not 'key = value' and does not follow a setting"
            }
            Self::SubPropertyNotAProperty => {
                "indented line under an empty setting is not 'key = value'"
            }
            Self::EmptySubPropertyKey => "sub-setting has no name before '='",
            Self::NotText => "file is not UTF-8 text",
        })
    }
}

const BYTE_ORDER_MARK: char = '\u{feff}';

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sections = self.lines.iter().filter_map(|line| match &line.kind {
            LineKind::Section(name) => Some(name),
            _ => None,
        });
        f.debug_struct("Document")
            .field("lines", &self.lines.len())
            .field("sections", &sections.collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Drop for Document {
    fn drop(&mut self) {
        for line in &mut self.lines {
            line.raw.zeroize();
            if let LineKind::Property { value, .. } = &mut line.kind {
                value.zeroize();
            }
        }
    }
}

impl Document {
    /// Parses the bytes of a file. Fails on the first line the AWS SDKs would reject.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Self, ParseError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::parse(text),
            Err(error) => {
                let valid = &bytes[..error.valid_up_to()];
                let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
                Err(ParseError {
                    line,
                    reason: ParseErrorReason::NotText,
                })
            }
        }
    }

    /// Parses the text of a file. Fails on the first line the AWS SDKs would reject.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut lines: Vec<Line> = Vec::new();
        let mut in_section = false;
        let mut continues = Continues::Nothing;
        let mut owner_indent = 0;
        for (index, raw) in text.split_inclusive('\n').enumerate() {
            let content = line_content(raw);
            let content = if index == 0 {
                content.trim_start_matches(BYTE_ORDER_MARK)
            } else {
                content
            };
            let kind =
                classify(content, in_section, continues, owner_indent).map_err(|reason| {
                    ParseError {
                        line: index + 1,
                        reason,
                    }
                })?;
            match &kind {
                LineKind::Section(_) => {
                    in_section = true;
                    continues = Continues::Nothing;
                }
                LineKind::Property { value, .. } => {
                    owner_indent = indentation(content);
                    continues = if value.is_empty() {
                        Continues::SubProperties
                    } else {
                        Continues::Value
                    };
                }
                LineKind::Blank
                | LineKind::Comment
                | LineKind::Continuation
                | LineKind::IndentedComment => {}
            }
            lines.push(Line {
                raw: raw.to_owned(),
                kind,
            });
        }
        let newline = detect_newline(text);
        Ok(Self { lines, newline })
    }

    /// An empty document, as for a file that does not exist yet.
    pub fn empty() -> Self {
        Self {
            lines: Vec::new(),
            newline: "\n",
        }
    }

    /// The document as file contents: the original bytes plus any edits.
    pub fn render(&self) -> String {
        self.lines.iter().map(|line| line.raw.as_str()).collect()
    }

    /// The value of `key` in `section`, as the SDKs see it: repeated sections merge and the
    /// last occurrence of a key wins. Keys match case-insensitively; an inline comment
    /// (`#` or `;` after whitespace) is not part of the value.
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.property_index(section, key)
            .and_then(|index| match &self.lines[index].kind {
                LineKind::Property { value, .. } => Some(value.as_str()),
                _ => None,
            })
    }

    /// The 1-based line that [`Document::get`] reads `key` of `section` from.
    pub fn line_of(&self, section: &str, key: &str) -> Option<usize> {
        self.property_index(section, key).map(|index| index + 1)
    }

    /// The section names, each once, in the order they first appear.
    pub fn sections(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for line in &self.lines {
            if let LineKind::Section(name) = &line.kind
                && !names.contains(&name.as_str())
            {
                names.push(name);
            }
        }
        names
    }

    /// Every header line, in file order.
    pub fn headers(&self) -> Vec<Header<'_>> {
        self.lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| match &line.kind {
                LineKind::Section(name) => Some(Header {
                    name,
                    line: index + 1,
                    text: line_content(&line.raw).trim_start_matches(BYTE_ORDER_MARK),
                    plain: edit::is_plain_header(&line.raw, name),
                }),
                _ => None,
            })
            .collect()
    }

    /// Whether a `[section]` header with this name appears in the document.
    pub fn has_section(&self, section: &str) -> bool {
        self.lines
            .iter()
            .any(|line| matches!(&line.kind, LineKind::Section(name) if name == section))
    }

    /// The first repeat botocore would refuse the file for, in file order: a section
    /// header seen before (names compared as written), or a key seen before in
    /// the same occurrence of a section (compared case-insensitively). Lets a caller
    /// warn that the AWS CLI cannot read a file the SDKs (and stscreds) accept.
    pub fn first_duplicate(&self) -> Option<Duplicate> {
        let mut headers: Vec<(&str, usize)> = Vec::new();
        let mut keys: Vec<(&str, usize)> = Vec::new();
        let mut section = "";
        for (index, line) in self.lines.iter().enumerate() {
            let number = index + 1;
            match &line.kind {
                LineKind::Section(name) => {
                    section = name;
                    if let Some(&(_, first_line)) =
                        headers.iter().find(|(name, _)| *name == section)
                    {
                        return Some(Duplicate {
                            section: section.to_owned(),
                            key: None,
                            first_line,
                            second_line: number,
                        });
                    }
                    headers.push((section, number));
                    keys.clear();
                }
                LineKind::Property { key, .. } => {
                    if let Some(&(_, first_line)) =
                        keys.iter().find(|(seen, _)| seen.eq_ignore_ascii_case(key))
                    {
                        return Some(Duplicate {
                            section: section.to_owned(),
                            key: Some(key.clone()),
                            first_line,
                            second_line: number,
                        });
                    }
                    keys.push((key, number));
                }
                _ => {}
            }
        }
        None
    }

    /// Every setting of `section` as the Rust/Java/Go SDKs read it: keys lowercased,
    /// repeated sections merged with the last value winning, and each value with its
    /// indented lines joined by `\n`, trimmed (sub-properties are such lines). [`get`]
    /// gives only the first line, which is all stscreds' own settings use; this is the
    /// whole picture, for checking the parser against the SDKs' shared test suite.
    ///
    /// [`get`]: Self::get
    pub fn sdk_settings(&self, section: &str) -> Vec<(String, String)> {
        let mut settings: Vec<(String, String)> = Vec::new();
        let mut current: Option<&str> = None;
        let mut last: Option<usize> = None;
        for line in &self.lines {
            match &line.kind {
                LineKind::Section(name) => {
                    current = Some(name);
                    last = None;
                }
                LineKind::Property { key, value } if current == Some(section) => {
                    let key = key.to_ascii_lowercase();
                    settings.retain(|(seen, _)| *seen != key);
                    settings.push((key, value.clone()));
                    last = Some(settings.len() - 1);
                }
                LineKind::Property { .. } => last = None,
                LineKind::Continuation | LineKind::IndentedComment => {
                    if let Some(index) = last {
                        let value = &mut settings[index].1;
                        value.push('\n');
                        value.push_str(line_content(&line.raw).trim_matches([' ', '\t']));
                    }
                }
                LineKind::Blank | LineKind::Comment => {}
            }
        }
        settings
    }

    /// The index of the line holding the effective value of `key` in `section`.
    fn property_index(&self, section: &str, key: &str) -> Option<usize> {
        let mut current: Option<&str> = None;
        let mut found = None;
        for (index, line) in self.lines.iter().enumerate() {
            match &line.kind {
                LineKind::Section(name) => current = Some(name),
                LineKind::Property { key: k, .. }
                    if current == Some(section) && k.eq_ignore_ascii_case(key) =>
                {
                    found = Some(index);
                }
                _ => {}
            }
        }
        found
    }
}

/// A line without its `\n` or `\r\n` terminator.
fn line_content(raw: &str) -> &str {
    let without_lf = raw.strip_suffix('\n').unwrap_or(raw);
    without_lf.strip_suffix('\r').unwrap_or(without_lf)
}

fn detect_newline(text: &str) -> &'static str {
    match text.find('\n') {
        Some(position) if text[..position].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// How far a line is indented: its leading blanks, as botocore counts them.
fn indentation(content: &str) -> usize {
    content.len() - content.trim_start_matches([' ', '\t']).len()
}

/// What an indented line continues, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Continues {
    /// No property yet in this section: an indented line is a line of its own.
    Nothing,
    /// A property with a value: any text continues it.
    Value,
    /// A property with an empty value: indented lines are `key = value` sub-properties.
    SubProperties,
}

/// What one line is. An indented line continues the setting above it when it is
/// indented deeper than that setting's own line; otherwise it is a line of its own
/// (`[other]` then `    key = value` is a key), as botocore and the JavaScript SDK read
/// it. The Rust/Java/Go SDKs refuse an indented line that continues nothing, and read
/// the files stscreds writes (whose settings are never indented) the same way.
fn classify(
    content: &str,
    in_section: bool,
    continues: Continues,
    owner_indent: usize,
) -> Result<LineKind, ParseErrorReason> {
    let trimmed = content.trim();
    if trimmed.is_empty() {
        return Ok(LineKind::Blank);
    }
    let indent = indentation(content);
    if trimmed.starts_with(['#', ';']) {
        return Ok(if indent > 0 {
            LineKind::IndentedComment
        } else {
            LineKind::Comment
        });
    }
    if indent > owner_indent {
        match continues {
            Continues::Nothing => {}
            Continues::Value => return Ok(LineKind::Continuation),
            Continues::SubProperties => {
                return check_sub_property(trimmed).map(|()| LineKind::Continuation);
            }
        }
    }
    if trimmed.starts_with('[') {
        return parse_section_header(trimmed);
    }
    if !in_section {
        return Err(ParseErrorReason::PropertyOutsideSection);
    }
    parse_property(content).map_err(|reason| match reason {
        ParseErrorReason::NotAProperty if indent > 0 => ParseErrorReason::OrphanContinuation,
        other => other,
    })
}

/// A sub-property line must be `key = value` with a key, as in all the SDKs (botocore
/// fails on it too).
fn check_sub_property(trimmed: &str) -> Result<(), ParseErrorReason> {
    match strip_inline_comment(trimmed).split_once('=') {
        None => Err(ParseErrorReason::SubPropertyNotAProperty),
        Some((key, _)) if key.trim().is_empty() => Err(ParseErrorReason::EmptySubPropertyKey),
        Some(_) => Ok(()),
    }
}

/// A header line (trimmed, starting with `[`): its name runs to the line's last `]`,
/// whitespace included, as botocore reads it.
fn parse_section_header(trimmed: &str) -> Result<LineKind, ParseErrorReason> {
    let after_bracket = &trimmed[1..];
    let end = after_bracket
        .rfind(']')
        .ok_or(ParseErrorReason::UnterminatedSection)?;
    let name = &after_bracket[..end];
    if name.trim().is_empty() {
        return Err(ParseErrorReason::EmptySectionName);
    }
    Ok(LineKind::Section(name.to_owned()))
}

/// Splits at the first `=`; botocore also accepts `:` when a line has no `=`.
fn parse_property(content: &str) -> Result<LineKind, ParseErrorReason> {
    let (key, value) = content
        .split_once('=')
        .or_else(|| content.split_once(':'))
        .ok_or(ParseErrorReason::NotAProperty)?;
    let key = key.trim();
    if key.is_empty() {
        return Err(ParseErrorReason::EmptyKey);
    }
    Ok(LineKind::Property {
        key: key.to_owned(),
        value: strip_inline_comment(value).trim().to_owned(),
    })
}

/// `text` (all that follows the separator) up to an inline comment: a `#` or `;` right
/// after whitespace, as the Rust/Java SDKs read it. The whitespace after the separator
/// counts, so `k = # none` is empty while `k =#x` is `#x`.
fn strip_inline_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    let comment_start = (1..bytes.len())
        .find(|&i| matches!(bytes[i], b'#' | b';') && bytes[i - 1].is_ascii_whitespace());
    match comment_start {
        Some(i) => &text[..i],
        None => text,
    }
}

/// Whether `name` is a profile name the AWS SDKs accept (`[A-Za-z0-9_\-/.%@:+]+`);
/// sections with other names are silently ignored by them, so we never write one.
/// `__proto__` is refused too: the JavaScript SDK throws on such a section and loses
/// every profile of the file.
pub fn is_valid_profile_name(name: &str) -> bool {
    !name.is_empty()
        && name != "__proto__"
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-/.%@:+".contains(&b))
}

#[cfg(test)]
mod tests;
