//! The preset schema: plain data that fully describes a run. It carries no tensor types so the
//! UI and the protocol layer can use it freely.

use super::{PaperCode, Variation};
use crate::sim::bridge::{BridgeKind, DiffusionMode};
use crate::sim::metrics::{EvalSettings, SinkhornProtocol};
use crate::sim::networks::Architecture;
use crate::sim::platform::{ComputeDevice, default_device};
use crate::sim::preset::guide::GuideStep;
use crate::sim::targets::{Component, TargetKind, TargetSpec};
use crate::sim::training::{DivergencePolicy, LearningRates, LossKind};
use serde::{Deserialize, Serialize};

/// Bumped whenever a field changes name or meaning. Version 2 named the bridge's N
/// `path_steps` (version 1: `steps`); older versions are read and upgraded
/// ([`Preset::upgrade`]), newer ones refused.
pub const PRESET_VERSION: u32 = 2;

/// A complete, versioned description of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub version: u32,
    /// A human title for the lab's gallery ("Mode collapse: rKL-R against LV"); empty, the
    /// file name is shown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// One line on what the run shows.
    pub description: String,
    pub target: TargetSpec,
    pub bridge: BridgeKind,
    pub loss: LossKind,
    pub diffusion: DiffusionMode,
    /// The bridge's N: steps of a path from the prior to the target (called `steps` in
    /// version-1 presets).
    #[serde(alias = "steps")]
    pub path_steps: usize,
    pub batch: usize,
    /// Width H of the hidden layers.
    pub hidden: usize,
    /// The diffusion scale β (initial diffusion coefficient).
    pub beta: f64,
    /// Initial per-dimension multipliers σ of β; empty means 1 in every dimension.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sigma_init: Vec<f64>,
    pub prior_std: f64,
    pub lr: LearningRates,
    /// Global-norm clip applied to each parameter group separately.
    pub grad_clip: f64,
    pub seed: u64,
    pub train_steps: usize,
    /// Log a metrics row every this many training steps.
    pub log_every: usize,
    #[serde(default)]
    pub eval: EvalSettings,
    #[serde(default = "default_device")]
    pub device: ComputeDevice,
    /// A second run shown beside this one in the lab: same target and seed, these changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<Variation>,
    /// What a step with a non-finite loss, gradient, parameter or sample does to the run.
    #[serde(default, skip_serializing_if = "DivergencePolicy::is_default")]
    pub on_divergence: DivergencePolicy,
    /// Behaviours of the rKL-LD paper's code that differ from ours on purpose.
    #[serde(default, skip_serializing_if = "PaperCode::is_default")]
    pub paper_code: PaperCode,
    /// The networks' architecture: ours, or the paper's Vanilla model.
    #[serde(default, skip_serializing_if = "Architecture::is_default")]
    pub architecture: Architecture,
    /// A lesson's guided steps, shown as cards in the lab.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guide: Vec<GuideStep>,
}

impl Preset {
    /// A preset of an older version as the current version says it. Version 1's `steps` is
    /// read into `path_steps` by its field alias; nothing else changed.
    pub fn upgrade(&mut self) {
        self.version = PRESET_VERSION;
    }

    /// The initial σ of dimension `j`.
    pub fn sigma_init_at(&self, j: usize) -> f64 {
        self.sigma_init.get(j).copied().unwrap_or(1.0)
    }

    /// The second run of a comparison, if this preset asks for one. The lesson's guide stays
    /// with the first run: it speaks of both.
    pub fn compared(&self) -> Option<Preset> {
        self.compare.as_ref().map(|v| Preset {
            guide: Vec::new(),
            ..v.apply(self)
        })
    }

