//! The drifts of both kernels on a grid of a 2-D target, and how far the two kernels are from
//! undoing each other there: the drift-matching part of the objective, made visible.

use burn::tensor::Tensor;
use rand::rngs::StdRng;

use super::DriftField;
use crate::sim::bridge::sampler::{Sampler, Tables};
use crate::sim::platform::host;
use crate::sim::targets::grid_centres;
use crate::sim::training::noise::normal_tensor;
use crate::sim::training::params::ParamSet;

/// Grid points per side of a drift field.
pub const DRIFT_GRID: usize = 20;
/// Network rows a mismatch estimate may take at most (steps × points × draws), so that a
/// field costs a fraction of a training step whatever N is.
const MISMATCH_ROWS: usize = 40_000;
/// Noise draws per grid point: at most this many, at least two.
const MAX_DRAWS: usize = 8;

/// The generative and inference drifts at every step on a [`DRIFT_GRID`]² grid over the
/// target's plot range, and the expected per-step term −(log p − log q) for walks started at
/// each grid point, by Monte Carlo over the step's noise (`rng`). `None` unless d = 2.
pub fn drift_field(s: &Sampler, p: &ParamSet, t: &Tables, rng: &mut StdRng) -> Option<DriftField> {
    if s.dim != 2 {
        return None;
    }
    let (g, n, d) = (DRIFT_GRID, s.path_steps, s.dim);
    let (lo, hi) = s.target.plot_range();
    let device = s.device();
    let grid = host::matrix(grid_centres(lo, hi, g, d), g * g, d, device);
    let at_every_step = |x: Tensor<2>| {
        let [rows, _] = x.dims();
        x.unsqueeze_dim::<3>(0).expand([n, rows, d])
    };
    let x = at_every_step(grid.clone());
    let score = s.target_score(x.clone());
    let forward = s.gen_mean(p, t, x.clone(), score.clone(), 0);
    let backward = s.inf_mean(p, t, x.clone(), score, 0);
    let generative = host::to_vec(forward.clone() - x.clone());
    let inference = host::to_vec(backward - x.clone());

    // Each grid point repeated `draws` times: row k · draws + m is draw m from point k.
    let draws = (MISMATCH_ROWS / (n * g * g)).clamp(2, MAX_DRAWS);
    let repeat = |v: Tensor<3>| {
        v.unsqueeze_dim::<4>(3)
            .expand([n, g * g, d, draws])
            .swap_dims(2, 3)
            .reshape([n, g * g * draws, d])
    };
    let (from, mean) = (repeat(x), repeat(forward));
    let eps = normal_tensor(rng, [n, g * g * draws, d], device);
    let to = mean.clone() + t.noise_std.clone() * eps;
    let to_score = s.target_score(to.clone());
    let back = s.inf_mean(p, t, to.clone(), to_score, 0);
    let terms = s.inf_log_prob(t, from, back, 0) - s.gen_log_prob(t, to, mean, 0);
    let mismatch = terms.reshape([n, g * g, draws]).mean_dim(2).neg();
    Some(DriftField {
        n: g,
        lo,
        hi,
        path_steps: n,
        generative,
        inference,
        mismatch: host::to_vec(mismatch),
        draws,
    })
}
