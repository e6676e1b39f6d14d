//! Dividing a training step's batch among threads. Every loss is a sum over paths once the
//! batch statistics are known, so the batch is split into shards, each on its own thread (the
//! CPU backend computes each operation on one core), and their gradients are added in a fixed
//! order; a process-wide count of steps in progress keeps two runs side by side from fighting
//! over the cores.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use burn::tensor::Tensor;

use crate::sim::platform::subnormals;

/// Work of a shard (paths × layer width) below which the batch is not split further: smaller
/// shards cost more in per-operation overhead than another core gains.
const MIN_SHARD_WORK: usize = 8_192;
/// Threads a training step uses at most.
const MAX_SHARDS: usize = 8;
/// Rows (steps × paths) of one chunk of the batched likelihood pass: enough for large matrix
/// products, small enough that the activations kept for the backward pass stay modest.
const CHUNK_ROWS: usize = 8_192;

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
pub(crate) fn shards(batch: usize, k: usize) -> Vec<(usize, usize)> {
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
pub(crate) struct ActiveStep;

impl ActiveStep {
    pub(crate) fn enter() -> Self {
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
pub(crate) fn in_parallel<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
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
