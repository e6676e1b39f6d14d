use serde::{Deserialize, Serialize};

/// Estimates computed from the log-weights log w of B independent paths.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeightStats {
    /// mean(log w): a lower bound on log Z.
    #[serde(with = "crate::sim::platform::json_float")]
    pub elbo: f64,
    /// logsumexp(log w) − log B.
    #[serde(with = "crate::sim::platform::json_float")]
    pub log_z_hat: f64,
    /// Σ w̄ᵢ log wᵢ with self-normalised weights w̄: an (estimated) upper bound on log Z.
    #[serde(with = "crate::sim::platform::json_float")]
    pub eubo: f64,
    /// Normalised effective sample size 1 / (B Σ w̄ᵢ²), in [1/B, 1].
    #[serde(with = "crate::sim::platform::json_float")]
    pub ess: f64,
}

impl WeightStats {
    /// Non-finite log-weights count as zero weight, so one diverged path does not hide the rest;
    /// the ELBO still reflects them.
    pub fn from_log_weights(log_w: &[f32]) -> Self {
        let b = log_w.len() as f64;
        let elbo = log_w.iter().map(|&v| v as f64).sum::<f64>() / b;
        let finite: Vec<f64> = log_w
            .iter()
            .map(|&v| v as f64)
            .filter(|v| v.is_finite())
            .collect();
        let max = finite.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        if finite.is_empty() {
            return Self {
                elbo,
                log_z_hat: f64::NAN,
                eubo: f64::NAN,
                ess: 0.0,
            };
        }
        let sum: f64 = finite.iter().map(|v| (v - max).exp()).sum();
        let log_sum = max + sum.ln();
        let log_z_hat = log_sum - b.ln();
        let mut eubo = 0.0;
        let mut sq = 0.0;
        for v in &finite {
            let w = (v - log_sum).exp();
            eubo += w * v;
            sq += w * w;
        }
        Self {
            elbo,
            log_z_hat,
            eubo,
            ess: 1.0 / (b * sq),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_weights_give_full_ess_and_equal_bounds() {
        let s = WeightStats::from_log_weights(&[2.0; 100]);
        assert!((s.ess - 1.0).abs() < 1e-9);
        assert!((s.elbo - 2.0).abs() < 1e-9);
        assert!((s.log_z_hat - 2.0).abs() < 1e-6);
        assert!((s.eubo - 2.0).abs() < 1e-6);
    }

    #[test]
    fn one_dominant_weight_gives_minimal_ess() {
        let mut lw = vec![-1000.0f32; 50];
        lw[3] = 0.0;
        let s = WeightStats::from_log_weights(&lw);
        assert!((s.ess - 1.0 / 50.0).abs() < 1e-9);
        assert!(s.elbo < s.log_z_hat && s.log_z_hat <= s.eubo + 1e-9);
    }
}
