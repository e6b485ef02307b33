//! Replays the fuzzer's seed corpus (`fuzz/corpus/ini/`) through the same invariants the
//! fuzz target checks, so the corpus is a regression suite in every `cargo test`.

#[path = "../../../fuzz/check.rs"]
mod check;

use std::path::Path;

#[test]
fn every_corpus_file_keeps_the_editor_invariants() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/ini");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "expected at least 10 corpus files in {}, found {}",
        dir.display(),
        files.len()
    );
    let failures: Vec<String> = files
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            std::panic::catch_unwind(|| check::check(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        failures.is_empty(),
        "corpus files that break an invariant (see the panics above): {failures:#?}"
    );
}
