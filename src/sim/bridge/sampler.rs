//! The sampler: prior, SDE parameters, networks and the two kernels of a bridge (docs/math.md §2–§4).
//!
//! Kernels are evaluated on slabs of steps: states of shape `[S, B, d]` at S consecutive steps.
//! Sequential simulation uses S = 1; the batched log-likelihood pass of LV and rKL-LD evaluates
//! all N steps at once (S = N), which turns N small matrix products into one large one.

use std::f64::consts::PI;
use std::sync::Arc;

use burn::tensor::activation::softplus;
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::sim::bridge::coefficients::BridgeCoefficients;
use crate::sim::networks::fused::{PackedMlp, Steps};
use crate::sim::networks::{Layout, Network, StepTables};
use crate::sim::platform::host;
use crate::sim::preset::{Architecture, BridgeKind, DiffusionMode, PaperCode, Preset};
use crate::sim::targets::{Target, sanitize_score};
use crate::sim::training::params::{Group, ParamId, ParamSet};

/// The annealed score enters the networks clipped to this range (docs/math.md §4).
const LANGEVIN_CLIP: f64 = 100.0;

#[derive(Clone)]
pub struct Sampler {
    pub bridge: BridgeKind,
    /// The bridge's N.
    pub path_steps: usize,
    pub dim: usize,
    pub beta: f64,
    pub target: Arc<dyn Target>,
    paper_code: PaperCode,
    device: Device,
    prior_mean: ParamId,
    prior_log_std: ParamId,
    log_sigma: ParamId,
    interp: ParamId,
    gen_net: Network,
    inf_net: Option<Network>,
    noise_coef: Tensor<3>,
    gen_mean_coef: Tensor<3>,
    inf_mean_coef: Tensor<3>,
    inf_var_coef: Tensor<3>,
    inf_mask: Tensor<2>,
    /// Evaluate the networks' state paths on the CPU fast path where the parameters are plain
    /// (see [`crate::sim::networks::fused`]).
    fused: bool,
}

/// The drift networks' state paths on the host, for the CPU fast path: the generative network
/// and DBS's inference network.
pub struct HostNets {
    pub generative: PackedMlp,
    pub inference: Option<PackedMlp>,
}

/// Everything a forward pass derives from the parameters before touching any state.
#[derive(Clone)]
pub struct Tables {
    /// Per-step noise standard deviation D_n, `[N, 1, d]`.
    pub noise_std: Tensor<3>,
    /// Prior weight b_n of the annealed density, `[N+1, 1, 1]`.
    pub anneal: Tensor<3>,
    pub prior_mean: Tensor<2>,
    pub prior_log_std: Tensor<2>,
    pub generative: StepTables,
    pub inf: Option<StepTables>,
    /// The networks on the host when the sampler runs them on the CPU fast path with plain
    /// parameters.
    pub host: Option<Arc<HostNets>>,
}

