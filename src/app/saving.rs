//! What the lab reads and writes: presets, data directories, checkpoints, sample files and
//! figure exports.

use super::*;
use crate::runtime::run_store::RunTrail;

impl LabApp {
    /// Loads a preset file (opened or dropped) and restarts on it; a bad file leaves the runs
    /// as they are and says why.
    pub fn open_preset(&mut self, path: &Path) {
        match load_preset(path) {
            Ok(p) => {
                self.notice = Some(format!("opened {}", path.display()));
                self.preset_path = path.display().to_string();
                self.apply(Action::LoadPreset(Box::new(p)));
            }
            Err(e) => self.notice = Some(e.to_string()),
        }
    }

    /// Points the engine at another data directory, or back at the built-in copy, and starts
    /// the runs over, so that a run that failed for a missing file gets its chance.
    pub(super) fn use_data_dir(&mut self, dir: Option<PathBuf>) {
        match dir {
            Some(dir) if !dir.is_dir() => {
                self.notice = Some(format!(
                    "{} is not a directory; the data directory is unchanged",
                    dir.display()
                ));
                return;
            }
            Some(dir) => {
                set_data_dir(Some(dir.clone()));
                self.notice = Some(format!("reading data from {}", dir.display()));
            }
            None => {
                use_built_in_data();
                self.notice = Some("reading the data built into bridgelab".into());
            }
        }
        self.data_dir_text = data_dir_setting();
        self.apply(Action::Restart(Box::new(self.edit.clone())));
    }

