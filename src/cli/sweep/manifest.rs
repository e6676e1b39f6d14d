//! A sweep on disk: `sweep.json` (what was planned and how), `manifest.jsonl` (one line per
//! task: preset file, seed, overrides, output folder) and `presets/` (each preset as resolved
//! when planned). Everything a task needs is inside the directory, so any machine that sees it
//! runs the same sweep.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::presets::load as load_preset;
use crate::sim::metrics::SinkhornProtocol;
use crate::sim::preset::file::preset_to_ron;

const SWEEP_FORMAT: u32 = 1;

/// One preset of a sweep: its row in the table.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PlannedPreset {
    /// Its file stem, made unique ("-2", "-3", …): the row name and run directory prefix.
    pub name: String,
    /// The file it was read from.
    pub source: String,
    /// Rows of the same group (the target) are compared with each other.
    pub group: String,
    /// Which benchmark instance of the target each seed uses.
    pub instances: String,
}

/// `sweep.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sweep {
    pub format: u32,
    pub seeds: u64,
    pub steps: Option<usize>,
    pub protocol: Option<String>,
    pub presets: Vec<PlannedPreset>,
}

/// One line of `manifest.jsonl`. Paths are relative to the sweep directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub index: usize,
    /// Index into [`Sweep::presets`].
    pub preset_index: usize,
    /// The resolved preset, `presets/<name>.ron`.
    pub preset: String,
    pub seed: u64,
    /// What the task changes in its preset, as `train` options.
    pub overrides: Vec<String>,
    /// `runs/<name>-seed<seed>`.
    pub out: String,
    /// The mixture instance the task trains on, where the plan runs seed i on instance i (the
    /// paper protocol); `None` keeps the preset's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<u32>,
}

/// At most this many seeds per preset, and tasks per sweep.
pub const MAX_SEEDS: u64 = 1000;
pub const MAX_TASKS: usize = 100_000;

fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or("preset".into(), |s| s.to_string_lossy().into_owned())
}

