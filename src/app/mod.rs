//! The desktop lab: egui panels over one or two training workers. No engine types here;
//! everything arrives as protocol messages.

mod action;
pub mod curve_view;
pub mod decline;
pub mod display;
pub mod drawing;
pub mod figure;
pub mod frame_stats;
pub mod gallery;
mod heat_texture;
mod pane;
mod panels;
pub mod plot_choice;
pub mod side_tab;
mod thumbnails;
pub mod time_view;
pub mod view;
mod window;

use std::path::{Path, PathBuf};
use std::time::Instant;

pub use action::Action;
pub use figure::whole_tick;
pub use panels::plot_id;
pub use window::{WindowOptions, run_native};

use crate::export::{write_atomically, write_samples_npy};
use crate::protocol::{
    Command, GuideAct, GuideStep, PathRequest, Preset, RunId, TargetKind, checkpoint_preset,
    data_dir_setting, load_preset, preset_to_ron, set_data_dir, use_built_in_data,
};
use crate::runtime::Wake;
use curve_view::CurveView;
use display::Display;
use figure::{ExportOptions, Figure};
use frame_stats::FrameStats;
use pane::RunPane;
use panels::ShownBounds;
pub use panels::ShownPlot;
use plot_choice::PlotChoice;
use side_tab::SideTab;
use thumbnails::Thumbnails;
use time_view::TimeView;
use view::{RunView, Status};

/// What the figure was built from; an unchanged key means the cached figure is still right.
#[derive(Clone, PartialEq)]
struct FigureKey {
    /// Per run: its id, snapshots received, last logged step and logged steps.
    runs: Vec<(Option<RunId>, u64, usize, usize)>,
    choice: PlotChoice,
    curves: CurveView,
    time: TimeView,
}

pub struct LabApp {
    panes: Vec<RunPane>,
    wake: Wake,
    /// The settings being edited; applied on change. Its `compare` describes the second run.
    pub edit: Preset,
    /// The preset the settings came from (loaded, opened or resumed): what "reset to the
    /// preset's settings" returns to, and what its description speaks of.
    pub origin: Preset,
    pub snapshot_every: usize,
    /// How many steps "Step N" trains.
    pub step_count: usize,
    pub plot: PlotChoice,
    /// How the curves are drawn.
    pub curves: CurveView,
    /// The sample plot's time axis.
    time: TimeView,
    /// What the workers were last asked to add to their snapshots.
    sent_watch: Option<PathRequest>,
    /// Clicks, drags and the wheel on the sample plot edit the drawn target.
    drawing: bool,
    /// The lesson card shown, from 0, when the preset has a guide.
    guide_step: usize,
    /// The lab's zoom, and the file that remembers it (none in tests unless given).
    display: Display,
    display_file: Option<PathBuf>,
    /// When the time axis last advanced while playing.
    last_tick: Instant,
    /// What the left panel shows.
    pub side: SideTab,
    /// How figures are exported.
    pub export_options: ExportOptions,
    /// The box each plot showed in the last frame.
    shown_bounds: ShownBounds,
    /// Presets offered in the side panel: the built-in ones and any from a presets directory.
    pub gallery: Vec<gallery::GalleryEntry>,
    /// Where exports go.
    pub export_dir: PathBuf,
    /// The file the Open and Save buttons use.
    pub preset_path: String,
    /// The file the checkpoint buttons use.
    pub checkpoint_path: String,
    /// The data directory field of the settings.
    pub data_dir_text: String,
    /// The latest outcome of something the user asked for (an export, a file), shown until
    /// the next one.
    pub notice: Option<String>,
    /// Frame times, shown in the status line when `show_frame_time` is on.
    pub frames: FrameStats,
    pub show_frame_time: bool,
    thumbnails: Thumbnails,
    figure: Option<(FigureKey, Figure)>,
}

