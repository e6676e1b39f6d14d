//! The Bayesian targets of docs/math.md §8: spot values, scores against finite differences and
//! autodiff, the credit reference draws, the LGCP binning, and data-file errors.

use crate::common;
use crate::common::scratch;

use std::path::PathBuf;
use std::sync::Arc;

use bridgelab::sim::platform::host;
use bridgelab::sim::preset::{TargetKind, TargetSpec};
use bridgelab::sim::targets::bayes::{GRID, Lgcp, LogisticRegression};
use bridgelab::sim::targets::data::DataDir;
use bridgelab::sim::targets::{Target, build_target};
use bridgelab::sim::training::noise::{Stream, rng_for};
use common::cpu;
use rand_distr::{Distribution, StandardNormal};

/// The repository's `data/`, the files the binary has built in.
fn data_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Every test sets the same directory, so running them in parallel is harmless.
fn target(kind: TargetKind) -> Arc<dyn Target> {
    let _data_dir = common::data_dir_lock();
    bridgelab::sim::set_data_dir(Some(data_path()));
    build_target(
        &TargetSpec {
            kind,
            dim: kind.dimensions()[0],
            constants_seed: 0,
            components: Vec::new(),
        },
        &cpu(),
    )
    .unwrap_or_else(|e| panic!("{kind:?} builds: {e}"))
}

fn lgcp() -> Lgcp {
    Lgcp::load(&DataDir::at(data_path()), &cpu()).expect("LGCP builds")
}

fn log_densities(t: &dyn Target, points: &[f32]) -> Vec<f64> {
    let d = t.dim();
    let x = host::matrix(points.to_vec(), points.len() / d, d, &cpu());
    host::to_vec(t.log_density(x))
        .into_iter()
        .map(f64::from)
        .collect()
}

fn scores(t: &dyn Target, points: &[f32]) -> Vec<f32> {
    let d = t.dim();
    host::to_vec(t.score(host::matrix(points.to_vec(), points.len() / d, d, &cpu())))
}