/// A name per preset: its file stem, with "-2", "-3", … on later presets whose stem is taken
/// (another directory, the same file twice, or a stem that is itself another's "-2"), so that
/// no two share a row or a run directory, whatever the file names.
pub fn unique_names(paths: &[PathBuf]) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    paths
        .iter()
        .map(|p| {
            let s = stem(p);
            let name = std::iter::once(s.clone())
                .chain((2..).map(|n| format!("{s}-{n}")))
                .find(|name| !taken.contains(name))
                .unwrap_or(s);
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// What to plan.
pub struct Request<'a> {
    pub presets: &'a [PathBuf],
    pub seeds: u64,
    pub steps: Option<usize>,
    pub protocol: Option<SinkhornProtocol>,
}

/// Reads every preset (so a typo fails before anything runs), applies the steps and protocol,
/// and writes the sweep into `dir`. Planning a directory that already holds the same plan
/// changes nothing (its finished tasks stay finished); another plan there is refused.
pub fn plan(request: &Request, dir: &Path) -> Result<(Sweep, Vec<Task>)> {
    if request.seeds == 0 || request.seeds > MAX_SEEDS {
        bail!("--seeds must be between 1 and {MAX_SEEDS}");
    }
    if request.steps == Some(0) {
        bail!("--steps must be at least 1");
    }
    let total = request.presets.len() as u128 * request.seeds as u128;
    if total > MAX_TASKS as u128 {
        bail!("{total} tasks; a sweep holds at most {MAX_TASKS}");
    }
    let names = unique_names(request.presets);
    let per_seed = request.protocol.is_some_and(SinkhornProtocol::is_published);
    let mut planned = Vec::new();
    let mut texts = Vec::new();
    let mut per_seed_instance = Vec::new();
    for (path, name) in request.presets.iter().zip(&names) {
        let mut p = load_preset(path)?;
        if let Some(steps) = request.steps {
            p.train_steps = steps;
        }
        if let Some(protocol) = request.protocol {
            p.apply_protocol(protocol).map_err(anyhow::Error::msg)?;
        }
        per_seed_instance.push(per_seed && p.target.kind.is_mixture());
        let instances = if !p.target.kind.is_mixture() {
            "one instance".to_string()
        } else if per_seed {
            if request.seeds > 10 {
                bail!(
                    "the {} protocol runs seed i on mixture instance i, and there are 10 instances (0–9)",
                    request.protocol.map_or("", SinkhornProtocol::name)
                );
            }
            let list: Vec<String> = (0..request.seeds).map(|s| s.to_string()).collect();
            format!("instances {} (seed i on instance i)", list.join(", "))
        } else {
            format!("instance {} for every seed", p.target.constants_seed)
        };
        planned.push(PlannedPreset {
            name: name.clone(),
            source: path.display().to_string(),
            group: format!("{} d={}", p.target.kind.label(), p.target.dim),
            instances,
        });
        texts.push(preset_to_ron(&p));
    }
    let sweep = Sweep {
        format: SWEEP_FORMAT,
        seeds: request.seeds,
        steps: request.steps,
        protocol: request.protocol.map(|p| p.name().to_string()),
        presets: planned,
    };
    let tasks: Vec<Task> = (0..names.len())
        .flat_map(|i| (0..request.seeds).map(move |seed| (i, seed)))
        .enumerate()
        .map(|(index, (i, seed))| {
            let mut overrides = vec!["--seed".into(), seed.to_string()];
            if let Some(protocol) = request.protocol {
                overrides.extend(["--protocol".into(), protocol.name().into()]);
            }
            Task {
                index,
                preset_index: i,
                preset: format!("presets/{}.ron", names[i]),
                seed,
                overrides,
                out: format!("runs/{}-seed{seed}", names[i]),
                instance: per_seed_instance[i].then_some(seed as u32),
            }
        })
        .collect();
    if dir.join("sweep.json").exists() {
        let (old_sweep, old_tasks) = read(dir)?;
        let same_texts = names.iter().zip(&texts).all(|(n, t)| {
            std::fs::read_to_string(dir.join(format!("presets/{n}.ron"))).is_ok_and(|old| old == *t)
        });
        if old_tasks != tasks || !same_texts || old_sweep.seeds != sweep.seeds {
            bail!(
                "{} already holds another sweep; plan into a new directory",
                dir.display()
            );
        }
        return Ok((old_sweep, old_tasks));
    }
    std::fs::create_dir_all(dir.join("presets"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in names.iter().zip(&texts) {
        crate::export::write_atomically(&dir.join(format!("presets/{name}.ron")), text.as_bytes())?;
    }
    let mut lines = String::new();
    for t in &tasks {
        lines.push_str(&serde_json::to_string(t)?);
        lines.push('\n');
    }
    crate::export::write_atomically(&dir.join("manifest.jsonl"), lines.as_bytes())?;
    // Written last: a directory with sweep.json holds a whole plan.
    crate::export::write_atomically(
        &dir.join("sweep.json"),
        serde_json::to_string_pretty(&sweep)?.as_bytes(),
    )?;
    Ok((sweep, tasks))
}

/// Reads the sweep in `dir`.
pub fn read(dir: &Path) -> Result<(Sweep, Vec<Task>)> {
    let path = dir.join("sweep.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{} is not a sweep (no readable sweep.json)", dir.display()))?;
    let sweep: Sweep = serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    if sweep.format != SWEEP_FORMAT {
        bail!(
            "{}: format {} is not the supported {SWEEP_FORMAT}",
            path.display(),
            sweep.format
        );
    }
    let path = dir.join("manifest.jsonl");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut tasks = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t: Task = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a task", path.display(), i + 1))?;
        if t.index != tasks.len() || t.preset_index >= sweep.presets.len() {
            bail!("{}:{}: task {} is out of order", path.display(), i + 1, t.index);
        }
        tasks.push(t);
    }
    Ok((sweep, tasks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_unique_when_a_file_is_named_like_a_renamed_one() {
        let paths: Vec<PathBuf> = ["a/q-2.ron", "a/q.ron", "b/q.ron", "c/q.ron", "a/q-2.ron"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let names = unique_names(&paths);
        assert_eq!(names, ["q-2", "q", "q-3", "q-4", "q-2-2"]);
        let set: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(set.len(), names.len());
    }
}
