//! The Sinkhorn metric against exact answers: the optimal assignment of small sets (our own
//! Hungarian algorithm), sorted matching in 1-D, translations (for which the debiased
//! divergence is ‖t‖² at every ε), and the streamed solver against the stored one.

use bridgelab::sim::metrics::{
    CAPPED_MAX_ITERATIONS, Cost, Points, SinkhornProtocol, Stopping, entropic_ot, entropic_ot_capped,
    entropic_ot_self, entropic_ot_self_capped, sinkhorn,
};
use rand::{RngExt, SeedableRng, rngs::StdRng};

fn uniform(n: usize, d: usize, scale: f32, seed: u64) -> Vec<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n * d).map(|_| rng.random::<f32>() * scale).collect()
}

fn sq(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| ((x - y) as f64).powi(2)).sum()
}

/// The minimum of Σᵢ C[i][p(i)] over permutations p: the Hungarian algorithm with potentials,
/// O(n³).
fn assignment_cost(c: &[Vec<f64>]) -> f64 {
    let n = c.len();
    let (mut u, mut v) = (vec![0.0; n + 1], vec![0.0; n + 1]);
    let mut owner = vec![0usize; n + 1];
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        owner[0] = i;
        let mut j0 = 0;
        let mut least = vec![f64::INFINITY; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = owner[j0];
            let (mut delta, mut j1) = (f64::INFINITY, 0);
            for j in 1..=n {
                if !used[j] {
                    let reduced = c[i0 - 1][j - 1] - u[i0] - v[j];
                    if reduced < least[j] {
                        least[j] = reduced;
                        way[j] = j0;
                    }
                    if least[j] < delta {
                        delta = least[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[owner[j]] += delta;
                    v[j] -= delta;
                } else {
                    least[j] -= delta;
                }
            }
            j0 = j1;
            if owner[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            owner[j0] = owner[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    (1..=n).map(|j| c[owner[j] - 1][j - 1]).sum()
}

fn exact_w2(a: &[f32], b: &[f32], d: usize) -> f64 {
    let n = a.len() / d;
    let c: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| sq(&a[i * d..(i + 1) * d], &b[j * d..(j + 1) * d]))
                .collect()
        })
        .collect();
    assignment_cost(&c) / n as f64
}

#[test]
fn our_hungarian_finds_the_best_of_all_permutations() {
    // Every permutation of 6 is tried by hand; the algorithm must find the same minimum.
    let c: Vec<Vec<f64>> = (0..6)
        .map(|i| {
            (0..6)
                .map(|j| ((i * 7 + j * 13) % 11) as f64 + 0.1 * (i * j) as f64)
                .collect()
        })
        .collect();
    fn best(c: &[Vec<f64>], row: usize, used: &mut [bool]) -> f64 {
        if row == c.len() {
            return 0.0;
        }
        let mut out = f64::INFINITY;
        for j in 0..c.len() {
            if !used[j] {
                used[j] = true;
                out = out.min(c[row][j] + best(c, row + 1, used));
                used[j] = false;
            }
        }
        out
    }
    let brute = best(&c, 0, &mut [false; 6]);
    assert!(
        (assignment_cost(&c) - brute).abs() < 1e-12,
        "{} vs {brute}",
        assignment_cost(&c)
    );
}

#[test]
fn at_small_eps_the_divergence_is_the_exact_assignment_cost() {
    for (n, d, seed) in [(80, 2, 1), (60, 5, 2), (100, 2, 3)] {
        let a = uniform(n, d, 40.0, seed);
        let b = uniform(n, d, 40.0, seed + 100);
        let w2 = exact_w2(&a, &b, d);
        let s = sinkhorn(&a, &b, d, SinkhornProtocol::Converged, 1e-3, false).unwrap();
        assert!(s.converged, "{}", s.describe());
        assert!(
            (s.value - w2).abs() < 1e-3 * w2,
            "n = {n}, d = {d}: Sinkhorn {} vs exact W2² {w2} ({})",
            s.value,
            s.describe()
        );
    }
}

#[test]
fn in_one_dimension_the_divergence_is_the_sorted_matching() {
    let n = 400;
    let mut a = uniform(n, 1, 10.0, 7);
    let mut b: Vec<f32> = uniform(n, 1, 10.0, 8).iter().map(|v| v * v / 10.0).collect();
    let s = sinkhorn(&a, &b, 1, SinkhornProtocol::Converged, 1e-3, false).unwrap();
    a.sort_by(f32::total_cmp);
    b.sort_by(f32::total_cmp);
    let w2 = sq(&a, &b) / n as f64;
    assert!(s.converged, "{}", s.describe());
    assert!((s.value - w2).abs() < 1e-3 * w2, "{} vs {w2}", s.value);
}

#[test]
fn a_translation_costs_its_squared_length_at_every_eps_and_under_both_protocols() {
    let (n, d) = (300, 3);
    let a = uniform(n, d, 5.0, 11);
    let shift = [1.5f32, -2.0, 0.5];
    let b: Vec<f32> = a.iter().enumerate().map(|(k, v)| v + shift[k % d]).collect();
    let expected = sq(&shift, &[0.0; 3]);
    for eps in [1e-2, 1.0, 30.0] {
        let s = sinkhorn(&a, &b, d, SinkhornProtocol::Converged, eps, false).unwrap();
        assert!(
            (s.value - expected).abs() < 1e-3 * expected,
            "ε = {eps}: {} vs {expected}",
            s.value
        );
    }
    let s = sinkhorn(&a, &b, d, SinkhornProtocol::Paper, 1.0, false).unwrap();
    assert!(s.converged && s.debiased && s.cost == Cost::SquaredEuclidean);
    // OTT's tolerance (1e-3 on the marginals) is looser than ours.
    assert!(
        (s.value - expected).abs() < 2e-2 * expected,
        "paper: {} vs {expected}",
        s.value
    );
}

#[test]
fn the_symmetric_self_term_agrees_with_the_two_sided_iterations() {
    let (n, d) = (200, 2);
    let x = Points::new(&uniform(n, d, 20.0, 5), d);
    for eps in [1e-2, 1.0, 50.0] {
        let stop = Stopping::default();
        let two = entropic_ot(&x, &x, Cost::SquaredEuclidean, eps, &stop);
        let one = entropic_ot_self(&x, Cost::SquaredEuclidean, eps, &stop);
        assert!(two.converged && one.converged);
        assert!(
            (two.value - one.value).abs() < 1e-4 * (1.0 + one.value.abs()),
            "ε = {eps}: {} vs {}",
            two.value,
            one.value
        );
    }
}

#[test]
fn streamed_costs_give_what_stored_costs_give() {
    let (n, d) = (300, 12);
    let x = Points::new(&uniform(n, d, 10.0, 21), d);
    let y = Points::new(&uniform(n, d, 10.0, 22), d);
    for eps in [1e-2, 5.0] {
        let stored = entropic_ot(&x, &y, Cost::SquaredEuclidean, eps, &Stopping::default());
        let streamed = Stopping {
            store_up_to: 0,
            ..Stopping::default()
        };
        let streamed = entropic_ot(&x, &y, Cost::SquaredEuclidean, eps, &streamed);
        assert!(
            (stored.value - streamed.value).abs() < 1e-9 * stored.value.abs(),
            "{} vs {}",
            stored.value,
            streamed.value
        );
        assert_eq!(stored.iterations, streamed.iterations);
    }
}

#[test]
fn the_paper_protocol_takes_eps_from_the_spread_of_the_costs() {
    let (n, d) = (150, 2);
    let a = uniform(n, d, 40.0, 31);
    let b = uniform(n, d, 40.0, 32);
    let costs: Vec<f64> = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .map(|(i, j)| sq(&a[i * d..(i + 1) * d], &b[j * d..(j + 1) * d]))
        .collect();
    let mean = costs.iter().sum::<f64>() / costs.len() as f64;
    let std = (costs.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / costs.len() as f64).sqrt();
    let s = sinkhorn(&a, &b, d, SinkhornProtocol::Paper, 1e-3, false).unwrap();
    assert!(
        (s.eps - 0.05 * std).abs() < 1e-9 * std,
        "{} vs {}",
        s.eps,
        0.05 * std
    );
    assert_eq!(s.protocol, SinkhornProtocol::Paper);
    // At that ε the divergence is far below W2²: the paper's numbers are not transport costs.
    let w2 = exact_w2(&a, &b, d);
    assert!(s.value < 0.9 * w2, "{} vs {w2}", s.value);
    let ours = sinkhorn(&a, &b, d, SinkhornProtocol::Converged, s.eps, false).unwrap();
    assert!(
        (ours.value - s.value).abs() < 2e-2 * ours.value,
        "{} vs {}",
        ours.value,
        s.value
    );
}

#[test]
fn the_paper_many_well_figure_is_a_plain_euclidean_transport_cost() {
    let (n, d) = (60, 2);
    let a = uniform(n, d, 10.0, 41);
    let b = uniform(n, d, 10.0, 42);
    let s = sinkhorn(&a, &b, d, SinkhornProtocol::Paper, 1e-3, true).unwrap();
    assert!(!s.debiased && s.cost == Cost::Euclidean && s.eps == 1e-3);
    let c: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| sq(&a[i * d..(i + 1) * d], &b[j * d..(j + 1) * d]).sqrt())
                .collect()
        })
        .collect();
    // The paper's loop, written out plainly: potentials u, v with the log weights inside,
    // v = ε log b to start, at most 100 rounds, stop once neither moves by 1e-5; the figure is
    // Σ πᵢⱼ Cᵢⱼ of the last plan.
    let eps = 1e-3;
    let lse = |v: &mut dyn Iterator<Item = f64>| {
        let t: Vec<f64> = v.collect();
        let m = t.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        m + t.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
    };
    let log_w = -(n as f64).ln();
    let (mut u, mut v) = (vec![0.0; n], vec![eps * log_w; n]);
    for _ in 0..100 {
        let new_u: Vec<f64> = (0..n)
            .map(|i| eps * (log_w - lse(&mut (0..n).map(|j| (v[j] - c[i][j]) / eps))))
            .collect();
        let new_v: Vec<f64> = (0..n)
            .map(|j| eps * (log_w - lse(&mut (0..n).map(|i| (new_u[i] - c[i][j]) / eps))))
            .collect();
        let moved = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
        let done = moved(&u, &new_u) < 1e-5 && moved(&v, &new_v) < 1e-5;
        (u, v) = (new_u, new_v);
        if done {
            break;
        }
    }
    let theirs: f64 = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .map(|(i, j)| ((u[i] + v[j] - c[i][j]) / eps).exp() * c[i][j])
        .sum();
    assert!(
        (s.value - theirs).abs() < 1e-6 * theirs,
        "{} vs their loop's {theirs}",
        s.value
    );
    assert!(s.iterations <= 100);
    // Unconverged from cold, it is not the assignment cost W1 (here it falls below it).
    let w1 = assignment_cost(&c) / n as f64;
    assert!(s.value < w1, "{} vs W1 {w1}", s.value);
}

