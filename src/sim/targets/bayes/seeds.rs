//! Crowder's seeds: random-effects logistic regression of germinated seeds per plate (d = 26).
//!
//! z = (a0, a1, a12, a2, b1..b21, log τ) with r_j ~ Binomial(n_j, sigmoid(η_j)),
//! η_j = a0 + a1 x1 + a2 x2 + a12 x1 x2 + b_j, a ~ N(0, 10²), b_j ~ N(0, 1/τ) and
//! τ ~ Gamma(0.01, rate 0.01). The sampler moves log τ, so its density carries the Jacobian τ.

use burn::tensor::activation::{log_sigmoid, sigmoid};
use burn::tensor::{Device, Tensor, TensorData};

use rand::rngs::StdRng;

use super::{LOG_2PI, ReferenceDraws};
use crate::sim::error::SimError;
use crate::sim::targets::Target;
use crate::sim::targets::data::DataDir;
use crate::sim::targets::data::csv;

const PLATES: usize = 21;
/// The fixed effects a0, a1, a12, a2.
const FIXED: usize = 4;
const DIM: usize = FIXED + PLATES + 1;
const GAMMA_SHAPE: f64 = 0.01;
const GAMMA_RATE: f64 = 0.01;
const FIXED_VAR: f64 = 100.0;

pub struct Seeds {
    /// Covariates of each plate in the order of the fixed effects in z: `[4, 21]` rows
    /// 1, x1, x1·x2, x2, and its transpose for the score.
    design: Tensor<2>,
    design_t: Tensor<2>,
    germinated: Tensor<2>,
    planted: Tensor<2>,
    /// Everything that does not depend on z: binomial coefficients and prior normalisers.
    constant: f64,
    reference: ReferenceDraws,
}

impl Seeds {
    /// Reads `seeds.csv` (plate, r, n, x1, x2).
    pub fn load(dir: &DataDir, device: &Device) -> Result<Self, SimError> {
        let table = csv::load(&dir.file("seeds.csv")?)?;
        table.expect_shape(Some(PLATES), 5)?;
        let mut design = vec![0.0f32; FIXED * PLATES];
        let (mut r, mut n) = (Vec::new(), Vec::new());
        let mut log_binomial = 0.0;
        for (j, row) in table.rows.iter().enumerate() {
            let (rj, nj, x1, x2) = (row[1], row[2], row[3], row[4]);
            if rj.fract() != 0.0 || nj.fract() != 0.0 || rj < 0.0 || rj > nj {
                return Err(table.error_at(j, format!("counts r = {rj}, n = {nj} are not 0 ≤ r ≤ n")));
            }
            for (k, v) in [1.0, x1, x1 * x2, x2].into_iter().enumerate() {
                design[k * PLATES + j] = v as f32;
            }
            log_binomial += ln_gamma(nj + 1.0) - ln_gamma(rj + 1.0) - ln_gamma(nj - rj + 1.0);
            r.push(rj as f32);
            n.push(nj as f32);
        }
        let design_t: Vec<f32> = (0..FIXED * PLATES)
            .map(|k| design[(k % FIXED) * PLATES + k / FIXED])
            .collect();
        let fixed_norm = FIXED as f64 * (-0.5 * (FIXED_VAR.ln() + LOG_2PI));
        let random_norm = -0.5 * PLATES as f64 * LOG_2PI;
        let gamma_norm = GAMMA_SHAPE * GAMMA_RATE.ln() - ln_gamma(GAMMA_SHAPE);
        Ok(Self {
            design: Tensor::from_data(TensorData::new(design, [FIXED, PLATES]), device),
            design_t: Tensor::from_data(TensorData::new(design_t, [PLATES, FIXED]), device),
            germinated: Tensor::from_data(TensorData::new(r, [1, PLATES]), device),
            planted: Tensor::from_data(TensorData::new(n, [1, PLATES]), device),
            constant: log_binomial + fixed_norm + random_norm + gamma_norm,
            reference: ReferenceDraws::load(dir, "seeds_gt_samples.csv", DIM)?,
        })
    }

