//! Distances between two sample sets: debiased Sinkhorn divergence and MMD.

use burn::tensor::{Device, Tensor};

use crate::sim::host;

/// ‖xᵢ − yⱼ‖² for all pairs, `[n, m]`, clamped at 0 against rounding.
fn sq_distances(x: &Tensor<2>, y: &Tensor<2>) -> Tensor<2> {
    let [n, _] = x.dims();
    let [m, _] = y.dims();
    let xx = x.clone().square().sum_dim(1);
    let yy = y.clone().square().sum_dim(1).reshape([1, m]);
    let cross = x.clone().matmul(y.clone().transpose());
    (xx.reshape([n, 1]) + yy - cross * 2.0).clamp_min(0.0)
}

/// Row-wise log-sum-exp; terms below e^-60 of the row's largest are floored there, which
/// changes nothing measurable and avoids exp's slow underflow path.
fn lse_rows(x: Tensor<2>) -> Tensor<2> {
    let max = x.clone().max_dim(1);
    (x - max.clone()).clamp_min(-60.0).exp().sum_dim(1).log() + max
}

/// Entropic OT cost OT_ε between uniform measures on the rows of `x` and `y`, from log-domain
/// Sinkhorn iterations with ε annealed from the squared diameter down to `eps`.
fn entropic_ot(x: &Tensor<2>, y: &Tensor<2>, eps: f64) -> f64 {
    let [n, _] = x.dims();
    let [m, _] = y.dims();
    let cost = sq_distances(x, y);
    let cost_t = cost.clone().transpose();
    let diameter = host::scalar(cost.clone().max().reshape([1])).max(eps);
    let (log_a, log_b) = (-(n as f64).ln(), -(m as f64).ln());
    let mut f = Tensor::<2>::zeros([n, 1], &x.device());
    let mut g = Tensor::<2>::zeros([m, 1], &x.device());
    let mut e = diameter;
    loop {
        let at_target = e <= eps;
        let e_now = e.max(eps);
        let iters = if at_target { 20 } else { 2 };
        for _ in 0..iters {
            f = lse_rows((g.clone().reshape([1, m]) - cost.clone()) / e_now + log_b) * (-e_now);
            g = lse_rows((f.clone().reshape([1, n]) - cost_t.clone()) / e_now + log_a) * (-e_now);
        }
        if at_target {
            break;
        }
        e *= 0.7;
    }
    host::scalar(f.mean().reshape([1])) + host::scalar(g.mean().reshape([1]))
}

/// Debiased Sinkhorn divergence S = OT_ε(x, y) − ½ OT_ε(x, x) − ½ OT_ε(y, y).
pub fn sinkhorn_divergence(a: &[f32], b: &[f32], d: usize, eps: f64, device: &Device) -> f64 {
    let x = host::matrix(a.to_vec(), a.len() / d, d, device);
    let y = host::matrix(b.to_vec(), b.len() / d, d, device);
    entropic_ot(&x, &y, eps) - 0.5 * entropic_ot(&x, &x, eps) - 0.5 * entropic_ot(&y, &y, eps)
}

/// Biased (V-statistic) squared MMD with a sum of RBF kernels exp(−‖x − y‖² / hᵢ),
/// hᵢ = 3.125 · 2ⁱ for i = 0..9.
pub fn mmd(a: &[f32], b: &[f32], d: usize, device: &Device) -> f64 {
    let x = host::matrix(a.to_vec(), a.len() / d, d, device);
    let y = host::matrix(b.to_vec(), b.len() / d, d, device);
    let kernel_mean = |p: &Tensor<2>, q: &Tensor<2>| -> f64 {
        let dist = sq_distances(p, q);
        let mut total = dist.zeros_like();
        for i in 0..10 {
            let h = 3.125 * 2f64.powi(i);
            total = total + (dist.clone() / (-h)).clamp_min(-60.0).exp();
        }
        host::scalar(total.mean().reshape([1]))
    };
    kernel_mean(&x, &x) + kernel_mean(&y, &y) - 2.0 * kernel_mean(&x, &y)
}