/// The reference draws of the credit posterior, row-major.
fn credit_draws(n: usize) -> Vec<f32> {
    let text = DataDir::at(data_path())
        .file("german_credit_gt_samples.csv")
        .and_then(|f| f.read_text())
        .unwrap();
    text.lines()
        .skip(1)
        .take(n)
        .flat_map(|l| {
            l.split(',')
                .map(|v| v.parse::<f32>().unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `n` points where each posterior has its mass (roughly), so that scores are tested where
/// samplers spend their time.
fn probe_points(kind: TargetKind, n: usize) -> Vec<f32> {
    if kind == TargetKind::Credit {
        return credit_draws(n);
    }
    let d = kind.dimensions()[0];
    let mut rng = rng_for(11, 0, Stream::Test);
    let mut normal = || -> f32 { StandardNormal.sample(&mut rng) };
    let mu0 = (126f64.ln() - 0.955) as f32;
    let mut out = Vec::with_capacity(n * d);
    for _ in 0..n {
        for j in 0..d {
            out.push(match kind {
                TargetKind::Seeds if j == d - 1 => 1.5 + 0.5 * normal(),
                TargetKind::Seeds if j >= 4 => 0.3 * normal(),
                TargetKind::Seeds => 0.5 * normal(),
                TargetKind::Brownian if j < 2 => -2.0 + 0.3 * normal(),
                TargetKind::Brownian => -0.4 + 0.3 * normal(),
                TargetKind::Lgcp => mu0 + 0.5 * normal(),
                _ => 0.2 * normal(),
            });
        }
    }
    out
}

#[test]
fn spot_values_match_the_spec() {
    let mu0 = (126f64.ln() - 0.955) as f32;
    for (kind, expected, at) in [
        (TargetKind::Seeds, -124.671090f64, 0.0f32),
        (TargetKind::Sonar, -200.229864, 0.0),
        (TargetKind::Ionosphere, -275.457509, 0.0),
        (TargetKind::Credit, -693.147181, 0.0),
        (TargetKind::Brownian, -38.143808, 0.0),
        (TargetKind::Lgcp, -1255.451942, mu0),
    ] {
        let t = target(kind);
        assert_eq!(t.dim(), kind.dimensions()[0]);
        let got = log_densities(t.as_ref(), &vec![at; t.dim()])[0];
        println!("{kind:?}: {got:.6} (spot value {expected})");
        assert!(
            (got - expected).abs() < 1e-5 * expected.abs(),
            "{kind:?}: got {got}, expected {expected}"
        );
    }
}

#[test]
fn scores_match_central_finite_differences() {
    for kind in TargetKind::BAYESIAN {
        let t = target(kind);
        let d = t.dim();
        let pts = probe_points(kind, 3);
        let all_scores = scores(t.as_ref(), &pts);
        for i in 0..3 {
            let p = &pts[i * d..(i + 1) * d];
            let s = &all_scores[i * d..(i + 1) * d];
            let base = log_densities(t.as_ref(), p)[0];
            // Coordinates spread over the vector, and every one for the small targets.
            let coords: Vec<usize> = (0..d).step_by(d.div_ceil(12)).chain([d - 1]).collect();
            let h = 1e-2f32;
            // Shifted copies of the point, four per coordinate, evaluated as one batch.
            let steps = [h, -h, 2.0 * h, -2.0 * h];
            let mut batch = Vec::with_capacity(coords.len() * steps.len() * d);
            for &j in &coords {
                for step in steps {
                    let mut q = p.to_vec();
                    q[j] += step;
                    batch.extend(q);
                }
            }
            let values = log_densities(t.as_ref(), &batch);
            // f32 rounding of a sum of this size, amplified by the 18/(12h) of the stencil.
            let noise = 8.0 * f32::EPSILON as f64 * base.abs().max(1.0) * 1.5 / h as f64;
            for (k, &j) in coords.iter().enumerate() {
                // Richardson's fourth-order stencil: the h² error of a plain central difference
                // is large where the curvature changes fast (credit's unscaled features).
                let v = &values[4 * k..4 * k + 4];
                let fd = (8.0 * (v[0] - v[1]) - (v[2] - v[3])) / (12.0 * h as f64);
                let tol = 1e-2 * (s[j].abs() as f64).max(1.0) + noise;
                assert!(
                    (fd - s[j] as f64).abs() < tol,
                    "{kind:?} point {i} coordinate {j}: finite difference {fd}, score {} (tol {tol})",
                    s[j]
                );
            }
        }
    }
}

#[test]
fn scores_match_autodiff_of_the_log_density() {
    for kind in TargetKind::BAYESIAN {
        let t = target(kind);
        let d = t.dim();
        let n = 16;
        let pts = probe_points(kind, n);
        let x = host::matrix(pts.clone(), n, d, &cpu()).autodiff().require_grad();
        let grads = t.log_density(x.clone()).sum().backward();
        let auto = host::to_vec(x.grad(&grads).expect("x has a gradient"));
        let analytic = scores(t.as_ref(), &pts);
        let rel = common::relative_difference(&analytic, &auto);
        assert!(
            rel < 1e-3,
            "{kind:?}: analytic score differs from autodiff by {rel}"
        );
    }
}

/// rKL-R and the CMCD drift backpropagate through the score itself.
#[test]
fn scores_are_differentiable() {
    for kind in TargetKind::BAYESIAN {
        let t = target(kind);
        let d = t.dim();
        let pts = probe_points(kind, 4);
        let x = host::matrix(pts, 4, d, &cpu()).autodiff().require_grad();
        let grads = t.score(x.clone()).sum().backward();
        let g = host::to_vec(x.grad(&grads).expect("the score has a gradient"));
        assert!(
            g.iter().all(|v| v.is_finite()),
            "{kind:?}: non-finite gradient of the score"
        );
        assert!(
            g.iter().any(|v| *v != 0.0),
            "{kind:?}: the gradient of the score is zero"
        );
    }
}

#[test]
fn credit_reference_draws_are_where_the_posterior_is() {
    let t = target(TargetKind::Credit);
    let n = 2000;
    let draws = credit_draws(n);
    let mut rng = rng_for(5, 0, Stream::Test);
    let broad: Vec<f32> = (0..n * 25).map(|_| StandardNormal.sample(&mut rng)).collect();
    let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
    let on_draws = mean(log_densities(t.as_ref(), &draws));
    let on_broad = mean(log_densities(t.as_ref(), &broad));
    println!("credit: mean log density {on_draws:.2} on the reference draws, {on_broad:.2} on N(0, I)");
    assert!(on_draws > on_broad + 100.0, "{on_draws} vs {on_broad}");
    // Under π the score has mean zero: a sign or scaling slip in the data would show here.
    let s = scores(t.as_ref(), &draws);
    for j in 0..25 {
        let col: Vec<f64> = s.iter().skip(j).step_by(25).map(|&v| v as f64).collect();
        let m = col.iter().sum::<f64>() / n as f64;
        let sd = (col.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n as f64).sqrt();
        assert!(m.abs() < 0.2 * sd, "coordinate {j}: mean score {m}, sd {sd}");
    }
}

#[test]
fn lgcp_binning_matches_the_published_counts() {
    let text = std::fs::read_to_string(data_path().join("targets/lgcp_bin_counts_40x40.csv")).unwrap();
    let expected: Vec<u32> = text
        .lines()
        .skip(1)
        .flat_map(|l| {
            l.split(',')
                .map(|v| v.parse::<u32>().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(expected.len(), GRID * GRID);
    let got = lgcp();
    assert_eq!(got.counts(), expected.as_slice());
    assert_eq!(got.counts().iter().sum::<u32>(), 126);
}

#[test]
fn other_dimensions_are_refused() {
    for kind in TargetKind::BAYESIAN {
        let d = kind.dimensions()[0] + 1;
        let err = build_target(
            &TargetSpec {
                kind,
                dim: d,
                constants_seed: 0,
                components: Vec::new(),
            },
            &cpu(),
        )
        .err()
        .expect("refused");
        assert!(err.to_string().contains(&d.to_string()), "{err}");
    }
}

#[test]
fn slugs_name_the_targets() {
    for (slug, kind) in [
        ("seeds", TargetKind::Seeds),
        ("sonar", TargetKind::Sonar),
        ("ionosphere", TargetKind::Ionosphere),
        ("credit", TargetKind::Credit),
        ("brownian", TargetKind::Brownian),
        ("lgcp", TargetKind::Lgcp),
    ] {
        assert_eq!(kind.slug(), slug);
        assert_eq!(TargetKind::from_slug(slug), Some(kind));
        assert!(kind.is_bayesian());
    }
    assert!(!TargetKind::Gmm40.is_bayesian());
}

#[test]
fn a_missing_file_is_named_with_its_full_path() {
    let dir = scratch("missing");
    let err = LogisticRegression::sonar(&DataDir::at(&dir), &cpu())
        .err()
        .expect("no sonar.csv there")
        .to_string();
    assert!(
        err.contains(&dir.join("sonar.csv").display().to_string()),
        "{err}"
    );
    assert!(err.contains("--data-dir"), "{err}");

    let gone = dir.join("not-there");
    let err = Lgcp::load(&DataDir::at(&gone), &cpu())
        .err()
        .expect("no directory")
        .to_string();
    assert!(
        err.contains("pines.csv") && err.contains("does not exist"),
        "{err}"
    );

    let _data_dir = common::data_dir_lock();
    bridgelab::sim::set_data_dir(Some(data_path()));
    let err = bridgelab::sim::data_file("no_such_file.csv")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no_such_file.csv") && err.contains("set explicitly"),
        "{err}"
    );
}

#[test]
fn a_malformed_file_is_named_with_file_and_line() {
    let dir = scratch("malformed");
    let header: Vec<String> = (1..=60)
        .map(|j| format!("x{j}"))
        .chain(["label_pm1".into()])
        .collect();
    let good = vec!["0.5"; 60].join(",") + ",1";
    let mut bad_value = vec!["0.5"; 60];
    bad_value[7] = "0.5.5";
    let cases = [
        (bad_value.join(",") + ",1", "sonar.csv:3: column 8"),
        (vec!["0.5"; 59].join(",") + ",1", "sonar.csv:3: 60 columns"),
        (good.replace(",1", ",3"), "sonar.csv:3: 3 is not a valid label"),
    ];
    for (i, (third_line, expected)) in cases.into_iter().enumerate() {
        // A fresh file name each time: parsed tables are cached by path.
        let case_dir = dir.join(i.to_string());
        std::fs::create_dir_all(&case_dir).unwrap();
        let text = format!("{}\n{good}\n{third_line}\n{good}\n", header.join(","));
        std::fs::write(case_dir.join("sonar.csv"), text).unwrap();
        let err = LogisticRegression::sonar(&DataDir::at(&case_dir), &cpu())
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains(expected), "expected `{expected}` in: {err}");
    }
}

/// The repository's CSV as rows of numbers, header skipped.
fn csv_rows(name: &str) -> Vec<Vec<f64>> {
    let text = DataDir::at(data_path())
        .file(name)
        .and_then(|f| f.read_text())
        .unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|v| v.trim().parse().unwrap()).collect())
        .collect()
}

/// ln sigmoid(t) = −softplus(−t), stable for large |t|.
fn ln_sigmoid(t: f64) -> f64 {
    -softplus(-t)
}

/// docs/math.md §8's logistic regressions written out again in f64 from the CSV alone:
/// features (standardised, or only scaled for Credit), an intercept, and the labels.
fn logistic_reference(kind: TargetKind, w: &[f64]) -> f64 {
    let (file, centre, prior) = match kind {
        TargetKind::Sonar => ("sonar.csv", true, true),
        TargetKind::Ionosphere => ("ionosphere.csv", true, true),
        TargetKind::Credit => ("german_credit.csv", false, false),
        _ => unreachable!(),
    };
    let rows = csv_rows(file);
    let p = rows[0].len() - 1;
    let n = rows.len() as f64;
    let mean: Vec<f64> = (0..p)
        .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / n)
        .collect();
    let std: Vec<f64> = (0..p)
        .map(|j| {
            let s = (rows.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n).sqrt();
            if s == 0.0 { 1.0 } else { s }
        })
        .collect();
    let mut total = 0.0;
    for r in &rows {
        let mut t = w[0];
        for j in 0..p {
            let x = if centre {
                (r[j] - mean[j]) / std[j]
            } else {
                r[j] / std[j]
            };
            t += w[j + 1] * x;
        }
        let label = r[p];
        total += if kind == TargetKind::Credit {
            // y = label − 1 with P(y = 1) = sigmoid(−x·w).
            if label == 2.0 {
                ln_sigmoid(-t)
            } else {
                ln_sigmoid(t)
            }
        } else {
            // y = (label + 1) / 2 with P(y = 1) = sigmoid(x·w).
            if label == 1.0 {
                ln_sigmoid(t)
            } else {
                ln_sigmoid(-t)
            }
        };
    }
    if prior {
        total += -0.5 * w.iter().map(|v| v * v).sum::<f64>() - 0.5 * w.len() as f64 * LN_2PI;
    }
    total
}

const LN_2PI: f64 = 1.837_877_066_409_345_5;

fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// docs/math.md §8's Brownian motion written out again: LogNormal(0, 2) priors on the two softplus
/// scales with their log-Jacobians, the random walk from 0, and the observed steps.
fn brownian_reference(z: &[f64]) -> f64 {
    let obs = csv_rows("brownian_observations.csv");
    let mut total = 0.0;
    let mut scales = [0.0; 2];
    for (k, s) in scales.iter_mut().enumerate() {
        *s = softplus(z[k]);
        let ls = s.ln();
        total += -ls - 2f64.ln() - 0.5 * LN_2PI - ls * ls / 8.0 + ln_sigmoid(z[k]);
    }
    let [s_inn, s_obs] = scales;
    let normal = |x: f64, m: f64, s: f64| -0.5 * ((x - m) / s).powi(2) - s.ln() - 0.5 * LN_2PI;
    let mut prev = 0.0;
    for t in 0..30 {
        total += normal(z[2 + t], prev, s_inn);
        prev = z[2 + t];
    }
    for row in obs {
        total += normal(row[1], z[2 + row[0] as usize], s_obs);
    }
    total
}

/// docs/math.md §8's Seeds model in f64 from the CSV alone, without its constant terms (the Gamma
/// normaliser, the Gaussian normalisers and the binomial coefficients): differences between
/// two points are exact. z = (a0, a1, a12, a2, b1..b21, log τ).
fn seeds_reference_up_to_a_constant(z: &[f64]) -> f64 {
    let rows = csv_rows("seeds.csv");
    let (a0, a1, a12, a2) = (z[0], z[1], z[2], z[3]);
    let log_tau = z[25];
    let tau = log_tau.exp();
    // Gamma(0.01, rate 0.01) on τ, plus log τ for the change to log τ.
    let mut total = (0.01 - 1.0) * log_tau - 0.01 * tau + log_tau;
    total += [a0, a1, a12, a2]
        .iter()
        .map(|a| -0.5 * a * a / 100.0)
        .sum::<f64>();
    for (j, r) in rows.iter().enumerate() {
        let (successes, trials, x1, x2) = (r[1], r[2], r[3], r[4]);
        let b = z[4 + j];
        total += 0.5 * log_tau - 0.5 * tau * b * b;
        let eta = a0 + a1 * x1 + a2 * x2 + a12 * x1 * x2 + b;
        total += successes * ln_sigmoid(eta) + (trials - successes) * ln_sigmoid(-eta);
    }
    total
}

#[test]
fn seeds_matches_an_independent_f64_evaluation_away_from_zero() {
    let t = target(TargetKind::Seeds);
    assert_eq!(t.dim(), 26);
    let at_zero = log_densities(&*t, &[0.0; 26])[0];
    let reference_zero = seeds_reference_up_to_a_constant(&[0.0; 26]);
    let mut rng = rng_for(6, 0, Stream::Test);
    for _ in 0..3 {
        let z: Vec<f64> = (0..26)
            .map(|_| {
                let v: f64 = StandardNormal.sample(&mut rng);
                0.5 * v
            })
            .collect();
        let expected = seeds_reference_up_to_a_constant(&z) - reference_zero;
        let point: Vec<f32> = z.iter().map(|&v| v as f32).collect();
        let got = log_densities(&*t, &point)[0] - at_zero;
        assert!(
            // f32 evaluation of values near −125, as for the other posteriors: 1e-4 of the
            // density's size.
            (got - expected).abs() < 1e-4 * at_zero.abs(),
            "Seeds at a random point, relative to z = 0: {got} vs {expected}"
        );
    }
}

#[test]
fn posteriors_match_an_independent_f64_evaluation_away_from_zero() {
    // The Brownian reference reproduces the spot value of docs/math.md §8 at zero: it is the same model.
    assert!((brownian_reference(&[0.0; 32]) - -38.143808).abs() < 1e-5);
    for kind in [
        TargetKind::Sonar,
        TargetKind::Ionosphere,
        TargetKind::Credit,
        TargetKind::Brownian,
    ] {
        let t = target(kind);
        let d = t.dim();
        let mut rng = rng_for(5, 0, Stream::Test);
        for _ in 0..3 {
            let z: Vec<f64> = (0..d)
                .map(|_| {
                    let v: f64 = StandardNormal.sample(&mut rng);
                    0.3 * v
                })
                .collect();
            let expected = match kind {
                TargetKind::Brownian => brownian_reference(&z),
                _ => logistic_reference(kind, &z),
            };
            let point: Vec<f32> = z.iter().map(|&v| v as f32).collect();
            let got = log_densities(&*t, &point)[0];
            assert!(
                (got - expected).abs() < 1e-4 * expected.abs().max(1.0),
                "{kind:?} at a random point: {got} vs {expected}"
            );
        }
    }
}

/// docs/math.md §8's LGCP in f64 from the published bin counts, with its own Cholesky factor, without
/// the Gaussian normaliser: differences between two fields are exact.
fn lgcp_reference_up_to_a_constant(f: &[f64]) -> f64 {
    let n = GRID * GRID;
    let text = std::fs::read_to_string(data_path().join("targets/lgcp_bin_counts_40x40.csv")).unwrap();
    let counts: Vec<f64> = text
        .lines()
        .skip(1)
        .flat_map(|l| {
            l.split(',')
                .map(|v| v.parse::<f64>().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    let at = |k: usize| ((k / GRID) as f64, (k % GRID) as f64);
    let kernel = |k: usize, l: usize| {
        let ((r1, c1), (r2, c2)) = (at(k), at(l));
        1.91 * (-33.0 * (r1 - r2).hypot(c1 - c2) / 40.0).exp()
    };
    // K = L Lᵀ, column by column.
    let mut chol = vec![0.0f64; n * n];
    for j in 0..n {
        let mut diag = kernel(j, j);
        for m in 0..j {
            diag -= chol[j * n + m] * chol[j * n + m];
        }
        let diag = diag.sqrt();
        chol[j * n + j] = diag;
        for i in j + 1..n {
            let mut v = kernel(i, j);
            for m in 0..j {
                v -= chol[i * n + m] * chol[j * n + m];
            }
            chol[i * n + j] = v / diag;
        }
    }
    let mean = 126f64.ln() - 0.955;
    // ½ (f − μ)ᵀ K⁻¹ (f − μ) = ½ ‖L⁻¹ (f − μ)‖², by forward substitution.
    let mut y = vec![0.0f64; n];
    for i in 0..n {
        let mut v = f[i] - mean;
        for m in 0..i {
            v -= chol[i * n + m] * y[m];
        }
        y[i] = v / chol[i * n + i];
    }
    let prior = -0.5 * y.iter().map(|v| v * v).sum::<f64>();
    let likelihood: f64 = f
        .iter()
        .zip(&counts)
        .map(|(f, c)| c * f - f.exp() / n as f64)
        .sum();
    prior + likelihood
}

#[test]
fn lgcp_matches_an_independent_f64_evaluation_away_from_its_mean() {
    let t = lgcp();
    let n = GRID * GRID;
    let mean = 126f64.ln() - 0.955;
    let base: Vec<f64> = vec![mean; n];
    let mut rng = rng_for(7, 0, Stream::Test);
    let f: Vec<f64> = (0..n)
        .map(|_| {
            let v: f64 = StandardNormal.sample(&mut rng);
            mean + 0.3 * v
        })
        .collect();
    let to_f32 = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
    let mut points = to_f32(&base);
    points.extend(to_f32(&f));
    let got = log_densities(&t, &points);
    let expected = lgcp_reference_up_to_a_constant(&f) - lgcp_reference_up_to_a_constant(&base);
    let got = got[1] - got[0];
    assert!(
        // f32 evaluation of a density near −1255: 1e-5 of that.
        (got - expected).abs() < 1e-5 * expected.abs().max(1255.0),
        "LGCP at a random field, relative to its mean: {got} vs {expected}"
    );
}
