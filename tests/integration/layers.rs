//! The layers import only downward: the engine knows no UI, the protocol names neither the
//! engine's tensors nor widgets, and the UI never touches the engine directly.

use std::path::Path;

fn sources(dir: &str) -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir),
        &mut out,
    );
    assert!(!out.is_empty(), "no sources under src/{dir}");
    out
}

fn assert_free_of(dir: &str, forbidden: &[&str]) {
    for (file, text) in sources(dir) {
        for word in forbidden {
            assert!(!text.contains(word), "{file} mentions `{word}`");
        }
    }
}

#[test]
fn the_engine_knows_no_user_interface() {
    assert_free_of(
        "sim",
        &[
            "egui",
            "eframe",
            "crate::app",
            "crate::protocol",
            "crate::runtime",
        ],
    );
}

#[test]
fn the_protocol_carries_no_tensors_or_widgets() {
    assert_free_of(
        "protocol",
        &["burn", "egui", "eframe", "crate::app", "crate::runtime"],
    );
}

#[test]
fn the_user_interface_never_touches_the_engine() {
    assert_free_of("app", &["burn", "crate::sim"]);
}
