//! The preset schema: plain data that fully describes a run. It carries no tensor types so the
//! UI and the protocol layer can use it freely.

use serde::{Deserialize, Serialize};

/// Bumped whenever a field changes meaning; presets of another version are refused.
pub const PRESET_VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TargetKind {
    Gmm40,
    Mos10,
    Funnel,
    DoubleWell,
    ManyWell,
    Gaussian,
}

impl TargetKind {
    pub const ALL: [TargetKind; 6] = [
        TargetKind::Gmm40,
        TargetKind::Mos10,
        TargetKind::Funnel,
        TargetKind::DoubleWell,
        TargetKind::ManyWell,
        TargetKind::Gaussian,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TargetKind::Gmm40 => "GMM-40",
            TargetKind::Mos10 => "MoS-10",
            TargetKind::Funnel => "Funnel",
            TargetKind::DoubleWell => "Double well",
            TargetKind::ManyWell => "Many-well",
            TargetKind::Gaussian => "Gaussian",
        }
    }

    /// The name used on the command line (`bridgelab density gmm40 ...`).
    pub fn slug(self) -> &'static str {
        match self {
            TargetKind::Gmm40 => "gmm40",
            TargetKind::Mos10 => "mos10",
            TargetKind::Funnel => "funnel",
            TargetKind::DoubleWell => "double-well",
            TargetKind::ManyWell => "many-well",
            TargetKind::Gaussian => "gaussian",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == s.to_ascii_lowercase())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub kind: TargetKind,
    pub dim: usize,
    /// Which of the benchmark's generated constant sets (0–9) a mixture uses; 0 is the paper's.
    #[serde(default)]
    pub constants_seed: u32,
}

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LossKind {
    /// Reverse KL through the reparametrised path.
    RklR,
    /// Log-variance of the path log-weight on detached paths.
    Lv,
    /// Reverse KL with the log-derivative (score-function) trick on detached paths.
    RklLd,
}

impl LossKind {
    pub const ALL: [LossKind; 3] = [LossKind::RklR, LossKind::Lv, LossKind::RklLd];

    pub fn label(self) -> &'static str {
        match self {
            LossKind::RklR => "rKL-R",
            LossKind::Lv => "LV",
            LossKind::RklLd => "rKL-LD",
        }
    }
}

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

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningRates {
    pub network: f64,
    pub interpolation: f64,
    pub sde: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ComputeDevice {
    /// The pure-Rust CPU backend.
    Cpu,
    /// wgpu on the first GPU adapter.
    Gpu,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalSettings {
    /// Fresh samples drawn for the final metrics.
    pub samples: usize,
    /// Entropic regularisation of the Sinkhorn divergence (absolute, squared-distance units).
    pub sinkhorn_eps: f64,
    /// At most this many points of each set enter Sinkhorn and MMD (both are quadratic).
    pub max_points: usize,
    /// A mixture component counts as covered when it holds at least this fraction of samples.
    pub mode_threshold: f64,
}

impl Default for EvalSettings {
    fn default() -> Self {
        Self {
            samples: 2000,
            sinkhorn_eps: 1e-3,
            max_points: 1000,
            mode_threshold: 0.01,
        }
    }
}

/// A complete, versioned description of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub version: u32,
    /// One line on what the run shows.
    pub description: String,
    pub target: TargetSpec,
    pub bridge: BridgeKind,
    pub loss: LossKind,
    pub diffusion: DiffusionMode,
    /// Number of integration steps N.
    pub steps: usize,
    pub batch: usize,
    /// Width H of the hidden layers.
    pub hidden: usize,
    /// The diffusion scale β (initial diffusion coefficient).
    pub beta: f64,
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
}

fn default_device() -> ComputeDevice {
    ComputeDevice::Cpu
}

impl Preset {
    /// A small 2-D mixture run that trains in seconds: the default the lab opens with.
    pub fn default_interactive() -> Self {
        Preset {
            version: PRESET_VERSION,
            description: "GMM-40 in 2-D with DBS and rKL-LD: watch the samples spread over the modes.".into(),
            target: TargetSpec {
                kind: TargetKind::Gmm40,
                dim: 2,
                constants_seed: 0,
            },
            bridge: BridgeKind::Dbs,
            loss: LossKind::RklLd,
            diffusion: DiffusionMode::Learned,
            steps: 32,
            batch: 256,
            hidden: 32,
            beta: 1.0,
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
                ..EvalSettings::default()
            },
            device: ComputeDevice::Cpu,
        }
    }
}
