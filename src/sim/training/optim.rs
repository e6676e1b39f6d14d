//! RAdam with per-group learning rates and global-norm clipping, and the cosine schedule
//! (docs/math.md §6). Written here because burn 0.22 ships no RAdam and clips per tensor only.

use burn::tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::sim::platform::host;
use crate::sim::preset::Preset;
use crate::sim::training::DivergencePolicy;
use crate::sim::training::non_finite;
use crate::sim::training::params::{Group, ParamSet};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningRates {
    pub network: f64,
    pub interpolation: f64,
    pub sde: f64,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;
/// RAdam uses the adaptive step once the variance estimate's length exceeds this.
const RHO_THRESHOLD: f64 = 5.0;

#[derive(Clone)]
pub struct RAdam {
    pub lr: LearningRates,
    pub clip: f64,
    pub total_steps: usize,
    /// Number of updates applied so far.
    pub t: usize,
    /// Zero infinite gradient entries too and go on where the norm overflows, as the policy
    /// [`DivergencePolicy::ZeroNonFinite`] asks.
    zero_non_finite: bool,
    m: Vec<Option<Tensor<2>>>,
    v: Vec<Option<Tensor<2>>>,
}

/// Optimiser state on the host, for checkpoints.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RAdamState {
    pub t: usize,
    pub m: Vec<Option<Vec<f32>>>,
    pub v: Vec<Option<Vec<f32>>>,
}

impl RAdam {
    pub fn new(preset: &Preset, params: &ParamSet) -> Self {
        Self {
            lr: preset.lr,
            clip: preset.grad_clip,
            total_steps: preset.train_steps.max(1),
            t: 0,
            zero_non_finite: preset.on_divergence == DivergencePolicy::ZeroNonFinite,
            m: vec![None; params.len()],
            v: vec![None; params.len()],
        }
    }

    /// Cosine decay from the base rate to a tenth of it over the run, no warm-up.
    pub fn schedule_factor(&self) -> f64 {
        let progress = (self.t as f64 / self.total_steps as f64).min(1.0);
        0.1 + 0.9 * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
    }

    pub fn group_lr(&self, group: Group) -> f64 {
        let base = match group {
            Group::Network => self.lr.network,
            Group::Interpolation => self.lr.interpolation,
            Group::Sde => self.lr.sde,
        };
        base * self.schedule_factor()
    }

