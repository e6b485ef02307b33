//! Keeps the modules layered: the `crate::` references between top-level modules must
//! form no cycle, so that each module can be read, tested and changed with only the
//! modules below it in mind.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The top-level modules each top-level module of `src/` refers to with `crate::NAME`.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in source_files(src, src) {
        if module == "layering" {
            continue;
        }
        let uses = graph.entry(module.clone()).or_default();
        for target in referenced_modules(&text) {
            if target != module {
                uses.insert(target);
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

/// The names `NAME` in `crate::NAME` and in `crate::{NAME, …}` groups.
fn referenced_modules(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (position, _) in text.match_indices("crate::") {
        let rest = &text[position + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            names.extend(group.split(',').filter_map(first_identifier));
        } else if let Some(name) = first_identifier(rest) {
            names.insert(name);
        }
    }
    names
}

fn first_identifier(text: &str) -> Option<String> {
    let name: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty() && name.starts_with(|c: char| c.is_ascii_lowercase())).then_some(name)
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
fn a_cycle_is_found_and_references_in_groups_count() {
    let text = "use crate::{alpha, beta::Thing};\nfn f() { crate::gamma::go(); }";
    let names: Vec<String> = referenced_modules(text).into_iter().collect();
    assert_eq!(names, ["alpha", "beta", "gamma"]);
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
