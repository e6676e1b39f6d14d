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

/// The first parameter whose gradient (NaN entries already zeroed) is not finite.
pub fn non_finite_gradient(params: &ParamSet, grads: &[Option<Tensor<2>>]) -> Option<String> {
    params
        .ids()
        .zip(grads)
        .find(|(_, g)| g.as_ref().is_some_and(|g| !all_finite(std::iter::once(g))))
        .map(|(id, _)| params.name(id).to_string())
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