    /// Zeroes NaN entries, clips each group to global norm `clip`, and applies one RAdam update.
    /// A gradient with an infinite entry or an overflowing norm changes nothing: the error says
    /// what is not finite, naming the parameter. Under [`DivergencePolicy::ZeroNonFinite`]
    /// infinite entries are zeroed too, and a group whose norm overflows is scaled to zero.
    /// Clip-only parameters ([`ParamSet::set_clip_only`]) count in their group's norm and
    /// are not moved.
    pub fn step(&mut self, params: &mut ParamSet, grads: Vec<Option<Tensor<2>>>) -> Result<(), String> {
        let zero_non_finite = self.zero_non_finite;
        let grads: Vec<Option<Tensor<2>>> = grads
            .into_iter()
            .map(|g| {
                g.map(|g| {
                    let bad = if zero_non_finite {
                        g.clone().is_finite().bool_not()
                    } else {
                        g.clone().is_nan()
                    };
                    g.mask_fill(bad, 0.0)
                })
            })
            .collect();
        let squares = group_squares(params, &grads);
        // The clipping norms are needed anyway; their sum is finite exactly when every entry is.
        if !zero_non_finite
            && let Some(total) = squares.iter().flatten().cloned().reduce(|a, b| a + b)
            && !host::scalar(total).is_finite()
        {
            return Err(
                non_finite::non_finite_gradient(params, &grads).unwrap_or_else(|| {
                    "the gradient norm over all parameters (each is finite; their sum overflows)".into()
                }),
            );
        }
        let scales = self.clip_scales(params, squares);

        let lr_by_group = [Group::Network, Group::Interpolation, Group::Sde].map(|g| (g, self.group_lr(g)));
        self.t += 1;
        let t = self.t as f64;
        let bias1 = 1.0 - BETA1.powf(t);
        let bias2 = 1.0 - BETA2.powf(t);
        let rho_inf = 2.0 / (1.0 - BETA2) - 1.0;
        let rho_t = rho_inf - 2.0 * t * BETA2.powf(t) / bias2;
        let rectifier = (rho_t > RHO_THRESHOLD).then(|| {
            ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t)).sqrt()
        });

        for (id, g) in params.ids().zip(grads) {
            let Some(g) = g else { continue };
            if params.is_clip_only(id) {
                continue;
            }
            let group = params.group(id);
            let g = g * scales[group_index(group)].clone();
            let m = match self.m[id.0].take() {
                Some(m) => m * BETA1 + g.clone() * (1.0 - BETA1),
                None => g.clone() * (1.0 - BETA1),
            };
            let v = match self.v[id.0].take() {
                Some(v) => v * BETA2 + g.square() * (1.0 - BETA2),
                None => g.square() * (1.0 - BETA2),
            };
            let lr = lr_by_group
                .iter()
                .find(|(gr, _)| *gr == group)
                .map(|(_, lr)| *lr)
                .unwrap_or(0.0);
            let m_hat = m.clone() / bias1;
            let update = match rectifier {
                Some(r) => m_hat / ((v.clone() / bias2).sqrt() + EPS) * r,
                None => m_hat,
            };
            params.set(id, params.get(id) - update * lr);
            self.m[id.0] = Some(m);
            self.v[id.0] = Some(v);
        }
        Ok(())
    }

    /// min(1, clip / ‖g‖) for each group, as one-element tensors so no value leaves the device.
    fn clip_scales(&self, params: &ParamSet, sq: [Option<Tensor<1>>; 3]) -> Vec<Tensor<2>> {
        sq.into_iter()
            .map(|s| match s {
                Some(s) => {
                    let norm = s.sqrt().reshape([1, 1]);
                    (norm.recip() * self.clip).clamp_max(1.0)
                }
                None => Tensor::ones(
                    [1, 1],
                    &params
                        .get(params.ids().next().expect("a sampler has parameters"))
                        .device(),
                ),
            })
            .collect()
    }

    pub fn to_host(&self) -> RAdamState {
        let conv = |v: &Vec<Option<Tensor<2>>>| v.iter().map(|t| t.clone().map(host::to_vec)).collect();
        RAdamState {
            t: self.t,
            m: conv(&self.m),
            v: conv(&self.v),
        }
    }

    pub fn load_host(&mut self, state: &RAdamState, params: &ParamSet) -> Result<(), String> {
        if state.m.len() != params.len() || state.v.len() != params.len() {
            return Err(format!(
                "the optimiser holds moments for {} and {} parameters; the run has {}",
                state.m.len(),
                state.v.len(),
                params.len()
            ));
        }
        for (moment, values) in [("first", &state.m), ("second", &state.v)] {
            for (id, vals) in params.ids().zip(values) {
                let [r, c] = params.get(id).dims();
                if let Some(vals) = vals.as_ref().filter(|v| v.len() != r * c) {
                    return Err(format!(
                        "the optimiser's {moment} moment of {} needs {} values ({r} × {c}), found {}",
                        params.name(id),
                        r * c,
                        vals.len()
                    ));
                }
            }
        }
        let device = params.get(params.ids().next().ok_or("no parameters")?).device();
        let conv = |v: &Vec<Option<Vec<f32>>>| -> Vec<Option<Tensor<2>>> {
            v.iter()
                .zip(params.ids())
                .map(|(vals, id)| {
                    vals.as_ref().map(|vals| {
                        let [r, c] = params.get(id).dims();
                        host::matrix(vals.clone(), r, c, &device)
                    })
                })
                .collect()
        };
        self.t = state.t;
        self.m = conv(&state.m);
        self.v = conv(&state.v);
        Ok(())
    }
}

/// ‖g‖² of each parameter group (`None` for a group without gradients).
fn group_squares(params: &ParamSet, grads: &[Option<Tensor<2>>]) -> [Option<Tensor<1>>; 3] {
    let mut sq: [Option<Tensor<1>>; 3] = [None, None, None];
    for (id, g) in params.ids().zip(grads) {
        let Some(g) = g else { continue };
        let s = g.clone().square().sum();
        let slot = &mut sq[group_index(params.group(id))];
        *slot = Some(match slot.take() {
            Some(acc) => acc + s,
            None => s,
        });
    }
    sq
}

fn group_index(g: Group) -> usize {
    match g {
        Group::Network => 0,
        Group::Interpolation => 1,
        Group::Sde => 2,
    }
}
