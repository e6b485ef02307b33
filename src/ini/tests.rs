use super::*;

/// A file as people really keep them: comments of both kinds, inline comments, odd
/// spacing, a `:` separator, sub-properties, blank lines and several profiles.
const REAL_WORLD: &str = "\
# Managed by hand; do not lose this comment
; nor this one

[default]
aws_access_key_id=AKIADEFAULT
aws_secret_access_key   =    secretdefault   # trailing note
region = eu-west-2 ; inline
s3 =
    max_concurrent_requests = 20
    addressing_style = path

[work]   ; the work account
aws_access_key_id = AKIAWORK
aws_secret_access_key:colon-separated

[empty]
# nothing here yet
";

#[test]
fn rendering_an_unedited_document_gives_back_the_same_bytes() {
    let samples = [
        REAL_WORLD,
        "",
        "\n\n",
        "[a]\nk = v",
        "[a]\r\nk = v\r\n\r\n[b]\r\nx=y\r\n",
        "\u{feff}[bom]\nk = v\n",
        "[a]\nk = v\n  # indented comment\n",
    ];
    for sample in samples {
        let doc = Document::parse(sample).unwrap_or_else(|e| panic!("{sample:?}: {e}"));
        assert_eq!(doc.render(), sample);
    }
}

#[test]
fn values_are_read_as_the_sdks_read_them() {
    let doc = Document::parse(REAL_WORLD).unwrap();
    assert_eq!(doc.get("default", "aws_access_key_id"), Some("AKIADEFAULT"));
    assert_eq!(
        doc.get("default", "aws_secret_access_key"),
        Some("secretdefault")
    );
    assert_eq!(doc.get("default", "region"), Some("eu-west-2"));
    assert_eq!(
        doc.get("default", "REGION"),
        Some("eu-west-2"),
        "keys are case-insensitive"
    );
    assert_eq!(doc.get("default", "s3"), Some(""));
    assert_eq!(doc.get("work", "aws_access_key_id"), Some("AKIAWORK"));
    assert_eq!(
        doc.get("Work", "aws_access_key_id"),
        None,
        "names are case-sensitive"
    );
    assert_eq!(doc.get("empty", "aws_access_key_id"), None);
    assert_eq!(doc.get("missing", "aws_access_key_id"), None);
    assert!(doc.has_section("empty"));
    assert_eq!(doc.sections(), ["default", "work", "empty"]);
    assert!(!doc.has_section("missing"));
}

#[test]
fn a_tab_indented_line_after_a_property_is_a_continuation_not_a_key() {
    let doc = Document::parse("[a]\nk = v\n\tj = w\n").unwrap();
    assert_eq!(doc.get("a", "k"), Some("v"));
    assert_eq!(doc.get("a", "j"), None);
}

#[test]
fn botocore_colon_separators_are_understood() {
    let doc = Document::parse(REAL_WORLD).unwrap();
    assert_eq!(
        doc.get("work", "aws_secret_access_key"),
        Some("colon-separated")
    );
}

#[test]
fn a_value_keeps_hashes_that_do_not_follow_whitespace() {
    let doc = Document::parse("[a]\ntoken = abc#def;ghi\n").unwrap();
    assert_eq!(doc.get("a", "token"), Some("abc#def;ghi"));
}

#[test]
fn repeated_sections_merge_and_the_last_key_wins() {
    let doc = Document::parse("[a]\nk = 1\n[b]\nk = 2\n[a]\nk = 3\nj = 4\n").unwrap();
    assert_eq!(doc.get("a", "k"), Some("3"));
    assert_eq!(doc.get("a", "j"), Some("4"));
    assert_eq!(doc.get("b", "k"), Some("2"));
}

/// botocore and the JavaScript SDK read the name between the brackets as it stands:
/// `[ work ]` is not `work` to them, so it must not be to us (or we would write a
/// session there that no client finds).
#[test]
fn section_names_are_read_as_written_between_the_brackets() {
    let doc = Document::parse(
        "[ work ]\nregion = a\n[profile   dev ]\nregion = b\n[ops]#note\nregion = c\n[x] # see ]\nk = d\n",
    )
    .unwrap();
    assert_eq!(doc.get("work", "region"), None);
    assert_eq!(doc.get(" work ", "region"), Some("a"));
    assert_eq!(doc.get("profile dev", "region"), None);
    assert_eq!(doc.get("profile   dev ", "region"), Some("b"));
    assert_eq!(
        doc.get("ops", "region"),
        Some("c"),
        "text after ']' is no part of it"
    );
    assert_eq!(
        doc.get("x] # see ", "k"),
        Some("d"),
        "the name runs to the last ']'"
    );
    assert_eq!(
        doc.sections(),
        [" work ", "profile   dev ", "ops", "x] # see "]
    );
}

