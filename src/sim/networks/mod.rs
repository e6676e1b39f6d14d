//! The drift networks of the kernels: ours (SPEC §4) and the paper's Vanilla model, chosen by
//! the preset's `architecture`, behind one interface the sampler calls.

mod dense;
mod mlp;
mod vanilla;

use burn::tensor::{Device, Tensor};
use rand::rngs::StdRng;

use super::config::Architecture;
use super::params::ParamSet;
use mlp::{MlpTables, TimeMlp};
use vanilla::{Vanilla, VanillaTables};

/// Per-step quantities of one network that depend on the step alone, computed once per
/// forward for all N + 1 steps.
#[derive(Clone)]
pub enum StepTables {
    TimeMlp(MlpTables),
    Vanilla(VanillaTables),
}

impl StepTables {
    pub fn rows(&self, start: usize, len: usize) -> StepTables {
        match self {
            StepTables::TimeMlp(t) => StepTables::TimeMlp(t.rows(start, len)),
            StepTables::Vanilla(t) => StepTables::Vanilla(t.rows(start, len)),
        }
    }
}

#[derive(Clone)]
pub enum Network {
    TimeMlp(Box<TimeMlp>),
    Vanilla(Box<Vanilla>),
}

impl Network {
    /// A freshly initialised network for `steps` steps of a `dim`-dimensional state.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        architecture: Architecture,
        params: &mut ParamSet,
        name: &str,
        dim: usize,
        hidden: usize,
        steps: usize,
        rng: &mut StdRng,
        device: &Device,
    ) -> Self {
        match architecture {
            Architecture::TimeMlp => Network::TimeMlp(Box::new(TimeMlp::new(
                params, name, dim, hidden, steps, rng, device,
            ))),
            Architecture::Vanilla => Network::Vanilla(Box::new(Vanilla::new(
                params, name, dim, hidden, steps, rng, device,
            ))),
        }
    }

    /// Step tables for the steps 0..=N.
    pub fn tables(&self, p: &ParamSet) -> StepTables {
        match self {
            Network::TimeMlp(net) => StepTables::TimeMlp(net.tables(p)),
            Network::Vanilla(net) => StepTables::Vanilla(net.tables(p)),
        }
    }

    /// The network output for states `x` (`[S, B, d]`) at the steps of `tables` (S rows, made
    /// by this network), with `langevin` the clipped annealed score at `x`.
    pub fn forward(&self, p: &ParamSet, x: Tensor<3>, tables: &StepTables, langevin: Tensor<3>) -> Tensor<3> {
        match (self, tables) {
            (Network::TimeMlp(net), StepTables::TimeMlp(t)) => net.forward(p, x, t, langevin),
            (Network::Vanilla(net), StepTables::Vanilla(t)) => net.forward(p, x, t, langevin),
            _ => unreachable!("a network is only given the tables it made"),
        }
    }

    pub fn hidden(&self) -> usize {
        match self {
            Network::TimeMlp(net) => net.hidden(),
            Network::Vanilla(net) => net.hidden(),
        }
    }

    /// Multiply–adds of one forward over one state.
    pub fn flops_per_row(&self) -> usize {
        match self {
            Network::TimeMlp(net) => net.flops_per_row(),
            Network::Vanilla(net) => net.flops_per_row(),
        }
    }
}
