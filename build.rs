//! Embeds every preset of `presets/` in the binary, so the lab's gallery is complete wherever
//! it is started.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=presets");
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join("presets");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the presets directory exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for path in files {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 file name");
        out.push_str(&format!(
            "    ({stem:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("]\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("built_in_presets.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
