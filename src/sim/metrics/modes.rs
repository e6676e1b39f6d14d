use std::sync::Arc;

use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::sim::host;
use crate::sim::targets::Target;

/// How the samples spread over a mixture's components.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModeCoverage {
    /// Fraction of samples assigned to each component.
    pub fractions: Vec<f64>,
    /// Entropic mode coverage −Σ p log p / log K, in [0, 1].
    pub emc: f64,
    /// Components holding at least the threshold fraction.
    pub covered: usize,
    pub total: usize,
}

/// Assigns every sample (row-major `n × d`) to its most likely component; `None` for targets
/// that are not mixtures.
pub fn mode_coverage(
    target: &Arc<dyn Target>,
    samples: &[f32],
    threshold: f64,
    device: &Device,
) -> Option<ModeCoverage> {
    let d = target.dim();
    let n = samples.len() / d;
    let x = host::matrix(samples.to_vec(), n, d, device);
    let logp: Tensor<2> = target.component_log_densities(x)?;
    let k = logp.dims()[1];
    let best = logp
        .argmax(1)
        .into_data()
        .convert::<i64>()
        .try_into_vec::<i64>()
        .ok()?;
    let mut counts = vec![0usize; k];
    for &c in &best {
        counts[c as usize] += 1;
    }
    let fractions: Vec<f64> = counts.iter().map(|&c| c as f64 / n as f64).collect();
    let entropy: f64 = fractions.iter().filter(|&&p| p > 0.0).map(|&p| -p * p.ln()).sum();
    Some(ModeCoverage {
        emc: entropy / (k as f64).ln(),
        covered: fractions.iter().filter(|&&p| p >= threshold).count(),
        total: k,
        fractions,
    })
}