    /// Asks each run to write itself to a checkpoint; the runs report where they saved.
    pub(super) fn save_checkpoint(&mut self, path: &Path) {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            self.notice = Some(format!("cannot create {}: {e}", dir.display()));
            return;
        }
        self.checkpoint_path = path.display().to_string();
        let second = second_run_path(path);
        self.notice = None;
        for (i, pane) in self.panes.iter_mut().enumerate() {
            let file = if i == 0 {
                path.to_path_buf()
            } else {
                second.clone()
            };
            let trail = serde_json::to_vec(&pane.view.trail()).map_err(anyhow::Error::from);
            if let Err(e) = trail.and_then(|t| write_atomically(&trail_path(&file), &t)) {
                self.notice = Some(format!("the panels' history is not saved: {e:#}"));
            }
            pane.send(Command::SaveCheckpoint(file));
        }
    }

    /// Reads the checkpoint's settings here (so a bad file changes nothing), then lets the
    /// runs load it: a comparison saved with its second run comes back whole, each run with
    /// the panels' history saved beside it; without the second file the comparison ends.
    pub(super) fn resume_checkpoint(&mut self, path: &Path) {
        let preset = match checkpoint_preset(path) {
            Ok(preset) => preset,
            Err(e) => {
                self.notice = Some(format!("cannot resume: {e}"));
                return;
            }
        };
        let second = second_run_path(path);
        let both = preset.compare.is_some() && second.is_file();
        if both && let Err(e) = checkpoint_preset(&second) {
            self.notice = Some(format!("cannot resume the second run: {e}"));
            return;
        }
        self.edit = preset;
        if !both {
            self.edit.compare = None;
        }
        self.origin = self.edit.clone();
        self.checkpoint_path = path.display().to_string();
        self.sync_second_run();
        let files = [path.to_path_buf(), second];
        for (pane, file) in self.panes.iter_mut().zip(files) {
            let trail = read_trail(&trail_path(&file));
            pane.resume(file, trail);
        }
        self.notice = Some(format!(
            "resumed {} from {}",
            if both { "both runs" } else { "the run" },
            path.display()
        ));
    }

    /// The settings as a file holds them: titled and described as what they are now. Changed
    /// from the preset they came from, its title and description would speak of another run,
    /// and its lesson cards of claims measured at other settings, so these are written anew
    /// (the cards left out).
    pub(super) fn preset_to_write(&self) -> Preset {
        let mut p = self.edit.clone();
        let changed = p.differences_from(&self.origin);
        let summary = p.summary();
        if !changed.is_empty() {
            let from = match self.origin.title.as_str() {
                "" => String::new(),
                t => format!(" from “{t}”"),
            };
            p.description = format!(
                "{summary}: saved in the lab{from} with its {} changed.",
                changed.join(", ")
            );
            p.title = summary;
            p.guide.clear();
        } else if p.title.is_empty() {
            p.title = summary;
        }
        p
    }

    pub(super) fn save_preset(&mut self, path: &Path) {
        let written = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .map_err(anyhow::Error::from)
            .and_then(|()| write_atomically(path, preset_to_ron(&self.preset_to_write()).as_bytes()));
        self.notice = Some(match written {
            Ok(()) => format!("settings saved to {}", path.display()),
            Err(e) => format!("could not save the settings to {}: {e:#}", path.display()),
        });
    }

    /// A file name stem naming the runs and the step they reached.
    pub(super) fn export_stem(&self, what: &str) -> String {
        let p = &self.edit;
        let mut stem = format!(
            "{what}-{}-d{}-{}-{}",
            p.target.kind.slug(),
            p.target.dim,
            p.bridge.label().to_lowercase(),
            p.loss.label().to_lowercase()
        );
        if let Some(v) = &p.compare {
            // What the second run changes, by its new value where that is a word.
            let second = v.apply(p);
            let slug = |s: &str| {
                s.to_lowercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect::<String>()
            };
            let what: Vec<String> = second
                .differences_from(p)
                .into_iter()
                .map(|field| match field {
                    "bridge" => slug(second.bridge.label()),
                    "loss" => slug(second.loss.label()),
                    "diffusion" => format!("{}-sigma", slug(second.diffusion.label())),
                    other => slug(other),
                })
                .collect();
            stem.push_str(&format!("-vs-{}", what.join("-")));
        }
        stem.push_str(&format!("-step{}", self.run().step()));
        stem
    }

    /// Writes the latest samples of every run and says where, or why not.
    pub(super) fn export_samples(&mut self) {
        let stem = self.export_stem("samples");
        let mut written = Vec::new();
        for (i, pane) in self.panes.iter().enumerate() {
            let Some(snap) = &pane.view.snapshot else {
                self.notice = Some("no samples yet".into());
                return;
            };
            let name = if self.panes.len() > 1 {
                format!("{stem}-run{}.npy", i + 1)
            } else {
                format!("{stem}.npy")
            };
            let path = self.export_dir.join(name);
            let result = std::fs::create_dir_all(&self.export_dir)
                .map_err(anyhow::Error::from)
                .and_then(|()| write_samples_npy(&path, &snap.samples, snap.dim));
            if let Err(e) = result {
                self.notice = Some(format!("could not export samples to {}: {e:#}", path.display()));
                return;
            }
            written.push(path.display().to_string());
        }
        self.notice = Some(format!("samples written to {}", written.join(", ")));
    }

    pub(super) fn export_figure(&mut self) {
        let stem = self.export_stem("figure");
        let mut figure = self.current_figure().clone();
        // With the axes held, the export shows what the screen shows, pan and zoom included.
        if !self.curves.follow_data {
            for ((c, i), shown) in &self.shown_bounds {
                if let Some(panel) = figure.columns.get_mut(*c).and_then(|col| col.panels.get_mut(*i)) {
                    panel.view = Some(shown.bounds);
                }
            }
        }
        self.notice = Some(
            match figure::export(
                &figure,
                &self.preset_to_write(),
                &self.export_dir,
                &stem,
                self.export_options,
            ) {
                Ok(paths) => format!(
                    "figure written to {}",
                    paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Err(e) => format!("could not export the figure: {e:#}"),
            },
        );
    }

    /// The figure of the current runs, rebuilt only when a run or the plot choice changed.
    pub fn current_figure(&mut self) -> &Figure {
        let key = FigureKey {
            runs: self
                .panes
                .iter()
                .map(|p| {
                    let v = &p.view;
                    (
                        v.run,
                        v.snapshots_received,
                        v.history.last().map_or(0, |r| r.step),
                        v.history.len(),
                    )
                })
                .collect(),
            choice: self.plot,
            curves: self.curves,
            time: self.time,
        };
        if self.figure.as_ref().is_none_or(|(k, _)| *k != key) {
            let built = figure::figure(&self.runs(), self.plot, self.curves, self.time);
            self.figure = Some((key, built));
        }
        &self.figure.as_ref().expect("built above").1
    }
}

/// Where the second run of a comparison is saved: `run.json` becomes `run-run2.json`.
/// The file beside a checkpoint that holds the lab's trail of its run.
fn trail_path(checkpoint: &Path) -> PathBuf {
    checkpoint.with_file_name(format!("{}.lab-trail.json", checkpoint_stem(checkpoint)))
}

/// A checkpoint file's name without its extension, the start of the files saved beside it.
fn checkpoint_stem(path: &Path) -> std::borrow::Cow<'_, str> {
    path.file_stem()
        .map_or("checkpoint".into(), |s| s.to_string_lossy())
}

/// A trail, where one was saved and reads; without it the run resumes with its curves only.
fn read_trail(path: &Path) -> Option<RunTrail> {
    /// A trail holds at most 4000 points per curve: far below this.
    const MOST: u64 = 64 << 20;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MOST {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

pub(super) fn second_run_path(path: &Path) -> PathBuf {
    let stem = checkpoint_stem(path);
    let name = match path.extension() {
        Some(ext) => format!("{stem}-run2.{}", ext.to_string_lossy()),
        None => format!("{stem}-run2"),
    };
    path.with_file_name(name)
}
