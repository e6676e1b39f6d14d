//! Every user action in the lab. Buttons, shortcuts, dropped files and tests all send these
//! values to [`LabApp::apply`](super::LabApp::apply).

use std::path::PathBuf;

use crate::app::choices::curve_view::CurveView;
use crate::app::choices::plot_choice::PlotChoice;
use crate::app::choices::presentation::Presentation;
use crate::app::choices::side_tab::SideTab;
use crate::app::choices::time_view::TimeView;
use crate::app::drawing::DrawingEdit;
use crate::app::figure::ExportOptions;
use crate::protocol::{LearningRates, Preset, Variation};

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Train every shown run until paused, finished or failed.
    Play,
    Pause,
    /// Train exactly this many steps, then pause.
    Step(usize),
    /// How many steps the "Step N" button trains.
    SetStepCount(usize),
    /// Train every shown run up to this training step, then pause (a run there or beyond
    /// stays as it is).
    TrainTo(usize),
    /// The step the "Train to" button trains up to.
    SetTrainTo(usize),
    /// Train at most this many steps per second, each one shown (slow motion), or with `None`
    /// as fast as the machine goes.
    SetPace(Option<u32>),
    /// Start over with the same seed.
    Reset,
    /// Start over with the next seed.
    Reseed,
    /// Compute metrics on fresh samples (the Sinkhorn figures within a time budget).
    Evaluate,
    /// Compute them without the time budget.
    EvaluateFully,
    /// Start new runs with these settings; the preset's `compare` decides whether a second run
    /// is shown beside the first.
    Restart(Box<Preset>),
    /// Start new runs on a preset (from the gallery), which becomes the one `ResetToPreset`
    /// returns to and whose description the settings show.
    LoadPreset(Box<Preset>),
    /// Go back to the settings of the preset last loaded, opened or resumed.
    ResetToPreset,
    /// Show a second run with these changes beside the first, or go back to one run.
    SetCompare(Option<Variation>),
    /// Change the learning rates without restarting.
    SetLearningRates(LearningRates),
    /// Publish a snapshot every this many steps.
    SetSnapshotEvery(usize),
    /// Which coordinates the sample and marginal plots show.
    SetPlotChoice(PlotChoice),
    /// How the curves are drawn: smoothing, recent steps only, both runs in one plot, axes
    /// that follow the data.
    SetCurveView(CurveView),
    /// The sample plot's time axis: the step shown, play, paths.
    SetTimeView(TimeView),
    /// Draw the whole lab this many times its normal size (clamped to 0.5–3), and remember it.
    SetZoom(f32),
    /// Show the lessons and presets, or the settings, in the left panel.
    ShowSide(SideTab),
    /// Read a preset file and restart on it; a bad file leaves the runs as they are.
    OpenPreset(PathBuf),
    /// Write the current settings as a preset file.
    SavePreset(PathBuf),
    /// Read benchmark data (mixture constants, Bayesian data sets) from this directory, or with
    /// `None` from the copy built into bridgelab, from now on, and start the runs over with it.
    SetDataDir(Option<PathBuf>),
    /// Save every run to a checkpoint file (the second run of a comparison beside it, with
    /// `-run2` in its name).
    SaveCheckpoint(PathBuf),
    /// Replace the runs by the one saved in a checkpoint file and show it alone; a bad file
    /// leaves the runs as they are.
    ResumeCheckpoint(PathBuf),
    /// Write the latest samples of every run as `.npy` into the export directory.
    ExportSamples,
    /// Write the current figure as PNG and SVG, with its data as CSV and the preset beside it.
    ExportFigure,
    /// The scale of exported figures and whether each panel is also written alone.
    SetExportOptions(ExportOptions),
    /// Draw the target on the sample plot (clicks add components, drags move them, the wheel
    /// widens them), switching to a drawn target; or stop drawing.
    SetDrawing(bool),
    /// Change the drawn target and start the runs over on it from the same seed.
    EditDrawing(DrawingEdit),
    /// Show step `i` of the lesson's guide (from 0) and do what it does; its answer starts
    /// closed.
    ShowGuideStep(usize),
    /// Open or close the answer on the lesson card shown.
    ShowAnswer(bool),
    /// Presentation mode, the folded lesson card and the panel shown full-screen.
    SetPresentation(Presentation),
}