/// Indented settings, as botocore reads them: an indented line continues the setting
/// above only when it is indented deeper than that setting's line; right under a
/// header it is a setting of its own.
#[test]
fn indented_settings_are_settings_unless_they_continue_a_shallower_one() {
    let text = "[other]\n    aws_access_key_id = A\n    aws_secret_access_key = B\n      more\n  region = r\nnext = n\n    cont\n\t[t]\n\tk = 1\n";
    let doc = Document::parse(text).unwrap();
    assert_eq!(doc.render(), text);
    assert_eq!(doc.get("other", "aws_access_key_id"), Some("A"));
    assert_eq!(doc.get("other", "aws_secret_access_key"), Some("B"));
    assert_eq!(
        doc.sdk_settings("other"),
        [
            ("aws_access_key_id".to_owned(), "A".to_owned()),
            ("aws_secret_access_key".to_owned(), "B\nmore".to_owned()),
            ("region".to_owned(), "r".to_owned()),
            ("next".to_owned(), "n\ncont\n[t]\nk = 1".to_owned()),
        ]
    );
    let doc = Document::parse("[o]\n  s3 =\n    x = 1\n  k = v\n\t[t]\n\tk = 1\n").unwrap();
    assert_eq!(doc.get("o", "k"), Some("v"));
    assert_eq!(
        doc.get("t", "k"),
        Some("1"),
        "an indented header is a header"
    );
}

#[test]
fn a_setting_replaced_in_an_indented_section_keeps_its_indentation() {
    let mut doc = Document::parse(
        "[other]\n    aws_access_key_id = A\n    aws_secret_access_key = B\n# end\n",
    )
    .unwrap();
    doc.set("other", "aws_access_key_id", "NEW").unwrap();
    doc.set("other", "aws_session_token", "T").unwrap();
    assert_eq!(
        doc.render(),
        "[other]\n    aws_access_key_id = NEW\n    aws_secret_access_key = B\naws_session_token = T\n# end\n"
    );
    let reread = Document::parse(&doc.render()).unwrap();
    assert_eq!(reread.get("other", "aws_secret_access_key"), Some("B"));
    assert_eq!(reread.get("other", "aws_session_token"), Some("T"));
}

#[test]
fn an_indented_comment_between_indented_settings_is_no_part_of_either() {
    let mut doc = Document::parse("[o]\n  a = 1\n  # about b\n  b = 2\n").unwrap();
    doc.set("o", "a", "3").unwrap();
    assert_eq!(doc.render(), "[o]\n  a = 3\n  # about b\n  b = 2\n");
    assert!(doc.remove("o", "a"));
    assert_eq!(doc.render(), "[o]\n  # about b\n  b = 2\n");
}

/// The JavaScript SDK misses `[work]#note` (no blank before the comment) and the Rust
/// SDK an indented header: a section stscreds writes into gets a header all read.
#[test]
fn set_rewrites_a_header_some_client_misses_and_keeps_its_comment() {
    let cases = [
        ("[work]#note\nk = 1\n", "[work] #note\nk = 2\n"),
        ("[work]junk\r\nk = 1\r\n", "[work] # junk\r\nk = 2\r\n"),
        ("  [work] ; c\nk = 1\n", "[work] ; c\nk = 2\n"),
        ("[work]\t; c\nk = 1\n", "[work]\t; c\nk = 2\n"),
        ("\u{feff}[work]# c\nk = 1", "\u{feff}[work] # c\nk = 2"),
    ];
    for (text, expected) in cases {
        let mut doc = Document::parse(text).unwrap();
        doc.set("work", "k", "2").unwrap();
        assert_eq!(doc.render(), expected, "{text:?}");
    }
    let untouched = "[other]#c\n[work]\nk = 1\n";
    let mut doc = Document::parse(untouched).unwrap();
    doc.set("work", "k", "1").unwrap();
    assert_eq!(doc.render(), untouched, "only the section written to");
}

