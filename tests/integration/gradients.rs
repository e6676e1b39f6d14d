//! The gradient checks of docs/math.md §5.

use crate::common;

use std::sync::Arc;

use bridgelab::sim::platform::host;
use bridgelab::sim::preset::{Architecture, BridgeKind, DiffusionMode, LossKind, TargetKind};
use bridgelab::sim::targets::DiagGaussian;
use bridgelab::sim::training::loss::LossEval;
use bridgelab::sim::{Preset, Trainer};
use common::{cpu, small_preset};

fn grads_host(e: &LossEval) -> Vec<Vec<f32>> {
    e.grads
        .iter()
        .map(|g| g.clone().map(host::to_vec).unwrap_or_default())
        .collect()
}

/// A trainer moved away from its initialisation, so every network layer carries gradient.
fn warmed(preset: Preset) -> Trainer {
    let mut t = Trainer::new(preset, cpu()).unwrap();
    for _ in 0..5 {
        t.step().unwrap();
    }
    t
}

/// max over parameters of ‖a − k·b‖ / ‖a‖
fn worst_mismatch(a: &[Vec<f32>], b: &[Vec<f32>], k: f64) -> f64 {
    a.iter()
        .zip(b)
        .filter(|(x, _)| !x.is_empty())
        .map(|(x, y)| {
            let diff: f64 = x
                .iter()
                .zip(y)
                .map(|(p, q)| (*p as f64 - k * *q as f64).powi(2))
                .sum::<f64>()
                .sqrt();
            let norm: f64 = x.iter().map(|p| (*p as f64).powi(2)).sum::<f64>().sqrt();
            if norm < 1e-12 { diff } else { diff / norm }
        })
        .fold(0.0, f64::max)
}

#[test]
fn lv_is_twice_rkl_ld_with_a_fixed_inference_process_and_frozen_diffusion() {
    for bridge in [BridgeKind::Pis, BridgeKind::Dds, BridgeKind::Dis] {
        let t = warmed(small_preset(
            TargetKind::Gmm40,
            bridge,
            LossKind::RklLd,
            DiffusionMode::Frozen,
        ));
        let lv = grads_host(&t.gradients_at(LossKind::Lv, 99));
        let ld = grads_host(&t.gradients_at(LossKind::RklLd, 99));
        let worst = worst_mismatch(&lv, &ld, 2.0);
        assert!(worst < 1e-3, "{bridge:?}: LV differs from 2 × rKL-LD by {worst}");
        assert!(
            lv.iter().flatten().any(|v| v.abs() > 1e-6),
            "{bridge:?}: gradients are all zero"
        );
    }
}

#[test]
fn lv_and_rkl_ld_part_with_learned_diffusion_or_a_learned_inference_network() {
    let cases = [
        (BridgeKind::Pis, DiffusionMode::Learned),
        (BridgeKind::Dds, DiffusionMode::TimeDependent),
        (BridgeKind::Dbs, DiffusionMode::Frozen),
        (BridgeKind::Cmcd, DiffusionMode::Frozen),
    ];
    for (bridge, diffusion) in cases {
        let t = warmed(small_preset(
            TargetKind::Gmm40,
            bridge,
            LossKind::RklLd,
            diffusion,
        ));
        let lv = grads_host(&t.gradients_at(LossKind::Lv, 99));
        let ld = grads_host(&t.gradients_at(LossKind::RklLd, 99));
        let worst = worst_mismatch(&lv, &ld, 2.0);
        assert!(
            worst > 0.05,
            "{bridge:?} with {diffusion:?}: LV and 2 × rKL-LD agree ({worst})"
        );
    }
}

/// A Gaussian target whose moments differ from the prior, so every SDE parameter has a
/// clear gradient.
fn gaussian_trainer(bridge: BridgeKind, architecture: Architecture, seed: u64) -> Trainer {
    let mut p = small_preset(
        TargetKind::Gaussian,
        bridge,
        LossKind::RklLd,
        DiffusionMode::Learned,
    );
    p.architecture = architecture;
    p.batch = 4000;
    p.path_steps = 6;
    p.seed = seed;
    let target = Arc::new(DiagGaussian::new(vec![1.0, -0.5], vec![0.7, 1.5], 0.0, &cpu()));
    p.lr.network = 2e-2;
    p.lr.sde = 2e-2;
    let mut t = Trainer::with_target(p, target, cpu());
    // Long enough for both kernels to leave the symmetric random walk of the initialisation,
    // where the inference-side gradient −∇L_P happens to vanish in expectation.
    for _ in 0..40 {
        t.step().unwrap();
    }
    t
}

