//! Finding the first non-finite quantity of a training step, so a diverging run can be stopped
//! (or the step dropped) before bad values reach the parameters.

use burn::tensor::Tensor;

use super::host;
use super::params::{ParamId, ParamSet};

/// A sum over every entry is finite exactly when no entry is NaN or infinite (short of
/// overflow, which is divergence too); one host read per check instead of one per tensor.
fn all_finite<'a>(tensors: impl Iterator<Item = &'a Tensor<2>>) -> bool {
    let total = tensors.map(|t| t.clone().sum()).reduce(|a, b| a + b);
    total.is_none_or(|t| host::scalar(t).is_finite())
}

pub fn samples_are_finite(samples: &Tensor<2>) -> bool {
    all_finite(std::iter::once(samples))
}

/// The first parameter whose gradient has an infinite entry. NaN entries do not count: the
/// optimiser zeroes them (SPEC §6).
pub fn infinite_gradient(params: &ParamSet, grads: &[Option<Tensor<2>>]) -> Option<String> {
    let cleaned: Vec<(usize, Tensor<2>)> = grads
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            g.as_ref()
                .map(|g| (i, g.clone().mask_fill(g.clone().is_nan(), 0.0)))
        })
        .collect();
    if all_finite(cleaned.iter().map(|(_, g)| g)) {
        return None;
    }
    let names: Vec<ParamId> = params.ids().collect();
    cleaned
        .iter()
        .find(|(_, g)| !all_finite(std::iter::once(g)))
        .map(|(i, _)| params.name(names[*i]).to_string())
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
