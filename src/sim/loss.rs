//! The three training losses of SPEC §5 and their gradients.

use burn::tensor::Tensor;

use super::config::LossKind;
use super::host;
use super::model::Sampler;
use super::params::ParamSet;
use super::rollout::{Rollout, path_log_likelihoods, rollout};

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

/// Simulates a batch from `noise` (`[N+1, B, d]`) and differentiates `kind` on it.
pub fn loss_and_gradients(s: &Sampler, p: &ParamSet, kind: LossKind, noise: Tensor<3>) -> LossEval {
    let tracked = p.tracked();
    let (objective, log_weights, samples, step_terms) = match kind {
        LossKind::RklR => {
            let t = s.tables(&tracked);
            let r = rollout(s, &tracked, &t, noise);
            let log_w = r.log_weight();
            let values = host::to_vec(log_w.clone().detach().inner());
            let (samples, terms) = summary(&r);
            (log_w.neg().mean(), values, samples, terms)
        }
        LossKind::Lv | LossKind::RklLd => {
            // Paths are simulated without any graph, then all their kernels are re-evaluated
            // in one batched pass that carries gradients.
            let plain_tables = s.tables(p);
            let r = rollout(s, p, &plain_tables, noise);
            let values = host::to_vec(r.log_weight());
            let (samples, terms) = summary(&r);
            let (path, scores) = r.stacked();
            let t = s.tables(&tracked);
            let (lq, lp) = path_log_likelihoods(s, &tracked, &t, path, scores);
            let neg_r = r.log_rho.clone() + lp.clone() - lq.clone();
            let objective = if kind == LossKind::Lv {
                let centred = neg_r.clone() - neg_r.mean();
                centred.square().mean()
            } else {
                let r_val = neg_r.neg();
                let centred = (r_val.clone() - r_val.mean()).detach();
                (centred * lq).mean() - lp.mean()
            };
            (objective, values, samples, terms)
        }
    };
    let grads = objective.backward();
    let grads = p.gradients(&tracked, &grads);
    LossEval {
        loss: reported_loss(kind, &log_weights),
        log_weights,
        grads,
        samples,
        step_terms,
    }
}

/// Final states and per-step mean log-weight terms of a rollout, cut from any graph.
fn summary(r: &Rollout) -> (Tensor<2>, Tensor<1>) {
    (
        r.final_samples().detach().inner(),
        r.step_terms().detach().inner(),
    )
}

fn reported_loss(kind: LossKind, log_w: &[f32]) -> f64 {
    let n = log_w.len() as f64;
    let mean = log_w.iter().map(|&v| v as f64).sum::<f64>() / n;
    match kind {
        LossKind::RklR | LossKind::RklLd => -mean,
        LossKind::Lv => log_w.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n,
    }
}
