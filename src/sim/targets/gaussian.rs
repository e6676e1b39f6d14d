//! A diagonal Gaussian with known normaliser: the case where the sampler's KL has a closed
//! form, used to check the ELBO estimator and as the simplest teaching target.

use burn::tensor::{Device, Tensor, TensorData};
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::Target;

const LOG_2PI: f64 = 1.837_877_066_409_345_5;

pub struct DiagGaussian {
    mean: Vec<f32>,
    std: Vec<f32>,
    log_z: f64,
    mean_t: Tensor<2>,
    inv_var_t: Tensor<2>,
}

impl DiagGaussian {
    /// N(mean, diag(std²)) scaled by e^{log_z}: ρ = e^{log_z} · N(x; mean, std²).
    pub fn new(mean: Vec<f32>, std: Vec<f32>, log_z: f64, device: &Device) -> Self {
        let d = mean.len();
        let mean_t = Tensor::<2>::from_data(TensorData::new(mean.clone(), [1, d]), device);
        let inv_var: Vec<f32> = std.iter().map(|s| 1.0 / (s * s)).collect();
        let inv_var_t = Tensor::<2>::from_data(TensorData::new(inv_var, [1, d]), device);
        Self {
            mean,
            std,
            log_z,
            mean_t,
            inv_var_t,
        }
    }

    /// The teaching default: mean 1 in every coordinate, std 0.5 in odd coordinates and 2 in
    /// even ones, normalised.
    pub fn standard_shifted(dim: usize, device: &Device) -> Self {
        let mean = vec![1.0; dim];
        let std = (0..dim).map(|j| if j % 2 == 0 { 2.0 } else { 0.5 }).collect();
        Self::new(mean, std, 0.0, device)
    }

    pub fn mean(&self) -> &[f32] {
        &self.mean
    }
    pub fn std(&self) -> &[f32] {
        &self.std
    }
}

impl Target for DiagGaussian {
    fn name(&self) -> String {
        format!("Gaussian (d={})", self.mean.len())
    }
    fn dim(&self) -> usize {
        self.mean.len()
    }
    fn log_density(&self, x: Tensor<2>) -> Tensor<1> {
        let [b, _] = x.dims();
        let log_norm: f64 = self
            .std
            .iter()
            .map(|s| -0.5 * LOG_2PI - (*s as f64).ln())
            .sum::<f64>()
            + self.log_z;
        let z = x - self.mean_t.clone();
        ((z.square() * self.inv_var_t.clone()).sum_dim(1) * (-0.5) + log_norm).reshape([b])
    }
    fn score(&self, x: Tensor<2>) -> Tensor<2> {
        (self.mean_t.clone() - x) * self.inv_var_t.clone()
    }
    fn exact_samples(&self, n: usize, rng: &mut StdRng) -> Option<Vec<f32>> {
        let d = self.dim();
        let mut out = Vec::with_capacity(n * d);
        for _ in 0..n {
            for j in 0..d {
                let e: f32 = StandardNormal.sample(rng);
                out.push(self.mean[j] + self.std[j] * e);
            }
        }
        Some(out)
    }
    fn log_z(&self) -> Option<f64> {
        Some(self.log_z)
    }
    fn marginal_density(&self, coord: usize, xs: &[f64]) -> Option<Vec<f64>> {
        let (m, s) = (*self.mean.get(coord)? as f64, *self.std.get(coord)? as f64);
        Some(xs.iter().map(|&x| super::normal_density(x, m, s)).collect())
    }
    fn plot_range(&self) -> (f32, f32) {
        (-6.0, 8.0)
    }
}
