//! Build-time facts for the binary.
//!
//! - The version `--version` prints: the crate's version and, when built from a git
//!   checkout, the commit and its date (`0.2.0 (abc1234 2026-11-30)`). Outside git (a
//!   crates.io download, a tarball) or without git installed it is the bare version;
//!   this script never fails a build.
//! - Link-time tuning for the `read` hot path: most of the start-up time of a large,
//!   position-independent Rust binary goes to the dynamic loader applying tens of
//!   thousands of relative relocations. Packing them (`DT_RELR`, glibc 2.36+) makes that
//!   work several times cheaper without giving up position independence (ASLR) or full
//!   RELRO. Only where the C library is glibc 2.36 or newer: the linker then marks the
//!   binary as needing it (`GLIBC_ABI_DT_RELR`), and an older glibc can neither link nor
//!   load such a binary. So a build on an older system (a release built on an older
//!   distribution to run on many; `cargo install` there) simply goes without.

use std::path::Path;
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let detail = git_commit().map(|(commit, date)| format!(" ({commit} {date})"));
    println!(
        "cargo:rustc-env=STSCREDS_VERSION={version}{}",
        detail.unwrap_or_default()
    );
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os == "linux" && target_env == "gnu" && native_glibc_has_relr() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether this is a native build against glibc 2.36 or newer, the first to load
/// packed relative relocations; false when cross-compiling or when unsure.
fn native_glibc_has_relr() -> bool {
    if std::env::var("HOST").ok() != std::env::var("TARGET").ok() {
        return false;
    }
    let Ok(output) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    // "glibc 2.36"
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.trim().strip_prefix("glibc ").unwrap_or_default();
    let mut parts = version.split('.').map(|part| part.parse::<u32>().ok());
    matches!((parts.next(), parts.next()), (Some(Some(major)), Some(Some(minor))) if (major, minor) >= (2, 36))
}

/// The short hash and commit date of `HEAD`, if this is a git checkout of stscreds
/// and git runs; asks cargo to run this again when `HEAD` moves.
fn git_commit() -> Option<(String, String)> {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    let git = |args: &[&str]| -> Option<String> {
        let output = Command::new("git")
            .args(args)
            .current_dir(&manifest_dir)
            .output()
            .ok()?;
        let text = String::from_utf8(output.stdout).ok()?;
        (output.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
    };
    // Only this repository's own checkout: a crate unpacked inside some other git tree
    // must not claim that tree's commit.
    let top = std::fs::canonicalize(git(&["rev-parse", "--show-toplevel"])?).ok()?;
    if std::fs::canonicalize(&manifest_dir).ok()? != top {
        return None;
    }
    for file in ["HEAD", "packed-refs"] {
        if let Some(path) = git(&["rev-parse", "--git-path", file]) {
            println!(
                "cargo:rerun-if-changed={}",
                Path::new(&manifest_dir).join(path).display()
            );
        }
    }
    if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(path) = git(&["rev-parse", "--git-path", &reference])
    {
        println!(
            "cargo:rerun-if-changed={}",
            Path::new(&manifest_dir).join(path).display()
        );
    }
    let commit = git(&["rev-parse", "--short=7", "HEAD"])?;
    let date = git(&["log", "-1", "--format=%cs", "HEAD"])?;
    Some((commit, date))
}
