//! The preset schema: plain data that fully describes a run. It carries no tensor types so the
//! UI and the protocol layer can use it freely.

use serde::{Deserialize, Serialize};

pub use super::metrics::SinkhornProtocol;

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
    /// Random-effects logistic regression on Crowder's seeds data.
    Seeds,
    Sonar,
    Ionosphere,
    /// Logistic regression on Statlog German credit.
    Credit,
    /// Brownian motion with unknown innovation and observation noise.
    Brownian,
    /// Log-Gaussian Cox process on the Finnish pines.
    Lgcp,
    /// A 2-D mixture of Gaussians drawn in the lab: the preset's `target.components`.
    Custom,
}

impl TargetKind {
    /// The synthetic targets: the lab's target cards and thumbnails show these.
    pub const ALL: [TargetKind; 6] = [
        TargetKind::Gmm40,
        TargetKind::Mos10,
        TargetKind::Funnel,
        TargetKind::DoubleWell,
        TargetKind::ManyWell,
        TargetKind::Gaussian,
    ];

    /// The Bayesian posteriors of SPEC §8, built from files of the data directory.
    pub const BAYESIAN: [TargetKind; 6] = [
        TargetKind::Seeds,
        TargetKind::Sonar,
        TargetKind::Ionosphere,
        TargetKind::Credit,
        TargetKind::Brownian,
        TargetKind::Lgcp,
    ];

    /// True for the targets that need the data directory.
    pub fn is_bayesian(self) -> bool {
        Self::BAYESIAN.contains(&self)
    }

    pub fn label(self) -> &'static str {
        match self {
            TargetKind::Gmm40 => "GMM-40",
            TargetKind::Mos10 => "MoS-10",
            TargetKind::Funnel => "Funnel",
            TargetKind::DoubleWell => "Double well",
            TargetKind::ManyWell => "Many-well",
            TargetKind::Gaussian => "Gaussian",
            TargetKind::Seeds => "Seeds",
            TargetKind::Sonar => "Sonar",
            TargetKind::Ionosphere => "Ionosphere",
            TargetKind::Credit => "German credit",
            TargetKind::Brownian => "Brownian",
            TargetKind::Lgcp => "LGCP",
            TargetKind::Custom => "Drawn",
        }
    }

    /// Dimensions the lab offers for this target, the benchmark's first.
    pub fn dimensions(self) -> &'static [usize] {
        match self {
            TargetKind::Gmm40 | TargetKind::Mos10 => &[2, 50],
            TargetKind::Funnel => &[10, 2],
            TargetKind::DoubleWell => &[5, 2],
            TargetKind::ManyWell => &[32, 2],
            TargetKind::Gaussian => &[2],
            TargetKind::Seeds => &[26],
            TargetKind::Sonar => &[61],
            TargetKind::Ionosphere => &[35],
            TargetKind::Credit => &[25],
            TargetKind::Brownian => &[32],
            TargetKind::Lgcp => &[1600],
            TargetKind::Custom => &[2],
        }
    }

    /// Diffusion scale β and prior std that suit this target in `dim` dimensions: the shipped
    /// presets' values, and the paper's for Funnel, the 50-D mixtures and the posteriors. A
    /// mixture's wide prior (std 30) on the funnel diverges at the first step.
    pub fn suggested_scales(self, dim: usize) -> (f64, f64) {
        match self {
            TargetKind::Gmm40 if dim > 2 => (1.0, 80.0),
            TargetKind::Gmm40 => (1.0, 30.0),
            TargetKind::Mos10 if dim > 2 => (1.0, 15.0),
            TargetKind::Mos10 => (1.0, 8.0),
            TargetKind::Funnel => (0.3, 1.0),
            TargetKind::DoubleWell | TargetKind::ManyWell => (0.3, 1.5),
            TargetKind::Gaussian => (1.0, 2.0),
            TargetKind::Custom => (CUSTOM_BETA, CUSTOM_PRIOR_STD),
            TargetKind::Credit => (0.01, 1.0),
            TargetKind::Seeds
            | TargetKind::Sonar
            | TargetKind::Ionosphere
            | TargetKind::Brownian
            | TargetKind::Lgcp => (0.1, 1.0),
        }
    }

    /// The Gaussian mixtures, which come in benchmark instances 0–9.
    pub fn is_mixture(self) -> bool {
        matches!(self, TargetKind::Gmm40 | TargetKind::Mos10)
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
            TargetKind::Seeds => "seeds",
            TargetKind::Sonar => "sonar",
            TargetKind::Ionosphere => "ionosphere",
            TargetKind::Credit => "credit",
            TargetKind::Brownian => "brownian",
            TargetKind::Lgcp => "lgcp",
            TargetKind::Custom => "custom",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        let s = s.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .chain(Self::BAYESIAN)
            .find(|k| k.slug() == s)
    }
}

/// β and prior std of a drawn target: its canvas is [−10, 10]², a tenth of GMM-40's side.
pub const CUSTOM_BETA: f64 = 0.5;
pub const CUSTOM_PRIOR_STD: f64 = 6.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub kind: TargetKind,
    pub dim: usize,
    /// Which of the benchmark's generated constant sets (0–9) a mixture uses; 0 is the paper's.
    #[serde(default)]
    pub constants_seed: u32,
    /// The components of a drawn target (`Custom`); empty for every other kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

