//! Plain-data messages between the training worker and whoever drives it (the lab's UI, tests,
//! scripts). No tensor or widget types cross this boundary.

//!
//! The plain-data types of the engine that cross this boundary (presets, records, snapshots)
//! are re-exported here, so that the UI layer names only this module and never the engine.

mod slot;

use std::path::PathBuf;

pub use slot::LatestSlot;

pub use crate::sim::bridge::time_axis::{AnnealedDensity, DriftField, PathRequest, PathSet, StepDensity};
pub use crate::sim::metrics::kde;
pub use crate::sim::metrics::{ModeCoverage, WeightStats};
pub use crate::sim::preset::file::{PresetError, load_preset, parse_preset, preset_to_ron};
pub use crate::sim::preset::guide::{Claim, GuideAct, GuideStep};
pub use crate::sim::preset::validate::{COMPONENT_REACH, COMPONENT_STD, MAX_COMPONENTS};
pub use crate::sim::preset::{
    BridgeKind, Component, ComputeDevice, DiffusionMode, DivergencePolicy, EvalSettings, LearningRates,
    LossKind, PRESET_VERSION, Preset, TargetKind, TargetSpec, Variation,
};
pub use crate::sim::report::{
    DENSITY_GRID_SIZE, DensityGrid, Evaluation, EvaluationStage, Snapshot, StepRecord,
};
pub use crate::sim::targets::data::{data_dir_setting, set_data_dir, use_built_in_data};
pub use crate::sim::targets::{MarginalSource, TargetMarginals};
pub use crate::sim::training::checkpoint::read_preset as checkpoint_preset;

/// Identifies one run: every reset or restart starts a new one, so data that was in flight
/// from an earlier run can be recognised and dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunId(pub u64);

/// Everything a user can ask of a run. Buttons, shortcuts and tests all send these.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Train continuously until paused, finished or failed.
    Play,
    Pause,
    /// Train exactly this many steps, then pause.
    Step(usize),
    /// Start the current preset over with its own seed.
    Reset,
    /// Start the current preset over with another seed.
    Reseed(u64),
    /// Start a new run with these settings (validated first; a bad preset leaves the current
    /// run untouched).
    Restart(Box<Preset>),
    /// Change the learning rates of the running optimiser without restarting.
    SetLearningRates(LearningRates),
    /// Publish a snapshot every this many steps.
    SetSnapshotEvery(usize),
    /// Train at most this many steps per second, publishing every step (slow motion for a
    /// class), or with `None` as fast as the machine goes.
    SetPace(Option<u32>),
    /// Compute metrics on fresh samples (a run also does when it finishes); a Sinkhorn figure
    /// that has not converged within the lab's time budget is left out and said so.
    Evaluate,
    /// [`Command::Evaluate`] without a time budget (Reset still cancels it).
    EvaluateFully,
    /// Write the run (parameters, optimiser, step, history) to this checkpoint file.
    SaveCheckpoint(PathBuf),
    /// Replace the run by the one saved in this checkpoint file; a bad file leaves the run
    /// untouched.
    Resume(PathBuf),
    /// Add paths of both processes, and what else the request asks for, to every snapshot
    /// (the lab's time axis), or with `None` none: they cost a rollout each, so only while
    /// they are shown.
    WatchPaths(Option<PathRequest>),
    /// Stop the worker thread.
    Shutdown,
}

/// What the worker reports. Every event names its run.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Started {
        run: RunId,
        preset: Box<Preset>,
        target: Box<TargetInfo>,
        /// Where the run computes, in words ("CPU (flex)").
        device: String,
        /// Logged steps the run already has: empty for a fresh run, the saved history for a
        /// resumed one.
        history: Vec<StepRecord>,
    },
    Stepped {
        run: RunId,
        record: StepRecord,
    },
    Paused {
        run: RunId,
        step: usize,
    },
    Finished {
        run: RunId,
        step: usize,
    },
    /// A setting was changed live, without a restart: the steps after `step` train with it.
    Changed {
        run: RunId,
        step: usize,
        /// What changed, from what to what ("learning rates: networks from 0.01 to 0.001").
        what: String,
    },
    /// An evaluation on `samples` fresh paths has begun `stage`.
    Evaluating {
        run: RunId,
        samples: usize,
        stage: EvaluationStage,
    },
    Evaluated {
        run: RunId,
        evaluation: Box<Evaluation>,
        /// The Sinkhorn figures were left out: they did not converge within the lab's time
        /// budget ([`Command::EvaluateFully`] computes them without one).
        cut_short: bool,
    },
    /// The run stopped: it diverged or the engine panicked. Its history is kept until reset.
    Failed {
        run: RunId,
        step: usize,
        message: String,
    },
    /// A command was refused (an invalid preset, say); the run goes on as before.
    Rejected {
        run: RunId,
        message: String,
    },
    /// The run was written to a checkpoint file at this step.
    Saved {
        run: RunId,
        step: usize,
        path: PathBuf,
    },
}

impl Event {
    pub fn run(&self) -> RunId {
        match self {
            Event::Started { run, .. }
            | Event::Stepped { run, .. }
            | Event::Paused { run, .. }
            | Event::Finished { run, .. }
            | Event::Changed { run, .. }
            | Event::Evaluating { run, .. }
            | Event::Evaluated { run, .. }
            | Event::Failed { run, .. }
            | Event::Rejected { run, .. }
            | Event::Saved { run, .. } => *run,
        }
    }
}

/// What a view needs to know about a run's target, fixed for the run.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetInfo {
    pub name: String,
    pub dim: usize,
    /// A range per coordinate that holds most of the mass.
    pub plot_range: (f32, f32),
    /// Mixture component locations, row-major `K × dim`.
    pub modes: Option<Vec<f32>>,
    pub log_z: Option<f64>,
    /// log ρ on a grid, for 2-D targets: the background of the sample plot.
    pub density: Option<DensityGrid>,
    /// Exact target draws, row-major `n × dim`, for the sample plot of d > 2.
    pub reference: Option<Vec<f32>>,
    /// The target's marginal density of each coordinate: exact, or a stated kernel estimate.
    pub marginals: Option<TargetMarginals>,
}

/// A snapshot tagged with the run it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSnapshot {
    pub run: RunId,
    pub snapshot: Snapshot,
}