impl LabApp {
    /// Starts the workers for `preset` (two when it asks for a comparison); `wake` is called
    /// from the workers when data arrives.
    pub fn new(preset: Preset, wake: Wake) -> std::io::Result<Self> {
        let mut panes = vec![RunPane::spawn(preset.clone(), wake.clone())?];
        if let Some(second) = preset.compared() {
            panes.push(RunPane::spawn(second, wake.clone())?);
        }
        Ok(Self {
            panes,
            thumbnails: Thumbnails::spawn(wake.clone()),
            wake,
            origin: preset.clone(),
            edit: preset,
            snapshot_every: 10,
            step_count: 50,
            plot: PlotChoice::default(),
            curves: CurveView::default(),
            time: TimeView::default(),
            sent_watch: None,
            drawing: false,
            guide_step: 0,
            last_tick: Instant::now(),
            display: Display::default(),
            display_file: None,
            side: SideTab::default(),
            export_options: ExportOptions::default(),
            shown_bounds: ShownBounds::new(),
            gallery: gallery::built_in(),
            export_dir: PathBuf::from("exports"),
            preset_path: "presets/my_preset.ron".into(),
            checkpoint_path: "checkpoints/run.json".into(),
            data_dir_text: data_dir_setting(),
            notice: None,
            frames: FrameStats::default(),
            show_frame_time: false,
            figure: None,
        })
    }

    /// Also offers the presets found in `dir` (they replace built-in ones of the same name);
    /// unreadable ones are reported in the notice line.
    pub fn with_gallery(mut self, dir: &Path) -> Self {
        let (found, errors) = gallery::scan(dir);
        self.gallery = gallery::merge(std::mem::take(&mut self.gallery), found);
        if !errors.is_empty() {
            self.notice = Some(format!("some presets were skipped: {}", errors.join("; ")));
        }
        self
    }

    /// Reads the zoom remembered in `path`, and remembers changes there.
    pub fn with_display_file(mut self, path: PathBuf) -> Self {
        self.display = Display::load(&path);
        self.display_file = Some(path);
        self
    }

    pub fn display(&self) -> Display {
        self.display
    }

    /// The first run.
    pub fn view(&self) -> &RunView {
        &self.panes[0].view
    }

    /// Every shown run, the first one first.
    pub fn views(&self) -> Vec<&RunView> {
        self.panes.iter().map(|p| &p.view).collect()
    }

    /// Where the panel of `kind` in figure column `column` was drawn in the last frame.
    pub fn shown_plot(&mut self, column: usize, kind: figure::PanelKind) -> Option<ShownPlot> {
        let index = self
            .current_figure()
            .columns
            .get(column)?
            .panels
            .iter()
            .position(|p| p.kind == kind)?;
        self.shown_bounds
            .iter()
            .find(|(at, _)| *at == (column, index))
            .map(|(_, shown)| *shown)
    }

    /// The sample plot's time axis.
    pub fn time_view(&self) -> TimeView {
        self.time
    }

    /// What the workers should add to their snapshots: paths while the time axis is shown,
    /// with the density over the steps of the marginal plot's coordinate and the drift fields
    /// while their panels are.
    fn watched_paths(&self) -> Option<PathRequest> {
        self.time.on.then(|| PathRequest {
            count: time_view::PATH_COUNT,
            strip: self.time.strip.then_some(self.plot.marginal),
            drift: self.time.drift,
        })
    }

    /// Tells the workers when what they should send has changed.
    fn sync_watch(&mut self) {
        let wanted = self.watched_paths();
        if wanted != self.sent_watch {
            self.sent_watch = wanted;
            self.broadcast(Command::WatchPaths(wanted));
        }
    }

    /// True while clicks on the sample plot draw the target.
    pub fn is_drawing(&self) -> bool {
        self.drawing && self.edit.target.kind == TargetKind::Custom
    }

    /// The lesson's guide (the preset last loaded), and the step shown.
    pub fn guide(&self) -> (&[GuideStep], usize) {
        (&self.origin.guide, self.guide_step)
    }

    /// Steps of the first run's bridge, N.
    /// Before the first run has started, the settings' N: a step chosen then is kept.
    fn bridge_steps(&self) -> usize {
        self.view().preset.as_ref().map_or(self.edit.steps, |p| p.steps)
    }

    pub fn is_comparing(&self) -> bool {
        self.panes.len() > 1
    }

    /// True once the target cards have their pictures.
    pub fn thumbnails_ready(&self) -> bool {
        self.thumbnails.ready()
    }