#[test]
fn rkl_ld_and_rkl_r_estimate_the_same_gradient() {
    for (bridge, architecture) in [BridgeKind::Dbs, BridgeKind::Cmcd]
        .into_iter()
        .flat_map(|b| Architecture::ALL.map(|a| (b, a)))
    {
        let t = gaussian_trainer(bridge, architecture, 11);
        // The output layers of ours and of the Vanilla model's two branches.
        let names = [
            "prior.mean",
            "prior.log_std",
            "diffusion.log_sigma",
            "gen.out.b",
            "inf.out.b",
            "gen.correction.out.b",
            "gen.scale.out.b",
            "inf.correction.out.b",
            "inf.scale.out.b",
            "gen.correction.out.w",
            "inf.correction.out.w",
        ];
        let ids: Vec<_> = names.iter().filter_map(|n| t.params().find(n)).collect();
        let batches = 8;
        let mut diffs: Vec<Vec<f64>> = Vec::new();
        let mut means: Vec<Vec<f64>> = Vec::new();
        for k in 0..batches {
            let r = grads_host(&t.gradients_at(LossKind::RklR, 1000 + k));
            let l = grads_host(&t.gradients_at(LossKind::RklLd, 1000 + k));
            let pick = |g: &Vec<Vec<f32>>| -> Vec<f64> {
                ids.iter()
                    .flat_map(|id| g[id.0].iter().map(|&v| v as f64))
                    .collect()
            };
            let (r, l) = (pick(&r), pick(&l));
            diffs.push(r.iter().zip(&l).map(|(a, b)| a - b).collect());
            means.push(r.iter().zip(&l).map(|(a, b)| 0.5 * (a + b)).collect());
        }
        let m = diffs[0].len();
        let stats = |rows: &Vec<Vec<f64>>, j: usize| {
            let mean = rows.iter().map(|r| r[j]).sum::<f64>() / batches as f64;
            let var = rows.iter().map(|r| (r[j] - mean).powi(2)).sum::<f64>() / (batches - 1) as f64;
            (mean, (var / batches as f64).sqrt())
        };
        let mut informative = 0;
        for j in 0..m {
            let (d_mean, d_se) = stats(&diffs, j);
            let (g_mean, g_se) = stats(&means, j);
            assert!(
                d_mean.abs() < 4.0 * d_se + 0.02 * g_mean.abs() + 1e-4,
                "{bridge:?} {architecture:?} entry {j}: rKL-R and rKL-LD differ by {d_mean} (se {d_se}), gradient {g_mean}"
            );
            if g_mean.abs() > 4.0 * g_se {
                informative += 1;
            }
        }
        assert!(
            informative >= 3,
            "{bridge:?} {architecture:?}: too few gradient entries stand out of the noise"
        );
    }
}

/// Gaussian (N+1)-dimensional path law, one coordinate: mean vector and covariance.
fn kl_gaussian(mean_q: &[f64], cov_q: &[Vec<f64>], mean_p: &[f64], cov_p: &[Vec<f64>]) -> f64 {
    let n = mean_q.len();
    let chol = |a: &[Vec<f64>]| {
        let mut l = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in 0..=i {
                let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
                l[i][j] = if i == j {
                    (a[i][i] - s).sqrt()
                } else {
                    (a[i][j] - s) / l[j][j]
                };
            }
        }
        l
    };
    let lp = chol(cov_p);
    let lq = chol(cov_q);
    // Solve L y = b by forward substitution.
    let solve = |l: &Vec<Vec<f64>>, b: &[f64]| {
        let mut y = vec![0.0; n];
        for i in 0..n {
            y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
        }
        y
    };
    // tr(Σp⁻¹ Σq) = ‖Lp⁻¹ Lq‖_F²
    let trace: f64 = (0..n)
        .map(|c| {
            let col: Vec<f64> = lq.iter().map(|row| row[c]).collect();
            solve(&lp, &col).iter().map(|v| v * v).sum::<f64>()
        })
        .sum();
    let diff: Vec<f64> = mean_p.iter().zip(mean_q).map(|(a, b)| a - b).collect();
    let maha: f64 = solve(&lp, &diff).iter().map(|v| v * v).sum();
    let logdet = |l: &Vec<Vec<f64>>| 2.0 * (0..n).map(|i| l[i][i].ln()).sum::<f64>();
    0.5 * (trace + maha - n as f64 + logdet(&lp) - logdet(&lq))
}

