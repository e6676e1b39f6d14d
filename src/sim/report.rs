//! Plain-data results of the engine: what a step, a snapshot and an evaluation report.

use serde::{Deserialize, Serialize};

use super::metrics::{ModeCoverage, SinkhornReport, WeightStats};

/// One logged training step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub step: usize,
    #[serde(with = "crate::sim::platform::json_float")]
    pub loss: f64,
    pub weights: WeightStats,
    /// Network-group learning rate after the cosine schedule.
    #[serde(with = "crate::sim::platform::json_float")]
    pub lr: f64,
    /// Seconds of training since the run (or its resumed part) began.
    #[serde(with = "crate::sim::platform::json_float")]
    pub wall_seconds: f64,
    /// Set when the step produced non-finite values: what was not finite. Under the policy
    /// `Skip` its update was dropped; under `ZeroNonFinite` it was applied with the gradient's
    /// non-finite entries zeroed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// At a step that ends an epoch of ten, the means over the epoch's training batches
    /// (what the paper's reporting reads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<super::metrics::EpochMeans>,
}

/// What the lab draws: the latest batch and the learned SDE parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub step: usize,
    pub dim: usize,
    /// Final states of the latest training batch, row-major `batch × dim`.
    pub samples: Vec<f32>,
    /// Noise scale σ·β per dimension, averaged over steps when it is time-dependent.
    pub diffusion: Vec<f32>,
    /// σ·β per step and dimension (`N × d`), for time-dependent diffusion.
    pub diffusion_by_step: Option<Vec<f32>>,
    pub prior_mean: Vec<f32>,
    pub prior_std: Vec<f32>,
    /// Batch mean of log p(x_n | x_{n+1}) − log q(x_{n+1} | x_n) for each step n.
    pub step_log_weights: Vec<f32>,
    pub last: Option<StepRecord>,
    /// How the batch spreads over a mixture's components (mixtures only).
    pub modes: Option<ModeCoverage>,
    /// Steps dropped so far because they produced non-finite values.
    #[serde(default)]
    pub skipped_steps: usize,
    /// Both processes over the steps, while the lab shows its time axis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<crate::sim::bridge::time_axis::PathSet>,
}

/// Metrics on fresh samples (docs/math.md §7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub step: usize,
    pub samples: usize,
    pub weights: WeightStats,
    /// The target's true log Z, where known.
    #[serde(default, with = "crate::sim::platform::json_float::option")]
    pub log_z: Option<f64>,
    /// The Sinkhorn figure with its protocol, ε, cost and sample count.
    pub sinkhorn: Option<SinkhornReport>,
    /// Why the Sinkhorn figure could not be computed although exact draws exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sinkhorn_error: Option<String>,
    /// Squared MMD (V-statistic).
    #[serde(default, with = "crate::sim::platform::json_float::option")]
    pub mmd2: Option<f64>,
    /// Points of each set that entered MMD².
    #[serde(default)]
    pub mmd_points: usize,
    #[serde(default, with = "crate::sim::platform::json_float::option")]
    pub delta_std: Option<f64>,
    pub modes: Option<ModeCoverage>,
    /// The same sample metrics between two independent sets of exact draws, at the same
    /// sample counts and protocol: what "zero" is at this size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_floor: Option<NoiseFloor>,
}

/// The Sinkhorn figure and MMD² of two independent exact draws of the target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoiseFloor {
    pub sinkhorn: Option<SinkhornReport>,
    #[serde(with = "crate::sim::platform::json_float")]
    pub mmd2: f64,
}

/// Cells per side of the log-density background of 2-D targets.
pub const DENSITY_GRID_SIZE: usize = 100;

/// log ρ on an `n × n` grid over `[lo, hi]²` of a 2-D target: row r holds y = lo + (r + ½)·h,
/// column c holds x = lo + (c + ½)·h, with h = (hi − lo)/n.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DensityGrid {
    pub n: usize,
    pub lo: f32,
    pub hi: f32,
    pub log_density: Vec<f32>,
}

/// The stages of an evaluation, in the order they run: what the lab shows while one runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvaluationStage {
    /// Simulating the fresh paths and their weights.
    Paths,
    /// Sinkhorn and MMD of the samples against exact draws.
    Sinkhorn,
    /// The same between two sets of exact draws.
    NoiseFloor,
    Modes,
}

impl EvaluationStage {
    pub const ALL: [EvaluationStage; 4] = [
        EvaluationStage::Paths,
        EvaluationStage::Sinkhorn,
        EvaluationStage::NoiseFloor,
        EvaluationStage::Modes,
    ];

    /// Stages done before this one begins.
    pub fn index(self) -> usize {
        EvaluationStage::ALL
            .iter()
            .position(|s| *s == self)
            .expect("every stage is listed")
    }

    pub fn label(self) -> &'static str {
        match self {
            EvaluationStage::Paths => "simulating fresh paths",
            EvaluationStage::Sinkhorn => "Sinkhorn and MMD against exact draws",
            EvaluationStage::NoiseFloor => "the same between two exact draws",
            EvaluationStage::Modes => "mode coverage",
        }
    }
}