#[test]
fn rename_section_rewrites_every_header_of_the_name_and_nothing_else() {
    let mut doc =
        Document::parse("[profile  work] # mine\nk = 1\n[profile work2]\n[profile  work]\n")
            .unwrap();
    assert!(doc.rename_section("profile  work", "profile work"));
    assert_eq!(
        doc.render(),
        "[profile work] # mine\nk = 1\n[profile work2]\n[profile work]\n"
    );
    assert_eq!(doc.get("profile work", "k"), Some("1"));
    assert!(!doc.rename_section("profile work", "profile work"));
    assert!(!doc.rename_section("absent", "x"));
}

#[test]
fn proto_is_no_profile_name() {
    assert!(!is_valid_profile_name("__proto__"));
    assert!(is_valid_profile_name("__proto__x"));
    assert!(is_valid_profile_name("proto"));
}

#[test]
fn a_byte_order_mark_does_not_hide_the_first_header() {
    let doc = Document::parse("\u{feff}[default]\nk = v\n").unwrap();
    assert_eq!(doc.get("default", "k"), Some("v"));
}

#[test]
fn broken_lines_are_reported_with_their_line_number() {
    let cases = [
        (
            "[ok]\nk = v\n[broken\n",
            3,
            ParseErrorReason::UnterminatedSection,
        ),
        ("[]\n", 1, ParseErrorReason::EmptySectionName),
        ("k = v\n[a]\n", 1, ParseErrorReason::PropertyOutsideSection),
        ("[a]\njust words\n", 2, ParseErrorReason::NotAProperty),
        ("[a]\n= v\n", 2, ParseErrorReason::EmptyKey),
        ("[a]\n  indented\n", 2, ParseErrorReason::OrphanContinuation),
        (
            "[a]\n  k = 1\n  words\n",
            3,
            ParseErrorReason::OrphanContinuation,
        ),
    ];
    for (text, line, reason) in cases {
        assert_eq!(
            Document::parse(text),
            Err(ParseError { line, reason }),
            "{text:?}"
        );
    }
}

#[test]
fn binary_garbage_is_not_text_and_names_the_line() {
    let error = Document::parse_bytes(b"[a]\nk = v\n\xff\xfe\x00").unwrap_err();
    assert_eq!(error.line, 3);
    assert_eq!(error.reason, ParseErrorReason::NotText);
    assert_eq!(error.to_string(), "line 3: file is not UTF-8 text");
}

#[test]
fn replacing_a_key_changes_only_its_line() {
    let mut doc = Document::parse(REAL_WORLD).unwrap();
    doc.set("work", "aws_access_key_id", "ASIANEW").unwrap();
    let expected = REAL_WORLD.replace(
        "aws_access_key_id = AKIAWORK",
        "aws_access_key_id = ASIANEW",
    );
    assert_eq!(doc.render(), expected);
}

#[test]
fn replacing_a_key_is_written_plainly_whatever_its_old_spacing() {
    let mut doc = Document::parse(REAL_WORLD).unwrap();
    doc.set("default", "aws_secret_access_key", "s3cr3t")
        .unwrap();
    let expected = REAL_WORLD.replace(
        "aws_secret_access_key   =    secretdefault   # trailing note",
        "aws_secret_access_key = s3cr3t",
    );
    assert_eq!(doc.render(), expected);
}

#[test]
fn replacing_a_multi_line_value_drops_its_continuation_lines() {
    let mut doc = Document::parse(REAL_WORLD).unwrap();
    doc.set("default", "s3", "none").unwrap();
    let expected = REAL_WORLD.replace(
        "s3 =\n    max_concurrent_requests = 20\n    addressing_style = path\n",
        "s3 = none\n",
    );
    assert_eq!(doc.render(), expected);
}

#[test]
fn a_new_key_goes_after_the_sections_last_key_and_its_continuations() {
    let mut doc = Document::parse(REAL_WORLD).unwrap();
    doc.set("default", "aws_session_token", "TOKEN").unwrap();
    let expected = REAL_WORLD.replace(
        "    addressing_style = path\n",
        "    addressing_style = path\naws_session_token = TOKEN\n",
    );
    assert_eq!(doc.render(), expected);
}

#[test]
fn a_new_key_in_a_section_without_keys_goes_right_after_its_header() {
    let mut doc = Document::parse(REAL_WORLD).unwrap();
    doc.set("empty", "k", "v").unwrap();
    let expected = REAL_WORLD.replace("[empty]\n", "[empty]\nk = v\n");
    assert_eq!(doc.render(), expected);
}

