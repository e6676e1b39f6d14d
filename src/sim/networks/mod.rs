//! The drift networks of the kernels: ours (docs/math.md §4) and the paper's Vanilla and PISgradnet
//! models, chosen by the preset's `architecture`, behind one interface the sampler calls.

mod dense;
pub mod fused;
mod mlp;
mod pisgradnet;
mod vanilla;

use burn::tensor::{Device, Tensor};
use rand::rngs::StdRng;

use crate::sim::training::params::ParamSet;
pub use mlp::TimeMlp;
use pisgradnet::PisGradNet;
use serde::{Deserialize, Serialize};
use vanilla::Vanilla;

/// The architecture of the drift networks (docs/math.md §4 for ours; README says how the paper's
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

/// The sizes a network is built for: a `dim`-dimensional state, `hidden` units, `steps` steps.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub dim: usize,
    pub hidden: usize,
    pub path_steps: usize,
}

/// Per-step quantities of one network that depend on the step alone, computed once per
/// forward for all N + 1 steps: two `[N+1, 1, ·]` tensors, whose meaning the network that made
/// them states.
#[derive(Clone)]
pub struct StepTables {
    parts: [Tensor<3>; 2],
}

impl StepTables {
    fn new(parts: [Tensor<3>; 2]) -> Self {
        StepTables { parts }
    }

    fn parts(&self) -> [Tensor<3>; 2] {
        self.parts.clone()
    }

    /// The tables of the steps `start..start + len`.
    pub fn rows(&self, start: usize, len: usize) -> StepTables {
        StepTables::new(self.parts().map(|t| t.narrow(0, start, len)))
    }
}

#[derive(Clone)]
pub enum Network {
    TimeMlp(Box<TimeMlp>),
    Vanilla(Box<Vanilla>),
    PisGradNet(Box<PisGradNet>),
}

impl Network {
    /// A freshly initialised network of the given architecture and layout.
    pub fn new(
        architecture: Architecture,
        params: &mut ParamSet,
        name: &str,
        layout: Layout,
        rng: &mut StdRng,
        device: &Device,
    ) -> Self {
        match architecture {
            Architecture::TimeMlp => {
                Network::TimeMlp(Box::new(TimeMlp::new(params, name, layout, rng, device)))
            }
            Architecture::Vanilla => {
                Network::Vanilla(Box::new(Vanilla::new(params, name, layout, rng, device)))
            }
            Architecture::PisGradNet => {
                Network::PisGradNet(Box::new(PisGradNet::new(params, name, layout, rng, device)))
            }
        }
    }

    /// Step tables for the steps 0..=N.
    pub fn tables(&self, p: &ParamSet) -> StepTables {
        match self {
            Network::TimeMlp(net) => net.tables(p),
            Network::Vanilla(net) => net.tables(p),
            Network::PisGradNet(net) => net.tables(p),
        }
    }

    /// [`Network::tables`] for a pass that takes the time MLP's state path from the host
    /// ([`TimeMlp::tables_without_state_path`]); the paper's models' tables in full.
    pub fn tables_without_state_path(&self, p: &ParamSet) -> StepTables {
        match self {
            Network::TimeMlp(net) => net.tables_without_state_path(p),
            Network::Vanilla(net) => net.tables(p),
            Network::PisGradNet(net) => net.tables(p),
        }
    }

    /// The network output for states `x` (`[S, B, d]`) at the steps of `tables` (S rows, made
    /// by this network), with `langevin` the clipped annealed score at `x`.
    pub fn forward(&self, p: &ParamSet, x: Tensor<3>, tables: &StepTables, langevin: Tensor<3>) -> Tensor<3> {
        match self {
            Network::TimeMlp(net) => net.forward(p, x, tables, langevin),
            Network::Vanilla(net) => net.forward(p, x, tables, langevin),
            Network::PisGradNet(net) => net.forward(p, x, tables, langevin),
        }
    }

    /// The time MLP, which the CPU fast path can evaluate; `None` for the paper's models.
    pub fn time_mlp(&self) -> Option<&TimeMlp> {
        match self {
            Network::TimeMlp(net) => Some(net),
            Network::Vanilla(_) | Network::PisGradNet(_) => None,
        }
    }

    pub fn hidden(&self) -> usize {
        match self {
            Network::TimeMlp(net) => net.hidden(),
            Network::Vanilla(net) => net.hidden(),
            Network::PisGradNet(net) => net.hidden(),
        }
    }

    /// Multiply–adds of one forward over one state.
    pub fn flops_per_row(&self) -> usize {
        match self {
            Network::TimeMlp(net) => net.flops_per_row(),
            Network::Vanilla(net) => net.flops_per_row(),
            Network::PisGradNet(net) => net.flops_per_row(),
        }
    }
}
