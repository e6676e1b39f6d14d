//! The three training losses of docs/math.md §5 and their gradients.
//!
//! Every loss is a sum over paths once the batch statistics are known, so the batch is split
//! into shards that run on their own threads (see `shards`) and the gradients of the shards are
//! added. For LV and rKL-LD the paths are simulated without autodiff first; their R values then
//! fix a weight per path, and the kernels are re-evaluated with gradients in chunks of paths,
//! all N steps of a chunk in one batched pass.

use burn::tensor::{Tensor, TensorData};

use crate::sim::bridge::rollout::{Rollout, path_log_likelihoods, rollout};
use crate::sim::bridge::sampler::Sampler;
use crate::sim::platform::host;
use crate::sim::platform::subnormals;
use crate::sim::training::params::ParamSet;
use crate::sim::training::phase_clock::{Phase, PhaseClock};
use crate::sim::training::shards::{ActiveStep, Split, in_parallel, shards, sum_gradients};
use serde::{Deserialize, Serialize};

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

/// What one loss evaluation produced besides gradients.
pub struct LossEval {
    /// The reported loss: mean(R) for both reverse-KL losses (the rKL-LD surrogate's own value
    /// is meaningless), the variance of R for LV.
    pub loss: f64,
    /// log w of every path of the batch.
    pub log_weights: Vec<f32>,
    /// Gradient per parameter (`None` for frozen ones).
    pub grads: Vec<Option<Tensor<2>>>,
    /// Final states of the batch, `[B, d]`, without autodiff.
    pub samples: Tensor<2>,
    /// Batch mean of log p − log q per step, `[N]`, without autodiff.
    pub step_terms: Tensor<1>,
}

/// Final states and the per-step sums over paths of log p − log q of a rollout, cut from any
/// graph.
fn summary(r: &Rollout) -> (Tensor<2>, Tensor<1>) {
    (
        r.final_samples().detach().inner(),
        r.step_term_sums().detach().inner(),
    )
}

/// Simulates a batch from `noise` (`[N+1, B, d]`) and differentiates `kind` on it.
pub fn loss_and_gradients(s: &Sampler, p: &ParamSet, kind: LossKind, noise: Tensor<3>) -> LossEval {
    loss_and_gradients_timed(s, p, kind, noise, &mut PhaseClock::off())
}

/// [`loss_and_gradients`], charging its phases to `clock`. For rKL-R the simulation builds
/// the autodiff graph, so it counts as simulation; its backward pass counts as the loss.
pub fn loss_and_gradients_timed(
    s: &Sampler,
    p: &ParamSet,
    kind: LossKind,
    noise: Tensor<3>,
    clock: &mut PhaseClock,
) -> LossEval {
    let [_, batch, dim] = noise.dims();
    let split = Split::for_batch(batch, dim.max(s.hidden()));
    loss_and_gradients_split(s, p, kind, noise, split, clock)
}

/// The same computation with the batch divided as `split` says: the gradient does not depend
/// on the division beyond rounding, which the checks compare.
pub fn loss_and_gradients_split(
    s: &Sampler,
    p: &ParamSet,
    kind: LossKind,
    noise: Tensor<3>,
    split: Split,
    clock: &mut PhaseClock,
) -> LossEval {
    subnormals::flush_everywhere();
    let _active = ActiveStep::enter();
    let [_, batch, _] = noise.dims();
    let pieces: Vec<Tensor<3>> = shards(batch, split.shards)
        .into_iter()
        .map(|(start, len)| noise.clone().narrow(1, start, len))
        .collect();
    let (log_weights, summaries, grads) = match kind {
        LossKind::RklR => reparametrised(s, p, pieces, batch, clock),
        LossKind::Lv | LossKind::RklLd => log_derivative(s, p, kind, pieces, batch, split.chunk_rows, clock),
    };
    let (samples, sums): (Vec<_>, Vec<_>) = summaries.into_iter().unzip();
    let step_sums = sums.into_iter().reduce(|a, b| a + b).expect("at least one shard");
    LossEval {
        loss: reported_loss(kind, &log_weights),
        log_weights,
        grads,
        samples: Tensor::cat(samples, 0),
        step_terms: step_sums / batch as f64,
    }
}

type Shards = (Vec<f32>, Vec<(Tensor<2>, Tensor<1>)>, Vec<Option<Tensor<2>>>);