    fn broadcast(&mut self, command: Command) {
        for pane in &mut self.panes {
            pane.send(command.clone());
        }
    }

    /// Makes the second run match `edit.compare`: started, restarted or removed.
    fn sync_second_run(&mut self) {
        match self.edit.compared() {
            None => self.panes.truncate(1),
            Some(second) if self.panes.len() > 1 => self.panes[1].restart(second),
            Some(second) => match RunPane::spawn(second, self.wake.clone()) {
                Ok(mut pane) => {
                    pane.send(Command::SetSnapshotEvery(self.snapshot_every));
                    pane.send(Command::WatchPaths(self.watched_paths()));
                    if self.panes[0].view.status == Status::Running {
                        pane.send(Command::Play);
                    }
                    self.panes.push(pane);
                }
                Err(e) => self.notice = Some(format!("cannot start the second run: {e}")),
            },
        }
    }

    pub fn apply(&mut self, action: Action) {
        self.apply_one(action);
        self.sync_watch();
    }

    fn apply_one(&mut self, action: Action) {
        match action {
            Action::Play => self.broadcast(Command::Play),
            Action::Pause => self.broadcast(Command::Pause),
            Action::Step(n) => self.broadcast(Command::Step(n)),
            Action::SetStepCount(n) => self.step_count = n.max(1),
            Action::SetPlotChoice(choice) => self.plot = choice,
            Action::SetCurveView(curves) => self.curves = curves,
            Action::SetTimeView(time) => {
                self.time = time;
                self.last_tick = Instant::now();
            }
            Action::ShowSide(tab) => self.side = tab,
            Action::SetZoom(zoom) => {
                self.display = Display { zoom }.clamped();
                if let Some(path) = &self.display_file
                    && let Err(e) = self.display.save(path)
                {
                    self.notice = Some(format!("the zoom is not remembered: {e}"));
                }
            }
            Action::SetExportOptions(options) => self.export_options = options,
            Action::Reset => self.broadcast(Command::Reset),
            Action::Reseed => {
                self.edit.seed = self.edit.seed.wrapping_add(1);
                self.broadcast(Command::Reseed(self.edit.seed));
            }
            Action::Evaluate => self.broadcast(Command::Evaluate),
            Action::Restart(preset) => {
                self.edit = *preset;
                self.panes[0].restart(self.edit.clone());
                self.sync_second_run();
            }
            Action::LoadPreset(preset) => {
                self.origin = (*preset).clone();
                self.apply_one(Action::Restart(preset));
                self.show_guide_step(0);
            }
            Action::ResetToPreset => self.apply(Action::Restart(Box::new(self.origin.clone()))),
            Action::SetCompare(variation) => {
                // Only the second run starts (or starts over, or goes): the first keeps what
                // it has trained, so a teacher can add a comparison to a run in progress.
                self.edit.compare = variation;
                self.sync_second_run();
            }
            Action::SetLearningRates(lr) => {
                self.edit.lr = lr;
                self.panes[0].send(Command::SetLearningRates(lr));
                let own = self.edit.compare.as_ref().and_then(|v| v.lr);
                if let Some(second) = self.panes.get_mut(1) {
                    second.send(Command::SetLearningRates(own.unwrap_or(lr)));
                }
            }
            Action::SetSnapshotEvery(n) => {
                self.snapshot_every = n.max(1);
                self.broadcast(Command::SetSnapshotEvery(self.snapshot_every));
            }
            Action::OpenPreset(path) => self.open_preset(&path),
            Action::SavePreset(path) => self.save_preset(&path),
            Action::SetDataDir(dir) => self.use_data_dir(dir),
            Action::SaveCheckpoint(path) => self.save_checkpoint(&path),
            Action::ResumeCheckpoint(path) => self.resume_checkpoint(&path),
            Action::ExportSamples => self.export_samples(),
            Action::ExportFigure => self.export_figure(),
            Action::SetDrawing(on) => {
                if on && self.edit.target.kind != TargetKind::Custom {
                    let mut p = self.edit.clone();
                    p.suit_target(TargetKind::Custom, 2);
                    self.apply_one(Action::Restart(Box::new(p)));
                }
                self.drawing = on;
            }
            Action::EditDrawing(change) => {
                if self.edit.target.kind != TargetKind::Custom {
                    self.notice = Some("only a drawn target can be edited on the plot".into());
                    return;
                }
                let mut p = self.edit.clone();
                match drawing::apply(&mut p.target.components, change) {
                    Ok(()) => self.apply_one(Action::Restart(Box::new(p))),
                    Err(why) => self.notice = Some(why),
                }
            }
            Action::ShowGuideStep(i) => self.show_guide_step(i),
        }
    }

