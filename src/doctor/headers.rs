//! Which section each client family reads under a header, where they differ: the
//! JavaScript SDK wants `[profile NAME]` with one blank and misses `[name]#note`; the
//! Rust SDK misses a quoted name; botocore and the Go SDK read them all (as the real
//! clients show in tests/it/doctor/headers.rs). An indented header the Rust SDK misses
//! and botocore takes for the previous line's continuation (which the header finding
//! reports); it is left to be the Go SDK's, which no test checks.

use super::chains::Family;
use crate::config::{node_reads_as, section_profile};
use crate::ini::{Header, is_valid_profile_name};

/// Whether `family` reads the `~/.aws/config` header `header` as profile `profile`.
pub fn config_header_is(family: Family, header: &Header<'_>, profile: &str) -> bool {
    let name = header.name;
    let botocore_reads = section_profile(name).as_deref() == Some(profile);
    match family {
        Family::GoSdk => botocore_reads,
        Family::Botocore => botocore_reads && !indented(header),
        Family::JsSdk => node_reads_as(name, profile) && !comment_glued(header),
        Family::RustSdk => botocore_reads && !name.contains(['"', '\'']) && !indented(header),
    }
}

/// The header every family reads as the profile botocore reads from the config header
/// `header`, when a family misses `header`: `[profile NAME]`, or `[default]`.
pub fn written_for_every_family(header: &Header<'_>) -> Option<String> {
    let profile = section_profile(header.name).filter(|p| is_valid_profile_name(p))?;
    if Family::ALL
        .iter()
        .all(|&family| config_header_is(family, header, &profile))
    {
        return None;
    }
    Some(match profile.as_str() {
        "default" => "default".to_owned(),
        _ => format!("profile {profile}"),
    })
}

/// Whether `family` reads the `~/.aws/credentials` header `header` as `[section]`.
pub fn credentials_header_is(family: Family, header: &Header<'_>, section: &str) -> bool {
    header.name == section
        && match family {
            Family::GoSdk => true,
            Family::JsSdk => !comment_glued(header),
            Family::Botocore | Family::RustSdk => !indented(header),
        }
}

fn indented(header: &Header<'_>) -> bool {
    header.text.starts_with([' ', '\t'])
}

/// Text right after the `]` (a `#note` with no blank before it): the JavaScript SDK
/// then takes the line for no header at all.
fn comment_glued(header: &Header<'_>) -> bool {
    let text = header.text.trim_end();
    text.rfind(']')
        .is_some_and(|end| !text[end + 1..].is_empty() && !text[end + 1..].starts_with([' ', '\t']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ini::Document;

    fn reads(family: Family, text: &str, profile: &str) -> bool {
        let document = Document::parse(text).unwrap();
        let headers = document.headers();
        headers.iter().any(|h| config_header_is(family, h, profile))
    }

    #[test]
    fn each_family_reads_the_headers_it_reads() {
        let cases = [
            ("[profile work]\n", [true, true, true, true]),
            ("[profile  work]\n", [true, false, true, true]),
            ("[profile \"work\"]\n", [true, true, false, true]),
            ("  [profile work]\n", [false, true, false, true]),
            ("[profile work]#note\n", [true, false, true, true]),
            ("[profile work] # note\n", [true, true, true, true]),
        ];
        let families = [
            Family::Botocore,
            Family::JsSdk,
            Family::RustSdk,
            Family::GoSdk,
        ];
        for (text, expected) in cases {
            let got = families.map(|family| reads(family, text, "work"));
            assert_eq!(got, expected, "{text:?}");
        }
    }
}
