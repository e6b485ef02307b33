//! The text of messages: commands they suggest and text from files they quote, made
//! safe to show and to paste.

/// The AWS CLI command that deletes `user`'s access key `key_id`, in backquotes.
pub fn delete_key_command(user: &str, key_id: &str) -> String {
    format!("`aws iam delete-access-key --user-name {user} --access-key-id {key_id}`")
}

/// ` --profile NAME` for any profile but `default`, for use in suggested commands.
pub fn profile_flag(profile: &str) -> String {
    if profile == "default" {
        String::new()
    } else {
        format!(" --profile {}", shell_word(profile))
    }
}

/// `text` as one word of a POSIX shell command, quoted only where it needs it: a name
/// read from a file must not turn a command a message suggests into another command.
pub fn shell_word(text: &str) -> String {
    match shlex::try_quote(text) {
        Ok(word) => word.into_owned(),
        // Only a NUL byte cannot be quoted; such a name cannot be typed either.
        Err(_) => format!("'{}'", printable(text).replace('\'', "")),
    }
}

/// `text` as one word of a `credential_process` line in `~/.aws/config`, read as the
/// same word by botocore (Python's `shlex.split`, no expansion) and by the SDKs that run
/// the line with `/bin/sh` (JavaScript, Rust): as it stands when every character means
/// nothing to either, else in single quotes, where neither expands `$`, `` ` `` or `\`
/// (a `'` is written `'\''`). The SDKs' INI parsers end a value at a `#` or `;` that
/// follows a blank, so the quotes close right before such a character and open again.
/// `None` for text with a control character, which no line of the file can hold.
pub fn config_shell_word(text: &str) -> Option<String> {
    if text.chars().any(char::is_control) {
        return None;
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./+,:@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return Some(text.to_owned());
    }
    let mut word = String::from("'");
    let mut after_blank = false;
    for c in text.chars() {
        match c {
            '\'' => word.push_str("'\\''"),
            '#' | ';' if after_blank => {
                word.push_str("''");
                word.push(c);
            }
            _ => word.push(c),
        }
        after_blank = c.is_whitespace();
    }
    word.push('\'');
    Some(word)
}

/// `text` with its control characters (line breaks, escape sequences, NUL) written as
/// escapes, for quoting text from a file or the environment in a message: what a
/// message shows must not rewrite the terminal or fake another line.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggested_commands_quote_names_that_a_shell_would_run() {
        assert_eq!(profile_flag("default"), "");
        assert_eq!(profile_flag("dev"), " --profile dev");
        assert_eq!(
            profile_flag("team/dev:eu@x+1"),
            " --profile team/dev:eu@x+1"
        );
        assert_eq!(
            profile_flag("$(touch /tmp/x)"),
            " --profile '$(touch /tmp/x)'"
        );
        assert_eq!(shell_word("it's"), "\"it's\"");
        assert_eq!(shell_word("it's $HOME"), "\"it's \"'$HOME'");
        assert_eq!(shell_word("a\0b"), "'a\\u{0}b'");
    }

    #[test]
    fn credential_process_words_are_quoted_for_sh_and_shlex_alike() {
        let word = |text| config_shell_word(text).unwrap();
        assert_eq!(word("/usr/local/bin/stscreds"), "/usr/local/bin/stscreds");
        assert_eq!(word("team/dev:eu@x+1"), "team/dev:eu@x+1");
        assert_eq!(word("/opt/my tools/stscreds"), "'/opt/my tools/stscreds'");
        assert_eq!(word("/x/$HOME/`id`\\"), "'/x/$HOME/`id`\\'");
        assert_eq!(word("/it's"), "'/it'\\''s'");
        assert_eq!(word("/a #b ;c#d"), "'/a ''#b '';c#d'");
        assert_eq!(word(""), "''");
        assert_eq!(config_shell_word("/a\tb"), None);
        for text in [
            "/a b/$x 'q' \"d\" #h ;s \\b `t` *?~!&|<>(){}[]é",
            "~",
            "a=b",
        ] {
            assert_eq!(
                shlex::split(&word(text)),
                Some(vec![text.to_owned()]),
                "{text:?}"
            );
        }
    }

    #[test]
    fn control_characters_in_quoted_text_are_escaped() {
        assert_eq!(printable("a\nb\u{1b}[2J\0"), "a\\nb\\u{1b}[2J\\u{0}");
        assert_eq!(printable("ok é"), "ok é");
    }
}
