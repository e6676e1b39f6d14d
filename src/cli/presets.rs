use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use crate::sim::validate::load_preset;

#[derive(Args, Debug)]
pub struct PresetsArgs {
    /// Directory to list.
    #[arg(default_value = "presets")]
    pub dir: PathBuf,
}

pub fn run(args: PresetsArgs) -> Result<()> {
    let mut paths: Vec<_> = std::fs::read_dir(&args.dir)
        .with_context(|| format!("reading {}", args.dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    for p in paths {
        match load_preset(&p) {
            Ok(preset) => println!(
                "{:<40} {} / {} / {}  {}",
                p.file_name().unwrap_or_default().to_string_lossy(),
                preset.target.kind.label(),
                preset.bridge.label(),
                preset.loss.label(),
                preset.description
            ),
            Err(e) => println!("{e}"),
        }
    }
    Ok(())
}
