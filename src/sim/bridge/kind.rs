//! What each bridge is: the generative and inference kernels it pairs (docs/math.md §3).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BridgeKind {
    /// Diffusion bridge sampler: learned generative and inference networks.
    Dbs,
    /// Controlled Monte Carlo diffusion: one shared control and the annealed score.
    Cmcd,
    /// Path integral sampler: Brownian bridge pinned at 0 as the inference process.
    Pis,
    /// Time-reversed diffusion sampler: Euler–Maruyama VP noising.
    Dis,
    /// Denoising diffusion sampler: exact OU (VP) noising.
    Dds,
}

impl BridgeKind {
    pub const ALL: [BridgeKind; 5] = [
        BridgeKind::Dbs,
        BridgeKind::Cmcd,
        BridgeKind::Pis,
        BridgeKind::Dis,
        BridgeKind::Dds,
    ];

    pub fn label(self) -> &'static str {
        match self {
            BridgeKind::Dbs => "DBS",
            BridgeKind::Cmcd => "CMCD",
            BridgeKind::Pis => "PIS",
            BridgeKind::Dis => "DIS",
            BridgeKind::Dds => "DDS",
        }
    }

    /// True when the inference kernel has no network (its only parameters are σ, if learned).
    pub fn has_fixed_inference(self) -> bool {
        matches!(self, BridgeKind::Pis | BridgeKind::Dis | BridgeKind::Dds)
    }

    /// True when the prior is a learned Gaussian (the fixed-inference samplers fix theirs).
    pub fn learns_prior(self) -> bool {
        matches!(self, BridgeKind::Dbs | BridgeKind::Cmcd)
    }
}
