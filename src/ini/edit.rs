//! In-place edits that touch only the lines they own, as `aws configure set` does:
//! replace a key's line where it stands, add a new key after the section's last key,
//! append a new section at the end.

use std::fmt;

use super::{Document, Line, LineKind};

/// Why `set` refused to write: a line break in the section name, key or value would end
/// the line early, and what follows would be read as lines of its own (a new profile
/// with a `credential_process`, say); a NUL makes the file unreadable to some tools.
/// Names the section and key but never the value, which may be a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot write {} in [{}]: the {part} contains a line break or NUL character, which would corrupt the file; nothing was changed, give it on a single line",
    key.escape_debug(),
    section.escape_debug()
)]
pub struct UnsafeText {
    /// The section that was to be written.
    pub section: String,
    /// The key that was to be written.
    pub key: String,
    /// Which of the three holds the character.
    pub part: TextPart,
}

/// The parts of a `key = value` line in a `[section]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextPart {
    /// The section name.
    SectionName,
    /// The key.
    Key,
    /// The value.
    Value,
}

impl fmt::Display for TextPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SectionName => "section name",
            Self::Key => "key",
            Self::Value => "value",
        })
    }
}

impl Document {
    /// Sets `key = value` in `section`, creating the key or the section if needed.
    /// Never creates a duplicate key or section, and leaves every other line untouched
    /// but the section's header when some client would miss it (see
    /// [`rename_section`](Self::rename_section)).
    /// Refuses (changing nothing) text that would not stay on its line, so that no
    /// caller can be tricked into writing lines of someone else's choosing.
    pub fn set(&mut self, section: &str, key: &str, value: &str) -> Result<(), UnsafeText> {
        check_single_line(section, key, value)?;
        self.rename_section(section, section);
        let text = format!("{key} = {value}");
        if let Some(index) = self.property_index(section, key) {
            self.replace_property(index, text, key, value);
        } else if let Some(index) = self.insertion_point(section) {
            self.insert_line(index, text, property(key, value));
        } else {
            self.append_section(section);
            let end = self.lines.len();
            self.insert_line(end, text, property(key, value));
        }
        Ok(())
    }

    /// Rewrites every `[from]` header as a plain `[to]`, the form every client reads
    /// (no indentation, nothing after the `]` but a comment after a blank: the
    /// JavaScript SDK misses `[work]#note`, the Rust SDK an indented header). A comment
    /// or other text after the `]` is kept as a comment. Headers already plain `[to]`
    /// keep their bytes. Returns whether a line changed.
    pub fn rename_section(&mut self, from: &str, to: &str) -> bool {
        let mut changed = false;
        for line in &mut self.lines {
            if matches!(&line.kind, LineKind::Section(name) if name == from)
                && (from != to || !is_plain_header(&line.raw, to))
            {
                let mark = if line.raw.starts_with(super::BYTE_ORDER_MARK) {
                    "\u{feff}"
                } else {
                    ""
                };
                let terminator = terminator_of(&line.raw);
                let tail = as_comment(header_tail(&line.raw));
                line.raw = format!("{mark}[{to}]{tail}{terminator}");
                line.kind = LineKind::Section(to.to_owned());
                changed = true;
            }
        }
        changed
    }

    /// Removes every line that sets `key` in `section` (with the indented lines it owns).
    /// Returns whether anything was removed.
    pub fn remove(&mut self, section: &str, key: &str) -> bool {
        let mut removed = false;
        while let Some(index) = self.property_index(section, key) {
            let end = self.continuation_end(index);
            self.lines.drain(index..end);
            removed = true;
        }
        removed
    }

    /// Removes every `[section]`: its header and its settings, up to its last setting.
    /// Comments and blank lines after that stay, since they usually introduce the next
    /// section. Returns whether anything was removed.
    pub fn remove_section(&mut self, section: &str) -> bool {
        let mut removed = false;
        while let Some(header) = self
            .lines
            .iter()
            .position(|line| matches!(&line.kind, LineKind::Section(name) if name == section))
        {
            let end = self.insertion_point_after(header);
            self.lines.drain(header..end);
            removed = true;
        }
        removed
    }

    /// Whether `section` has no setting at all (or does not exist).
    pub fn section_is_empty(&self, section: &str) -> bool {
        let mut current = None;
        !self.lines.iter().any(|line| match &line.kind {
            LineKind::Section(name) => {
                current = Some(name);
                false
            }
            LineKind::Property { .. } => current.is_some_and(|name| name == section),
            _ => false,
        })
    }

    /// Rewrites the property line at `index`, keeping its indentation (settings below
    /// it as deeply indented would otherwise become its continuation) and terminator,
    /// and dropping the indented lines it owns (the new value is a single line).
    fn replace_property(&mut self, index: usize, text: String, key: &str, value: &str) {
        let end = self.continuation_end(index);
        self.lines.drain(index + 1..end);
        let old = &self.lines[index].raw;
        let indent = &old[..super::indentation(old)];
        let raw = format!("{indent}{text}{}", terminator_of(old));
        self.lines[index] = Line {
            raw,
            kind: property(key, value),
        };
    }

