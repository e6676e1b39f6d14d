//! Neal's funnel: x₀ ~ N(0, 3²) and, given x₀, every other coordinate ~ N(0, e^{x₀}).

use burn::tensor::Tensor;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::Target;

const LOG_2PI: f64 = 1.837_877_066_409_345_5;
/// Reference draws are clipped here, as the benchmark does, so that rare huge values do not
/// dominate sample-based metrics.
const REFERENCE_CLIP: f32 = 30.0;

pub struct Funnel {
    dim: usize,
}

impl Funnel {
    pub fn new(dim: usize) -> Self {
        Self { dim }
    }

    fn split(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let d = self.dim;
        (x.clone().narrow(1, 0, 1), x.narrow(1, 1, d - 1))
    }
}

impl Target for Funnel {
    fn name(&self) -> String {
        format!("Funnel (d={})", self.dim)
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn log_density(&self, x: Tensor<2>) -> Tensor<1> {
        let [b, _] = x.dims();
        let rest = (self.dim - 1) as f64;
        let (x0, xs) = self.split(x);
        let head = x0.clone().square() * (-1.0 / 18.0) - 0.5 * (LOG_2PI + 9f64.ln());
        let tail = (xs.square().sum_dim(1) * (-x0.clone()).exp()) * (-0.5)
            - x0 * (0.5 * rest)
            - 0.5 * rest * LOG_2PI;
        (head + tail).reshape([b])
    }
    fn score(&self, x: Tensor<2>) -> Tensor<2> {
        let rest = (self.dim - 1) as f64;
        let (x0, xs) = self.split(x);
        let inv_var = (-x0.clone()).exp();
        let g0 = x0 * (-1.0 / 9.0) - 0.5 * rest + xs.clone().square().sum_dim(1) * inv_var.clone() * 0.5;
        let gs = -xs * inv_var;
        Tensor::cat(vec![g0, gs], 1)
    }
    fn exact_samples(&self, n: usize, rng: &mut StdRng) -> Option<Vec<f32>> {
        let mut out = Vec::with_capacity(n * self.dim);
        for _ in 0..n {
            let e: f32 = StandardNormal.sample(rng);
            let x0 = 3.0 * e;
            out.push(x0.clamp(-REFERENCE_CLIP, REFERENCE_CLIP));
            let scale = (0.5 * x0).exp();
            for _ in 1..self.dim {
                let e: f32 = StandardNormal.sample(rng);
                out.push((scale * e).clamp(-REFERENCE_CLIP, REFERENCE_CLIP));
            }
        }
        Some(out)
    }
    fn log_z(&self) -> Option<f64> {
        Some(0.0)
    }
    /// x₀ is N(0, 3²); every other coordinate is the mixture ∫ N(x; 0, e^v) N(v; 0, 3²) dv, by
    /// the trapezoid rule over v within ±9 standard deviations.
    fn marginal_density(&self, coord: usize, xs: &[f64]) -> Option<Vec<f64>> {
        if coord >= self.dim {
            return None;
        }
        if coord == 0 {
            return Some(xs.iter().map(|&x| super::normal_density(x, 0.0, 3.0)).collect());
        }
        const STEPS: usize = 1000;
        let (lo, hi) = (-27.0, 27.0);
        let h = (hi - lo) / STEPS as f64;
        Some(
            xs.iter()
                .map(|&x| {
                    (0..=STEPS)
                        .map(|i| {
                            let v = lo + h * i as f64;
                            let w = if i == 0 || i == STEPS { 0.5 } else { 1.0 };
                            w * super::normal_density(x, 0.0, (0.5 * v).exp())
                                * super::normal_density(v, 0.0, 3.0)
                        })
                        .sum::<f64>()
                        * h
                })
                .collect(),
        )
    }
    fn plot_range(&self) -> (f32, f32) {
        (-10.0, 10.0)
    }
}
