//! Distances between two sample sets: the Sinkhorn divergence under a named protocol, and MMD.

use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::cost::{Cost, Points, cost_moments};
use super::ott::{entropic_ot_capped, entropic_ot_self_capped};
use super::sinkhorn::{OtSolution, Stopping, entropic_ot, entropic_ot_self};
use crate::sim::platform::host;
use crate::sim::platform::interrupt::{Interrupt, Stopped};

/// How a Sinkhorn figure is computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SinkhornProtocol {
    /// Ours: the debiased divergence with squared Euclidean cost at the stated ε, iterated
    /// until the marginals match to 1e-4.
    #[default]
    Converged,
    /// What the rKL-LD paper's code computes (ott-jax 0.5.0): ε = 0.05 · std of the cost
    /// matrix of (x, y), shared by the three terms, each solved by OTT's default solver (plain
    /// updates, the marginal error tested every 10 iterations against 1e-3, at most 2000
    /// iterations, the value reached returned either way); for the MW54 many-well target (our
    /// Double well) the non-debiased transport cost ⟨π, C⟩ with Euclidean cost at ε = 1e-3
    /// after their loop of at most 100 iterations.
    Paper,
    /// The same call under ott-jax 0.4.6, which "Beyond ELBOs" (Blessing et al., 2024) and the
    /// papers built on its benchmark (SCLD, Reinforced SMC) pin: ε = 0.05 · mean of the cost
    /// matrix.
    BeyondElbos,
}

impl SinkhornProtocol {
    pub const ALL: [SinkhornProtocol; 3] = [
        SinkhornProtocol::Converged,
        SinkhornProtocol::Paper,
        SinkhornProtocol::BeyondElbos,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SinkhornProtocol::Converged => "converged",
            SinkhornProtocol::Paper => "paper",
            SinkhornProtocol::BeyondElbos => "beyond-elbos",
        }
    }

    /// True for the protocols of published code, which also fix the evaluation's sample
    /// counts and run seed i on mixture instance i ([`crate::sim::Preset::apply_protocol`]).
    pub fn is_published(self) -> bool {
        self != SinkhornProtocol::Converged
    }
}

/// A Sinkhorn figure with everything needed to reproduce it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SinkhornReport {
    #[serde(with = "crate::sim::platform::json_float")]
    pub value: f64,
    pub protocol: SinkhornProtocol,
    /// The ε actually used (absolute, in units of the cost).
    pub eps: f64,
    pub cost: Cost,
    /// OT_ε(x, y) − ½ OT_ε(x, x) − ½ OT_ε(y, y), or the plain transport cost.
    pub debiased: bool,
    /// Points in each of the two sets.
    pub samples: usize,
    /// Sinkhorn iterations over all terms.
    pub iterations: usize,
    /// Whether every term met its stopping rule before the iteration cap.
    pub converged: bool,
}

impl SinkhornReport {
    /// "ε = 0.001, squared Euclidean, debiased, 2000 points, converged in 812 iterations".
    pub fn describe(&self) -> String {
        format!(
            "{} protocol: ε = {}, {} cost, {}, {} points, {} {} iterations",
            self.protocol.name(),
            short(self.eps),
            self.cost.name(),
            if self.debiased { "debiased" } else { "not debiased" },
            self.samples,
            match (self.converged, self.protocol.is_published()) {
                (true, _) => "converged in",
                (false, true) => "iteration cap hit, value reached after",
                (false, false) => "NOT converged after",
            },
            self.iterations
        )
    }
}

fn short(v: f64) -> String {
    if v != 0.0 && (v.abs() < 1e-2 || v.abs() >= 1e4) {
        format!("{v:.3e}")
    } else {
        format!("{}", (v * 1000.0).round() / 1000.0)
    }
}

