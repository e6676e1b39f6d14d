use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use crate::presets::{BUILT_IN, parse_built_in};
use crate::sim::Preset;
use crate::sim::validate::load_preset;

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
        for (stem, text) in BUILT_IN {
            print_row(&format!("{stem}.ron"), parse_built_in(stem, text));
        }
        return Ok(());
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    for p in paths {
        print_row(
            &p.file_name().unwrap_or_default().to_string_lossy(),
            load_preset(&p),
        );
    }
    Ok(())
}

fn print_row(name: &str, preset: Result<Preset, crate::sim::validate::PresetError>) {
    match preset {
        Ok(preset) => println!(
            "{:<40} {} / {} / {}  {}",
            name,
            preset.target.kind.label(),
            preset.bridge.label(),
            preset.loss.label(),
            preset.description
        ),
        Err(e) => println!("{e}"),
    }
}
