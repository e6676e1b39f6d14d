//! The memory a run needs, estimated before it starts, so that one too large for the machine is
//! refused with the estimate instead of being killed.

use crate::sim::preset::{BridgeKind, Preset};

/// Rough parameter count of a preset's networks: per network, the hidden layers' H × H
/// matrices and the state's d × H ones.
fn estimated_parameters(p: &Preset) -> u128 {
    let (d, h) = (p.target.dim as u128, p.hidden as u128);
    let nets = if p.bridge == BridgeKind::Dbs { 2 } else { 1 };
    nets * (5 * h * h + 3 * d * h + 64 * h)
}

fn networks(p: &Preset) -> u128 {
    if p.bridge == BridgeKind::Dbs { 2 } else { 1 }
}

/// Rough peak bytes of training: every parameter in about ten f32 copies (values, gradients,
/// the optimiser's two moments, the copy kept to undo a bad step, the backward pass's
/// transposes), and the batched pass's dozen `N·B·max(d, H)` activations per network. Measured
/// peaks (with the final evaluation): DBS width 4096 batch 8, 6.6 GB of 6.7 estimated; width
/// 1024 batch 64, 0.65 GB of 0.63.
pub fn estimated_step_bytes(p: &Preset) -> u128 {
    let width = p.target.dim.max(p.hidden) as u128;
    let activations = (p.path_steps as u128 + 1) * p.batch as u128 * width * 4 * 12 * networks(p);
    activations + estimated_parameters(p) * 4 * 10
}

/// Rough peak bytes of an evaluation on `samples` fresh paths: the noise, the path, its scores
/// and their per-step terms (about seven `(N + 1)·m·d` tensors), one step's activations per
/// network, the Sinkhorn problem on at most `eval.max_points` points (its two cost matrices
/// where they are stored), MMD's kernel matrices on at most 4000, the parameters and the
/// program itself. Measured peaks were 0.6 to 0.95 of it (GMM-40 d = 2: DBS N = 32, width 32
/// and 1024, 10⁴ to 10⁶ samples; CMCD N = 8, width 16, 10⁷ samples).
pub fn estimated_eval_bytes(p: &Preset, samples: usize) -> u128 {
    let m = samples as u128;
    let (n1, d, h) = (p.path_steps as u128 + 1, p.target.dim as u128, p.hidden as u128);
    let paths = n1 * m * d * 4 * 7;
    let step = m * d.max(h) * 4 * networks(p);
    let k = m.min(p.eval.max_points as u128);
    let stored = if k * k <= 1 << 24 {
        2 * k * k * 8
    } else {
        2 * 4096 * k * 8
    };
    let sinkhorn = stored + 4 * k * d * 8;
    let j = m.min(crate::sim::metrics::MMD_POINTS as u128);
    let mmd = 4 * j * j * 4;
    paths + step + sinkhorn + mmd + estimated_parameters(p) * 4 * 2 + (100 << 20)
}

/// Refuses an evaluation on `samples` fresh paths that would not fit, with the estimate.
pub fn check_eval_size(p: &Preset, samples: usize) -> Result<(), String> {
    let need = estimated_eval_bytes(p, samples);
    if need > MEMORY_LIMIT_BYTES {
        return Err(format!(
            "an evaluation on {samples} samples would need about {:.1} GiB; the limit is {} GiB",
            need as f64 / (1u64 << 30) as f64,
            MEMORY_LIMIT_BYTES >> 30
        ));
    }
    Ok(())
}

/// Refuse runs larger than this; the machines we target have 24 GiB.
pub const MEMORY_LIMIT_BYTES: u128 = 16 << 30;