/// The diagonal Gaussian target (means, standard deviations, log Z) of the closed-form checks.
const CLOSED_FORM_TARGET: ([f32; 2], [f32; 2], f64) = ([1.0, -2.0], [0.8, 1.7], 1.3);

/// A fresh sampler of `bridge` on [`CLOSED_FORM_TARGET`], 8 steps, β = 0.4, prior std 1.2.
fn fresh_on_the_closed_form_target(bridge: BridgeKind) -> (Preset, Trainer) {
    let (m, s, log_z) = CLOSED_FORM_TARGET;
    let mut p = small_preset(
        TargetKind::Gaussian,
        bridge,
        LossKind::RklLd,
        DiffusionMode::Frozen,
    );
    p.path_steps = 8;
    p.beta = 0.4;
    p.prior_std = 1.2;
    let target = Arc::new(DiagGaussian::new(m.to_vec(), s.to_vec(), log_z, &cpu()));
    (p.clone(), Trainer::with_target(p, target, cpu()))
}

/// The ELBO of `trainer` on 40 000 fresh paths is `expected` up to its Monte Carlo error, and
/// the sampler is far enough from the target (KL = log Z − expected) for that to mean something.
fn assert_elbo_is(trainer: &Trainer, expected: f64, what: &str) {
    let kl = CLOSED_FORM_TARGET.2 - expected;
    let elbo = trainer.evaluate(Some(40_000)).weights.elbo;
    // The standard error of a mean of log w is at most a few hundredths here.
    assert!(
        (elbo - expected).abs() < 0.05 + 0.005 * kl,
        "ELBO {elbo} but {what} gives {expected} (KL {kl})"
    );
    assert!(
        kl > 1.0,
        "the check needs a sampler that is far from the target (KL {kl})"
    );
}

#[test]
fn elbo_matches_log_z_minus_the_closed_form_kl() {
    // A fresh DBS has zero output layers: both kernels are random walks with step D = β, so
    // the path laws are Gaussian and KL(Q‖P) has a closed form.
    let (m, s, log_z) = CLOSED_FORM_TARGET;
    let (p, t) = fresh_on_the_closed_form_target(BridgeKind::Dbs);
    let n = p.path_steps;
    let (s0, dd) = (p.prior_std, p.beta * p.beta);
    let mut kl = 0.0;
    for j in 0..2 {
        let v = (s[j] as f64).powi(2);
        let cov_q: Vec<Vec<f64>> = (0..=n)
            .map(|a| (0..=n).map(|b| s0 * s0 + dd * a.min(b) as f64).collect())
            .collect();
        let cov_p: Vec<Vec<f64>> = (0..=n)
            .map(|a| (0..=n).map(|b| v + dd * (n - a.max(b)) as f64).collect())
            .collect();
        kl += kl_gaussian(&vec![0.0; n + 1], &cov_q, &vec![m[j] as f64; n + 1], &cov_p);
    }
    assert_elbo_is(&t, log_z - kl, "log Z − KL");
}

