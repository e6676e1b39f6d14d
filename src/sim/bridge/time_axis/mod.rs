//! The lab's time axis: both processes of a bridge over its N steps, the density of one
//! coordinate over the steps, the drifts of both kernels on a grid and, for CMCD, the annealed
//! densities. All of it is computed here, on request, and sent as plain data.

mod annealed;
mod drift;
mod paths;

use serde::{Deserialize, Serialize};

pub use annealed::annealed_density;
pub use drift::{DRIFT_GRID, drift_field};
pub use paths::paths;

use crate::sim::report::DensityGrid;

/// What the lab asks the engine to add to each snapshot while its time axis is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PathRequest {
    /// Paths of each process.
    pub count: usize,
    /// The coordinate whose density over the steps is sent (the heat strip), if any.
    pub strip: Option<usize>,
    /// Drift fields of both kernels at every step (2-D targets only).
    pub drift: bool,
}

impl PathRequest {
    /// `count` paths and nothing else.
    pub fn paths(count: usize) -> Self {
        PathRequest {
            count,
            strip: None,
            drift: false,
        }
    }
}

/// Both processes of a bridge at every step, for the lab's time axis. States are stored step
/// by step: entry `[(n · count + i) · dim + j]` is coordinate j of path i at step n.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathSet {
    /// N: the paths hold steps 0 to N.
    pub path_steps: usize,
    pub dim: usize,
    pub count: usize,
    /// Generative paths from the prior (step 0) to the sampler's output (step N).
    pub generative: Vec<f32>,
    /// The inference process started at exact target draws (step N) and run back to step 0,
    /// where the target has exact draws.
    pub inference: Option<Vec<f32>>,
    /// log w of each generative path.
    pub log_weights: Vec<f32>,
    /// The density of one coordinate of the generative states at every step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strip: Option<StepDensity>,
    /// The drifts of both kernels on a grid (2-D targets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<DriftField>,
    /// The annealed densities of CMCD, which its kernels follow step by step (2-D targets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annealed: Option<AnnealedDensity>,
}

impl PathSet {
    /// The states of `values` (generative or inference) at step `n`, `count × dim`.
    pub fn at<'a>(&self, values: &'a [f32], n: usize) -> &'a [f32] {
        let size = self.count * self.dim;
        let n = n.min(self.path_steps);
        &values[n * size..(n + 1) * size]
    }
}

/// Bins of the density of one coordinate over the steps.
pub const STRIP_BINS: usize = 80;

/// The density of coordinate `coordinate` of x_n over `[lo, hi]`, for every step n: a histogram
/// of the generative paths per step, row n holding `bins` values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepDensity {
    pub coordinate: usize,
    pub bins: usize,
    pub lo: f32,
    pub hi: f32,
    /// Paths behind each row.
    pub paths: usize,
    /// `(N + 1) × bins`, row-major.
    pub density: Vec<f32>,
}

/// The drifts of both kernels at every step on a `n × n` grid over `[lo, hi]²` (cell centres
/// as in [`DensityGrid`]: point `r · n + c` has x = lo + (c + ½)h, y = lo + (r + ½)h).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriftField {
    pub n: usize,
    pub lo: f32,
    pub hi: f32,
    /// N: one field for each step's pair of kernels, n = 0 … N − 1.
    pub path_steps: usize,
    /// Mean displacement of the generative kernel from x_n = x (D_n² s_n(x) for DBS and
    /// CMCD), `N × n² × 2`.
    pub generative: Vec<f32>,
    /// Mean displacement of the inference kernel from x_{n+1} = x back to x_n (f_{n+1}(x)),
    /// `N × n² × 2`.
    pub inference: Vec<f32>,
    /// −E[log p(x_n | x_{n+1}) − log q(x_{n+1} | x_n) | x_n = x]: the step's share of
    /// −log w where the walk starts at x, averaged over `draws` draws of the step's noise,
    /// `N × n²`. Its batch mean is the negated per-step log-weight plot.
    pub mismatch: Vec<f32>,
    pub draws: usize,
}

impl DriftField {
    /// Coordinates of grid point `k`.
    pub fn point(&self, k: usize) -> [f32; 2] {
        let h = (self.hi - self.lo) / self.n as f32;
        [
            self.lo + ((k % self.n) as f32 + 0.5) * h,
            self.lo + ((k / self.n) as f32 + 0.5) * h,
        ]
    }

    /// The rows of `values` (one of the fields, `width` values per point) at step `n`.
    pub fn at<'a>(&self, values: &'a [f32], width: usize, n: usize) -> &'a [f32] {
        let size = self.n * self.n * width;
        let n = n.min(self.path_steps.saturating_sub(1));
        &values[n * size..(n + 1) * size]
    }
}

/// CMCD's annealed densities log π_n = b_n log q_0 + (1 − b_n) log ρ, as the prior's log
/// density on the target's grid and the weights b_0 … b_N.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnealedDensity {
    /// log q_0 on the same grid as the target's density.
    pub prior: DensityGrid,
    /// b_n for n = 0 … N.
    pub weights: Vec<f32>,
}

impl AnnealedDensity {
    /// log π_n on the grid, given the target's log density on it.
    pub fn at(&self, n: usize, target: &DensityGrid) -> DensityGrid {
        let b = self.weights[n.min(self.weights.len() - 1)];
        DensityGrid {
            log_density: self
                .prior
                .log_density
                .iter()
                .zip(&target.log_density)
                .map(|(q, r)| b * q + (1.0 - b) * r)
                .collect(),
            ..target.clone()
        }
    }
}
