//! The desktop lab: egui panels over one or two training workers. No engine types here;
//! everything arrives as protocol messages.

mod action;
pub mod choices;
mod command_handling;
pub mod drawing;
pub mod figure;
pub mod frame_stats;
pub mod gallery;
mod guide_steps;
mod layout;
mod pane;
mod saving;
mod ui;
mod window;

use std::path::{Path, PathBuf};
use std::time::Instant;

pub use action::Action;
pub use figure::whole_tick;
pub use ui::plot_id;
pub use window::{WindowOptions, run_native};

use crate::export::{write_atomically, write_samples_npy};
use crate::protocol::{
    Command, GuideAct, GuideStep, PathRequest, Preset, RunId, TargetKind, checkpoint_preset,
    data_dir_setting, load_preset, preset_to_ron, set_data_dir, use_built_in_data,
};
use crate::runtime::Wake;
use crate::runtime::run_store::{RunStore, Status};
use choices::curve_view::CurveView;
use choices::display::Display;
use choices::plot_choice::PlotChoice;
use choices::presentation::Presentation;
use choices::side_tab::SideTab;
use choices::time_view::TimeView;
use figure::{ExportOptions, Figure};
use frame_stats::FrameStats;
use pane::RunPane;
use ui::ShownBounds;
pub use ui::ShownPlot;
use ui::thumbnails::Thumbnails;

/// What the figure was built from; an unchanged key means the cached figure is still right.
#[derive(Clone, PartialEq)]
struct FigureKey {
    /// Per run: its id, snapshots received, last logged step and logged steps.
    runs: Vec<(Option<RunId>, u64, usize, usize)>,
    choice: PlotChoice,
    curves: CurveView,
    time: TimeView,
}

/// How long a notice (a file written, a file refused) stays in the header.
pub const NOTICE_LIFETIME: std::time::Duration = std::time::Duration::from_secs(12);

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
    /// The step "Train to" trains up to.
    pub train_to: usize,
    /// Steps per second at most, or as fast as the machine goes.
    pub pace: Option<u32>,
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
    /// Whether that card shows its answer.
    answer_open: bool,
    /// The panel the card shown speaks of, until the plot area has scrolled to it.
    bring_into_view: Option<figure::PanelKind>,
    /// Presentation mode, the folded card, the panel shown full-screen.
    presentation: Presentation,
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
    /// The notice last shown and since when: it goes after [`NOTICE_LIFETIME`].
    notice_seen: (Option<String>, Instant),
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
            train_to: 100,
            pace: None,
            plot: PlotChoice::default(),
            curves: CurveView::default(),
            time: TimeView::default(),
            sent_watch: None,
            drawing: false,
            guide_step: 0,
            answer_open: false,
            bring_into_view: None,
            presentation: Presentation::default(),
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
            notice_seen: (None, Instant::now()),
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
    pub fn run(&self) -> &RunStore {
        &self.panes[0].view
    }

    /// Every shown run, the first one first.
    pub fn runs(&self) -> Vec<&RunStore> {
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

    /// True while clicks on the sample plot draw the target.
    pub fn is_drawing(&self) -> bool {
        self.drawing && self.edit.target.kind == TargetKind::Custom
    }

    /// The lesson's guide (the preset last loaded), and the step shown.
    pub fn guide(&self) -> (&[GuideStep], usize) {
        (&self.origin.guide, self.guide_step)
    }

    /// Presentation mode, the folded card and the panel shown full-screen.
    pub fn presentation(&self) -> Presentation {
        self.presentation
    }

    /// Whether the lesson card shows its answer.
    pub fn answer_open(&self) -> bool {
        self.answer_open
    }

    /// Steps of the first run's bridge, N.
    /// Before the first run has started, the settings' N: a step chosen then is kept.
    fn bridge_steps(&self) -> usize {
        self.run()
            .preset
            .as_ref()
            .map_or(self.edit.path_steps, |p| p.path_steps)
    }

    pub fn is_comparing(&self) -> bool {
        self.panes.len() > 1
    }

    /// True once the target cards have their pictures.
    pub fn thumbnails_ready(&self) -> bool {
        self.thumbnails.ready()
    }
}