    /// Shows card `i` of the lesson's guide and does what the step does.
    fn show_guide_step(&mut self, i: usize) {
        let Some(last) = self.origin.guide.len().checked_sub(1) else {
            self.guide_step = 0;
            return;
        };
        self.guide_step = i.min(last);
        let Some(act) = self.origin.guide[self.guide_step].act else {
            return;
        };
        // The run a guide acts on is the one its settings start, before its first event.
        let steps = self.edit.steps;
        let time = self.time;
        let shown = match act {
            GuideAct::Play => return self.apply_one(Action::Play),
            GuideAct::ShowStep { step, paths } => TimeView {
                on: true,
                step: step.min(steps),
                playing: false,
                paths,
                replay: None,
                ..time
            },
            GuideAct::ShowDrifts { step } => TimeView {
                on: true,
                step: step.min(steps),
                playing: false,
                drift: true,
                replay: None,
                ..time
            },
            GuideAct::ShowCoordinateOverSteps { coordinate } => {
                self.apply_one(Action::SetPlotChoice(PlotChoice {
                    marginal: coordinate.saturating_sub(1),
                    ..self.plot
                }));
                TimeView {
                    on: true,
                    strip: true,
                    replay: None,
                    ..time
                }
            }
            GuideAct::Replay { step } => TimeView {
                on: false,
                playing: false,
                replay: Some(step),
                ..time
            },
        };
        self.apply_one(Action::SetTimeView(shown));
    }

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
    fn use_data_dir(&mut self, dir: Option<PathBuf>) {
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
    fn save_checkpoint(&mut self, path: &Path) {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            self.notice = Some(format!("cannot create {}: {e}", dir.display()));
            return;
        }
        self.checkpoint_path = path.display().to_string();
        let second = second_run_path(path);
        for (i, pane) in self.panes.iter_mut().enumerate() {
            let file = if i == 0 {
                path.to_path_buf()
            } else {
                second.clone()
            };
            pane.send(Command::SaveCheckpoint(file));
        }
        self.notice = None;
    }

    /// Reads the checkpoint's settings here (so a bad file changes nothing), then lets the
    /// first run load it; the comparison, if any, ends.
    fn resume_checkpoint(&mut self, path: &Path) {
        match checkpoint_preset(path) {
            Ok(preset) => {
                self.edit = preset;
                self.edit.compare = None;
                self.origin = self.edit.clone();
                self.checkpoint_path = path.display().to_string();
                self.sync_second_run();
                self.panes[0].send(Command::Resume(path.to_path_buf()));
                self.notice = Some(format!("resumed from {}", path.display()));
            }
            Err(e) => self.notice = Some(format!("cannot resume: {e}")),
        }
    }

    fn save_preset(&mut self, path: &Path) {
        let written = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .map_err(anyhow::Error::from)
            .and_then(|()| write_atomically(path, preset_to_ron(&self.edit).as_bytes()));
        self.notice = Some(match written {
            Ok(()) => format!("settings saved to {}", path.display()),
            Err(e) => format!("could not save the settings to {}: {e:#}", path.display()),
        });
    }

    /// A file name stem naming the runs and the step they reached.
    fn export_stem(&self, what: &str) -> String {
        let p = &self.edit;
        let mut stem = format!(
            "{what}-{}-d{}-{}-{}",
            p.target.kind.slug(),
            p.target.dim,
            p.bridge.label().to_lowercase(),
            p.loss.label().to_lowercase()
        );
        if let Some(v) = &p.compare {
            let second = v.apply(p);
            stem.push_str(&format!(
                "-vs-{}-{}",
                second.bridge.label().to_lowercase(),
                second.loss.label().to_lowercase()
            ));
        }
        stem.push_str(&format!("-step{}", self.view().step()));
        stem
    }

