//! Equal-weight mixture of products of Student-t(ν = 2) distributions (MoS-10).

use burn::tensor::{Device, Tensor, TensorData};
use rand::RngExt;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StudentT};

use super::{Target, logsumexp_rows, softmax_rows};

/// log of the Student-t(2) density at zero: Γ(3/2) / (√(2π) Γ(1)) = 1/(2√2).
const LOG_T2_AT_ZERO: f64 = -1.039_720_770_839_917_9;

pub struct MixtureOfStudents {
    dim: usize,
    k: usize,
    locs: Vec<f32>,
    /// Locations as `[1, K, d]` so that a batch broadcasts against them.
    locs3: Tensor<3>,
}

impl MixtureOfStudents {
    pub fn new(locs: Vec<f32>, dim: usize, device: &Device) -> Self {
        let k = locs.len() / dim;
        let locs3 = Tensor::<3>::from_data(TensorData::new(locs.clone(), [1, k, dim]), device);
        Self { dim, k, locs, locs3 }
    }

    fn offsets(&self, x: Tensor<2>) -> Tensor<3> {
        let [b, d] = x.dims();
        x.reshape([b, 1, d]) - self.locs3.clone()
    }

    /// Per-component log densities `[B, K]` given offsets `z = x − μ_k`.
    fn component_terms(&self, z: Tensor<3>) -> Tensor<2> {
        let [b, k, _] = z.dims();
        let per_coord = (z.square() * 0.5).log1p() * (-1.5);
        per_coord.sum_dim(2).reshape([b, k]) + LOG_T2_AT_ZERO * self.dim as f64
    }
}

impl Target for MixtureOfStudents {
    fn name(&self) -> String {
        format!("MoS-{} (d={})", self.k, self.dim)
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn log_density(&self, x: Tensor<2>) -> Tensor<1> {
        let z = self.offsets(x);
        logsumexp_rows(self.component_terms(z)) - (self.k as f64).ln()
    }
    fn score(&self, x: Tensor<2>) -> Tensor<2> {
        let [b, d] = x.dims();
        let z = self.offsets(x);
        let w = softmax_rows(self.component_terms(z.clone()));
        // d/dz log t₂(z) = −3z / (2 + z²)
        let per_comp = z.clone() * (-3.0) / (z.square() + 2.0);
        (per_comp * w.reshape([b, self.k, 1])).sum_dim(1).reshape([b, d])
    }
    fn exact_samples(&self, n: usize, rng: &mut StdRng) -> Option<Vec<f32>> {
        let t = StudentT::new(2.0f32).ok()?;
        let mut out = Vec::with_capacity(n * self.dim);
        for _ in 0..n {
            let c = rng.random_range(0..self.k);
            for j in 0..self.dim {
                out.push(self.locs[c * self.dim + j] + t.sample(rng));
            }
        }
        Some(out)
    }
    fn log_z(&self) -> Option<f64> {
        Some(0.0)
    }
    fn plot_range(&self) -> (f32, f32) {
        (-15.0, 15.0)
    }
    /// The equal-weight mixture of Student-t(2) densities at μ_kj over the components.
    fn marginal_density(&self, coord: usize, xs: &[f64]) -> Option<Vec<f64>> {
        let locs: Vec<f64> = self
            .locs
            .iter()
            .skip(coord)
            .step_by(self.dim)
            .map(|&m| m as f64)
            .collect();
        let t2 = |z: f64| (LOG_T2_AT_ZERO - 1.5 * (0.5 * z * z).ln_1p()).exp();
        Some(
            xs.iter()
                .map(|&x| locs.iter().map(|&m| t2(x - m)).sum::<f64>() / self.k as f64)
                .collect(),
        )
    }
    fn component_locations(&self) -> Option<&[f32]> {
        Some(&self.locs)
    }
    fn component_log_densities(&self, x: Tensor<2>) -> Option<Tensor<2>> {
        Some(self.component_terms(self.offsets(x)))
    }
}