#[test]
fn bad_inputs_are_errors_not_numbers() {
    assert!(
        sinkhorn(
            &[0.0, f32::NAN],
            &[0.0, 1.0],
            1,
            SinkhornProtocol::Converged,
            1e-3,
            false
        )
        .is_err()
    );
    assert!(
        sinkhorn(
            &[0.0, 1.0, 2.0],
            &[0.0, 1.0],
            2,
            SinkhornProtocol::Converged,
            1e-3,
            false
        )
        .is_err()
    );
    assert!(sinkhorn(&[], &[], 2, SinkhornProtocol::Converged, 1e-3, false).is_err());
    assert!(sinkhorn(&[0.0], &[1.0], 1, SinkhornProtocol::Converged, 0.0, false).is_err());
}

/// OTT's default Sinkhorn solver (ott-jax 0.5.0, `sinkhorn.Sinkhorn()` on a balanced
/// problem in log space), written out plainly in its own convention, where the plan is
/// exp((fᵢ + gⱼ − Cᵢⱼ)/ε) without the weights: g is updated first, then f; after every tenth
/// iteration the L1 error of the plan's column marginal is tested against 1e-3; at most 2000
/// iterations. The symmetric terms of its divergence update both potentials at once with
/// momentum ½ and test the error of both marginals. Its value is Σ aᵢ (fᵢ − ε log aᵢ) +
/// Σ bⱼ (gⱼ − ε log bⱼ) + ε (1 − Σ πᵢⱼ). Returns (value, iterations, converged).
fn ott_written_out(c: &[Vec<f64>], eps: f64, symmetric: bool) -> (f64, usize, bool) {
    let (n, m) = (c.len(), c[0].len());
    let (log_a, log_b) = (-(n as f64).ln(), -(m as f64).ln());
    let lse = |t: Vec<f64>| {
        let top = t.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        top + t.iter().map(|x| (x - top).exp()).sum::<f64>().ln()
    };
    let new_g = |f: &[f64]| -> Vec<f64> {
        (0..m)
            .map(|j| eps * log_b - eps * lse((0..n).map(|i| (f[i] - c[i][j]) / eps).collect()))
            .collect()
    };
    let new_f = |g: &[f64]| -> Vec<f64> {
        (0..n)
            .map(|i| eps * log_a - eps * lse((0..m).map(|j| (g[j] - c[i][j]) / eps).collect()))
            .collect()
    };
    let plan = |f: &[f64], g: &[f64], i: usize, j: usize| ((f[i] + g[j] - c[i][j]) / eps).exp();
    let (mut f, mut g) = (vec![0.0; n], vec![0.0; m]);
    let mut converged = false;
    let mut iterations = 0;
    while iterations < 2000 {
        if symmetric {
            let (f_next, g_next) = (new_f(&g), new_g(&f));
            f = f.iter().zip(&f_next).map(|(o, v)| 0.5 * o + 0.5 * v).collect();
            g = g.iter().zip(&g_next).map(|(o, v)| 0.5 * o + 0.5 * v).collect();
        } else {
            g = new_g(&f);
            f = new_f(&g);
        }
        iterations += 1;
        if iterations % 10 == 0 {
            let column_error: f64 = (0..m)
                .map(|j| ((0..n).map(|i| plan(&f, &g, i, j)).sum::<f64>() - 1.0 / m as f64).abs())
                .sum();
            let row_error: f64 = (0..n)
                .map(|i| ((0..m).map(|j| plan(&f, &g, i, j)).sum::<f64>() - 1.0 / n as f64).abs())
                .sum();
            let error = if symmetric {
                column_error + row_error
            } else {
                column_error
            };
            if error < 1e-3 {
                converged = true;
                break;
            }
        }
    }
    let mass: f64 = (0..n)
        .map(|i| (0..m).map(|j| plan(&f, &g, i, j)).sum::<f64>())
        .sum();
    let value = f.iter().map(|v| (v - eps * log_a) / n as f64).sum::<f64>()
        + g.iter().map(|v| (v - eps * log_b) / m as f64).sum::<f64>()
        + eps * (1.0 - mass);
    (value, iterations, converged)
}

