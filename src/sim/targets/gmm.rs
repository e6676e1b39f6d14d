//! Equal-weight mixture of unit-covariance Gaussians (GMM-40 of the benchmark).

use burn::tensor::{Device, Tensor, TensorData};
use rand::RngExt;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::{Target, logsumexp_rows, softmax_rows};

pub struct Gmm {
    dim: usize,
    k: usize,
    locs: Vec<f32>,
    means: Tensor<2>,
    /// ‖μ_k‖², shape `[1, K]`, kept so that distances need one matrix product.
    mean_sq: Tensor<2>,
}

impl Gmm {
    pub fn new(locs: Vec<f32>, dim: usize, device: &Device) -> Self {
        let k = locs.len() / dim;
        let means = Tensor::<2>::from_data(TensorData::new(locs.clone(), [k, dim]), device);
        let mean_sq = means.clone().square().sum_dim(1).reshape([1, k]);
        Self {
            dim,
            k,
            locs,
            means,
            mean_sq,
        }
    }

    /// −½‖x − μ_k‖² for every row and component, `[B, K]`.
    fn half_sq_dist(&self, x: Tensor<2>) -> Tensor<2> {
        let x_sq = x.clone().square().sum_dim(1);
        let cross = x.matmul(self.means.clone().transpose());
        (cross * 2.0 - x_sq - self.mean_sq.clone()) * 0.5
    }
}

impl Target for Gmm {
    fn name(&self) -> String {
        format!("GMM-{} (d={})", self.k, self.dim)
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn log_density(&self, x: Tensor<2>) -> Tensor<1> {
        let norm = (self.k as f64).ln() + 0.5 * self.dim as f64 * (2.0 * std::f64::consts::PI).ln();
        logsumexp_rows(self.half_sq_dist(x)) - norm
    }
    fn score(&self, x: Tensor<2>) -> Tensor<2> {
        let w = softmax_rows(self.half_sq_dist(x.clone()));
        w.matmul(self.means.clone()) - x
    }
    fn exact_samples(&self, n: usize, rng: &mut StdRng) -> Option<Vec<f32>> {
        let mut out = Vec::with_capacity(n * self.dim);
        for _ in 0..n {
            let c = rng.random_range(0..self.k);
            for j in 0..self.dim {
                let e: f32 = StandardNormal.sample(rng);
                out.push(self.locs[c * self.dim + j] + e);
            }
        }
        Some(out)
    }
    fn log_z(&self) -> Option<f64> {
        Some(0.0)
    }
    fn plot_range(&self) -> (f32, f32) {
        (-50.0, 50.0)
    }
    /// The equal-weight mixture of N(μ_kj, 1) over the components.
    fn marginal_density(&self, coord: usize, xs: &[f64]) -> Option<Vec<f64>> {
        let means: Vec<f64> = self
            .locs
            .iter()
            .skip(coord)
            .step_by(self.dim)
            .map(|&m| m as f64)
            .collect();
        Some(
            xs.iter()
                .map(|&x| {
                    means
                        .iter()
                        .map(|&m| super::normal_density(x, m, 1.0))
                        .sum::<f64>()
                        / self.k as f64
                })
                .collect(),
        )
    }
    fn component_locations(&self) -> Option<&[f32]> {
        Some(&self.locs)
    }
    fn component_log_densities(&self, x: Tensor<2>) -> Option<Tensor<2>> {
        Some(self.half_sq_dist(x))
    }
}
