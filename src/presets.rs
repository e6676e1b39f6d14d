//! The presets shipped in `presets/`, embedded at build time.

/// (file stem, RON text) of every shipped preset, sorted by name.
pub const BUILT_IN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/built_in_presets.rs"));
