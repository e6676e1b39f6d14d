//! Finding the first non-finite quantity of a training step, so a diverging run can be stopped
//! (or the step dropped) before bad values reach the parameters.

use burn::tensor::Tensor;

use crate::sim::platform::host;
use crate::sim::training::params::ParamSet;
use serde::{Deserialize, Serialize};

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

    pub fn is_default(&self) -> bool {
        *self == DivergencePolicy::Stop
    }
}

/// A sum over every entry is finite exactly when no entry is NaN or infinite (short of
/// overflow, which is divergence too); one host read per check instead of one per tensor.
fn all_finite<'a>(tensors: impl Iterator<Item = &'a Tensor<2>>) -> bool {
    let total = tensors.map(|t| t.clone().sum()).reduce(|a, b| a + b);
    total.is_none_or(|t| host::scalar(t).is_finite())
}

pub fn samples_are_finite(samples: &Tensor<2>) -> bool {
    all_finite(std::iter::once(samples))
}

/// What makes the gradients unusable, naming the first parameter at fault: an entry that is
/// infinite (NaN entries are already zeroed), or finite entries whose squared norm overflows
/// single precision. `None` where each parameter's is finite and only their sum overflows.
pub fn non_finite_gradient(params: &ParamSet, grads: &[Option<Tensor<2>>]) -> Option<String> {
    params.ids().zip(grads).find_map(|(id, g)| {
        let g = g.as_ref()?;
        let name = params.name(id);
        if !all_finite(std::iter::once(g)) {
            Some(format!("the gradient of {name}"))
        } else if !host::scalar(g.clone().square().sum()).is_finite() {
            let largest = host::scalar(g.clone().abs().max());
            Some(format!(
                "the squared norm of the gradient of {name} (entries up to {largest:.3e} overflow single precision)"
            ))
        } else {
            None
        }
    })
}

/// The first parameter with a non-finite entry.
pub fn non_finite_parameter(params: &ParamSet) -> Option<String> {
    let values: Vec<Tensor<2>> = params.ids().map(|id| params.get(id)).collect();
    if all_finite(values.iter()) {
        return None;
    }
    params
        .ids()
        .find(|&id| !all_finite(std::iter::once(&params.get(id))))
        .map(|id| params.name(id).to_string())
}