impl TargetSpec {
    /// A target of `kind` in `dim` dimensions with the benchmark's constants.
    pub fn new(kind: TargetKind, dim: usize) -> Self {
        TargetSpec {
            kind,
            dim,
            constants_seed: 0,
            components: Vec::new(),
        }
    }
}

/// One isotropic Gaussian of a drawn 2-D target: N(mean, std² I), with a weight relative to
/// the other components (the weights are normalised, so the target's log Z is 0).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub mean: [f64; 2],
    pub std: f64,
    pub weight: f64,
}

impl Component {
    /// The component a click at `(x, y)` adds.
    pub fn at(x: f64, y: f64) -> Self {
        Component {
            mean: [x, y],
            std: 1.0,
            weight: 1.0,
        }
    }

    /// The drawn target a new drawing starts from: three components of different widths
    /// and weights.
    pub fn starting_drawing() -> Vec<Component> {
        vec![
            Component {
                mean: [-5.0, -3.0],
                std: 1.0,
                weight: 1.0,
            },
            Component {
                mean: [4.0, -4.0],
                std: 0.7,
                weight: 0.5,
            },
            Component {
                mean: [1.0, 5.0],
                std: 1.5,
                weight: 1.5,
            },
        ]
    }
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ComputeDevice {
    /// The pure-Rust CPU backend.
    Cpu,
    /// wgpu on the first GPU adapter, whatever kind it is.
    Gpu,
    /// wgpu when a hardware GPU adapter exists, the CPU otherwise: a software rasteriser is
    /// slower than flex, so it does not count.
    Auto,
}

impl ComputeDevice {
    pub const ALL: [ComputeDevice; 3] = [ComputeDevice::Auto, ComputeDevice::Cpu, ComputeDevice::Gpu];

    pub fn label(self) -> &'static str {
        match self {
            ComputeDevice::Cpu => "CPU",
            ComputeDevice::Gpu => "GPU",
            ComputeDevice::Auto => "auto",
        }
    }
}

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
    /// Number of integration steps N.
    pub steps: usize,
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
    pub guide: Vec<super::guide::GuideStep>,
}

/// The architecture of the drift networks (SPEC §4 for ours; README says how the paper's
/// Vanilla model differs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Architecture {
    /// Ours: a GELU MLP on (x, a Fourier code of n/N) plus a Langevin scale λ(n/N) that
    /// depends on the step alone.
    #[default]
    TimeMlp,
    /// The rKL-LD paper's `Vanilla` model, used there for CMCD on Funnel and the posteriors:
    /// ReLU + LayerNorm residual blocks on (x, the integer time N − n and its sinusoidal
    /// code), and a Langevin scale that depends on x and the time, by a second such network.
    Vanilla,
    /// The rKL-LD paper's `PISgradnet`, used there for DBS and for CMCD on the mixtures: our
    /// layout on the integer time N − n with H Fourier frequencies, a Langevin scale of three
    /// hidden layers, LeCun-normal hidden layers, output weights 1e-8, tanh-form GELU.
    PisGradNet,
}

impl Architecture {
    pub const ALL: [Architecture; 3] = [
        Architecture::TimeMlp,
        Architecture::Vanilla,
        Architecture::PisGradNet,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Architecture::TimeMlp => "time MLP",
            Architecture::Vanilla => "paper's Vanilla",
            Architecture::PisGradNet => "paper's PISgradnet",
        }
    }

    pub fn is_default(&self) -> bool {
        *self == Architecture::default()
    }
}

/// Two choices of the rKL-LD paper's code that this lab makes otherwise; both off by default,
/// on in the `paper_*` presets that take the paper's settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperCode {
    /// At the last state x_N the annealed score keeps the prior's weight, b_N = 1, where
    /// SPEC §3 uses the target's, b_N = 0.
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

/// What happens at a step that produces non-finite values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DivergencePolicy {
    /// The run ends at that step, its parameters as they were before it.
    #[default]
    Stop,
    /// The step's update is dropped and training goes on with the next batch.
    Skip,
    /// The rKL-LD paper's code: non-finite gradient entries are zeroed, the update is applied
    /// (the optimiser's moments carry it) and training goes on; the step's non-finite loss or
    /// ELBO is logged as it is. (The paper's `optax.zero_nans` zeroes NaN only, and an infinite
    /// entry there turns every parameter NaN; here it is zeroed too, and an update that would
    /// leave a parameter non-finite is dropped.)
    ZeroNonFinite,
}

impl DivergencePolicy {
    pub const ALL: [DivergencePolicy; 3] = [
        DivergencePolicy::Stop,
        DivergencePolicy::Skip,
        DivergencePolicy::ZeroNonFinite,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DivergencePolicy::Stop => "stop the run",
            DivergencePolicy::Skip => "skip the step",
            DivergencePolicy::ZeroNonFinite => "zero non-finite gradients, go on (paper)",
        }
    }

    fn is_default(&self) -> bool {
        *self == DivergencePolicy::Stop
    }
}

fn default_device() -> ComputeDevice {
    ComputeDevice::Cpu
}

impl Preset {
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
    pub fn differences_from(&self, other: &Preset) -> Vec<&'static str> {
        let fields = [
            ("target", self.target != other.target),
            ("bridge", self.bridge != other.bridge),
            ("loss", self.loss != other.loss),
            ("diffusion", self.diffusion != other.diffusion),
            ("steps N", self.steps != other.steps),
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
            steps: 32,
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