/// E_Q[log w] of a fresh CMCD (u = 0: both kernels are unadjusted Langevin steps on the
/// annealed path) for a diagonal Gaussian target, from the exact moments of the linear-Gaussian
/// chain, one coordinate at a time.
fn cmcd_langevin_elbo(m: &[f32], s: &[f32], log_z: f64, s0: f64, beta: f64, n: usize) -> f64 {
    let dd = beta * beta;
    let ln2pi = (2.0 * std::f64::consts::PI).ln();
    // The prior weight with every interpolation weight equal: b_k = (N − k)/N.
    let b = |k: usize| (n - k) as f64 / n as f64;
    let mut elbo = log_z;
    for (&mj, &sj) in m.iter().zip(s) {
        let (mj, v) = (mj as f64, (sj as f64).powi(2));
        // ∇ log π_k(x) = −α_k x + γ_k, the prior centred at 0.
        let alpha = |k: usize| b(k) / (s0 * s0) + (1.0 - b(k)) / v;
        let gamma = |k: usize| (1.0 - b(k)) * mj / v;
        let (mut mean, mut var) = (0.0, s0 * s0);
        elbo -= -0.5 * (ln2pi + (s0 * s0).ln()) - 0.5;
        for k in 0..n {
            let (a, c0) = (1.0 - 0.5 * dd * alpha(k), 0.5 * dd * gamma(k));
            let (c, e) = (1.0 - 0.5 * dd * alpha(k + 1), 0.5 * dd * gamma(k + 1));
            // x_k − c x_{k+1} − e with x_{k+1} = a x_k + c0 + β ξ.
            let residual_var = (1.0 - c * a).powi(2) * var + c * c * dd;
            let residual_mean = (1.0 - c * a) * mean - c * c0 - e;
            let log_p = -0.5 * (ln2pi + dd.ln()) - (residual_var + residual_mean.powi(2)) / (2.0 * dd);
            let log_q = -0.5 * (ln2pi + dd.ln()) - 0.5;
            elbo += log_p - log_q;
            mean = a * mean + c0;
            var = a * a * var + dd;
        }
        elbo += -0.5 * (ln2pi + v.ln()) - ((mean - mj).powi(2) + var) / (2.0 * v);
    }
    elbo
}

#[test]
fn a_fresh_cmcd_elbo_matches_the_closed_form_of_its_langevin_chain() {
    let (m, s, log_z) = CLOSED_FORM_TARGET;
    let (p, t) = fresh_on_the_closed_form_target(BridgeKind::Cmcd);
    let expected = cmcd_langevin_elbo(&m, &s, log_z, p.prior_std, p.beta, p.path_steps);
    // Measured: −0.2141 against −0.2263.
    assert_elbo_is(&t, expected, "the closed form");
}

#[test]
fn splitting_the_batch_into_shards_and_chunks_changes_nothing_but_rounding() {
    use bridgelab::sim::training::loss::loss_and_gradients_split;
    use bridgelab::sim::training::noise::{Stream, normal_tensor, rng_for};
    use bridgelab::sim::training::phase_clock::PhaseClock;
    use bridgelab::sim::training::shards::Split;
    for (bridge, architecture) in [BridgeKind::Dbs, BridgeKind::Cmcd]
        .into_iter()
        .flat_map(|b| Architecture::ALL.map(|a| (b, a)))
    {
        for loss in LossKind::ALL {
            let mut preset = small_preset(TargetKind::Gmm40, bridge, loss, DiffusionMode::Learned);
            preset.batch = 60;
            preset.architecture = architecture;
            let t = warmed(preset.clone());
            let shape = [preset.path_steps + 1, preset.batch, 2];
            let noise = normal_tensor(&mut rng_for(3, 0, Stream::Test), shape, &cpu());
            let run = |split: Split| {
                let e = loss_and_gradients_split(
                    t.sampler(),
                    t.params(),
                    loss,
                    noise.clone(),
                    split,
                    &mut PhaseClock::off(),
                );
                (grads_host(&e), e.log_weights, host::to_vec(e.step_terms))
            };
            let (whole, lw_whole, terms_whole) = run(Split {
                shards: 1,
                chunk_rows: 1 << 20,
            });
            let (split, lw_split, terms_split) = run(Split {
                shards: 3,
                chunk_rows: 9 * 7,
            });
            let worst = worst_mismatch(&split, &whole, 1.0);
            assert!(
                worst < 1e-3,
                "{bridge:?} {architecture:?} {loss:?}: gradients differ by {worst}"
            );
            let lw_gap = lw_whole
                .iter()
                .zip(&lw_split)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(
                lw_gap < 1e-3,
                "{bridge:?} {loss:?}: log-weights differ by {lw_gap}"
            );
            let term_gap = terms_whole
                .iter()
                .zip(&terms_split)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(
                term_gap < 1e-3,
                "{bridge:?} {loss:?}: per-step terms differ by {term_gap}"
            );
        }
    }
}