/// Issue 25, item 5: the paper protocol solves each term as OTT's default solver does, capped
/// at 2000 iterations, and returns what it reached; checked term by term against OTT's
/// iterations written out, on a problem that converges and on one that hits the cap.
#[test]
fn the_capped_solver_takes_otts_iterations_term_by_term() {
    let (n, d) = (70, 2);
    let x = uniform(n, d, 10.0, 51);
    let y: Vec<f32> = uniform(n, d, 10.0, 52).iter().map(|v| v + 3.0).collect();
    let costs = |p: &[f32], q: &[f32]| -> Vec<Vec<f64>> {
        (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| sq(&p[i * d..(i + 1) * d], &q[j * d..(j + 1) * d]))
                    .collect()
            })
            .collect()
    };
    let (px, py) = (Points::new(&x, d), Points::new(&y, d));
    // ε = 2 settles within the cap; ε = 0.02 does not.
    for (eps, settles) in [(2.0, true), (0.02, false)] {
        let (value, iterations, converged) = ott_written_out(&costs(&y, &x), eps, false);
        let ours = entropic_ot_capped(&px, &py, Cost::SquaredEuclidean, eps, 1 << 24);
        assert_eq!(converged, settles, "ε = {eps}");
        assert_eq!(
            (ours.iterations, ours.converged),
            (iterations, converged),
            "ε = {eps}"
        );
        // The costs differ in rounding (‖x‖² + ‖y‖² − 2x·y against (x − y)²).
        assert!(
            (ours.value - value).abs() < 1e-7 * value.abs(),
            "ε = {eps}: {} vs OTT's {value}",
            ours.value
        );
        let (value, iterations, converged) = ott_written_out(&costs(&x, &x), eps, true);
        let ours = entropic_ot_self_capped(&px, Cost::SquaredEuclidean, eps, 1 << 24);
        assert_eq!(
            (ours.iterations, ours.converged),
            (iterations, converged),
            "self, ε = {eps}"
        );
        assert!(
            (ours.value - value).abs() < 1e-7 * (1.0 + value.abs()),
            "self, ε = {eps}: {} vs OTT's {value}",
            ours.value
        );
    }
    assert_eq!(CAPPED_MAX_ITERATIONS, 2000);
    // A figure whose terms hit the cap says so, where ours says it did not converge.
    let mut report = sinkhorn(&x, &y, d, SinkhornProtocol::Paper, 1.0, false).unwrap();
    report.converged = false;
    assert!(
        report
            .describe()
            .contains("iteration cap hit, value reached after"),
        "{}",
        report.describe()
    );
}

