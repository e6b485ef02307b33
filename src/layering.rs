//! Keeps the modules layered: the `crate::` references between top-level modules must
//! form no cycle, so that each module can be read, tested and changed with only the
//! modules below it in mind.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The top-level modules each top-level module of `src/` refers to with `crate::NAME`,
/// directly or through a name the crate root re-exports (`crate::Error` is `error`'s).
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let reexports = fs::read_to_string(src.join("lib.rs"))
        .map(|lib| root_names(&lib))
        .unwrap_or_default();
    let files = source_files(src, src);
    let modules: BTreeSet<&str> = files.iter().map(|(module, _)| module.as_str()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &files {
        if module == "layering" {
            continue;
        }
        let uses = graph.entry(module.clone()).or_default();
        for name in referenced_names(text) {
            let target = reexports.get(&name).unwrap_or(&name);
            if target != module && modules.contains(target.as_str()) {
                uses.insert(target.clone());
            }
        }
    }
    graph
}

/// Every `.rs` file below `dir` with the top-level module it belongs to (`lib.rs` and
/// `main.rs` are the crate root, not modules).
fn source_files(src: &Path, dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(source_files(src, &path));
            continue;
        }
        let relative = path.strip_prefix(src).expect("below src");
        let first = relative.components().next().expect("a file name");
        let name = first.as_os_str().to_string_lossy();
        let module = name.trim_end_matches(".rs").to_owned();
        if path.extension().is_some_and(|ext| ext == "rs") && module != "lib" && module != "main" {
            files.push((module, fs::read_to_string(&path).expect("readable")));
        }
    }
    files
}

/// The first name of every path from the crate root: `NAME` in `crate::NAME…` and each
/// `NAME` of a `crate::{NAME…, …}` group, however nested and spaced.
fn referenced_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (position, _) in text.match_indices("crate") {
        let in_a_word = text[..position].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let rest = text[position + "crate".len()..].trim_start();
        let Some(path) = rest.strip_prefix("::").filter(|_| !in_a_word) else {
            continue;
        };
        let path = path.trim_start();
        match path.strip_prefix('{') {
            Some(group) => names.extend(group_items(group).into_iter().filter_map(identifier)),
            None => names.extend(identifier(path)),
        }
    }
    names
}

/// The names the crate root's `use` declarations (`pub use error::Error;`) bring into
/// it, each with the top-level module it comes from.
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let code: String = lib
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut names = BTreeMap::new();
    for statement in code.split(';') {
        let words: Vec<&str> = statement.split_whitespace().collect();
        let Some(at) = words.iter().position(|word| *word == "use") else {
            continue;
        };
        let tree = words[at + 1..].join(" ");
        let tree = tree.trim_start_matches("::").trim_start_matches("crate::");
        if let Some(module) = identifier(tree) {
            for name in bound_names(tree) {
                names.insert(name, module.clone());
            }
        }
    }
    names
}

/// The names a use tree (`a::{B, c::D as E}`) binds: `B` and `E`.
fn bound_names(tree: &str) -> Vec<String> {
    match tree.split_once('{') {
        Some((_, group)) => group_items(group)
            .into_iter()
            .flat_map(bound_names)
            .collect(),
        None => {
            let last = tree.rsplit("::").next().unwrap_or(tree);
            let name = last.rsplit(" as ").next().unwrap_or(last);
            identifier(name).into_iter().collect()
        }
    }
}

/// The items of the group `text` opens (`text` follows its `{`), nested groups whole.
fn group_items(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (index, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            ',' | '}' if depth == 0 => {
                items.push(&text[start..index]);
                start = index + 1;
                if c == '}' {
                    break;
                }
            }
            _ => {}
        }
    }
    items
}

/// The identifier `text` starts with, if any.
fn identifier(text: &str) -> Option<String> {
    let name: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|seen| seen == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_modules_refer_to_each_other_without_a_cycle() {
    let graph = module_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(graph.contains_key("credentials") && graph["commands"].contains("credentials"));
    for (module, uses) in &graph {
        assert!(
            !uses.contains("commands"),
            "{module} refers to crate::commands, the top: move what it needs below"
        );
    }
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "the modules refer to each other in a circle: {}; move what both need into a module below them",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn every_shape_of_path_from_the_crate_root_counts() {
    let text = "use crate::{alpha, beta::{One, Two}, gamma};\nuse crate :: delta::Thing;\n\
                fn f() { crate::epsilon::go(); $crate::zeta!(); }\npub(crate) fn g() {}\n\
                use acrate::eta; use crate_name::theta;";
    let names: Vec<String> = referenced_names(text).into_iter().collect();
    assert_eq!(
        names,
        ["alpha", "beta", "delta", "epsilon", "gamma", "zeta"]
    );
    let lib = "//! pub use never::Comment;\npub mod error;\npub use error::Error;\n\
               pub use crate::config::{ConfigFile, profiles::{Profile as P}};\nuse jiff;";
    let names = root_names(lib);
    assert_eq!(names["Error"], "error");
    assert_eq!(names["ConfigFile"], "config");
    assert_eq!(names["P"], "config");
    assert!(!names.contains_key("Comment") && !names.contains_key("Profile"));
}

#[test]
fn a_cycle_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(node, next)| (node.into(), next.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(find_cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
}

/// A `src/` holding `files` (name, text) in a temporary directory.
fn source_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let src = tempfile::tempdir().unwrap();
    for (name, text) in files {
        fs::write(src.path().join(name), text).unwrap();
    }
    src
}

#[test]
fn a_cycle_through_a_name_the_crate_root_reexports_is_caught() {
    let lib = "pub mod error;\npub mod launch;\npub use error::Error;\n";
    let error = "pub enum Error { Launch(crate::launch::LaunchError) }\n";
    for launch in [
        "use crate::Error;\npub struct LaunchError;\n",
        "use crate::{files::{Paths}, Error};\npub struct LaunchError;\n",
        "pub struct LaunchError;\npub fn finish(_: crate :: Error) {}\n",
    ] {
        let src = source_tree(&[("lib.rs", lib), ("error.rs", error), ("launch.rs", launch)]);
        let cycle = find_cycle(&module_graph(src.path()));
        assert_eq!(cycle.unwrap(), ["error", "launch", "error"], "{launch}");
    }
    let launch = "pub struct LaunchError;\n";
    let src = source_tree(&[("lib.rs", lib), ("error.rs", error), ("launch.rs", launch)]);
    assert_eq!(find_cycle(&module_graph(src.path())), None);
}