/// rKL-R: loss = mean(R) through the whole simulated path.
fn reparametrised(
    s: &Sampler,
    p: &ParamSet,
    pieces: Vec<Tensor<3>>,
    batch: usize,
    clock: &mut PhaseClock,
) -> Shards {
    let forward = in_parallel(pieces, |noise| {
        let tracked = p.tracked();
        let t = s.tables(&tracked);
        let r = rollout(s, &tracked, &t, noise);
        let log_w = r.log_weight();
        let values = host::to_vec(log_w.clone().detach().inner());
        let summary = summary(&r);
        (tracked, log_w, values, summary)
    });
    clock.lap(Phase::Simulate);
    let mut log_weights = Vec::with_capacity(batch);
    let mut summaries = Vec::new();
    let mut jobs = Vec::new();
    for (tracked, log_w, values, summary) in forward {
        log_weights.extend(values);
        summaries.push(summary);
        jobs.push((tracked, log_w));
    }
    let grads = in_parallel(jobs, |(tracked, log_w)| {
        let grads = (log_w.sum().neg() / batch as f64).backward();
        p.gradients(&tracked, &grads)
    });
    clock.lap(Phase::LossBackward);
    (log_weights, summaries, sum_gradients(grads))
}

/// Where the batched pass takes the CPU fast path: while the state is at most four times as
/// wide as the hidden layers. A wider state (LGCP's 1600 coordinates against 64 units) makes
/// the host copies of every `[N, B, d]` tensor cost more memory than the networks save time:
/// the paper's LGCP DBS step peaked at 3.0 GiB that way, 2.4 GiB on the burn path.
fn fast_batched_pass(s: &Sampler) -> bool {
    s.dim <= 4 * s.hidden()
}

/// LV and rKL-LD on detached paths. With R_i = −log w_i and R̄ its batch mean, both gradients
/// are sums over paths of a_i ∇L_Q,i + b_i ∇L_P,i:
///
/// - LV, ∇ mean((R − R̄)²):  a_i = 2(R_i − R̄)/B,  b_i = −2(R_i − R̄)/B;
/// - rKL-LD (docs/math.md §5): a_i = (R_i − R̄)/B,   b_i = −1/B.
fn log_derivative(
    s: &Sampler,
    p: &ParamSet,
    kind: LossKind,
    pieces: Vec<Tensor<3>>,
    batch: usize,
    chunk_rows: usize,
    clock: &mut PhaseClock,
) -> Shards {
    let plain = s.tables(p);
    let simulated = in_parallel(pieces, |noise| {
        let r = rollout(s, p, &plain, noise);
        let values = host::to_vec(r.log_weight());
        let summary = summary(&r);
        let (path, scores) = r.stacked();
        (values, summary, path, scores)
    });
    clock.lap(Phase::Simulate);

    let log_weights: Vec<f32> = simulated.iter().flat_map(|(v, ..)| v.iter().copied()).collect();
    let b = batch as f64;
    let r_mean = -log_weights.iter().map(|&v| v as f64).sum::<f64>() / b;
    let weights = |values: &[f32]| -> (Vec<f32>, Vec<f32>) {
        values
            .iter()
            .map(|&lw| {
                let centred = -(lw as f64) - r_mean;
                match kind {
                    LossKind::Lv => ((2.0 * centred / b) as f32, (-2.0 * centred / b) as f32),
                    _ => ((centred / b) as f32, (-1.0 / b) as f32),
                }
            })
            .unzip()
    };
    let mut summaries = Vec::new();
    let mut jobs = Vec::new();
    for (values, summary, path, scores) in simulated {
        let (a, bw) = weights(&values);
        summaries.push(summary);
        jobs.push((path, scores, a, bw));
    }
    let grads = in_parallel(jobs, |(path, scores, a, bw)| {
        if let Some(nets) = plain.host.as_deref().filter(|_| fast_batched_pass(s)) {
            return crate::sim::networks::fused::weighted_likelihood_gradients(
                s, p, nets, path, scores, &a, &bw, chunk_rows,
            );
        }
        let [steps_plus_one, paths, _] = path.dims();
        let chunk = (chunk_rows / steps_plus_one).max(1);
        let device = path.device();
        let mut parts = Vec::new();
        for start in (0..paths).step_by(chunk) {
            let len = chunk.min(paths - start);
            let tracked = p.tracked();
            let t = s.tables(&tracked);
            let (lq, lp) = path_log_likelihoods(
                s,
                &tracked,
                &t,
                path.clone().narrow(1, start, len),
                scores.clone().narrow(1, start, len),
            );
            let column = |w: &[f32]| {
                Tensor::<1>::from_data(TensorData::new(w[start..start + len].to_vec(), [len]), &device)
            };
            let surrogate = (lq * column(&a)).sum() + (lp * column(&bw)).sum();
            parts.push(p.gradients(&tracked, &surrogate.backward()));
        }
        sum_gradients(parts)
    });
    clock.lap(Phase::LossBackward);
    (log_weights, summaries, sum_gradients(grads))
}

fn reported_loss(kind: LossKind, log_w: &[f32]) -> f64 {
    let n = log_w.len() as f64;
    let mean = log_w.iter().map(|&v| v as f64).sum::<f64>() / n;
    match kind {
        LossKind::RklR | LossKind::RklLd => -mean,
        LossKind::Lv => log_w.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n,
    }
}