#[test]
fn the_paper_code_switches_change_what_they_say_and_nothing_else() {
    use bridgelab::sim::preset::PaperCode;
    let elbo_after = |bridge, loss, code: PaperCode, steps: usize| {
        let mut p = small_preset(TargetKind::Gmm40, bridge, loss, DiffusionMode::Learned);
        p.paper_code = code;
        let mut t = Trainer::new(p, cpu()).unwrap();
        for _ in 0..steps {
            t.step().unwrap();
        }
        t.evaluate(Some(256)).weights.elbo
    };
    let full_stop = PaperCode {
        full_stop_gradient: true,
        ..PaperCode::default()
    };
    // The state enters the Langevin input only through rKL-R's reparametrised paths: the
    // log-derivative losses train bitwise the same with or without cutting it.
    for loss in [LossKind::RklLd, LossKind::Lv] {
        let (ours, theirs) = (
            elbo_after(BridgeKind::Dbs, loss, PaperCode::default(), 5),
            elbo_after(BridgeKind::Dbs, loss, full_stop, 5),
        );
        assert_eq!(ours.to_bits(), theirs.to_bits(), "{loss:?}");
    }
    let (ours, theirs) = (
        elbo_after(BridgeKind::Dbs, LossKind::RklR, PaperCode::default(), 5),
        elbo_after(BridgeKind::Dbs, LossKind::RklR, full_stop, 5),
    );
    assert_ne!(ours, theirs, "rKL-R's gradient must change when the state is cut");
    // b_N = 1 changes CMCD's last inference kernel already before any training.
    let last_prior = PaperCode {
        last_step_prior_weight: true,
        ..PaperCode::default()
    };
    let (ours, theirs) = (
        elbo_after(BridgeKind::Cmcd, LossKind::RklLd, PaperCode::default(), 0),
        elbo_after(BridgeKind::Cmcd, LossKind::RklLd, last_prior, 0),
    );
    assert!((ours - theirs).abs() > 1e-3, "ELBO {ours} vs {theirs}");
}

/// Issue 25, item 8: with frozen σ the paper's code still puts ∂L/∂log σ into the SDE group's
/// clipping norm. The switch changes the prior's updates (its clip factor) and leaves σ at 1;
/// with learned σ, whose gradient is in the norm anyway, it changes nothing.
#[test]
fn the_frozen_sigma_clip_switch_changes_the_prior_clip_and_nothing_else() {
    use bridgelab::sim::preset::PaperCode;
    let after = |diffusion, in_clip: bool| {
        let mut p = small_preset(TargetKind::Gmm40, BridgeKind::Cmcd, LossKind::RklLd, diffusion);
        p.paper_code = PaperCode {
            frozen_sigma_in_clip: in_clip,
            ..PaperCode::default()
        };
        // A clip that always binds, so the norm it divides by decides every SDE update.
        p.grad_clip = 1e-3;
        let mut t = Trainer::new(p, cpu()).unwrap();
        for _ in 0..8 {
            t.step().unwrap();
        }
        let get = |name: &str| host::to_vec(t.params().get(t.params().find(name).unwrap()));
        (
            get("prior.log_std"),
            get("diffusion.log_sigma"),
            t.params().num_trainable(),
        )
    };
    let (ours, sigma_ours, count_ours) = after(DiffusionMode::Frozen, false);
    let (theirs, sigma_theirs, count_theirs) = after(DiffusionMode::Frozen, true);
    assert!(
        sigma_ours.iter().chain(&sigma_theirs).all(|&v| v == 0.0),
        "σ stays 1"
    );
    assert_ne!(ours, theirs, "the prior sees another clip factor");
    assert_eq!(count_ours, count_theirs, "log σ is not counted as trained");
    let (learned, _, _) = after(DiffusionMode::Learned, false);
    let (learned_switch, _, _) = after(DiffusionMode::Learned, true);
    assert_eq!(learned, learned_switch);
}

