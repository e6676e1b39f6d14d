//! The presets shipped in `presets/`, embedded at build time, so that every command finds them
//! wherever it is started.

use std::path::Path;

use crate::sim::Preset;
use crate::sim::preset::file::{PresetError, load_preset, parse_preset};

/// (file stem, RON text) of every shipped preset, sorted by name.
pub const BUILT_IN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/built_in_presets.rs"));

/// The shipped preset that `path` names when it is `NAME`, `NAME.ron` or `presets/NAME.ron`.
pub fn built_in(path: &Path) -> Option<(&'static str, &'static str)> {
    let parent = path.parent().and_then(|p| p.to_str()).unwrap_or("");
    if !matches!(parent, "" | "presets" | "./presets") {
        return None;
    }
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".ron").unwrap_or(name);
    BUILT_IN.iter().copied().find(|(s, _)| *s == stem)
}

/// A shipped preset, named `built-in presets/STEM.ron` in messages.
pub fn parse_built_in(stem: &str, text: &str) -> Result<Preset, PresetError> {
    parse_preset(text, &format!("built-in presets/{stem}.ron"))
}

/// The preset file at `path`, or, where there is no such file and the path names a shipped
/// preset, its built-in copy.
pub fn load(path: &Path) -> Result<Preset, PresetError> {
    match built_in(path) {
        Some((stem, text)) if !path.exists() => parse_built_in(stem, text),
        _ => load_preset(path),
    }
}
