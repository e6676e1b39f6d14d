//! Unnormalised target densities. Every target evaluates a whole batch in one call and
//! provides its score analytically, written in tensor operations so that autodiff can
//! differentiate through it (rKL-R and the CMCD drift need second derivatives).

pub mod bayes;
mod catalogue;
mod constants;
mod custom;
pub mod data;
mod double_well;
mod funnel;
mod gaussian;
mod gmm;
mod many_well;
mod marginals;
mod mos;

use std::sync::Arc;

use burn::tensor::{Device, Tensor};
use rand::rngs::StdRng;

use crate::sim::error::SimError;
use crate::sim::platform::host;
use crate::sim::report::DensityGrid;
use crate::sim::targets::data::DataDir;

pub use catalogue::{CUSTOM_BETA, CUSTOM_PRIOR_STD, TargetKind, TargetSpec};
pub use constants::mixture_locations;
pub use custom::{Component, DrawnMixture};
pub use double_well::DoubleWell;
pub use funnel::Funnel;
pub use gaussian::DiagGaussian;
pub use gmm::Gmm;
pub use many_well::ManyWell;
pub use marginals::{KDE_DRAWS, MAX_COORDINATES, MarginalSource, TargetMarginals, target_marginals};
pub use mos::MixtureOfStudents;

/// A density known up to its normalising constant, evaluated on batches of shape `[B, d]`.
pub trait Target: Send + Sync {
    fn name(&self) -> String;
    fn dim(&self) -> usize;
    /// log ρ(x) for each row, shape `[B]`.
    fn log_density(&self, x: Tensor<2>) -> Tensor<1>;
    /// ∇ log ρ(x), shape `[B, d]`.
    fn score(&self, x: Tensor<2>) -> Tensor<2>;
    /// `n` exact draws from π as a row-major `n × d` buffer, where the target allows it.
    fn exact_samples(&self, _n: usize, _rng: &mut StdRng) -> Option<Vec<f32>> {
        None
    }
    fn log_z(&self) -> Option<f64> {
        None
    }
    /// A box per coordinate that holds most of the mass: what a plot should show.
    fn plot_range(&self) -> (f32, f32);
    /// Mixture component locations (`K × d`, row-major) for targets that are mixtures.
    fn component_locations(&self) -> Option<&[f32]> {
        None
    }
    /// Per-component log densities `[B, K]`, used to assign samples to modes.
    fn component_log_densities(&self, _x: Tensor<2>) -> Option<Tensor<2>> {
        None
    }
    /// The normalised marginal density of coordinate `coord` at the points `xs`, where it is
    /// known in closed form or by one-dimensional quadrature; `None` for the posteriors.
    fn marginal_density(&self, _coord: usize, _xs: &[f64]) -> Option<Vec<f64>> {
        None
    }
}

/// The normalised density ∝ exp(`log_f`) at `xs`, its normaliser found by the trapezoid rule on
/// `steps` intervals of `range` (which must hold all but a negligible part of the mass).
pub(crate) fn normalised_1d(
    log_f: impl Fn(f64) -> f64,
    range: (f64, f64),
    steps: usize,
    xs: &[f64],
) -> Vec<f64> {
    let h = (range.1 - range.0) / steps as f64;
    let mass: f64 = (0..=steps)
        .map(|i| {
            let w = if i == 0 || i == steps { 0.5 } else { 1.0 };
            w * log_f(range.0 + h * i as f64).exp()
        })
        .sum::<f64>()
        * h;
    xs.iter().map(|&x| log_f(x).exp() / mass).collect()
}

/// N(x; mean, std²).
pub(crate) fn normal_density(x: f64, mean: f64, std: f64) -> f64 {
    let z = (x - mean) / std;
    (-0.5 * z * z).exp() / (std * (2.0 * std::f64::consts::PI).sqrt())
}