#[test]
fn a_new_section_is_appended_after_a_blank_line() {
    let mut doc = Document::parse(REAL_WORLD).unwrap();
    doc.set("new", "k", "v").unwrap();
    assert_eq!(doc.render(), format!("{REAL_WORLD}\n[new]\nk = v\n"));
}

#[test]
fn a_file_without_a_trailing_newline_gets_one_only_where_a_line_is_added() {
    let mut doc = Document::parse("[a]\nk = v").unwrap();
    doc.set("a", "k", "w").unwrap();
    assert_eq!(
        doc.render(),
        "[a]\nk = w",
        "replacing keeps the missing newline"
    );
    doc.set("a", "j", "x").unwrap();
    assert_eq!(doc.render(), "[a]\nk = w\nj = x\n");
    let mut doc = Document::parse("[a]\nk = v").unwrap();
    doc.set("b", "k", "v").unwrap();
    assert_eq!(doc.render(), "[a]\nk = v\n\n[b]\nk = v\n");
}

#[test]
fn crlf_files_stay_crlf() {
    let original = "[a]\r\nk = v\r\n";
    let mut doc = Document::parse(original).unwrap();
    doc.set("a", "k", "w").unwrap();
    doc.set("a", "j", "x").unwrap();
    doc.set("b", "y", "z").unwrap();
    assert_eq!(
        doc.render(),
        "[a]\r\nk = w\r\nj = x\r\n\r\n[b]\r\ny = z\r\n"
    );
}

#[test]
fn an_empty_document_grows_a_section_without_leading_blank_lines() {
    let mut doc = Document::empty();
    doc.set("default", "aws_access_key_id", "AKIA").unwrap();
    doc.set("default", "aws_secret_access_key", "secret")
        .unwrap();
    assert_eq!(
        doc.render(),
        "[default]\naws_access_key_id = AKIA\naws_secret_access_key = secret\n"
    );
}

#[test]
fn setting_a_key_in_a_repeated_section_edits_the_effective_line() {
    let mut doc = Document::parse("[a]\nk = 1\n[b]\n[a]\nk = 2\n").unwrap();
    doc.set("a", "k", "3").unwrap();
    assert_eq!(doc.render(), "[a]\nk = 1\n[b]\n[a]\nk = 3\n");
    doc.set("a", "new", "x").unwrap();
    assert_eq!(doc.render(), "[a]\nk = 1\n[b]\n[a]\nk = 3\nnew = x\n");
}

#[test]
fn setting_keys_matches_existing_keys_case_insensitively() {
    let mut doc = Document::parse("[a]\nAWS_ACCESS_KEY_ID = old\n").unwrap();
    doc.set("a", "aws_access_key_id", "new").unwrap();
    assert_eq!(doc.render(), "[a]\naws_access_key_id = new\n");
}

#[test]
fn a_new_key_goes_before_trailing_comments_and_blank_lines_of_its_section() {
    let mut doc = Document::parse("[a]\nk = v\n# about b\n\n[b]\n").unwrap();
    doc.set("a", "j", "w").unwrap();
    assert_eq!(doc.render(), "[a]\nk = v\nj = w\n# about b\n\n[b]\n");
}

#[test]
fn removing_a_key_takes_every_occurrence_and_nothing_else() {
    let mut doc = Document::parse("[a]\nk = 1\nj = 2\n[a]\nk = 3\n  more\n# c\n").unwrap();
    assert!(doc.remove("a", "k"));
    assert_eq!(doc.render(), "[a]\nj = 2\n[a]\n# c\n");
    assert!(!doc.remove("a", "k"));
}

#[test]
fn an_edited_document_parses_back_to_the_intended_values() {
    let mut doc = Document::parse(REAL_WORLD).unwrap();
    doc.set("work", "aws_session_token", "T/+=").unwrap();
    doc.set("fresh", "aws_access_key_id", "ASIA").unwrap();
    let reparsed = Document::parse(&doc.render()).unwrap();
    assert_eq!(reparsed.get("work", "aws_session_token"), Some("T/+="));
    assert_eq!(reparsed.get("fresh", "aws_access_key_id"), Some("ASIA"));
    assert_eq!(reparsed.get("default", "region"), Some("eu-west-2"));
}

