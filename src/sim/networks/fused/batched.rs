//! The batched likelihood pass of LV and rKL-LD on the CPU fast path. The networks' state
//! paths run here, on the host, forward and backward; burn differentiates the rest of the two
//! kernels (the SDE parameters, the interpolation weights, the Langevin scale) with the state
//! paths' outputs as leaves, and, in one small second pass, the step tables of the time
//! parameters from the gradients the host computed for them.

use burn::tensor::{Tensor, TensorData};

use super::mlp::{MlpGrads, Steps};
use crate::sim::bridge::rollout::path_log_likelihoods_given;
use crate::sim::bridge::sampler::{HostNets, Sampler};
use crate::sim::platform::host;
use crate::sim::training::params::{ParamId, ParamSet};
use crate::sim::training::shards::sum_gradients;

/// The gradient of Σ_i a_i L_Q,i + b_i L_P,i over fixed paths `path` (`[N+1, B, d]`) with
/// their target scores, the state paths evaluated from `nets` (the plain parameters' host
/// copy), in chunks of about `chunk_rows` rows.
#[allow(clippy::too_many_arguments)]
pub fn weighted_likelihood_gradients(
    s: &Sampler,
    p: &ParamSet,
    nets: &HostNets,
    path: Tensor<3>,
    scores: Tensor<3>,
    a: &[f32],
    b: &[f32],
    chunk_rows: usize,
) -> Vec<Option<Tensor<2>>> {
    let [steps_plus_one, paths, d] = path.dims();
    let n = steps_plus_one - 1;
    let chunk = (chunk_rows / steps_plus_one).max(1);
    let device = path.device();
    let mut generative = MlpGrads::zeros(&nets.generative);
    let mut inference = nets.inference.as_ref().map(MlpGrads::zeros);
    let mut parts = Vec::new();
    for start in (0..paths).step_by(chunk) {
        let len = chunk.min(paths - start);
        let states = host::to_vec(path.clone().narrow(1, start, len));
        let size = len * d;
        let (from, to) = (&states[..n * size], &states[size..]);
        let backward_net = nets.inference.as_ref().unwrap_or(&nets.generative);
        let (forward_core, forward_kept) = nets.generative.forward_kept(
            from,
            Steps {
                first: 0,
                per_step: len,
            },
        );
        let (backward_core, backward_kept) = backward_net.forward_kept(
            to,
            Steps {
                first: 1,
                per_step: len,
            },
        );
        let leaf = |v: Vec<f32>| {
            Tensor::<3>::from_data(TensorData::new(v, [n, len, d]), &device)
                .autodiff()
                .require_grad()
        };
        let (forward_leaf, backward_leaf) = (leaf(forward_core), leaf(backward_core));
        let tracked = p.tracked();
        let t = s.tables_for_host_state_paths(&tracked);
        let (lq, lp) = path_log_likelihoods_given(
            s,
            &tracked,
            &t,
            path.clone().narrow(1, start, len),
            scores.clone().narrow(1, start, len),
            Some((forward_leaf.clone(), backward_leaf.clone())),
        );
        let column = |w: &[f32]| {
            Tensor::<1>::from_data(TensorData::new(w[start..start + len].to_vec(), [len]), &device)
        };
        let surrogate = (lq * column(a)).sum() + (lp * column(b)).sum();
        let grads = surrogate.backward();
        parts.push(p.gradients(&tracked, &grads));
        let output_grad = |leaf: &Tensor<3>| {
            leaf.grad(&grads)
                .map_or_else(|| vec![0.0; n * size], |g| host::to_vec(g.inner()))
        };
        nets.generative
            .backward(&forward_kept, &output_grad(&forward_leaf), &mut generative);
        let into = inference.as_mut().unwrap_or(&mut generative);
        backward_net.backward(&backward_kept, &output_grad(&backward_leaf), into);
    }
    let (gen_ids, inf_ids) = s.state_params().expect("the fast path runs time MLPs only");
    let mut direct: Vec<Option<Tensor<2>>> = vec![None; p.len()];
    put(&mut direct, p, gen_ids, &generative);
    if let (Some(ids), Some(g)) = (inf_ids, &inference) {
        put(&mut direct, p, ids, g);
    }
    parts.push(direct);
    parts.push(step_table_gradients(s, p, &generative, inference.as_ref()));
    sum_gradients(parts)
}

/// Host gradients of a state path's weights as tensors of their parameters' shapes.
fn put(into: &mut [Option<Tensor<2>>], p: &ParamSet, ids: [ParamId; 5], g: &MlpGrads) {
    for (id, values) in ids.into_iter().zip([&g.wx, &g.w2, &g.b2, &g.w3, &g.b3]) {
        let like = p.get(id);
        let [rows, cols] = like.dims();
        into[id.0] = Some(host::matrix(values.clone(), rows, cols, &like.device()));
    }
}

/// The gradients of the time parameters, from the host's gradients of the step tables: the
/// first-layer tables are recomputed with tracked parameters and Σ table ⊙ gradient
/// differentiated.
fn step_table_gradients(
    s: &Sampler,
    p: &ParamSet,
    generative: &MlpGrads,
    inference: Option<&MlpGrads>,
) -> Vec<Option<Tensor<2>>> {
    let tracked = p.tracked();
    let (gen_table, inf_table) = s
        .first_layer_tables(&tracked)
        .expect("the fast path runs time MLPs only");
    let as_table = |g: &MlpGrads, like: &Tensor<3>| {
        let shape = [g.table.len() / g.hidden, 1, g.hidden];
        Tensor::<3>::from_data(TensorData::new(g.table.clone(), shape), &like.device())
    };
    let mut surrogate = (gen_table.clone() * as_table(generative, &gen_table)).sum();
    if let (Some(table), Some(g)) = (inf_table, inference) {
        surrogate = surrogate + (table.clone() * as_table(g, &table)).sum();
    }
    p.gradients(&tracked, &surrogate.backward())
}
