//! Product of independent double wells: log ρ(x) = −Σᵢ (xᵢ² − 4)².

use burn::tensor::Tensor;
use rand::rngs::StdRng;

use super::Target;
use crate::sim::targets::many_well::rejection_sample_1d;

/// ∫ exp(−(x² − 4)²) dx, so that log Z = d · ln of it.
const ONE_D_MASS: f64 = 0.897_438_124_9;

pub struct DoubleWell {
    dim: usize,
}

impl DoubleWell {
    pub fn new(dim: usize) -> Self {
        Self { dim }
    }
}

fn well(x: f64) -> f64 {
    -(x * x - 4.0).powi(2)
}

impl Target for DoubleWell {
    fn name(&self) -> String {
        format!("Double well (d={})", self.dim)
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn log_density(&self, x: Tensor<2>) -> Tensor<1> {
        let [b, _] = x.dims();
        let u = x.square() - 4.0;
        (-u.square().sum_dim(1)).reshape([b])
    }
    fn score(&self, x: Tensor<2>) -> Tensor<2> {
        let u = x.clone().square() - 4.0;
        x * u * (-4.0)
    }
    fn exact_samples(&self, n: usize, rng: &mut StdRng) -> Option<Vec<f32>> {
        Some(
            (0..n * self.dim)
                .map(|_| rejection_sample_1d(well, (-3.5, 3.5), 0.0, rng) as f32)
                .collect(),
        )
    }
    fn log_z(&self) -> Option<f64> {
        Some(self.dim as f64 * ONE_D_MASS.ln())
    }
    /// Every coordinate is the same double well, exp(−(x² − 4)²) / its mass.
    fn marginal_density(&self, coord: usize, xs: &[f64]) -> Option<Vec<f64>> {
        (coord < self.dim).then(|| xs.iter().map(|&x| well(x).exp() / ONE_D_MASS).collect())
    }
    fn plot_range(&self) -> (f32, f32) {
        (-3.0, 3.0)
    }
}
