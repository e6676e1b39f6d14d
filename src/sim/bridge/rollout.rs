//! Simulating paths of the generative process and accumulating the path log-weight (docs/math.md §5).

use burn::tensor::Tensor;

use crate::sim::bridge::sampler::{Sampler, Tables};
use crate::sim::training::params::ParamSet;

/// One batch of simulated paths with the terms of their log-weights.
pub struct Rollout {
    /// x_0 … x_N, each `[B, d]`.
    pub path: Vec<Tensor<2>>,
    /// Target score at each state of `path` (NaN zeroed).
    pub scores: Vec<Tensor<2>>,
    pub log_prior: Tensor<1>,
    /// log q(x_{n+1} | x_n) per step, `[N, B]`.
    pub log_q_steps: Tensor<2>,
    /// log p(x_n | x_{n+1}) per step, `[N, B]`.
    pub log_p_steps: Tensor<2>,
    /// log ρ(x_N), `[B]`.
    pub log_rho: Tensor<1>,
}

impl Rollout {
    /// log w = log ρ(x_N) + L_P − L_Q, `[B]`.
    pub fn log_weight(&self) -> Tensor<1> {
        let [n, b] = self.log_q_steps.dims();
        debug_assert!(n > 0);
        let lq = self.log_q_steps.clone().sum_dim(0).reshape([b]) + self.log_prior.clone();
        let lp = self.log_p_steps.clone().sum_dim(0).reshape([b]);
        self.log_rho.clone() + lp - lq
    }

    /// Sum over the batch of log p(x_n | x_{n+1}) − log q(x_{n+1} | x_n) for each step n, `[N]`.
    pub fn step_term_sums(&self) -> Tensor<1> {
        let terms = (self.log_p_steps.clone() - self.log_q_steps.clone()).sum_dim(1);
        let n = terms.dims()[0];
        terms.reshape([n])
    }

    /// Batch mean of log p(x_n | x_{n+1}) − log q(x_{n+1} | x_n) for each step n, `[N]`.
    pub fn step_terms(&self) -> Tensor<1> {
        let [_, b] = self.log_q_steps.dims();
        self.step_term_sums() / b as f64
    }

    pub fn final_samples(&self) -> Tensor<2> {
        self.path
            .last()
            .expect("a path has at least its initial state")
            .clone()
    }

    /// The whole path as `[N+1, B, d]` and its scores likewise, detached from any graph.
    pub fn stacked(&self) -> (Tensor<3>, Tensor<3>) {
        let detach = |v: &Vec<Tensor<2>>| Tensor::stack(v.iter().map(|t| t.clone().detach()).collect(), 0);
        (detach(&self.path), detach(&self.scores))
    }
}

/// Simulates B paths. `noise` is standard normal, `[N+1, B, d]`: row 0 drives the prior, row
/// n + 1 the step from x_n. With plain parameters nothing is recorded for autodiff; with tracked
/// parameters the whole path is differentiable (rKL-R).
pub fn rollout(s: &Sampler, p: &ParamSet, t: &Tables, noise: Tensor<3>) -> Rollout {
    let [steps_plus_one, b, d] = noise.dims();
    let n = steps_plus_one - 1;
    let (x0, log_prior) = s.sample_prior(t, noise.clone().narrow(0, 0, 1).reshape([b, d]));
    let mut path = Vec::with_capacity(n + 1);
    let mut scores = Vec::with_capacity(n + 1);
    let mut log_q = Vec::with_capacity(n);
    let mut log_p = Vec::with_capacity(n);
    let mut x = x0.unsqueeze_dim::<3>(0);
    let mut score = s.target_score(x.clone());
    path.push(x.clone().reshape([b, d]));
    scores.push(score.clone().reshape([b, d]));
    for step in 0..n {
        let mean = s.gen_mean(p, t, x.clone(), score.clone(), step);
        let std = t.noise_std.clone().narrow(0, step, 1);
        let x_next = mean.clone() + std * noise.clone().narrow(0, step + 1, 1);
        log_q.push(s.gen_log_prob(t, x_next.clone(), mean, step));
        let score_next = s.target_score(x_next.clone());
        let back_mean = s.inf_mean(p, t, x_next.clone(), score_next.clone(), step);
        log_p.push(s.inf_log_prob(t, x.clone(), back_mean, step));
        x = x_next;
        score = score_next;
        path.push(x.clone().reshape([b, d]));
        scores.push(score.clone().reshape([b, d]));
    }
    let log_rho = s.target.log_density(x.reshape([b, d]));
    Rollout {
        path,
        scores,
        log_prior,
        log_q_steps: Tensor::cat(log_q, 0),
        log_p_steps: Tensor::cat(log_p, 0),
        log_rho,
    }
}

/// L_Q (prior included) and L_P of given, fixed paths, all N steps in one batched pass:
/// the part of LV and rKL-LD that carries gradients.
pub fn path_log_likelihoods(
    s: &Sampler,
    p: &ParamSet,
    t: &Tables,
    path: Tensor<3>,
    scores: Tensor<3>,
) -> (Tensor<1>, Tensor<1>) {
    path_log_likelihoods_given(s, p, t, path, scores, None)
}

/// [`path_log_likelihoods`] with the outputs of the networks' state paths given, `[N, B, d]`
/// each: the generative network's at x_0 … x_{N−1}, and the one the inference kernel evaluates
/// at x_1 … x_N (the CPU fast path computes them, and their gradients, itself).
pub fn path_log_likelihoods_given(
    s: &Sampler,
    p: &ParamSet,
    t: &Tables,
    path: Tensor<3>,
    scores: Tensor<3>,
    cores: Option<(Tensor<3>, Tensor<3>)>,
) -> (Tensor<1>, Tensor<1>) {
    let [steps_plus_one, b, d] = path.dims();
    let n = steps_plus_one - 1;
    let from = path.clone().narrow(0, 0, n);
    let to = path.clone().narrow(0, 1, n);
    let (forward, backward) = cores.unzip();
    let mean = s.gen_mean_given(p, t, from.clone(), scores.clone().narrow(0, 0, n), 0, forward);
    let lq_steps = s.gen_log_prob(t, to.clone(), mean, 0);
    let back = s.inf_mean_given(p, t, to, scores.narrow(0, 1, n), 0, backward);
    let lp_steps = s.inf_log_prob(t, from, back, 0);
    let x0 = path.narrow(0, 0, 1).reshape([b, d]);
    let lq = lq_steps.sum_dim(0).reshape([b]) + s.prior_log_prob(t, x0);
    let lp = lp_steps.sum_dim(0).reshape([b]);
    (lq, lp)
}