/// Builds the target a preset names, on `device`. The Bayesian targets read their data from
/// the data directory (see [`crate::sim::targets::data`]).
pub fn build_target(spec: &TargetSpec, device: &Device) -> Result<Arc<dyn Target>, SimError> {
    let d = spec.dim;
    let unsupported = |allowed: &str| SimError::UnsupportedDimension {
        target: spec.kind.label().to_string(),
        dim: d,
        allowed: allowed.to_string(),
    };
    Ok(match spec.kind {
        TargetKind::Gmm40 => {
            if d != 2 && d != 50 {
                return Err(unsupported("2 or 50"));
            }
            let locs = mixture_locations(TargetKind::Gmm40, d, spec.constants_seed)?;
            Arc::new(Gmm::new(locs, d, device))
        }
        TargetKind::Mos10 => {
            if d != 2 && d != 50 {
                return Err(unsupported("2 or 50"));
            }
            let locs = mixture_locations(TargetKind::Mos10, d, spec.constants_seed)?;
            Arc::new(MixtureOfStudents::new(locs, d, device))
        }
        TargetKind::Funnel => {
            if d < 2 {
                return Err(unsupported("2 or more (10 in the benchmark)"));
            }
            Arc::new(Funnel::new(d))
        }
        TargetKind::DoubleWell => {
            if d == 0 {
                return Err(unsupported("1 or more (5 in the benchmark)"));
            }
            Arc::new(DoubleWell::new(d))
        }
        TargetKind::ManyWell => {
            if d == 0 || !d.is_multiple_of(2) {
                return Err(unsupported("an even number (32 in the benchmark)"));
            }
            Arc::new(ManyWell::new(d))
        }
        TargetKind::Gaussian => {
            if d == 0 {
                return Err(unsupported("1 or more"));
            }
            Arc::new(DiagGaussian::standard_shifted(d, device))
        }
        TargetKind::Custom => {
            if d != 2 {
                return Err(unsupported("2"));
            }
            if spec.components.is_empty() {
                return Err(SimError::Data(
                    "a drawn target needs at least one component in target.components".into(),
                ));
            }
            Arc::new(DrawnMixture::new(&spec.components, device))
        }
        kind @ (TargetKind::Seeds
        | TargetKind::Sonar
        | TargetKind::Ionosphere
        | TargetKind::Credit
        | TargetKind::Brownian
        | TargetKind::Lgcp) => {
            let fixed = kind.dimensions()[0];
            if d != fixed {
                return Err(unsupported(&fixed.to_string()));
            }
            bayes::build(kind, &DataDir::resolve(), device).expect("a Bayesian target kind")?
        }
    })
}

/// The centres of an `n × n` grid of cells over `[lo, hi]²` in coordinates 1 and 2, the others
/// 0, as `n² × d` rows: row `r · n + c` has x1 = lo + (c + ½)h and x2 = lo + (r + ½)h.
pub fn grid_centres(lo: f32, hi: f32, n: usize, d: usize) -> Vec<f32> {
    let h = (hi - lo) / n as f32;
    let centre = |i: usize| lo + (i as f32 + 0.5) * h;
    let mut points = vec![0.0f32; n * n * d];
    for (k, row) in points.chunks_mut(d).enumerate() {
        row[0] = centre(k % n);
        if d > 1 {
            row[1] = centre(k / n);
        }
    }
    points
}

/// log ρ on an `n × n` grid over the target's plot range in coordinates 1 and 2, the others
/// held at 0: the whole density of a 2-D target, a slice through the origin otherwise.
pub fn log_density_slice(target: &dyn Target, n: usize, device: &Device) -> DensityGrid {
    let d = target.dim();
    let (lo, hi) = target.plot_range();
    let x = host::matrix(grid_centres(lo, hi, n, d), n * n, d, device);
    DensityGrid {
        n,
        lo,
        hi,
        log_density: host::to_vec(target.log_density(x)),
    }
}

/// Replaces NaN entries of a score by zero, as docs/math.md §4 asks.
pub fn sanitize_score(score: Tensor<2>) -> Tensor<2> {
    let nan = score.clone().is_nan();
    score.mask_fill(nan, 0.0)
}

/// Terms further than this below a row's maximum are dropped from exponentials: they add less
/// than e^-60 relative, and letting exp underflow costs far more time than the term is worth.
const EXP_FLOOR: f64 = -60.0;

/// exp(x − rowmax(x)) with negligible terms floored, `[B, K]`; the max is detached since
/// log-sum-exp and softmax do not depend on the shift.
fn shifted_exp(x: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
    let max = x.clone().max_dim(1).detach();
    ((x - max.clone()).clamp_min(EXP_FLOOR).exp(), max)
}

/// Row-wise log-sum-exp over the last axis of `[B, K]`, returned as `[B]`.
pub(crate) fn logsumexp_rows(x: Tensor<2>) -> Tensor<1> {
    let [b, _] = x.dims();
    let (e, max) = shifted_exp(x);
    (e.sum_dim(1).log() + max).reshape([b])
}

/// Row-wise softmax of `[B, K]`.
pub(crate) fn softmax_rows(x: Tensor<2>) -> Tensor<2> {
    let (e, _) = shifted_exp(x);
    e.clone() / e.sum_dim(1)
}