    fn split(z: Tensor<2>) -> (Tensor<2>, Tensor<2>, Tensor<2>) {
        (
            z.clone().narrow(1, 0, FIXED),
            z.clone().narrow(1, FIXED, PLATES),
            z.narrow(1, FIXED + PLATES, 1),
        )
    }

    fn logits(&self, a: Tensor<2>, b: Tensor<2>) -> Tensor<2> {
        a.matmul(self.design.clone()) + b
    }
}

impl Target for Seeds {
    fn name(&self) -> String {
        format!("Seeds (d={DIM})")
    }
    fn dim(&self) -> usize {
        DIM
    }
    fn log_density(&self, z: Tensor<2>) -> Tensor<1> {
        let [batch, _] = z.dims();
        let (a, b, log_tau) = Self::split(z);
        let tau = log_tau.clone().exp();
        let eta = self.logits(a.clone(), b.clone());
        // r η + n log σ(−η) = r log σ(η) + (n − r) log σ(−η), with one transcendental.
        let lik = (eta.clone() * self.germinated.clone()).sum_dim(1)
            + (log_sigmoid(-eta) * self.planted.clone()).sum_dim(1);
        let fixed = a.square().sum_dim(1) * (-0.5 / FIXED_VAR);
        let random = tau.clone() * b.square().sum_dim(1) * (-0.5) + log_tau.clone() * (0.5 * PLATES as f64);
        // Gamma(τ; α, β) τ as a density of log τ: α log τ − β τ up to the constant.
        let precision = log_tau * GAMMA_SHAPE - tau * GAMMA_RATE;
        (lik + fixed + random + precision + self.constant).reshape([batch])
    }
    fn score(&self, z: Tensor<2>) -> Tensor<2> {
        let (a, b, log_tau) = Self::split(z);
        let tau = log_tau.exp();
        let eta = self.logits(a.clone(), b.clone());
        let g = self.germinated.clone() - sigmoid(eta) * self.planted.clone();
        let ga = g.clone().matmul(self.design_t.clone()) - a / FIXED_VAR;
        let gb = g - b.clone() * tau.clone();
        let gt = tau.clone() * b.square().sum_dim(1) * (-0.5) - tau * GAMMA_RATE
            + (0.5 * PLATES as f64 + GAMMA_SHAPE);
        Tensor::cat(vec![ga, gb, gt], 1)
    }
    fn plot_range(&self) -> (f32, f32) {
        // Wide enough for log τ, whose posterior sits around 2 with a long upper tail.
        (-3.0, 5.0)
    }
    /// `n` of the NUTS reference draws.
    fn exact_samples(&self, n: usize, rng: &mut StdRng) -> Option<Vec<f32>> {
        Some(self.reference.sample(n, rng))
    }
}

/// ln Γ(x) for x > 0: shift up to x ≥ 10 by Γ(x + 1) = x Γ(x), then Stirling's series, whose
/// first omitted term there is below 1e-13.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    let mut shift = 0.0;
    let mut x = x;
    while x < 10.0 {
        shift -= x.ln();
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series = inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 / 1680.0)));
    shift + (x - 0.5) * x.ln() - x + 0.5 * LOG_2PI + series
}

#[cfg(test)]
mod tests {
    use super::ln_gamma;

    #[test]
    fn ln_gamma_matches_known_values() {
        // ln Γ(0.01) as Python's math.lgamma gives it; Γ(5) = 24; Γ(1/2) = √π; Γ(82) = 81!.
        assert!((ln_gamma(0.01) - 4.599_479_878_042_022).abs() < 1e-12);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
        assert!((ln_gamma(0.5) - 0.5 * std::f64::consts::PI.ln()).abs() < 1e-12);
        assert!((ln_gamma(82.0) - (1..82).map(|k| (k as f64).ln()).sum::<f64>()).abs() < 1e-10);
    }
}
