//! The behaviours of the rKL-LD paper's code that the lab makes otherwise, as switches
//! (docs/engine.md lists every departure).

use serde::{Deserialize, Serialize};

/// Two choices of the rKL-LD paper's code that this lab makes otherwise; both off by default,
/// on in the `paper_*` presets that take the paper's settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperCode {
    /// At the last state x_N the annealed score keeps the prior's weight, b_N = 1, where
    /// docs/math.md §3 uses the target's, b_N = 0.
    #[serde(default)]
    pub last_step_prior_weight: bool,
    /// The networks' Langevin input is stop-gradient with respect to the state as well as the
    /// parameters, which biases the rKL-R gradient.
    #[serde(default)]
    pub full_stop_gradient: bool,
    /// With frozen σ, ∂L/∂log σ still enters the SDE group's global-norm clip (the paper's
    /// code computes it and resets σ after the update), so the prior's parameters see its clip
    /// factor; ours leaves log σ out.
    #[serde(default)]
    pub frozen_sigma_in_clip: bool,
}

impl PaperCode {
    pub fn is_default(&self) -> bool {
        *self == PaperCode::default()
    }
}
