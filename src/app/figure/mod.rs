//! The lab's figure: built from the runs as plain data, drawn on screen with egui_plot and
//! exported with plotters (PNG and SVG) beside a CSV of its data and the preset that made it.

mod build;
mod clip;
pub mod heat;
mod model;
mod panels;
mod render;
mod table;

use std::path::{Path, PathBuf};

use anyhow::Result;

pub use build::figure;
pub use model::{
    Column, Figure, INFERENCE_COLOR, MARKER_COLOR, Mark, Panel, PanelKind, RUN_INKS, RunInk, Series,
    TARGET_COLOR, TARGET_DRAWS_COLOR,
};
use render::png_bytes;
pub use render::{Bitmap, PixelBox, SVG_MAX_POINTS, Scale, bitmap, svg_text, tick_label, whole_tick};
use table::csv;

use crate::export::write_atomically;
use crate::protocol::{Preset, preset_to_ron};

/// How a figure is exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    /// Lengths and fonts times this (1 to 4); the PNG says 96 × scale dpi.
    pub scale: u32,
    /// Also write every panel alone, `<stem>-<panel>.png` and `.svg` (`-run2-<panel>` for the
    /// second column of a comparison).
    pub panels_alone: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            scale: 2,
            panels_alone: false,
        }
    }
}

/// Writes `<stem>.png`, `<stem>.svg`, `<stem>.csv` and `<stem>.preset.ron` into `dir`
/// (created if needed), and each panel alone when asked, and returns their paths. Each file is
/// written whole or not at all.
pub fn export(
    figure: &Figure,
    preset: &Preset,
    dir: &Path,
    stem: &str,
    options: ExportOptions,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let scale = Scale(options.scale.clamp(1, 4));
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (format!("{stem}.png"), png_bytes(figure, scale)?),
        (format!("{stem}.svg"), svg_text(figure, scale)?.into_bytes()),
        (format!("{stem}.csv"), csv(figure).into_bytes()),
        (format!("{stem}.preset.ron"), preset_to_ron(preset).into_bytes()),
    ];
    if options.panels_alone {
        for (c, column) in figure.columns.iter().enumerate() {
            for (i, panel) in column.panels.iter().enumerate() {
                let alone = Figure {
                    columns: vec![Column {
                        run: column.run,
                        title: column.title.clone(),
                        panels: vec![panel.clone()],
                    }],
                };
                // Compared, every panel's file names its run (the stem says what differs).
                let run = if figure.columns.len() > 1 {
                    format!("-run{}", c + 1)
                } else {
                    String::new()
                };
                // Two panels of one kind (an overlay's sample clouds) are told apart by place.
                let same_kind = column.panels.iter().filter(|p| p.kind == panel.kind).count() > 1;
                let place = if same_kind {
                    format!("-{}", i + 1)
                } else {
                    String::new()
                };
                let name = format!("{stem}{run}-{}{place}", panel.kind.slug());
                files.push((format!("{name}.png"), png_bytes(&alone, scale)?));
                files.push((format!("{name}.svg"), svg_text(&alone, scale)?.into_bytes()));
            }
        }
    }
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        write_atomically(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}
