//! Presets the lab offers: the shipped directory, files dropped on the window, and the current
//! settings as RON text.

use std::path::{Path, PathBuf};

use crate::protocol::{Preset, load_preset, preset_to_ron};

#[derive(Clone, Debug)]
pub struct GalleryEntry {
    pub path: PathBuf,
    pub preset: Preset,
}

/// Every preset in `dir` that loads, sorted by file name; the rest are reported as errors.
pub fn scan(dir: &Path) -> (Vec<GalleryEntry>, Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (Vec::new(), Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match load_preset(&path) {
            Ok(preset) => found.push(GalleryEntry { path, preset }),
            Err(e) => errors.push(e.to_string()),
        }
    }
    (found, errors)
}

/// The preset as the text of a `.ron` file.
pub fn as_ron(preset: &Preset) -> String {
    preset_to_ron(preset)
}
