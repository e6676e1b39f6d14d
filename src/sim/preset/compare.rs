//! The second run of a side-by-side comparison: what it changes from the first.

use super::Preset;
use crate::sim::bridge::{BridgeKind, DiffusionMode};
use crate::sim::training::{LearningRates, LossKind};
use serde::{Deserialize, Serialize};

/// What the second run of a side-by-side comparison changes; everything else (target, seed,
/// sizes) is shared so that the difference on screen has one cause.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<LossKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<BridgeKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diffusion: Option<DiffusionMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_std: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lr: Option<LearningRates>,
}

impl Variation {
    /// The preset of the second run: `base` with this variation's changes, and no comparison
    /// of its own.
    pub fn apply(&self, base: &Preset) -> Preset {
        let mut p = base.clone();
        p.compare = None;
        if let Some(v) = self.loss {
            p.loss = v;
        }
        if let Some(v) = self.bridge {
            p.bridge = v;
        }
        if let Some(v) = self.diffusion {
            p.diffusion = v;
        }
        if let Some(v) = self.beta {
            p.beta = v;
        }
        if let Some(v) = self.prior_std {
            p.prior_std = v;
        }
        if let Some(v) = self.lr {
            p.lr = v;
        }
        p
    }

    /// What the second run changes, in words ("loss LV, β 0.2"); "no change" when nothing.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(v) = self.loss {
            parts.push(format!("loss {}", v.label()));
        }
        if let Some(v) = self.bridge {
            parts.push(format!("bridge {}", v.label()));
        }
        if let Some(v) = self.diffusion {
            parts.push(format!("diffusion {}", v.label()));
        }
        if let Some(v) = self.beta {
            parts.push(format!("β {v}"));
        }
        if let Some(v) = self.prior_std {
            parts.push(format!("prior std {v}"));
        }
        if let Some(v) = self.lr {
            parts.push(format!("learning rate {}", v.network));
        }
        if parts.is_empty() {
            "no change".into()
        } else {
            parts.join(", ")
        }
    }
}
