//! The catalogue of targets a preset can name: their kinds, labels, command-line names,
//! dimensions and the scales that suit them, and the target specification of a preset.

use super::custom::Component;
use serde::{Deserialize, Serialize};

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

    /// The Bayesian posteriors of docs/math.md §8, built from files of the data directory.
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