#[test]
fn profile_names_follow_the_sdk_character_set() {
    for good in ["default", "work", "a-b_c.d/e%f@g:h+i", "123"] {
        assert!(is_valid_profile_name(good), "{good}");
    }
    for bad in ["", "with space", "brack]et", "semi;colon", "ünï"] {
        assert!(!is_valid_profile_name(bad), "{bad}");
    }
}

#[test]
fn debug_output_never_shows_values() {
    let doc = Document::parse("[default]\naws_secret_access_key = hunter2\n").unwrap();
    let shown = format!("{doc:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("default"), "{shown}");
}

#[test]
fn removing_or_replacing_a_value_takes_continuations_behind_blank_and_comment_lines() {
    let mut doc = Document::parse("[e]\nw=\n\n\tr = 1\n# after\n").unwrap();
    doc.remove("e", "w");
    assert_eq!(doc.render(), "[e]\n# after\n");
    let mut doc = Document::parse(
        "[default]\ns3 =\n  # tuning\n  max_concurrent_requests = 20\nregion = x\n",
    )
    .unwrap();
    doc.set("default", "s3", "none").unwrap();
    assert_eq!(doc.render(), "[default]\ns3 = none\nregion = x\n");
}

#[test]
fn removing_a_section_keeps_the_comments_that_introduce_the_next_one() {
    let mut doc =
        Document::parse("# top\n[a]\nk = v\n  more\n\n# about b\n[b]\nj = w\n[a]\n").unwrap();
    assert!(!doc.section_is_empty("a"));
    assert!(doc.remove_section("a"));
    assert_eq!(doc.render(), "# top\n\n# about b\n[b]\nj = w\n");
    assert!(!doc.remove_section("a"));
    assert!(doc.section_is_empty("a"), "a missing section is empty");
    let doc = Document::parse("[a]\n# only a comment\n").unwrap();
    assert!(doc.section_is_empty("a"));
}

/// The Rust/Java/Go SDKs read an indented line after a setting as part of its value, even
/// when it looks like a comment (botocore reads it as a comment), so it belongs to that
/// setting: it goes when the setting is replaced or removed, and a new key never lands
/// between the two.
const INDENTED_NOTE: &str =
    "[profile dev]\nregion = eu-west-1\n  # was us-east-1 until 2024\noutput = json\n";

#[test]
fn replacing_a_setting_takes_the_indented_comment_under_it() {
    let mut doc = Document::parse(INDENTED_NOTE).unwrap();
    doc.set("profile dev", "region", "eu-west-3").unwrap();
    assert_eq!(
        doc.render(),
        "[profile dev]\nregion = eu-west-3\noutput = json\n"
    );
}

#[test]
fn removing_a_setting_takes_the_indented_comment_under_it() {
    let mut doc = Document::parse(INDENTED_NOTE).unwrap();
    assert!(doc.remove("profile dev", "region"));
    assert_eq!(doc.render(), "[profile dev]\noutput = json\n");
}

#[test]
fn a_new_key_goes_after_the_indented_comment_of_the_last_setting() {
    let text = "[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\n  ; rotated in May\n\n[other]\n";
    let mut doc = Document::parse(text).unwrap();
    doc.set("default", "aws_session_token", "T").unwrap();
    assert_eq!(
        doc.render(),
        text.replace(
            "  ; rotated in May\n",
            "  ; rotated in May\naws_session_token = T\n"
        )
    );
}

#[test]
fn an_indented_comment_is_not_part_of_the_value_get_returns() {
    let doc = Document::parse(INDENTED_NOTE).unwrap();
    assert_eq!(doc.get("profile dev", "region"), Some("eu-west-1"));
    assert_eq!(doc.get("profile dev", "output"), Some("json"));
}

#[test]
fn an_inline_comment_as_the_whole_value_leaves_it_empty() {
    let doc = Document::parse(
        "[a]\ntoken = # none\nbare =\nsemi =\t; none\nglued =#x\nglued2=;y\nkept = a#b\n",
    )
    .unwrap();
    assert_eq!(doc.get("a", "token"), Some(""));
    assert_eq!(doc.get("a", "bare"), Some(""));
    assert_eq!(doc.get("a", "semi"), Some(""));
    assert_eq!(doc.get("a", "glued"), Some("#x"));
    assert_eq!(doc.get("a", "glued2"), Some(";y"));
    assert_eq!(doc.get("a", "kept"), Some("a#b"));
}

#[test]
fn a_new_key_never_goes_above_an_indented_comment() {
    let mut doc = Document::parse("[a]\n  # about a\n[b]\n").unwrap();
    assert!(doc.section_is_empty("a"));
    doc.set("a", "k", "v").unwrap();
    assert_eq!(doc.render(), "[a]\n  # about a\nk = v\n[b]\n");
}

#[test]
fn set_refuses_line_breaks_and_nul_anywhere_and_changes_nothing() {
    let original = "[a]\nk = v\n";
    for (section, key, value, part) in [
        ("a", "k", "eu-west-1\n[profile x]", TextPart::Value),
        ("a", "k", "x\ry", TextPart::Value),
        ("a", "k", "x\0y", TextPart::Value),
        ("a", "k\nj", "v", TextPart::Key),
        ("a]\n[b", "k", "v", TextPart::SectionName),
    ] {
        let mut doc = Document::parse(original).unwrap();
        let error = doc.set(section, key, value).unwrap_err();
        assert_eq!(error.part, part, "{section:?} {key:?}");
        assert_eq!(doc.render(), original, "nothing changed");
        let message = error.to_string();
        assert!(
            !message.contains('\n') && !message.contains('\r'),
            "{message}"
        );
        assert!(
            !message.contains("profile x") && !message.contains("x\0y"),
            "{message}"
        );
    }
    let mut doc = Document::parse(original).unwrap();
    assert_eq!(
        doc.set("profile dev", "region", "eu-west-1\n[profile x]")
            .unwrap_err()
            .to_string(),
        "cannot write region in [profile dev]: the value contains a line break or NUL character, which would corrupt the file; nothing was changed, give it on a single line"
    );
}

#[test]
fn first_duplicate_finds_what_botocore_refuses_in_file_order() {
    let duplicate = |text: &str| Document::parse(text).unwrap().first_duplicate();
    assert_eq!(duplicate(REAL_WORLD), None);
    assert_eq!(
        duplicate("[a]\nk = 1\n[b]\n[a]\nk = 2\n"),
        Some(Duplicate {
            section: "a".into(),
            key: None,
            first_line: 1,
            second_line: 4,
        })
    );
    assert_eq!(
        duplicate("[profile dev]\nRegion = a\n  more\nregion: b\n[profile dev]\n"),
        Some(Duplicate {
            section: "profile dev".into(),
            key: Some("region".into()),
            first_line: 2,
            second_line: 4,
        }),
        "keys compare case-insensitively, and the first repeat in the file wins"
    );
    assert_eq!(
        duplicate("\u{feff}[a]\n[ a ]\n[a]#c\n"),
        Some(Duplicate {
            section: "a".into(),
            key: None,
            first_line: 1,
            second_line: 3,
        }),
        "names are compared as written: ' a ' is another section"
    );
    assert_eq!(
        duplicate("[profile  dev]\n[profile dev]\n[a]\nk = 1\n[b]\nk = 1\n"),
        None,
        "inner whitespace counts, and keys only repeat within one section"
    );
}

#[test]
fn sub_property_lines_must_be_settings_with_a_name() {
    for (text, reason) in [
        (
            "[a]\ns3 =\n  invalid\n",
            ParseErrorReason::SubPropertyNotAProperty,
        ),
        (
            "[a]\ns3 = # none\n  invalid\n",
            ParseErrorReason::SubPropertyNotAProperty,
        ),
        ("[a]\ns3 =\n  = 20\n", ParseErrorReason::EmptySubPropertyKey),
    ] {
        assert_eq!(
            Document::parse(text),
            Err(ParseError { line: 3, reason }),
            "{text:?}"
        );
    }
    for text in [
        "[a]\ns3 =\n  max = 20\n\n  # tuning\n  style =\n",
        "[a]\ns3 = on\n  just words\n",
    ] {
        assert!(Document::parse(text).is_ok(), "{text:?}");
    }
}

#[test]
fn sdk_settings_join_indented_lines_and_merge_repeated_sections() {
    let doc = Document::parse(
        "[a]\nK = 1\ns3 =\n  max = 20\n\n# c\n\t style = path \n[b]\nk = x\n[a]\nr = v # c\n  # note\n",
    )
    .unwrap();
    assert_eq!(
        doc.sdk_settings("a"),
        [
            ("k".to_owned(), "1".to_owned()),
            ("s3".to_owned(), "\nmax = 20\nstyle = path".to_owned()),
            ("r".to_owned(), "v\n# note".to_owned()),
        ]
    );
}