impl Sampler {
    /// Builds the sampler and its freshly initialised parameters.
    pub fn new(preset: &Preset, target: Arc<dyn Target>, device: &Device) -> (Self, ParamSet) {
        let d = target.dim();
        let n = preset.path_steps;
        let bridge = preset.bridge;
        let mut rng = StdRng::seed_from_u64(preset.seed ^ 0x5eed_1417);
        let mut params = ParamSet::new();

        let learned_prior = bridge.learns_prior();
        let prior_mean = params.add(
            "prior.mean",
            Group::Sde,
            learned_prior,
            host::row(vec![0.0; d], device),
        );
        let prior_log_std = params.add(
            "prior.log_std",
            Group::Sde,
            learned_prior,
            host::row(vec![preset.prior_std.ln() as f32; d], device),
        );
        let sigma_rows = if preset.diffusion == DiffusionMode::TimeDependent {
            n
        } else {
            1
        };
        let log_sigma = params.add(
            "diffusion.log_sigma",
            Group::Sde,
            preset.diffusion != DiffusionMode::Frozen,
            host::matrix(
                (0..sigma_rows * d)
                    .map(|i| preset.sigma_init_at(i % d).ln() as f32)
                    .collect(),
                sigma_rows,
                d,
                device,
            ),
        );
        if preset.diffusion == DiffusionMode::Frozen && preset.paper_code.frozen_sigma_in_clip {
            params.set_clip_only(log_sigma);
        }
        let interp = params.add(
            "interpolation.a",
            Group::Interpolation,
            bridge == BridgeKind::Cmcd,
            host::row(vec![1.0; n], device),
        );
        let arch = preset.architecture;
        let layout = Layout {
            dim: d,
            hidden: preset.hidden,
            path_steps: n,
        };
        let gen_net = Network::new(arch, &mut params, "gen", layout, &mut rng, device);
        let inf_net = (bridge == BridgeKind::Dbs)
            .then(|| Network::new(arch, &mut params, "inf", layout, &mut rng, device));

        let sched = BridgeCoefficients::new(bridge, n, preset.prior_std);
        let col3 = |v: &[f64]| {
            let data: Vec<f32> = v.iter().map(|&x| x as f32).collect();
            Tensor::<3>::from_data(TensorData::new(data, [v.len(), 1, 1]), device)
        };
        let mask: Vec<f32> = sched
            .inf_active
            .iter()
            .map(|&a| if a { 1.0 } else { 0.0 })
            .collect();

        let sampler = Sampler {
            bridge,
            path_steps: n,
            dim: d,
            beta: preset.beta,
            target,
            paper_code: preset.paper_code,
            device: device.clone(),
            prior_mean,
            prior_log_std,
            log_sigma,
            interp,
            gen_net,
            inf_net,
            noise_coef: col3(&sched.noise_coef),
            gen_mean_coef: col3(&sched.gen_mean_coef),
            inf_mean_coef: col3(&sched.inf_mean_coef),
            inf_var_coef: col3(&sched.inf_var_coef),
            inf_mask: host::matrix(mask, n, 1, device),
            fused: *device == Device::flex() && arch == Architecture::TimeMlp,
        };
        (sampler, params)
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// True when the networks' state paths run on the CPU fast path.
    pub fn is_fused(&self) -> bool {
        self.fused
    }

    /// The same sampler on the burn path alone: the reference the fast path is checked against.
    pub fn without_fused(mut self) -> Self {
        self.fused = false;
        self
    }

    /// The networks' state paths on the host, given tables of plain parameters.
    fn host_nets(&self, p: &ParamSet, generative: &StepTables, inf: Option<&StepTables>) -> Option<HostNets> {
        let gen_mlp = self.gen_net.time_mlp()?;
        let inference = match (&self.inf_net, inf) {
            (Some(net), Some(tables)) => Some(net.time_mlp()?.host_weights(p, tables).pack()),
            _ => None,
        };
        Some(HostNets {
            generative: gen_mlp.host_weights(p, generative).pack(),
            inference,
        })
    }

    /// The state-path parameters of the generative network and of DBS's inference network, in
    /// the order of [`crate::sim::networks::fused::MlpGrads`]; `None` unless both are time MLPs.
    pub fn state_params(&self) -> Option<([ParamId; 5], Option<[ParamId; 5]>)> {
        let generative = self.gen_net.time_mlp()?.state_params();
        let inference = match &self.inf_net {
            Some(net) => Some(net.time_mlp()?.state_params()),
            None => None,
        };
        Some((generative, inference))
    }

    /// Width of the networks' hidden layers.
    pub fn hidden(&self) -> usize {
        self.gen_net.hidden()
    }

    pub fn log_sigma_id(&self) -> ParamId {
        self.log_sigma
    }

    /// True when the prior is the point mass at 0 (PIS) rather than a Gaussian.
    pub fn point_prior(&self) -> bool {
        self.bridge == BridgeKind::Pis
    }

    pub fn tables(&self, p: &ParamSet) -> Tables {
        self.tables_with(p, true)
    }

    /// The tables of a pass that takes the networks' state paths from the host (the batched
    /// pass of the fast path): the networks' first-layer tables are left out
    /// ([`Network::tables_without_state_path`]).
    pub fn tables_for_host_state_paths(&self, p: &ParamSet) -> Tables {
        self.tables_with(p, false)
    }

    /// The first-layer step tables of the generative network and of DBS's inference network,
    /// `[N+1, 1, H]` each; `None` unless both are time MLPs.
    pub fn first_layer_tables(&self, p: &ParamSet) -> Option<(Tensor<3>, Option<Tensor<3>>)> {
        let generative = self.gen_net.time_mlp()?.first_layer_table(p);
        let inference = match &self.inf_net {
            Some(net) => Some(net.time_mlp()?.first_layer_table(p)),
            None => None,
        };
        Some((generative, inference))
    }

    fn tables_with(&self, p: &ParamSet, state_paths: bool) -> Tables {
        let n = self.path_steps;
        let d = self.dim;
        let sigma = p.get(self.log_sigma).exp();
        let sigma = if sigma.dims()[0] == 1 {
            sigma.expand([n, d])
        } else {
            sigma
        };
        let noise_std = sigma.reshape([n, 1, d]) * self.noise_coef.clone() * self.beta;

        // b_n = Σ_{k < N−n} softplus(a_k) / Σ_k softplus(a_k), so b_0 = 1 and b_N = 0.
        let w = softplus(p.get(self.interp), 1.0);
        let cum = w.clone().cumsum(1);
        let total = w.sum_dim(1);
        let padded = Tensor::cat(vec![cum.zeros_like().narrow(1, 0, 1), cum], 1);
        let mut anneal = (padded.flip([1]) / total).reshape([n + 1, 1, 1]);
        if self.paper_code.last_step_prior_weight {
            let last = anneal.clone().narrow(0, n, 1).ones_like();
            anneal = Tensor::cat(vec![anneal.narrow(0, 0, n), last], 0);
        }

        let net_tables = |net: &Network| {
            if state_paths {
                net.tables(p)
            } else {
                net.tables_without_state_path(p)
            }
        };
        let generative = net_tables(&self.gen_net);
        let inf = self.inf_net.as_ref().map(net_tables);
        let host = (self.fused && state_paths && !p.is_tracked())
            .then(|| self.host_nets(p, &generative, inf.as_ref()))
            .flatten()
            .map(Arc::new);
        Tables {
            noise_std,
            anneal,
            prior_mean: p.get(self.prior_mean),
            prior_log_std: p.get(self.prior_log_std),
            generative,
            inf,
            host,
        }
    }

    /// Target score at states `[S, B, d]`, with NaN entries zeroed.
    pub fn target_score(&self, x: Tensor<3>) -> Tensor<3> {
        let [s, b, d] = x.dims();
        sanitize_score(self.target.score(x.reshape([s * b, d]))).reshape([s, b, d])
    }

    /// The score g_m of the annealed density at step indices `start..start+S`, given the
    /// target score at the same states. With `frozen_params` the prior and interpolation
    /// weights enter as constants: that is the stop-gradient of the networks' Langevin input.
    fn annealed_score(
        &self,
        t: &Tables,
        x: Tensor<3>,
        tscore: Tensor<3>,
        start: usize,
        frozen_params: bool,
    ) -> Tensor<3> {
        if self.bridge.has_fixed_inference() {
            return tscore;
        }
        let [s, _, _] = x.dims();
        let freeze = |v: Tensor<3>| if frozen_params { v.detach() } else { v };
        let b = freeze(t.anneal.clone().narrow(0, start, s));
        let mean = freeze(t.prior_mean.clone().unsqueeze_dim(0));
        let inv_var = freeze((t.prior_log_std.clone() * (-2.0)).exp().unsqueeze_dim(0));
        let prior_score = (mean - x) * inv_var;
        prior_score * b.clone() + tscore * (b.neg() + 1.0)
    }

    /// The Langevin input of the networks, clip(sg(∇log π_m(x)), ±100). The stop-gradient
    /// cuts the parameters, not the state: rKL-R must differentiate the drift along the path,
    /// or its reparametrised gradient is biased and disagrees with rKL-LD (docs/math.md §5).
    /// With `paper_code.full_stop_gradient` the state is cut too, as in the paper's code.
    fn langevin_input(&self, t: &Tables, x: Tensor<3>, tscore: Tensor<3>, start: usize) -> Tensor<3> {
        let input = self
            .annealed_score(t, x, tscore, start, true)
            .clamp(-LANGEVIN_CLIP, LANGEVIN_CLIP);
        if self.paper_code.full_stop_gradient {
            input.detach()
        } else {
            input
        }
    }

    /// The output of `net` at states `x` (`[S, B, d]`) of the steps `start..start+S`, given the
    /// output of its state path (`core`), or with it from the host weights `host` (the CPU
    /// fast path), or all on the burn path.
    #[allow(clippy::too_many_arguments)]
    fn network_output(
        net: &Network,
        p: &ParamSet,
        x: Tensor<3>,
        tables: &StepTables,
        start: usize,
        feature: Tensor<3>,
        core: Option<Tensor<3>>,
        host: Option<&PackedMlp>,
    ) -> Tensor<3> {
        let [s, b, d] = x.dims();
        let rows = tables.rows(start, s);
        let Some(mlp) = net.time_mlp() else {
            return net.forward(p, x, &rows, feature);
        };
        let core = core.or_else(|| {
            host.map(|w| {
                let out = w.forward(
                    &host::to_vec(x.clone()),
                    Steps {
                        first: start,
                        per_step: b,
                    },
                );
                Tensor::from_data(TensorData::new(out, [s, b, d]), &x.device())
            })
        });
        match core {
            Some(core) => mlp.with_state_path(core, &rows, feature),
            None => net.forward(p, x, &rows, feature),
        }
    }

    /// Mean of the generative kernel q(x_{n+1} | x_n) for steps `start..start+S`.
    pub fn gen_mean(
        &self,
        p: &ParamSet,
        t: &Tables,
        x: Tensor<3>,
        tscore: Tensor<3>,
        start: usize,
    ) -> Tensor<3> {
        self.gen_mean_given(p, t, x, tscore, start, None)
    }

    /// [`Sampler::gen_mean`] with the output of the network's state path given (`core`,
    /// `[S, B, d]`), as the batched pass of the CPU fast path computes it.
    pub fn gen_mean_given(
        &self,
        p: &ParamSet,
        t: &Tables,
        x: Tensor<3>,
        tscore: Tensor<3>,
        start: usize,
        core: Option<Tensor<3>>,
    ) -> Tensor<3> {
        let [s, _, _] = x.dims();
        let feature = self.langevin_input(t, x.clone(), tscore.clone(), start);
        let host = t.host.as_deref().map(|h| &h.generative);
        let u = Self::network_output(
            &self.gen_net,
            p,
            x.clone(),
            &t.generative,
            start,
            feature,
            core,
            host,
        );
        let var = t.noise_std.clone().narrow(0, start, s).square();
        let drift = match self.bridge {
            BridgeKind::Cmcd => u + self.annealed_score(t, x.clone(), tscore, start, false) * 0.5,
            _ => u,
        };
        x * self.gen_mean_coef.clone().narrow(0, start, s) + var * drift
    }

    /// Mean of the inference kernel p(x_n | x_{n+1}) for steps `start..start+S`, given the
    /// later states `x_next` and their target score.
    pub fn inf_mean(
        &self,
        p: &ParamSet,
        t: &Tables,
        x_next: Tensor<3>,
        tscore_next: Tensor<3>,
        start: usize,
    ) -> Tensor<3> {
        self.inf_mean_given(p, t, x_next, tscore_next, start, None)
    }

    /// [`Sampler::inf_mean`] with the output of the state path of the network it evaluates at
    /// `x_next` given (`core`, `[S, B, d]`): DBS's inference network, CMCD's shared one.
    pub fn inf_mean_given(
        &self,
        p: &ParamSet,
        t: &Tables,
        x_next: Tensor<3>,
        tscore_next: Tensor<3>,
        start: usize,
        core: Option<Tensor<3>>,
    ) -> Tensor<3> {
        let [s, _, _] = x_next.dims();
        let base = x_next.clone() * self.inf_mean_coef.clone().narrow(0, start, s);
        match self.bridge {
            BridgeKind::Dbs => {
                let feature = self.langevin_input(t, x_next.clone(), tscore_next, start + 1);
                let net = self.inf_net.as_ref().expect("DBS has an inference network");
                let tables = t.inf.as_ref().expect("DBS has inference tables");
                let host = t.host.as_deref().and_then(|h| h.inference.as_ref());
                let sphi = Self::network_output(net, p, x_next, tables, start + 1, feature, core, host);
                let var = t.noise_std.clone().narrow(0, start, s).square();
                base - var * sphi
            }
            BridgeKind::Cmcd => {
                let feature = self.langevin_input(t, x_next.clone(), tscore_next.clone(), start + 1);
                let g = self.annealed_score(t, x_next.clone(), tscore_next, start + 1, false);
                let host = t.host.as_deref().map(|h| &h.generative);
                let u = Self::network_output(
                    &self.gen_net,
                    p,
                    x_next,
                    &t.generative,
                    start + 1,
                    feature,
                    core,
                    host,
                );
                let var = t.noise_std.clone().narrow(0, start, s).square();
                base + var * (g * 0.5 - u)
            }
            BridgeKind::Pis | BridgeKind::Dis | BridgeKind::Dds => base,
        }
    }

    /// log q(x_{n+1} | x_n) for the steps of a slab, `[S, B]`.
    pub fn gen_log_prob(&self, t: &Tables, x_next: Tensor<3>, mean: Tensor<3>, start: usize) -> Tensor<2> {
        let [s, _, _] = x_next.dims();
        let std = t.noise_std.clone().narrow(0, start, s);
        diag_normal_log_prob(x_next, mean, std)
    }

    /// log p(x_n | x_{n+1}) for the steps of a slab, `[S, B]`, zero where a step is masked.
    pub fn inf_log_prob(&self, t: &Tables, x: Tensor<3>, mean: Tensor<3>, start: usize) -> Tensor<2> {
        let [s, _, _] = x.dims();
        diag_normal_log_prob(x, mean, self.inf_std_slab(t, start, s))
            * self.inf_mask.clone().narrow(0, start, s)
    }

    fn inf_std_slab(&self, t: &Tables, start: usize, s: usize) -> Tensor<3> {
        t.noise_std.clone().narrow(0, start, s) * self.inf_var_coef.clone().narrow(0, start, s).sqrt()
    }

    /// Standard deviation of the inference kernel p(x_n | x_{n+1}) at step n, `[1, 1, d]`; zero
    /// where the step is masked (its kernel is a point).
    pub fn inf_std(&self, t: &Tables, step: usize) -> Tensor<3> {
        let mask = self.inf_mask.clone().narrow(0, step, 1).reshape([1, 1, 1]);
        self.inf_std_slab(t, step, 1) * mask
    }

    /// x_0 from standard normal noise `eps` (`[B, d]`), and log q_0(x_0) (`[B]`).
    pub fn sample_prior(&self, t: &Tables, eps: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let [b, _] = eps.dims();
        if self.point_prior() {
            return (eps.zeros_like(), Tensor::zeros([b], &eps.device()));
        }
        let x0 = t.prior_mean.clone() + t.prior_log_std.clone().exp() * eps;
        let lq = self.prior_log_prob(t, x0.clone());
        (x0, lq)
    }

    pub fn prior_log_prob(&self, t: &Tables, x0: Tensor<2>) -> Tensor<1> {
        let [b, _] = x0.dims();
        if self.point_prior() {
            return Tensor::zeros([b], &x0.device());
        }
        let std = t.prior_log_std.clone().exp().unsqueeze_dim(0);
        diag_normal_log_prob(x0.unsqueeze_dim(0), t.prior_mean.clone().unsqueeze_dim(0), std).reshape([b])
    }

    /// Network FLOPs of both kernels of one step at one row (a forward pass): DBS runs its
    /// two networks, CMCD its one network at both ends of the step.
    pub fn flops_per_row(&self) -> usize {
        let generative = self.gen_net.flops_per_row();
        match (self.bridge, &self.inf_net) {
            (_, Some(inf)) => generative + inf.flops_per_row(),
            (BridgeKind::Cmcd, None) => 2 * generative,
            (_, None) => generative,
        }
    }
}

/// Σ_d log N(x_d; m_d, s_d²) over the last axis, `[S, B, d]` → `[S, B]`.
pub fn diag_normal_log_prob(x: Tensor<3>, mean: Tensor<3>, std: Tensor<3>) -> Tensor<2> {
    let [s, b, _] = x.dims();
    let z = (x - mean) / std.clone();
    let per = z.square() * (-0.5) - std.log() - 0.5 * (2.0 * PI).ln();
    per.sum_dim(2).reshape([s, b])
}