/// Issue 25, item 11: the protocol of ott-jax 0.4.6 (Beyond ELBOs, SCLD, Reinforced SMC) sets
/// ε to a twentieth of the mean cost, the same solver otherwise.
#[test]
fn the_beyond_elbos_protocol_takes_eps_from_the_mean_cost() {
    let (n, d) = (120, 3);
    let a = uniform(n, d, 20.0, 61);
    let b = uniform(n, d, 20.0, 62);
    let mean = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .map(|(i, j)| sq(&a[i * d..(i + 1) * d], &b[j * d..(j + 1) * d]))
        .sum::<f64>()
        / (n * n) as f64;
    let s = sinkhorn(&a, &b, d, SinkhornProtocol::BeyondElbos, 1e-3, false).unwrap();
    assert_eq!(s.protocol, SinkhornProtocol::BeyondElbos);
    assert!(
        (s.eps - 0.05 * mean).abs() < 1e-9 * mean,
        "{} vs {}",
        s.eps,
        0.05 * mean
    );
    let paper = sinkhorn(&a, &b, d, SinkhornProtocol::Paper, 1e-3, false).unwrap();
    assert!(paper.eps < s.eps, "the std of these costs is below their mean");
    assert!(
        s.describe().starts_with("beyond-elbos protocol: ε = "),
        "{}",
        s.describe()
    );
}
