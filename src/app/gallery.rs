//! Presets the lab offers: the ones built into the binary, those in a presets directory (which
//! replace built-ins of the same name), files dropped on the window, and the current settings
//! as RON text.

use std::path::Path;

use crate::presets::BUILT_IN;
use crate::protocol::{Preset, load_preset, parse_preset, preset_to_ron};

#[derive(Clone, Debug)]
pub struct GalleryEntry {
    /// The file stem, which is what the gallery shows.
    pub name: String,
    pub preset: Preset,
}

/// The presets compiled into the lab.
pub fn built_in() -> Vec<GalleryEntry> {
    BUILT_IN
        .iter()
        .filter_map(|(name, text)| {
            let preset = parse_preset(text, name).ok()?;
            Some(GalleryEntry {
                name: name.to_string(),
                preset,
            })
        })
        .collect()
}

/// Every preset in `dir` that loads, sorted by file name; the rest are reported as errors.
pub fn scan(dir: &Path) -> (Vec<GalleryEntry>, Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (Vec::new(), Vec::new());
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match load_preset(&path) {
            Ok(preset) => found.push(GalleryEntry {
                name: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                preset,
            }),
            Err(e) => errors.push(e.to_string()),
        }
    }
    (found, errors)
}

/// `base` with `extra` added; an extra entry replaces a base entry of the same name.
pub fn merge(mut base: Vec<GalleryEntry>, extra: Vec<GalleryEntry>) -> Vec<GalleryEntry> {
    for entry in extra {
        match base.iter_mut().find(|e| e.name == entry.name) {
            Some(slot) => *slot = entry,
            None => base.push(entry),
        }
    }
    base.sort_by(|a, b| a.name.cmp(&b.name));
    base
}

/// The preset as the text of a `.ron` file.
pub fn as_ron(preset: &Preset) -> String {
    preset_to_ron(preset)
}