/// The Sinkhorn figure between `a` and `b` (row-major, `d` columns, equal counts) under
/// `protocol`; `eps` is used by the converged protocol only, and `mw54` selects the paper's
/// variant for its MW54 many-well target (our Double well).
pub fn sinkhorn(
    a: &[f32],
    b: &[f32],
    d: usize,
    protocol: SinkhornProtocol,
    eps: f64,
    mw54: bool,
) -> Result<SinkhornReport, String> {
    sinkhorn_within(a, b, d, protocol, eps, mw54, &Interrupt::none())
}

/// [`sinkhorn`], stopped by `interrupt` (a time budget, a cancel): a figure cut short is not
/// reported, the reason is.
pub fn sinkhorn_within(
    a: &[f32],
    b: &[f32],
    d: usize,
    protocol: SinkhornProtocol,
    eps: f64,
    mw54: bool,
    interrupt: &Interrupt,
) -> Result<SinkhornReport, String> {
    if d == 0 || !a.len().is_multiple_of(d) || !b.len().is_multiple_of(d) {
        return Err(format!("the sets do not split into rows of {d} coordinates"));
    }
    if a.is_empty() || b.is_empty() {
        return Err("a set holds no points".into());
    }
    if a.iter().chain(b).any(|v| !v.is_finite()) {
        return Err("a set holds a non-finite coordinate".into());
    }
    if !(eps > 0.0 && eps.is_finite()) {
        return Err(format!("ε must be positive, got {eps}"));
    }
    let (x, y) = (Points::new(a, d), Points::new(b, d));
    let samples = x.n.min(y.n);
    let store_up_to = Stopping::default().store_up_to;
    Ok(match (protocol, mw54) {
        (SinkhornProtocol::Converged, _) => {
            resolvable(&x, &y, Cost::SquaredEuclidean, eps)?;
            let stop = Stopping {
                interrupt: interrupt.clone(),
                ..Stopping::default()
            };
            let cost = Cost::SquaredEuclidean;
            let terms = [
                entropic_ot(&x, &y, cost, eps, &stop),
                entropic_ot_self(&x, cost, eps, &stop),
                entropic_ot_self(&y, cost, eps, &stop),
            ];
            cut_short(&terms, interrupt)?;
            debiased(terms, protocol, eps, cost, samples)
        }
        (SinkhornProtocol::Paper | SinkhornProtocol::BeyondElbos, false) => {
            let (mean, std) = cost_moments(&x, &y, Cost::SquaredEuclidean);
            let scale = if protocol == SinkhornProtocol::Paper {
                std
            } else {
                mean
            };
            let eps = (0.05 * scale).max(f64::MIN_POSITIVE);
            resolvable(&x, &y, Cost::SquaredEuclidean, eps)?;
            let cost = Cost::SquaredEuclidean;
            let terms = [
                entropic_ot_capped(&x, &y, cost, eps, store_up_to),
                entropic_ot_self_capped(&x, cost, eps, store_up_to),
                entropic_ot_self_capped(&y, cost, eps, store_up_to),
            ];
            debiased(terms, protocol, eps, cost, samples)
        }
        (SinkhornProtocol::Paper | SinkhornProtocol::BeyondElbos, true) => {
            let stop = Stopping {
                marginal_tolerance: 0.0,
                potential_tolerance: Some(1e-5),
                check_every: 1,
                max_iterations: 100,
                anneal: None,
                level_tolerance: 0.0,
                omega: 1.0,
                interrupt: interrupt.clone(),
                ..Stopping::default()
            };
            let eps = 1e-3;
            resolvable(&x, &y, Cost::Euclidean, eps)?;
            let s = entropic_ot(&x, &y, Cost::Euclidean, eps, &stop);
            cut_short(std::slice::from_ref(&s), interrupt)?;
            SinkhornReport {
                value: s.transport_cost,
                protocol,
                eps,
                cost: Cost::Euclidean,
                debiased: false,
                samples,
                iterations: s.iterations,
                converged: s.converged,
            }
        }
    })
}