    /// Evaluates under `protocol`. A published one ([`SinkhornProtocol::is_published`]) takes
    /// the rKL-LD paper's evaluation with it: 16 000 samples for the mixtures and 2000
    /// otherwise, and, as its seed-i runs do, mixture instance i (means drawn from seed i).
    /// Refuses a mixture seed above 9, for which the benchmark has no instance.
    pub fn apply_protocol(&mut self, protocol: SinkhornProtocol) -> Result<(), String> {
        self.eval.sinkhorn_protocol = protocol;
        if !protocol.is_published() {
            return Ok(());
        }
        let mixture = self.target.kind.is_mixture();
        if mixture {
            if self.seed > 9 {
                return Err(format!(
                    "the {} protocol evaluates seed i on mixture instance i, and instances exist for seeds 0–9 only (seed {})",
                    protocol.name(),
                    self.seed
                ));
            }
            self.target.constants_seed = self.seed as u32;
        }
        let samples = if mixture { 16_000 } else { 2000 };
        self.eval.samples = samples;
        self.eval.max_points = samples;
        Ok(())
    }
}

impl Preset {
    /// The settings (by their names in the lab) in which `self` differs from `other`; the
    /// description and the comparison are not settings of the run.
    /// The settings in a few words, as a title: the target and its dimension, the bridge and
    /// the loss.
    pub fn summary(&self) -> String {
        format!(
            "{} (d = {}), {} with {}",
            self.target.kind.label(),
            self.target.dim,
            self.bridge.label(),
            self.loss.label()
        )
    }

    pub fn differences_from(&self, other: &Preset) -> Vec<&'static str> {
        let fields = [
            ("target", self.target != other.target),
            ("bridge", self.bridge != other.bridge),
            ("loss", self.loss != other.loss),
            ("diffusion", self.diffusion != other.diffusion),
            ("path steps N", self.path_steps != other.path_steps),
            ("batch", self.batch != other.batch),
            ("hidden width", self.hidden != other.hidden),
            ("β", self.beta != other.beta),
            ("σ", self.sigma_init != other.sigma_init),
            ("prior std", self.prior_std != other.prior_std),
            ("learning rates", self.lr != other.lr),
            ("gradient clip", self.grad_clip != other.grad_clip),
            ("seed", self.seed != other.seed),
            ("training steps", self.train_steps != other.train_steps),
            ("logging", self.log_every != other.log_every),
            ("evaluation", self.eval != other.eval),
            ("compute", self.device != other.device),
            ("non-finite step", self.on_divergence != other.on_divergence),
            ("paper code", self.paper_code != other.paper_code),
            ("architecture", self.architecture != other.architecture),
        ];
        fields
            .into_iter()
            .filter_map(|(name, differs)| differs.then_some(name))
            .collect()
    }

    /// Switches to `kind` in `dim` dimensions with the scales that suit it
    /// ([`TargetKind::suggested_scales`]) and σ = 1 everywhere, keeping every other setting.
    /// A drawn target starts from [`Component::starting_drawing`] unless it has components.
    pub fn suit_target(&mut self, kind: TargetKind, dim: usize) {
        self.target.kind = kind;
        self.target.dim = dim;
        if kind != TargetKind::Custom {
            self.target.components.clear();
        } else if self.target.components.is_empty() {
            self.target.components = Component::starting_drawing();
        }
        self.sigma_init.clear();
        (self.beta, self.prior_std) = kind.suggested_scales(dim);
    }

    /// A small 2-D mixture run that trains in seconds: the default the lab opens with.
    pub fn default_interactive() -> Self {
        Preset {
            version: PRESET_VERSION,
            title: String::new(),
            description: "GMM-40 in 2-D with DBS and rKL-LD: watch the samples spread over the modes.".into(),
            target: TargetSpec::new(TargetKind::Gmm40, 2),
            bridge: BridgeKind::Dbs,
            loss: LossKind::RklLd,
            diffusion: DiffusionMode::Learned,
            path_steps: 32,
            batch: 256,
            hidden: 32,
            beta: 1.0,
            sigma_init: Vec::new(),
            prior_std: 30.0,
            lr: LearningRates {
                network: 3e-3,
                interpolation: 3e-3,
                sde: 3e-3,
            },
            grad_clip: 1.0,
            seed: 0,
            train_steps: 800,
            log_every: 10,
            eval: EvalSettings {
                samples: 1000,
                max_points: 1000,
                ..EvalSettings::default()
            },
            device: ComputeDevice::Auto,
            compare: None,
            on_divergence: DivergencePolicy::Stop,
            paper_code: PaperCode::default(),
            architecture: Architecture::default(),
            guide: Vec::new(),
        }
    }
}
