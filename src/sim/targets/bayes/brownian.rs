//! Brownian motion with unknown noise scales (inference gym's model), d = 32.
//!
//! z = (z_inn, z_obs, x_0..x_29); the scales are s = softplus(z) with LogNormal(0, 2) priors,
//! x_t ~ N(x_{t−1}, s_inn²) from x_{−1} = 0, and the observed steps y_t ~ N(x_t, s_obs²). The
//! data leaves a gap in the middle of the path, which makes the posterior there wide.

use burn::tensor::activation::{log_sigmoid, sigmoid, softplus};
use burn::tensor::{Device, Tensor, TensorData};

use rand::rngs::StdRng;

use super::{LOG_2PI, ReferenceDraws};
use crate::sim::error::SimError;
use crate::sim::targets::Target;
use crate::sim::targets::data::DataDir;
use crate::sim::targets::data::csv;

const STEPS: usize = 30;
const DIM: usize = STEPS + 2;
/// Standard deviation of log s under the LogNormal prior.
const SCALE_PRIOR_SD: f64 = 2.0;

pub struct Brownian {
    /// y_t at observed steps and 0 elsewhere, `[1, 30]`.
    observed: Tensor<2>,
    /// 1 at observed steps, `[1, 30]`.
    mask: Tensor<2>,
    n_observed: usize,
    reference: ReferenceDraws,
}

/// Parts shared by the density and its score.
struct Terms {
    z: Tensor<2>,
    /// softplus(z) and its log, `[B, 2]`.
    s: Tensor<2>,
    log_s: Tensor<2>,
    x: Tensor<2>,
    /// Increments x_t − x_{t−1}, `[B, 30]`.
    step: Tensor<2>,
    /// Masked residuals y_t − x_t, `[B, 30]`.
    resid: Tensor<2>,
}

impl Brownian {
    /// Reads `brownian_observations.csv` (t, y); steps it does not list are unobserved.
    pub fn load(dir: &DataDir, device: &Device) -> Result<Self, SimError> {
        let table = csv::load(&dir.file("brownian_observations.csv")?)?;
        table.expect_shape(None, 2)?;
        let mut observed = vec![0.0f32; STEPS];
        let mut mask = vec![0.0f32; STEPS];
        for (i, row) in table.rows.iter().enumerate() {
            let t = row[0];
            if t.fract() != 0.0 || t < 0.0 || t >= STEPS as f64 {
                return Err(table.error_at(i, format!("step {t} is not a whole number in 0..{STEPS}")));
            }
            let t = t as usize;
            if mask[t] != 0.0 {
                return Err(table.error_at(i, format!("step {t} is listed twice")));
            }
            observed[t] = row[1] as f32;
            mask[t] = 1.0;
        }
        Ok(Self {
            observed: Tensor::from_data(TensorData::new(observed, [1, STEPS]), device),
            mask: Tensor::from_data(TensorData::new(mask, [1, STEPS]), device),
            n_observed: table.rows.len(),
            reference: ReferenceDraws::load(dir, "brownian_gt_samples.csv", DIM)?,
        })
    }

    fn terms(&self, z: Tensor<2>) -> Terms {
        let [b, _] = z.dims();
        let scales = z.clone().narrow(1, 0, 2);
        // Below z ≈ −87 the scale underflows in f32 and the density becomes −∞; the
        // posterior sits near z ≈ −2.
        let s = softplus(scales, 1.0);
        let log_s = s.clone().log();
        let x = z.clone().narrow(1, 2, STEPS);
        let zero = Tensor::<2>::zeros([b, 1], &x.device());
        let prev = Tensor::cat(vec![zero, x.clone().narrow(1, 0, STEPS - 1)], 1);
        let step = x.clone() - prev;
        let resid = (self.observed.clone() - x.clone()) * self.mask.clone();
        Terms {
            z,
            s,
            log_s,
            x,
            step,
            resid,
        }
    }
}

impl Target for Brownian {
    fn name(&self) -> String {
        format!("Brownian (d={DIM})")
    }
    fn dim(&self) -> usize {
        DIM
    }
    fn log_density(&self, z: Tensor<2>) -> Tensor<1> {
        let [b, _] = z.dims();
        let t = self.terms(z);
        let var = 1.0 / (SCALE_PRIOR_SD * SCALE_PRIOR_SD);
        // LogNormal(s; 0, 2) times ds/dz = sigmoid(z), per scale.
        let prior = (-t.log_s.clone() - t.log_s.clone().square() * (0.5 * var)
            + log_sigmoid(t.z.narrow(1, 0, 2)))
        .sum_dim(1)
            - 2.0 * (SCALE_PRIOR_SD.ln() + 0.5 * LOG_2PI);
        let (s_inn, s_obs) = (t.s.clone().narrow(1, 0, 1), t.s.narrow(1, 1, 1));
        let (ls_inn, ls_obs) = (t.log_s.clone().narrow(1, 0, 1), t.log_s.narrow(1, 1, 1));
        let n_obs = self.n_observed as f64;
        let walk = t.step.square().sum_dim(1) / s_inn.square() * (-0.5)
            - ls_inn * STEPS as f64
            - 0.5 * STEPS as f64 * LOG_2PI;
        let obs =
            t.resid.square().sum_dim(1) / s_obs.square() * (-0.5) - ls_obs * n_obs - 0.5 * n_obs * LOG_2PI;
        (prior + walk + obs).reshape([b])
    }
    fn score(&self, z: Tensor<2>) -> Tensor<2> {
        let [b, _] = z.dims();
        let t = self.terms(z);
        let scales = t.z.narrow(1, 0, 2);
        let ds_dz = sigmoid(scales.clone());
        let var = 1.0 / (SCALE_PRIOR_SD * SCALE_PRIOR_SD);
        // d/dz of −log s − (log s)²/(2·2²) is (−1 − log s / 4) σ(z) / s; of log σ(z), σ(−z).
        let prior = (t.log_s.clone() * (-var) - 1.0) * ds_dz.clone() / t.s.clone() + sigmoid(-scales);
        let (s_inn, s_obs) = (t.s.clone().narrow(1, 0, 1), t.s.narrow(1, 1, 1));
        let d_inn = t.step.clone().square().sum_dim(1) / s_inn.clone().powi_scalar(3)
            - s_inn.clone().recip() * STEPS as f64;
        let d_obs = t.resid.clone().square().sum_dim(1) / s_obs.clone().powi_scalar(3)
            - s_obs.clone().recip() * self.n_observed as f64;
        let g_scales = prior + Tensor::cat(vec![d_inn, d_obs], 1) * ds_dz;
        // x_t enters its own increment (with −) and the next one (with +).
        let zero = Tensor::<2>::zeros([b, 1], &t.x.device());
        let next = Tensor::cat(vec![t.step.clone().narrow(1, 1, STEPS - 1), zero], 1);
        let g_x = (next - t.step) / s_inn.square() + t.resid / s_obs.square();
        Tensor::cat(vec![g_scales, g_x], 1)
    }
    fn plot_range(&self) -> (f32, f32) {
        // The scale coordinates sit near softplus⁻¹(0.1) ≈ −2.3; the path stays within ±1.5.
        (-4.0, 2.0)
    }
    /// `n` of the NUTS reference draws.
    fn exact_samples(&self, n: usize, rng: &mut StdRng) -> Option<Vec<f32>> {
        Some(self.reference.sample(n, rng))
    }
}