#[test]
fn the_paper_networks_start_as_the_random_walk_ours_starts_as_and_learn() {
    let trainer = |bridge, architecture| {
        let mut p = small_preset(TargetKind::Gmm40, bridge, LossKind::RklLd, DiffusionMode::Learned);
        p.architecture = architecture;
        Trainer::new(p, cpu()).unwrap()
    };
    for bridge in [BridgeKind::Dbs, BridgeKind::Cmcd] {
        // Ours and Vanilla zero their output layers, so a fresh sampler's drift is the same
        // (zero, or half the annealed score for CMCD) whatever the hidden weights are;
        // PISgradnet's output weights of 1e-8 move it by a hair.
        let ours = trainer(bridge, Architecture::TimeMlp)
            .evaluate(Some(256))
            .weights
            .elbo;
        for architecture in [Architecture::Vanilla, Architecture::PisGradNet] {
            let mut paper = trainer(bridge, architecture);
            let fresh = paper.evaluate(Some(256)).weights.elbo;
            if architecture == Architecture::Vanilla {
                assert_eq!(ours.to_bits(), fresh.to_bits(), "{bridge:?}: {ours} vs {fresh}");
            } else {
                assert!(
                    (ours - fresh).abs() < 1e-4 * ours.abs(),
                    "{bridge:?} {architecture:?}: {ours} vs {fresh}"
                );
            }
            for _ in 0..40 {
                paper.step().unwrap();
            }
            let trained = paper.evaluate(Some(256)).weights.elbo;
            assert!(
                trained > fresh + 0.5,
                "{bridge:?}: the {architecture:?} network did not learn (ELBO {fresh} → {trained})"
            );
        }
    }
}

/// Issue 17: the CPU fast path (host state paths, burn for the rest) gives the burn path's
/// samples, log-weights, per-step terms and gradients on the same batch, to float tolerance,
/// for both bridges, every loss and every kind of diffusion.
#[test]
fn the_cpu_fast_path_computes_what_the_burn_path_computes() {
    use bridgelab::sim::training::loss::loss_and_gradients;
    use bridgelab::sim::training::noise::{Stream, normal_tensor, rng_for};
    let cases = [
        (BridgeKind::Dbs, DiffusionMode::Learned),
        (BridgeKind::Cmcd, DiffusionMode::Learned),
        (BridgeKind::Dbs, DiffusionMode::TimeDependent),
        (BridgeKind::Cmcd, DiffusionMode::Frozen),
        (BridgeKind::Dds, DiffusionMode::Learned),
    ];
    for (bridge, diffusion) in cases {
        for loss in LossKind::ALL {
            let mut preset = small_preset(TargetKind::Gmm40, bridge, loss, diffusion);
            preset.batch = 48;
            let t = warmed(preset.clone());
            assert!(t.sampler().is_fused(), "the CPU runs the fast path");
            let reference = t.sampler().clone().without_fused();
            let shape = [preset.path_steps + 1, preset.batch, 2];
            let noise = normal_tensor(&mut rng_for(5, 0, Stream::Test), shape, &cpu());
            let fast = loss_and_gradients(t.sampler(), t.params(), loss, noise.clone());
            let slow = loss_and_gradients(&reference, t.params(), loss, noise);
            let what = format!("{bridge:?} {diffusion:?} {loss:?}");
            let worst = worst_mismatch(&grads_host(&fast), &grads_host(&slow), 1.0);
            assert!(worst < 2e-3, "{what}: gradients differ by {worst}");
            let gap =
                |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
            let lw = gap(&fast.log_weights, &slow.log_weights);
            assert!(lw < 1e-3, "{what}: log-weights differ by {lw}");
            let x = gap(&host::to_vec(fast.samples), &host::to_vec(slow.samples));
            assert!(x < 1e-3, "{what}: samples differ by {x}");
            assert!(
                (fast.loss - slow.loss).abs() < 1e-3 * slow.loss.abs().max(1.0),
                "{what}: loss"
            );
        }
    }
}