    /// Writes the latest samples of every run and says where, or why not.
    fn export_samples(&mut self) {
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

    fn export_figure(&mut self) {
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
            match figure::export(&figure, &self.edit, &self.export_dir, &stem, self.export_options) {
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
            let built = figure::figure(&self.views(), self.plot, self.curves, self.time);
            self.figure = Some((key, built));
        }
        &self.figure.as_ref().expect("built above").1
    }

    /// Takes in whatever the workers sent since the last frame.
    pub fn poll(&mut self) {
        for pane in &mut self.panes {
            pane.poll();
        }
    }

    /// Draws the whole lab and applies what the user did.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        self.poll();
        let mut actions = zoom_shortcuts(ui.ctx(), self.display.zoom);
        if ui.ctx().zoom_factor() != self.display.zoom {
            ui.ctx().set_zoom_factor(self.display.zoom);
        }
        self.thumbnails.poll(ui.ctx());
        egui::Panel::top("controls").show(ui, |ui| panels::controls(ui, self, &mut actions));
        egui::Panel::left("settings")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| panels::side(ui, self, &mut actions));
        egui::CentralPanel::default().show(ui, |ui| {
            panels::guide_card(ui, self, &mut actions);
            let dim = self.view().target.as_ref().map_or(1, |t| t.dim);
            panels::plot_choice(ui, self.plot, dim, &mut actions);
            panels::curve_view(ui, self.curves, self.is_comparing(), &mut actions);
            let sizes = (self.bridge_steps(), self.view().step(), dim);
            panels::time_view(ui, self.time, sizes, self.is_drawing(), &mut actions);
            let on_plots = panels::PlotInput {
                curves: self.curves,
                time: self.time,
                steps: self.bridge_steps(),
                drawing: self.is_drawing().then(|| self.edit.target.components.clone()),
            };
            self.shown_bounds = panels::plots(ui, self.current_figure(), &on_plots, &mut actions);
        });
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        // A dropped checkpoint resumes; anything else is read as a preset.
        actions.extend(dropped.into_iter().map(|path| {
            if path.extension().is_some_and(|e| e == "json") {
                Action::ResumeCheckpoint(path)
            } else {
                Action::OpenPreset(path)
            }
        }));
        if self.time.playing {
            if self.last_tick.elapsed() >= time_view::PLAY_TICK {
                actions.push(Action::SetTimeView(self.time.ticked(self.bridge_steps())));
            }
            ui.ctx().request_repaint_after(time_view::PLAY_TICK);
        }
        for a in actions {
            self.apply(a);
        }
        self.frames.record_ui(started.elapsed());
    }
}

/// Ctrl + (or Ctrl =), Ctrl − and Ctrl 0 as zoom actions; egui's own handling of these keys is
/// switched off, so that they go through [`Action::SetZoom`] and are remembered.
fn zoom_shortcuts(ctx: &egui::Context, zoom: f32) -> Vec<Action> {
    use egui::{Key, KeyboardShortcut, Modifiers};
    ctx.options_mut(|o| o.zoom_with_keyboard = false);
    let pressed =
        |key| ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, key)));
    let mut actions = Vec::new();
    if pressed(Key::Plus) || pressed(Key::Equals) {
        actions.push(Action::SetZoom(zoom * display::ZOOM_STEP));
    }
    if pressed(Key::Minus) {
        actions.push(Action::SetZoom(zoom / display::ZOOM_STEP));
    }
    if pressed(Key::Num0) {
        actions.push(Action::SetZoom(1.0));
    }
    actions
}

/// Where the second run of a comparison is saved: `run.json` becomes `run-run2.json`.
fn second_run_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or("checkpoint".into(), |s| s.to_string_lossy());
    let name = match path.extension() {
        Some(ext) => format!("{stem}-run2.{}", ext.to_string_lossy()),
        None => format!("{stem}-run2"),
    };
    path.with_file_name(name)
}
