//! The fixed per-step coefficients of every bridge's two kernels: the VP schedule of DIS and
//! DDS, the pinned Brownian bridge of PIS, and ones for DBS and CMCD, whose learned parts live in
//! the sampler.

use crate::sim::preset::BridgeKind;

/// VP noise rate κ(t) = κ_min + t (κ_max − κ_min) over diffusion time t ∈ [0, 1].
const KAPPA_MIN: f64 = 0.1;
const KAPPA_MAX: f64 = 20.0;

/// Coefficients of step n (between x_n and x_{n+1}) of a bridge:
///
/// - generative kernel  N(x_{n+1}; gen_mean_coef · x_n + D_n² ⊙ drift, D_n²)
/// - inference kernel   N(x_n; inf_mean_coef · x_{n+1} [+ learned part], inf_var_coef · D_n²)
///
/// with D_n = σ ⊙ β · noise_coef. For DBS and CMCD every coefficient is 1.
#[derive(Clone, Debug)]
pub struct BridgeCoefficients {
    pub noise_coef: Vec<f64>,
    pub gen_mean_coef: Vec<f64>,
    pub inf_mean_coef: Vec<f64>,
    pub inf_var_coef: Vec<f64>,
    /// Whether step n's inference term enters the path weight (PIS drops n = 0).
    pub inf_active: Vec<bool>,
}

impl BridgeCoefficients {
    pub fn new(bridge: BridgeKind, steps: usize, prior_std: f64) -> Self {
        let n = steps;
        let h = 1.0 / n as f64;
        // Step n runs between diffusion times t_{n+1} = 1 − (n+1)/N and t_n = 1 − n/N.
        let kappa_integral = |i: usize| {
            let mid = 1.0 - (i as f64 + 0.5) * h;
            (KAPPA_MIN + mid * (KAPPA_MAX - KAPPA_MIN)) * h
        };
        let mut s = BridgeCoefficients {
            noise_coef: vec![1.0; n],
            gen_mean_coef: vec![1.0; n],
            inf_mean_coef: vec![1.0; n],
            inf_var_coef: vec![1.0; n],
            inf_active: vec![true; n],
        };
        match bridge {
            BridgeKind::Dbs | BridgeKind::Cmcd => {}
            BridgeKind::Dds => {
                for i in 0..n {
                    let b2 = 1.0 - (-kappa_integral(i)).exp();
                    s.noise_coef[i] = b2.sqrt() * prior_std;
                    s.gen_mean_coef[i] = (1.0 - b2).sqrt();
                    s.inf_mean_coef[i] = (1.0 - b2).sqrt();
                }
            }
            BridgeKind::Dis => {
                for i in 0..n {
                    let k = kappa_integral(i).min(1.0);
                    s.noise_coef[i] = k.sqrt() * prior_std;
                    s.gen_mean_coef[i] = 1.0 - 0.5 * k;
                    s.inf_mean_coef[i] = 1.0 - 0.5 * k;
                }
            }
            BridgeKind::Pis => {
                for i in 0..n {
                    let r = i as f64 / (i as f64 + 1.0);
                    s.inf_mean_coef[i] = r;
                    // The n = 0 term is masked out; a unit variance keeps it finite.
                    s.inf_var_coef[i] = if i == 0 { 1.0 } else { r };
                    s.inf_active[i] = i > 0;
                }
            }
        }
        s
    }
}
