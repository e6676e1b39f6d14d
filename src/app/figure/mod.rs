//! The lab's figure: built from the runs as plain data, drawn on screen with egui_plot and
//! exported with plotters (PNG and SVG) beside a CSV of its data and the preset that made it.

mod build;
pub mod heat;
mod model;
mod render;
mod table;

use std::path::{Path, PathBuf};

use anyhow::Result;

pub use build::figure;
pub use model::{Column, Figure, MARKER_COLOR, Mark, Panel, PanelKind, Series};
use render::{png_bytes, svg_text};
use table::csv;

use crate::export::write_atomically;
use crate::protocol::{Preset, preset_to_ron};

/// Writes `<stem>.png`, `<stem>.svg`, `<stem>.csv` and `<stem>.preset.ron` into `dir`
/// (created if needed) and returns their paths. Each file is written whole or not at all.
pub fn export(figure: &Figure, preset: &Preset, dir: &Path, stem: &str) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let files: [(&str, Vec<u8>); 4] = [
        ("png", png_bytes(figure)?),
        ("svg", svg_text(figure)?.into_bytes()),
        ("csv", csv(figure).into_bytes()),
        ("preset.ron", preset_to_ron(preset).into_bytes()),
    ];
    let mut written = Vec::new();
    for (ext, bytes) in files {
        let path = dir.join(format!("{stem}.{ext}"));
        write_atomically(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}
