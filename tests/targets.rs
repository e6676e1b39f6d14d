//! Targets: SPEC §8 spot values, scores against finite differences and autodiff, exact samples.

mod common;

use bridgelab::sim::config::{TargetKind, TargetSpec};
use bridgelab::sim::host;
use bridgelab::sim::noise::{Stream, rng_for};
use bridgelab::sim::targets::{Target, build_target};
use burn::tensor::Tensor;
use common::cpu;

fn target(kind: TargetKind, dim: usize) -> std::sync::Arc<dyn Target> {
    build_target(
        &TargetSpec {
            kind,
            dim,
            constants_seed: 0,
        },
        &cpu(),
    )
    .expect("target builds")
}

fn log_density_at(t: &dyn Target, point: Vec<f32>) -> f64 {
    let d = point.len();
    host::to_vec(t.log_density(host::matrix(point, 1, d, &cpu())))[0] as f64
}

#[test]
fn spot_values_match_the_spec() {
    let cases = [
        (TargetKind::Gmm40, 2, -9.628427f64),
        (TargetKind::Gmm40, 50, -10059.493784),
        (TargetKind::Mos10, 2, -7.600870),
        (TargetKind::Funnel, 10, -10.287998),
        (TargetKind::DoubleWell, 5, -80.0),
        (TargetKind::ManyWell, 32, 0.0),
    ];
    for (kind, d, expected) in cases {
        let t = target(kind, d);
        let got = log_density_at(t.as_ref(), vec![0.0; d]);
        let tol = 1e-5 * expected.abs().max(1.0) * if d == 50 { 10.0 } else { 1.0 };
        assert!(
            (got - expected).abs() < tol,
            "{kind:?} d={d}: got {got}, expected {expected}"
        );
    }
}

#[test]
fn known_log_normalisers_match_the_spec() {
    assert!((target(TargetKind::DoubleWell, 5).log_z().unwrap() - (-0.541056)).abs() < 1e-5);
    assert!((target(TargetKind::ManyWell, 32).log_z().unwrap() - 164.695675).abs() < 1e-5);
}

/// Points spread over the region where each target has its mass.
fn probe_points(t: &dyn Target, n: usize) -> Vec<f32> {
    let mut rng = rng_for(3, 0, Stream::Test);
    t.exact_samples(n, &mut rng)
        .expect("every builtin target has exact samples")
}

#[test]
fn scores_match_autodiff_of_the_log_density() {
    let cases = [
        (TargetKind::Gmm40, 2),
        (TargetKind::Gmm40, 50),
        (TargetKind::Mos10, 2),
        (TargetKind::Mos10, 50),
        (TargetKind::Funnel, 10),
        (TargetKind::DoubleWell, 5),
        (TargetKind::ManyWell, 32),
        (TargetKind::Gaussian, 3),
    ];
    for (kind, d) in cases {
        let t = target(kind, d);
        let n = 64;
        let pts = probe_points(t.as_ref(), n);
        let x = host::matrix(pts.clone(), n, d, &cpu()).autodiff().require_grad();
        let grads = t.log_density(x.clone()).sum().backward();
        let auto = host::to_vec(x.grad(&grads).expect("x has a gradient"));
        let analytic = host::to_vec(t.score(host::matrix(pts, n, d, &cpu())));
        let rel = common::relative_difference(&analytic, &auto);
        assert!(
            rel < 1e-3,
            "{kind:?} d={d}: analytic score differs from autodiff by {rel}"
        );
    }
}

#[test]
fn scores_match_central_finite_differences() {
    for (kind, d) in [
        (TargetKind::Gmm40, 2),
        (TargetKind::Mos10, 2),
        (TargetKind::Funnel, 10),
        (TargetKind::DoubleWell, 5),
        (TargetKind::ManyWell, 32),
    ] {
        let t = target(kind, d);
        let pts = probe_points(t.as_ref(), 4);
        for i in 0..4 {
            let p: Vec<f32> = pts[i * d..(i + 1) * d].to_vec();
            let score = host::to_vec(t.score(host::matrix(p.clone(), 1, d, &cpu())));
            for j in 0..d {
                let h = 1e-2f32;
                let mut up = p.clone();
                up[j] += h;
                let mut down = p.clone();
                down[j] -= h;
                let fd =
                    (log_density_at(t.as_ref(), up) - log_density_at(t.as_ref(), down)) / (2.0 * h as f64);
                let tol = 2e-2 * (score[j].abs() as f64).max(1.0);
                assert!(
                    (fd - score[j] as f64).abs() < tol,
                    "{kind:?} point {i} coordinate {j}: finite difference {fd}, score {}",
                    score[j]
                );
            }
        }
    }
}

/// Under π the score has mean zero, so exact samples and scores must agree with each other.
#[test]
fn exact_samples_have_mean_zero_score() {
    for (kind, d) in [
        (TargetKind::Gmm40, 2),
        (TargetKind::Mos10, 2),
        (TargetKind::DoubleWell, 5),
        (TargetKind::ManyWell, 32),
        (TargetKind::Gaussian, 4),
    ] {
        let t = target(kind, d);
        let n = 20_000;
        let pts = probe_points(t.as_ref(), n);
        let s = host::to_vec(t.score(host::matrix(pts, n, d, &cpu())));
        for j in 0..d {
            let col: Vec<f64> = s.iter().skip(j).step_by(d).map(|&v| v as f64).collect();
            let mean = col.iter().sum::<f64>() / n as f64;
            let sd = (col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
            let se = sd / (n as f64).sqrt();
            assert!(
                mean.abs() < 5.0 * se + 1e-3,
                "{kind:?} coordinate {j}: mean score {mean} (se {se})"
            );
        }
    }
}

#[test]
fn nan_scores_are_replaced_by_zero() {
    let t = target(TargetKind::Gaussian, 2);
    let x = Tensor::<2>::from_floats([[f32::NAN, 1.0]], &cpu());
    let s = host::to_vec(bridgelab::sim::targets::sanitize_score(t.score(x)));
    assert_eq!(s[0], 0.0);
    assert!(s[1].is_finite());
}

#[test]
fn unsupported_dimensions_are_refused() {
    for (kind, d) in [
        (TargetKind::Gmm40, 3),
        (TargetKind::Mos10, 10),
        (TargetKind::ManyWell, 5),
        (TargetKind::Funnel, 1),
    ] {
        let err = build_target(
            &TargetSpec {
                kind,
                dim: d,
                constants_seed: 0,
            },
            &cpu(),
        )
        .err()
        .expect("refused");
        assert!(err.to_string().contains(&d.to_string()), "{err}");
    }
}
