//! The three training losses of SPEC §5 and their gradients.
//!
//! Every loss is a sum over paths once the batch statistics are known, so the batch is split
//! into shards that run on their own threads (the CPU backend computes each operation on one
//! core) and the gradients of the shards are added. For LV and rKL-LD the paths are simulated
//! without autodiff first; their R values then fix a weight per path, and the kernels are
//! re-evaluated with gradients in chunks of paths, all N steps of a chunk in one batched pass.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use burn::tensor::{Tensor, TensorData};

use super::config::LossKind;
use super::host;
use super::model::Sampler;
use super::params::ParamSet;
use super::phase_clock::{Phase, PhaseClock};
use super::rollout::{Rollout, path_log_likelihoods, rollout};
use super::subnormals;

/// Work of a shard (paths × layer width) below which the batch is not split further: smaller
/// shards cost more in per-operation overhead than another core gains.
const MIN_SHARD_WORK: usize = 8_192;
/// Threads a training step uses at most.
const MAX_SHARDS: usize = 8;
/// Rows (steps × paths) of one chunk of the batched likelihood pass: enough for large matrix
/// products, small enough that the activations kept for the backward pass stay modest.
const CHUNK_ROWS: usize = 8_192;

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

/// Cores this process may use, read once: the lookup reads cgroup files on Linux, too slow to
/// repeat on every training step. `BRIDGELAB_CORES` lowers it, for runs that share a machine
/// (`bridgelab table` runs several at once).
pub fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| {
        let available = std::thread::available_parallelism().map_or(1, |n| n.get());
        std::env::var("BRIDGELAB_CORES")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .map_or(available, |n| n.min(available))
    })
}

/// How a batch is divided: into shards, one thread each, and each shard's batched likelihood
/// pass into chunks of at most `chunk_rows` rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    pub shards: usize,
    pub chunk_rows: usize,
}

impl Split {
    /// One shard per core (at most `MAX_SHARDS`), each with at least `MIN_SHARD_WORK` of
    /// paths times `width`, the widest layer.
    pub fn for_batch(batch: usize, width: usize) -> Self {
        Self {
            shards: cores().min(MAX_SHARDS).min(batch * width / MIN_SHARD_WORK).max(1),
            chunk_rows: CHUNK_ROWS,
        }
    }
}

/// Path ranges `(start, len)` of `k` shards of a batch of `batch` paths.
fn shards(batch: usize, k: usize) -> Vec<(usize, usize)> {
    let k = k.clamp(1, batch.max(1));
    let (base, extra) = (batch / k, batch % k);
    let mut start = 0;
    (0..k)
        .map(|i| {
            let len = base + usize::from(i < extra);
            let range = (start, len);
            start += len;
            range
        })
        .collect()
}

/// Training steps in progress in this process, over all trainers.
static ACTIVE_STEPS: AtomicUsize = AtomicUsize::new(0);

/// Counts a training step as in progress while it lives.
struct ActiveStep;

impl ActiveStep {
    fn enter() -> Self {
        ACTIVE_STEPS.fetch_add(1, Ordering::Relaxed);
        ActiveStep
    }
}

impl Drop for ActiveStep {
    fn drop(&mut self) {
        ACTIVE_STEPS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// `f` applied to every item, in the order of `items`: each on its own thread while the cores
/// outnumber the training steps in progress, one after the other otherwise (two runs side by
/// side then get a core each instead of fighting over both). A shard's result does not depend
/// on where it ran, so neither does the step's. A panic in any thread is resumed here.
fn in_parallel<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let busy = ACTIVE_STEPS.load(Ordering::Relaxed).max(1);
    if items.len() == 1 || cores() / busy < 2 {
        return items.into_iter().map(f).collect();
    }
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .into_iter()
            .map(|item| {
                scope.spawn(move || {
                    subnormals::flush_in_this_thread();
                    f(item)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

/// The element-wise sum of per-shard gradients, added in shard order so that a run is
/// reproducible.
pub(crate) fn sum_gradients(parts: Vec<Vec<Option<Tensor<2>>>>) -> Vec<Option<Tensor<2>>> {
    let mut parts = parts.into_iter();
    let first = parts.next().unwrap_or_default();
    parts.fold(first, |acc, part| {
        acc.into_iter()
            .zip(part)
            .map(|(a, b)| match (a, b) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            })
            .collect()
    })
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
/// - rKL-LD (SPEC §5):       a_i = (R_i − R̄)/B,   b_i = −1/B.
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
            return super::fused::weighted_likelihood_gradients(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_batch_in_order() {
        for batch in [1, 63, 64, 200, 2000, 2001] {
            let split = Split::for_batch(batch, 64);
            let s = shards(batch, split.shards);
            assert_eq!(s[0].0, 0);
            assert!(s.windows(2).all(|w| w[0].0 + w[0].1 == w[1].0));
            assert_eq!(s.iter().map(|r| r.1).sum::<usize>(), batch);
            assert!(s.len() == 1 || s.iter().all(|r| r.1 * 64 >= MIN_SHARD_WORK));
        }
        assert_eq!(shards(5, 9).len(), 5, "never an empty shard");
    }
}
