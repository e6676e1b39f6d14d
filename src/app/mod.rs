//! The desktop lab: egui panels over the training worker. No burn types here; everything
//! arrives as protocol messages.

pub mod gallery;
pub mod kde;
mod panels;
pub mod view;

use std::sync::Arc;

use crate::protocol::Command;
use crate::runtime::Worker;
use crate::sim::Preset;
use crate::sim::config::LearningRates;
use view::{RunView, Status};

/// Every user action. Buttons and tests send the same values.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Play,
    Pause,
    Step(usize),
    Reset,
    /// Start over with the next seed.
    Reseed,
    Evaluate,
    /// Start a new run with edited settings.
    Restart(Box<Preset>),
    /// Change learning rates without restarting.
    SetLearningRates(LearningRates),
    SetSnapshotEvery(usize),
    /// Write the latest batch of samples as `.npy` into the export directory.
    ExportSamples,
}

pub struct LabApp {
    worker: Worker,
    pub view: RunView,
    /// The settings being edited; applied on change.
    pub edit: Preset,
    pub snapshot_every: usize,
    /// Presets offered in the side panel (from `presets/` next to the working directory).
    pub gallery: Vec<gallery::GalleryEntry>,
    /// Where exports go.
    pub export_dir: std::path::PathBuf,
}

impl LabApp {
    /// Starts the worker on `preset`; `repaint` is called from the worker when data arrives.
    pub fn new(preset: Preset, repaint: Arc<dyn Fn() + Send + Sync>) -> std::io::Result<Self> {
        let worker = Worker::spawn(preset.clone(), repaint)?;
        Ok(Self {
            worker,
            view: RunView::default(),
            edit: preset,
            snapshot_every: 10,
            gallery: Vec::new(),
            export_dir: std::path::PathBuf::from("exports"),
        })
    }

    /// Offers the presets found in `dir`; unreadable ones are reported in the message line.
    pub fn with_gallery(mut self, dir: &std::path::Path) -> Self {
        let (found, errors) = gallery::scan(dir);
        self.gallery = found;
        if !errors.is_empty() {
            self.view.message = Some(format!("some presets were skipped: {}", errors.join("; ")));
        }
        self
    }

    /// Loads a preset file (opened or dropped) and restarts on it; a bad file leaves the run
    /// as it is and says why.
    pub fn open_preset(&mut self, path: &std::path::Path) {
        match crate::sim::validate::load_preset(path) {
            Ok(p) => self.apply(Action::Restart(Box::new(p))),
            Err(e) => self.view.message = Some(e.to_string()),
        }
    }

    /// Writes the latest samples and says where, or why not.
    fn export_samples(&mut self) {
        let Some(snap) = &self.view.snapshot else {
            self.view.message = Some("no samples yet".into());
            return;
        };
        let name = format!(
            "{}-{}-{}-step{}.npy",
            self.edit.target.kind.slug(),
            self.edit.bridge.label().to_lowercase(),
            self.edit.loss.label().to_lowercase(),
            snap.step
        );
        let path = self.export_dir.join(name);
        let written = std::fs::create_dir_all(&self.export_dir)
            .map_err(anyhow::Error::from)
            .and_then(|()| crate::export::write_samples_npy(&path, &snap.samples, snap.dim));
        self.view.message = Some(match written {
            Ok(()) => format!("samples written to {}", path.display()),
            Err(e) => format!("could not export samples to {}: {e:#}", path.display()),
        });
    }

    pub fn apply(&mut self, action: Action) {
        let command = match action {
            Action::ExportSamples => return self.export_samples(),
            Action::Play => {
                self.view.status = Status::Running;
                Command::Play
            }
            Action::Pause => Command::Pause,
            Action::Step(n) => {
                self.view.status = Status::Running;
                Command::Step(n)
            }
            Action::Reset => Command::Reset,
            Action::Reseed => {
                self.edit.seed = self.edit.seed.wrapping_add(1);
                Command::Reseed(self.edit.seed)
            }
            Action::Evaluate => Command::Evaluate,
            Action::Restart(preset) => {
                self.edit = (*preset).clone();
                Command::Restart(preset)
            }
            Action::SetLearningRates(lr) => {
                self.edit.lr = lr;
                Command::SetLearningRates(lr)
            }
            Action::SetSnapshotEvery(n) => {
                self.snapshot_every = n.max(1);
                Command::SetSnapshotEvery(self.snapshot_every)
            }
        };
        if !self.worker.send(command) {
            self.view.message = Some("the training thread is busy or gone; try again".into());
        }
    }

    /// Takes in whatever the worker sent since the last frame.
    pub fn poll(&mut self) {
        for event in self.worker.poll_events() {
            self.view.ingest(event);
        }
        if let Some(s) = self.worker.take_snapshot() {
            self.view.ingest_snapshot(s);
        }
    }

    /// Draws the whole lab and applies what the user did.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.poll();
        let mut actions = Vec::new();
        egui::Panel::top("controls").show(ui, |ui| panels::controls(ui, &self.view, &mut actions));
        egui::Panel::left("settings").resizable(true).show(ui, |ui| {
            panels::settings(ui, &mut self.edit, &self.view, &self.gallery, &mut actions)
        });
        egui::CentralPanel::default().show(ui, |ui| panels::plots(ui, &mut self.view));
        let dropped: Vec<std::path::PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        for path in dropped {
            self.open_preset(&path);
        }
        for a in actions {
            self.apply(a);
        }
        if self.view.status == Status::Running {
            // Training events wake the UI; this only keeps the step counter moving smoothly.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(250));
        }
    }
}

impl eframe::App for LabApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        LabApp::ui(self, ui);
    }
}

/// Opens the lab window on `preset` and starts training at once.
pub fn run_native(preset: Preset) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 820.0])
            .with_title("bridgelab"),
        ..Default::default()
    };
    eframe::run_native(
        "bridgelab",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let mut app = LabApp::new(preset, Arc::new(move || ctx.request_repaint()))?
                .with_gallery(std::path::Path::new("presets"));
            app.apply(Action::Play);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the lab window: {e}"))
}