/// Refuses terms an interrupt stopped before they converged.
fn cut_short(terms: &[OtSolution], interrupt: &Interrupt) -> Result<(), String> {
    match interrupt.stopped() {
        Some(why) if terms.iter().any(|t| !t.converged) => Err(match why {
            Stopped::OutOfTime(budget) => format!(
                "not computed: it did not converge within its time budget of {} s",
                budget.as_secs_f64()
            ),
            Stopped::Cancelled => "not computed: cancelled".into(),
        }),
        _ => Ok(()),
    }
}

/// Costs at most this many times ε are resolved by double precision: their rounding stays
/// far below ε, so the marginals can match to the tolerances used here.
const MAX_COST_OVER_EPS: f64 = 1e13;

/// Refuses problems whose costs double precision cannot resolve at ε: the iterations would
/// not settle and only the iteration cap would end them (hours on samples near 1e19). The bound
/// is the larger of the two sets' bounding-box diagonal (no cost is larger) and the largest
/// squared norm (the rounding of ‖x‖² + ‖y‖² − 2x·y scales with it).
fn resolvable(x: &Points, y: &Points, cost: Cost, eps: f64) -> Result<(), String> {
    let d = x.d;
    let mut lo = vec![f64::INFINITY; d];
    let mut hi = vec![f64::NEG_INFINITY; d];
    let mut norm = 0.0f64;
    for row in x.values.chunks(d).chain(y.values.chunks(d)) {
        for (j, &v) in row.iter().enumerate() {
            lo[j] = lo[j].min(v);
            hi[j] = hi[j].max(v);
        }
        norm = norm.max(row.iter().map(|v| v * v).sum());
    }
    let diagonal: f64 = lo.iter().zip(&hi).map(|(l, h)| (h - l) * (h - l)).sum();
    let scale = match cost {
        Cost::SquaredEuclidean => diagonal.max(norm),
        Cost::Euclidean => diagonal.max(norm).sqrt(),
    };
    if scale.is_finite() && scale <= MAX_COST_OVER_EPS * eps {
        return Ok(());
    }
    Err(format!(
        "the samples spread too far for ε = {}: costs up to {scale:.3e} are {:.1e} times ε, and double \
         precision resolves at most {MAX_COST_OVER_EPS:.0e}",
        short(eps),
        scale / eps
    ))
}

/// OT_ε(x, y) − ½ OT_ε(x, x) − ½ OT_ε(y, y) from the three solved terms.
fn debiased(
    terms: [OtSolution; 3],
    protocol: SinkhornProtocol,
    eps: f64,
    cost: Cost,
    samples: usize,
) -> SinkhornReport {
    SinkhornReport {
        value: terms[0].value - 0.5 * terms[1].value - 0.5 * terms[2].value,
        protocol,
        eps,
        cost,
        debiased: true,
        samples,
        iterations: terms.iter().map(|t| t.iterations).sum(),
        converged: terms.iter().all(|t| t.converged),
    }
}

/// MMD uses at most this many points of each set, as the rKL-LD paper's code does.
pub const MMD_POINTS: usize = 4000;

/// ‖xᵢ − yⱼ‖² for all pairs, `[n, m]`, clamped at 0 against rounding.
fn sq_distances(x: &Tensor<2>, y: &Tensor<2>) -> Tensor<2> {
    let [n, _] = x.dims();
    let [m, _] = y.dims();
    let xx = x.clone().square().sum_dim(1);
    let yy = y.clone().square().sum_dim(1).reshape([1, m]);
    let cross = x.clone().matmul(y.clone().transpose());
    (xx.reshape([n, 1]) + yy - cross * 2.0).clamp_min(0.0)
}

/// Biased (V-statistic) squared MMD with a sum of RBF kernels exp(−‖x − y‖² / hᵢ),
/// hᵢ = 3.125 · 2ⁱ for i = 0..9, the kernels of the rKL-LD paper's code.
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
