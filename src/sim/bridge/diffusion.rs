//! How the diffusion multiplier σ is trained (docs/math.md §2).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DiffusionMode {
    /// σ = 1 stays fixed (the paper's ★ runs).
    Frozen,
    /// One learned multiplier per dimension.
    Learned,
    /// One learned multiplier per step and dimension.
    TimeDependent,
}

impl DiffusionMode {
    pub const ALL: [DiffusionMode; 3] = [
        DiffusionMode::Frozen,
        DiffusionMode::Learned,
        DiffusionMode::TimeDependent,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DiffusionMode::Frozen => "frozen",
            DiffusionMode::Learned => "learned",
            DiffusionMode::TimeDependent => "time-dependent",
        }
    }
}
