//! Finding the first non-finite quantity of a training step, so a diverging run can be stopped
//! (or the step dropped) before bad values reach the parameters.

use burn::tensor::Tensor;

use super::host;
use super::params::ParamSet;

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
