//! A target drawn in the lab: a weighted mixture of isotropic Gaussians, each with its own
//! width. Density, score and exact draws are analytic; the weights are normalised, so log Z = 0.

use std::f64::consts::PI;

use burn::tensor::{Device, Tensor, TensorData};
use rand::RngExt;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::{Target, logsumexp_rows, softmax_rows};
use serde::{Deserialize, Serialize};

/// One isotropic Gaussian of a drawn 2-D target: N(mean, std² I), with a weight relative to
/// the other components (the weights are normalised, so the target's log Z is 0).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub mean: [f64; 2],
    pub std: f64,
    pub weight: f64,
}

impl Component {
    /// The component a click at `(x, y)` adds.
    pub fn at(x: f64, y: f64) -> Self {
        Component {
            mean: [x, y],
            std: 1.0,
            weight: 1.0,
        }
    }

    /// The drawn target a new drawing starts from: three components of different widths
    /// and weights.
    pub fn starting_drawing() -> Vec<Component> {
        vec![
            Component {
                mean: [-5.0, -3.0],
                std: 1.0,
                weight: 1.0,
            },
            Component {
                mean: [4.0, -4.0],
                std: 0.7,
                weight: 0.5,
            },
            Component {
                mean: [1.0, 5.0],
                std: 1.5,
                weight: 1.5,
            },
        ]
    }
}

/// The canvas a drawing starts on; a drawing that reaches further widens it.
pub const CANVAS: (f32, f32) = (-10.0, 10.0);

pub struct DrawnMixture {
    dim: usize,
    locs: Vec<f32>,
    stds: Vec<f32>,
    /// Normalised weights.
    weights: Vec<f64>,
    means: Tensor<2>,
    /// 1/s_k², `[1, K]`.
    inv_var: Tensor<2>,
    /// ‖μ_k‖²/s_k², `[1, K]`.
    scaled_mean_sq: Tensor<2>,
    /// log w_k − d log s_k − (d/2) log 2π, `[1, K]`.
    log_norm: Tensor<2>,
    range: (f32, f32),
}

impl DrawnMixture {
    /// The mixture of `components` (validated: at least one, finite, positive std and weight).
    pub fn new(components: &[Component], device: &Device) -> Self {
        let dim = 2;
        let k = components.len();
        let total: f64 = components.iter().map(|c| c.weight).sum();
        let locs: Vec<f32> = components.iter().flat_map(|c| c.mean.map(|v| v as f32)).collect();
        let stds: Vec<f32> = components.iter().map(|c| c.std as f32).collect();
        let weights: Vec<f64> = components.iter().map(|c| c.weight / total).collect();
        let row = |v: Vec<f32>| Tensor::<2>::from_data(TensorData::new(v, [1, k]), device);
        let inv_var = components
            .iter()
            .map(|c| (1.0 / (c.std * c.std)) as f32)
            .collect();
        let scaled_mean_sq = components
            .iter()
            .map(|c| ((c.mean[0].powi(2) + c.mean[1].powi(2)) / (c.std * c.std)) as f32)
            .collect();
        let log_norm = components
            .iter()
            .zip(&weights)
            .map(|(c, w)| (w.ln() - dim as f64 * c.std.ln() - 0.5 * dim as f64 * (2.0 * PI).ln()) as f32)
            .collect();
        let reach = components
            .iter()
            .flat_map(|c| c.mean.map(|m| m.abs() + 4.0 * c.std))
            .fold(CANVAS.1 as f64, f64::max) as f32;
        Self {
            dim,
            means: Tensor::<2>::from_data(TensorData::new(locs.clone(), [k, dim]), device),
            locs,
            stds,
            weights,
            inv_var: row(inv_var),
            scaled_mean_sq: row(scaled_mean_sq),
            log_norm: row(log_norm),
            range: (-reach, reach),
        }
    }

    /// log w_k + log N(x; μ_k, s_k² I) for every row and component, `[B, K]`.
    fn terms(&self, x: Tensor<2>) -> Tensor<2> {
        let x_sq = x.clone().square().sum_dim(1);
        let cross = x.matmul(self.means.clone().transpose());
        let sq = (x_sq - cross * 2.0) * self.inv_var.clone() + self.scaled_mean_sq.clone();
        sq * (-0.5) + self.log_norm.clone()
    }
}

impl Target for DrawnMixture {
    fn name(&self) -> String {
        format!("Drawn mixture of {} (d=2)", self.stds.len())
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn log_density(&self, x: Tensor<2>) -> Tensor<1> {
        logsumexp_rows(self.terms(x))
    }
    fn score(&self, x: Tensor<2>) -> Tensor<2> {
        // Σ_k r_k (μ_k − x)/s_k² with responsibilities r.
        let r = softmax_rows(self.terms(x.clone())) * self.inv_var.clone();
        r.clone().matmul(self.means.clone()) - x * r.sum_dim(1)
    }
    fn exact_samples(&self, n: usize, rng: &mut StdRng) -> Option<Vec<f32>> {
        let mut out = Vec::with_capacity(n * self.dim);
        for _ in 0..n {
            let u: f64 = rng.random();
            let mut c = 0;
            let mut acc = self.weights[0];
            while u >= acc && c + 1 < self.weights.len() {
                c += 1;
                acc += self.weights[c];
            }
            for j in 0..self.dim {
                let e: f32 = StandardNormal.sample(rng);
                out.push(self.locs[c * self.dim + j] + self.stds[c] * e);
            }
        }
        Some(out)
    }
    fn log_z(&self) -> Option<f64> {
        Some(0.0)
    }
    /// Σ_k w_k N(x; μ_kj, s_k²) over the components.
    fn marginal_density(&self, coord: usize, xs: &[f64]) -> Option<Vec<f64>> {
        if coord >= self.dim {
            return None;
        }
        Some(
            xs.iter()
                .map(|&x| {
                    self.weights
                        .iter()
                        .enumerate()
                        .map(|(k, w)| {
                            let m = self.locs[k * self.dim + coord] as f64;
                            w * super::normal_density(x, m, self.stds[k] as f64)
                        })
                        .sum()
                })
                .collect(),
        )
    }
    fn plot_range(&self) -> (f32, f32) {
        self.range
    }
    fn component_locations(&self) -> Option<&[f32]> {
        Some(&self.locs)
    }
    fn component_log_densities(&self, x: Tensor<2>) -> Option<Tensor<2>> {
        // Each term falls ½‖z‖² below its own peak for a standardised offset z, whatever the
        // component's width: the mode regions of one quantile fit every component.
        Some(self.terms(x))
    }
}