    /// The index just past the property at `index` and the indented lines it owns. The
    /// SDKs read an indented line as a continuation even after blank or comment lines,
    /// so the value runs to the last such line before the next setting or section. An
    /// indented comment no deeper than the property's own line is no part of it.
    fn continuation_end(&self, index: usize) -> usize {
        let indent = super::indentation(&self.lines[index].raw);
        let mut end = index + 1;
        for (position, line) in self.lines.iter().enumerate().skip(index + 1) {
            match line.kind {
                LineKind::Continuation => end = position + 1,
                LineKind::IndentedComment if super::indentation(&line.raw) > indent => {
                    end = position + 1;
                }
                LineKind::Blank | LineKind::Comment | LineKind::IndentedComment => {}
                LineKind::Property { .. } | LineKind::Section(_) => break,
            }
        }
        end
    }

    /// Where a new key for `section` goes: after the last property (or a line it owns) of
    /// the section's last occurrence, else straight after its header.
    fn insertion_point(&self, section: &str) -> Option<usize> {
        let header = self
            .lines
            .iter()
            .rposition(|line| matches!(&line.kind, LineKind::Section(name) if name == section))?;
        Some(self.insertion_point_after(header))
    }

    /// The index just past the last setting of the section whose header is at `header`,
    /// or past its last indented line if that comes later (just past the header if it has
    /// neither): a key put above an indented line would be continued by it.
    fn insertion_point_after(&self, header: usize) -> usize {
        let body = self.lines[header + 1..]
            .iter()
            .take_while(|line| !matches!(line.kind, LineKind::Section(_)));
        let last_setting = body
            .enumerate()
            .filter(|(_, line)| {
                matches!(
                    line.kind,
                    LineKind::Property { .. } | LineKind::Continuation | LineKind::IndentedComment
                )
            })
            .map(|(offset, _)| header + 1 + offset)
            .last();
        last_setting.unwrap_or(header) + 1
    }

    /// Appends `[section]` at the end, after a blank line when the file has content.
    fn append_section(&mut self, section: &str) {
        if let Some(last) = self.lines.last()
            && !matches!(last.kind, LineKind::Blank)
        {
            let end = self.lines.len();
            self.insert_line(end, String::new(), LineKind::Blank);
        }
        let end = self.lines.len();
        self.insert_line(
            end,
            format!("[{section}]"),
            LineKind::Section(section.to_owned()),
        );
    }

    /// Inserts a line at `index`, terminating the line before it if that was the file's
    /// unterminated last line.
    fn insert_line(&mut self, index: usize, text: String, kind: LineKind) {
        if index > 0 {
            let previous = &mut self.lines[index - 1].raw;
            if !previous.ends_with('\n') {
                previous.push_str(self.newline);
            }
        }
        let raw = text + self.newline;
        self.lines.insert(index, Line { raw, kind });
    }
}

/// Fails on the first of `section`, `key` and `value` that holds a CR, LF or NUL.
fn check_single_line(section: &str, key: &str, value: &str) -> Result<(), UnsafeText> {
    let parts = [
        (TextPart::SectionName, section),
        (TextPart::Key, key),
        (TextPart::Value, value),
    ];
    match parts
        .iter()
        .find(|(_, text)| text.contains(['\r', '\n', '\0']))
    {
        Some(&(part, _)) => Err(UnsafeText {
            section: section.to_owned(),
            key: key.to_owned(),
            part,
        }),
        None => Ok(()),
    }
}

/// Whether the header line `raw` is `[name]` as every client reads it: unindented,
/// followed by nothing or by blanks and maybe a comment.
pub(super) fn is_plain_header(raw: &str, name: &str) -> bool {
    let content = super::line_content(raw).trim_start_matches(super::BYTE_ORDER_MARK);
    let Some(tail) = content
        .strip_prefix('[')
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix(']'))
    else {
        return false;
    };
    let after_blanks = tail.trim_start();
    after_blanks.is_empty() || (tail != after_blanks && after_blanks.starts_with(['#', ';']))
}

/// What follows the last `]` of a header line, trimmed.
fn header_tail(raw: &str) -> &str {
    let content = super::line_content(raw);
    content
        .rfind(']')
        .map_or("", |end| content[end + 1..].trim())
}

/// `tail` as a comment after a header: ` # note` for `#note` or `note`.
fn as_comment(tail: &str) -> String {
    if tail.is_empty() {
        String::new()
    } else if tail.starts_with(['#', ';']) {
        format!(" {tail}")
    } else {
        format!(" # {tail}")
    }
}

fn property(key: &str, value: &str) -> LineKind {
    LineKind::Property {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

fn terminator_of(raw: &str) -> &'static str {
    if raw.ends_with("\r\n") {
        "\r\n"
    } else if raw.ends_with('\n') {
        "\n"
    } else {
        ""
    }
}
