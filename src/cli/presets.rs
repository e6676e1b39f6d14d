use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use crate::presets::{BUILT_IN, parse_built_in};
use crate::sim::Preset;
use crate::sim::preset::file::load_preset;

#[derive(Args, Debug)]
pub struct PresetsArgs {
    /// Directory to list; default: `presets` when the current directory has one, else the
    /// presets built into bridgelab.
    pub dir: Option<PathBuf>,
}

pub fn run(args: PresetsArgs) -> Result<()> {
    let dir = args
        .dir
        .or_else(|| Some(PathBuf::from("presets")).filter(|d| d.is_dir()));
    let Some(dir) = dir else {
        let rows: Vec<bool> = BUILT_IN
            .iter()
            .map(|(stem, text)| print_row(&format!("{stem}.ron"), parse_built_in(stem, text)))
            .collect();
        return refused(&rows);
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    let rows: Vec<bool> = paths
        .iter()
        .map(|p| {
            print_row(
                &p.file_name().unwrap_or_default().to_string_lossy(),
                load_preset(p),
            )
        })
        .collect();
    refused(&rows)
}

/// A failure naming how many presets did not load, when any did not.
fn refused(rows: &[bool]) -> Result<()> {
    let bad = rows.iter().filter(|ok| !**ok).count();
    if bad == 0 {
        Ok(())
    } else {
        anyhow::bail!("{bad} of {} presets could not be loaded", rows.len())
    }
}

/// Prints a preset's row on stdout, or why it does not load on stderr; true when it loads.
fn print_row(name: &str, preset: Result<Preset, crate::sim::preset::file::PresetError>) -> bool {
    match preset {
        Ok(preset) => {
            println!(
                "{:<40} {} / {} / {}  {}",
                name,
                preset.target.kind.label(),
                preset.bridge.label(),
                preset.loss.label(),
                printable(&preset.description)
            );
            true
        }
        Err(e) => {
            eprintln!("{e}");
            false
        }
    }
}

/// Control characters (a description's ANSI escapes, say) shown escaped, not sent to the
/// terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
