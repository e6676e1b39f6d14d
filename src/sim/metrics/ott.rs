//! OTT's default Sinkhorn solver, as the rKL-LD paper's code calls it (ott-jax 0.5.0; 0.4.6
//! alike), on the cost blocks and kernel updates of our solver: the paper protocol's figure.

use super::cost::{Cost, Points};
use super::sinkhorn::{OtSolution, Side, row_marginal_error};

/// OTT's solver as the rKL-LD paper's code calls it (ott-jax 0.5; 0.4.6 alike): plain
/// Sinkhorn updates from zero potentials, the marginal error of the state reached tested after
/// every `CAPPED_CHECK_EVERY`-th iteration, and at most `CAPPED_MAX_ITERATIONS`; the value of
/// the state reached is returned whether or not the tolerance was met.
pub const CAPPED_CHECK_EVERY: usize = 10;
pub const CAPPED_MAX_ITERATIONS: usize = 2000;
/// OTT's default threshold on the L1 marginal error.
pub const CAPPED_TOLERANCE: f64 = 1e-3;

/// OT_ε between the uniform measures on `x` and `y` by OTT's default solver. The side updated
/// first is `x` (OTT's second measure, the model's samples in the paper's call), so the
/// sequence of potentials is OTT's. After the update of `y`'s potential its marginal is exact,
/// so the error tested is `x`'s, and the plan's mass is one.
pub fn entropic_ot_capped(x: &Points, y: &Points, cost: Cost, eps: f64, store_up_to: usize) -> OtSolution {
    let mut xy = Side::new(x, y, cost, store_up_to);
    let mut yx = Side::new(y, x, cost, store_up_to);
    let (mut f, mut g) = (vec![0.0; x.n], vec![0.0; y.n]);
    let mut iterations = 0;
    let (converged, marginal_error) = loop {
        // T(g) is the next update of f and, before it, tells the error of the state reached.
        let next_f = xy.update(&g, eps);
        let error = row_marginal_error(&f, &next_f, eps);
        let tested = iterations > 0 && iterations % CAPPED_CHECK_EVERY == 0;
        if tested && error < CAPPED_TOLERANCE {
            break (true, error);
        }
        if iterations >= CAPPED_MAX_ITERATIONS {
            break (false, error);
        }
        f = next_f;
        g = yx.update(&f, eps);
        iterations += 1;
    };
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    OtSolution {
        value: mean(&f) + mean(&g),
        transport_cost: xy.plan_cost(&f, &g, eps),
        iterations,
        converged,
        marginal_error,
    }
}

/// OT_ε of `x` with itself as OTT computes the symmetric terms of a divergence: both
/// potentials updated at once with momentum ½ (so they stay equal, f ← ½ (f + T(f))), the
/// error summed over both marginals, and the value ⟨a, f⟩ + ⟨b, g⟩ + ε (1 − mass of the plan),
/// which differs from the dual value while the marginals do not match.
pub fn entropic_ot_self_capped(x: &Points, cost: Cost, eps: f64, store_up_to: usize) -> OtSolution {
    let mut side = Side::new(x, x, cost, store_up_to);
    let mut f = vec![0.0; x.n];
    let mut iterations = 0;
    let n = x.n.max(1) as f64;
    let (converged, marginal_error, mass) = loop {
        let t = side.update(&f, eps);
        // Row i of the plan sums to aᵢ exp((fᵢ − T(f)ᵢ)/ε); the columns match the rows.
        let rows: Vec<f64> = f
            .iter()
            .zip(&t)
            .map(|(a, b)| ((a - b) / eps).min(700.0).exp())
            .collect();
        let error = 2.0 * rows.iter().map(|r| (1.0 - r).abs()).sum::<f64>() / n;
        let mass = rows.iter().sum::<f64>() / n;
        let tested = iterations > 0 && iterations % CAPPED_CHECK_EVERY == 0;
        if tested && error < CAPPED_TOLERANCE {
            break (true, error, mass);
        }
        if iterations >= CAPPED_MAX_ITERATIONS {
            break (false, error, mass);
        }
        f = f.iter().zip(&t).map(|(a, b)| 0.5 * (a + b)).collect();
        iterations += 1;
    };
    OtSolution {
        value: 2.0 * f.iter().sum::<f64>() / n + eps * (1.0 - mass),
        transport_cost: side.plan_cost(&f, &f, eps),
        iterations,
        converged,
        marginal_error,
    }
}
