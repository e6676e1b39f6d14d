//! The data the project carries: the copy built into the binary is the repository's `data/`,
//! byte for byte; every shipped preset builds its target from it alone; nothing reads data
//! from outside the checkout.

use crate::common;

use std::path::{Path, PathBuf};

use bridgelab::sim::targets::build_target;
use bridgelab::sim::targets::data::{BUILT_IN, DataDir, use_built_in_data};
use common::cpu;

/// Files of `data/` that only the tests read.
const TEST_ONLY: &[&str] = &["targets/lgcp_bin_counts_40x40.csv"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = format!("{prefix}{}", path.file_name().unwrap().to_string_lossy());
        if path.is_dir() {
            files_under(&path, &format!("{name}/"), out);
        } else {
            out.push(name);
        }
    }
}

#[test]
fn the_built_in_copy_is_the_data_directory() {
    let data = root().join("data");
    for (name, bytes) in BUILT_IN {
        let on_disk = std::fs::read(data.join(name)).unwrap_or_else(|e| panic!("data/{name}: {e}"));
        assert!(on_disk == *bytes, "data/{name} differs from the built-in copy");
    }
    let mut files = Vec::new();
    files_under(&data, "", &mut files);
    for name in files {
        assert!(
            name == "README.md"
                || TEST_ONLY.contains(&name.as_str())
                || BUILT_IN.iter().any(|(n, _)| *n == name),
            "data/{name} is neither built in nor listed as a test file"
        );
    }
}

#[test]
fn the_data_readme_names_every_file_with_its_origin() {
    let readme = std::fs::read_to_string(root().join("data/README.md")).unwrap();
    for name in BUILT_IN.iter().map(|(n, _)| *n).chain(TEST_ONLY.iter().copied()) {
        assert!(
            readme.contains(&format!("`{name}`")),
            "data/README.md does not name {name}"
        );
    }
    for licence in ["CC BY 4.0", "Apache"] {
        assert!(
            readme.contains(licence),
            "data/README.md names no {licence} licence"
        );
    }
}

#[test]
fn a_directory_gives_the_same_tables_as_the_built_in_copy() {
    let dir = DataDir::at(root().join("data"));
    for (name, _) in BUILT_IN {
        let plain = name.strip_suffix(".gz").unwrap_or(name);
        let from_disk = dir.file(plain).and_then(|f| f.read_text()).unwrap();
        let built_in = DataDir::built_in()
            .file(plain)
            .and_then(|f| f.read_text())
            .unwrap();
        assert!(from_disk == built_in, "{plain}");
    }
}

#[test]
fn every_shipped_preset_builds_its_target_from_the_built_in_copy() {
    let _data_dir = common::data_dir_lock();
    use_built_in_data();
    for (stem, text) in bridgelab::presets::BUILT_IN {
        let preset = bridgelab::sim::preset::file::parse_preset(text, stem).unwrap();
        build_target(&preset.target, &cpu()).unwrap_or_else(|e| panic!("{stem}: {e}"));
    }
}

#[test]
fn no_source_reads_data_from_beside_the_checkout() {
    // Spelled in pieces, so that this file does not find itself.
    let forbidden = [["..", "shared"].join("/"), ["shared", "data"].join("/")];
    for dir in ["src", "tests", "build.rs"] {
        let path = root().join(dir);
        let mut files = Vec::new();
        if path.is_dir() {
            files_under(&path, &format!("{dir}/"), &mut files);
        } else {
            files.push(dir.to_string());
        }
        for file in files.iter().filter(|f| f.ends_with(".rs")) {
            let text = std::fs::read_to_string(root().join(file)).unwrap();
            for word in &forbidden {
                assert!(!text.contains(word.as_str()), "{file} names {word}");
            }
        }
    }
}
