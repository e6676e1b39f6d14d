//! How a run is evaluated: sample counts, the Sinkhorn protocol and ε, the mode rule.

use super::SinkhornProtocol;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalSettings {
    /// Fresh samples drawn for the final metrics.
    pub samples: usize,
    /// Entropic regularisation of the converged Sinkhorn divergence (absolute,
    /// squared-distance units); the paper protocol sets its own.
    pub sinkhorn_eps: f64,
    /// Which Sinkhorn figure to report: ours, converged at `sinkhorn_eps`, or the rKL-LD
    /// paper's.
    #[serde(default)]
    pub sinkhorn_protocol: SinkhornProtocol,
    /// At most this many points of each set enter Sinkhorn (MMD takes at most 4000).
    pub max_points: usize,
    /// A mixture component counts as covered when it holds at least this fraction of samples.
    pub mode_threshold: f64,
}

impl Default for EvalSettings {
    fn default() -> Self {
        Self {
            samples: 2000,
            sinkhorn_eps: 1e-3,
            sinkhorn_protocol: SinkhornProtocol::Converged,
            max_points: 2000,
            mode_threshold: 0.01,
        }
    }
}
