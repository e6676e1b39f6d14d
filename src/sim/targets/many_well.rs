//! Many-well: independent pairs (a, b) with log ρ = 0.5a + 6a² − a⁴ − ½b².

use burn::tensor::Tensor;
use rand::RngExt;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::Target;

/// log Z of one pair: ln ∫ exp(0.5a + 6a² − a⁴) da + ½ ln 2π.
const PAIR_LOG_Z: f64 = 164.695_675 / 16.0;

pub struct ManyWell {
    dim: usize,
}

impl ManyWell {
    pub fn new(dim: usize) -> Self {
        Self { dim }
    }

    /// Mask `[1, d]` with 1 on the well coordinates a = x_{2k} and 0 on b = x_{2k+1}.
    fn well_mask(&self, like: &Tensor<2>) -> Tensor<2> {
        let pattern: Vec<f32> = (0..self.dim)
            .map(|j| if j % 2 == 0 { 1.0 } else { 0.0 })
            .collect();
        Tensor::<2>::from_data(
            burn::tensor::TensorData::new(pattern, [1, self.dim]),
            &like.device(),
        )
    }
}

fn well(a: f64) -> f64 {
    0.5 * a + 6.0 * a * a - a.powi(4)
}

/// Draws from the 1-D density ∝ exp(log_f) on `range` by uniform proposals; `log_max` must
/// bound `log_f` from above on the range.
pub(crate) fn rejection_sample_1d(
    log_f: fn(f64) -> f64,
    range: (f64, f64),
    log_max: f64,
    rng: &mut StdRng,
) -> f64 {
    loop {
        let x = rng.random_range(range.0..range.1);
        let u: f64 = rng.random();
        if u.ln() <= log_f(x) - log_max {
            return x;
        }
    }
}

impl Target for ManyWell {
    fn name(&self) -> String {
        format!("Many-well (d={})", self.dim)
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn log_density(&self, x: Tensor<2>) -> Tensor<1> {
        let [b, _] = x.dims();
        let mask = self.well_mask(&x);
        let a = x.clone() * mask.clone();
        let bb = x * (mask.neg() + 1.0);
        let wells = a.clone() * 0.5 + a.clone().square() * 6.0 - a.powi_scalar(4);
        (wells - bb.square() * 0.5).sum_dim(1).reshape([b])
    }
    fn score(&self, x: Tensor<2>) -> Tensor<2> {
        let mask = self.well_mask(&x);
        let well_grad = x.clone() * 12.0 - x.clone().powi_scalar(3) * 4.0 + 0.5;
        let gauss_grad = -x;
        well_grad * mask.clone() + gauss_grad * (mask.neg() + 1.0)
    }
    /// The well coordinates ∝ exp(0.5a + 6a² − a⁴), normalised by quadrature; the others
    /// N(0, 1).
    fn marginal_density(&self, coord: usize, xs: &[f64]) -> Option<Vec<f64>> {
        if coord >= self.dim {
            return None;
        }
        Some(if coord.is_multiple_of(2) {
            super::normalised_1d(well, (-4.0, 4.0), 8000, xs)
        } else {
            xs.iter().map(|&x| super::normal_density(x, 0.0, 1.0)).collect()
        })
    }
    fn exact_samples(&self, n: usize, rng: &mut StdRng) -> Option<Vec<f32>> {
        // The maximum of 0.5a + 6a² − a⁴ is about 9.87 at a ≈ 1.75; 10 bounds it.
        let mut out = Vec::with_capacity(n * self.dim);
        for _ in 0..n {
            for j in 0..self.dim {
                let v = if j % 2 == 0 {
                    rejection_sample_1d(well, (-3.0, 3.0), 10.0, rng)
                } else {
                    let e: f64 = StandardNormal.sample(rng);
                    e
                };
                out.push(v as f32);
            }
        }
        Some(out)
    }
    fn log_z(&self) -> Option<f64> {
        Some(PAIR_LOG_Z * (self.dim / 2) as f64)
    }
    fn plot_range(&self) -> (f32, f32) {
        (-3.0, 3.0)
    }
}
