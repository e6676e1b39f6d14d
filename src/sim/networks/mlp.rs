//! Our drift network, the time-conditioned MLP of docs/math.md §4, written over a [`ParamSet`] so that
//! one set of weights runs with or without autodiff.

use burn::tensor::activation::sigmoid;
use burn::tensor::{Device, Tensor};
use rand::rngs::StdRng;

use super::dense::{Dense, Init, SplitDense};
use super::{Layout, StepTables};
use crate::sim::networks::fused::MlpWeights;
use crate::sim::platform::host;
use crate::sim::training::params::{Group, ParamId, ParamSet};

/// GELU in its sigmoid form x·σ(1.702x) (Hendrycks & Gimpel): the backend's own sigmoid is
/// one numerically stable pass forward and one backward, where erf, or σ spelled out with exp,
/// took several passes over every activation and dominated the CPU profile.
pub fn gelu(x: Tensor<2>) -> Tensor<2> {
    x.clone() * sigmoid(x * 1.702)
}

/// Number of fixed Fourier frequencies of the step embedding.
pub const FOURIER_FEATURES: usize = 16;
/// The network output is clipped here before the Langevin term is added.
const OUTPUT_CLIP: f64 = crate::sim::networks::fused::OUTPUT_CLIP as f64;

#[derive(Clone)]
pub struct TimeMlp {
    dim: usize,
    hidden: usize,
    phase: ParamId,
    time1: Dense,
    time2: Dense,
    /// The first state layer, on concat(x, embedding).
    state1: SplitDense,
    hidden2: Dense,
    out: Dense,
    lambda1: Dense,
    lambda2: Dense,
    /// Normalised step times n/N, `[N+1, 1]`.
    taus: Tensor<2>,
    freqs: Tensor<2>,
}

impl TimeMlp {
    pub fn new(params: &mut ParamSet, name: &str, layout: Layout, rng: &mut StdRng, device: &Device) -> Self {
        let Layout {
            dim,
            hidden,
            path_steps,
        } = layout;
        let f2 = 2 * FOURIER_FEATURES;
        let phase = params.add(
            &format!("{name}.phase"),
            Group::Network,
            true,
            host::row(vec![0.0; FOURIER_FEATURES], device),
        );
        let time1 = Dense::new(
            params,
            &format!("{name}.time1"),
            f2,
            hidden,
            Init::Uniform,
            rng,
            device,
        );
        let time2 = Dense::new(
            params,
            &format!("{name}.time2"),
            hidden,
            hidden,
            Init::Uniform,
            rng,
            device,
        );
        let state1 = SplitDense::new(
            params,
            &format!("{name}.state1"),
            dim,
            hidden,
            hidden,
            Init::Uniform,
            rng,
            device,
        );
        let hidden2 = Dense::new(
            params,
            &format!("{name}.state2"),
            hidden,
            hidden,
            Init::Uniform,
            rng,
            device,
        );
        let out = Dense::new(
            params,
            &format!("{name}.out"),
            hidden,
            dim,
            Init::Zero,
            rng,
            device,
        );
        let lambda1 = Dense::new(
            params,
            &format!("{name}.lambda1"),
            f2,
            hidden,
            Init::Uniform,
            rng,
            device,
        );
        let lambda2 = Dense::new(
            params,
            &format!("{name}.lambda2"),
            hidden,
            dim,
            Init::Zero,
            rng,
            device,
        );
        TimeMlp {
            dim,
            hidden,
            phase,
            time1,
            time2,
            state1,
            hidden2,
            out,
            lambda1,
            lambda2,
            taus: host::matrix(
                (0..=path_steps).map(|i| i as f32 / path_steps as f32).collect(),
                path_steps + 1,
                1,
                device,
            ),
            freqs: fourier_frequencies(device),
        }
    }

    /// The Fourier features of the steps 0..=N, `[N+1, 2F]`.
    fn features(&self, p: &ParamSet) -> Tensor<2> {
        let angle = self.taus.clone().matmul(self.freqs.clone()) + p.get(self.phase);
        Tensor::cat(vec![angle.clone().sin(), angle.cos()], 1)
    }

    fn first_layer_from(&self, p: &ParamSet, feats: Tensor<2>) -> Tensor<3> {
        let [s, _] = feats.dims();
        let emb = self.time2.apply(p, gelu(self.time1.apply(p, feats)));
        self.state1.apply_t(p, emb).reshape([s, 1, self.hidden])
    }

    fn lambda_from(&self, p: &ParamSet, feats: Tensor<2>) -> Tensor<3> {
        let [s, _] = feats.dims();
        self.lambda2
            .apply(p, gelu(self.lambda1.apply(p, feats)))
            .reshape([s, 1, self.dim])
    }

    /// Step tables for the steps 0..=N: the time embedding's part of the first state layer,
    /// `[N+1, 1, H]`, and the Langevin scale λ(τ), `[N+1, 1, d]`.
    pub fn tables(&self, p: &ParamSet) -> StepTables {
        let feats = self.features(p);
        StepTables::new([
            self.first_layer_from(p, feats.clone()),
            self.lambda_from(p, feats),
        ])
    }

    /// The tables of a pass that takes the state path's output from the host: the first-layer
    /// part is zeros. Computed from tracked parameters and left out of the loss, it would stay
    /// in burn's autodiff graph, which keeps such unconsumed nodes: `bridgelab soak` grew by
    /// 1.5 KB and slowed with every step that way.
    pub fn tables_without_state_path(&self, p: &ParamSet) -> StepTables {
        let [s, _] = self.taus.dims();
        let first = Tensor::zeros([s, 1, self.hidden], &self.taus.device());
        StepTables::new([first, self.lambda_from(p, self.features(p))])
    }

    /// The first-layer part of [`TimeMlp::tables`] alone, `[N+1, 1, H]`.
    pub fn first_layer_table(&self, p: &ParamSet) -> Tensor<3> {
        self.first_layer_from(p, self.features(p))
    }

    /// The network output for states `x` (`[S, B, d]`) at the steps of `tables` (S rows),
    /// with `langevin` the clipped, detached annealed score at `x`.
    pub fn forward(&self, p: &ParamSet, x: Tensor<3>, tables: &StepTables, langevin: Tensor<3>) -> Tensor<3> {
        let core = self.state_path(p, x, tables);
        self.with_state_path(core, tables, langevin)
    }

    /// The clipped output of the state path alone, `[S, B, d]`: what the CPU fast path
    /// computes instead.
    fn state_path(&self, p: &ParamSet, x: Tensor<3>, tables: &StepTables) -> Tensor<3> {
        let [s, b, d] = x.dims();
        let [first_layer, _] = tables.parts();
        let h = self
            .state1
            .apply_x(p, x.reshape([s * b, d]))
            .reshape([s, b, self.hidden]);
        let h = gelu((h + first_layer).reshape([s * b, self.hidden]));
        let h = gelu(self.hidden2.apply(p, h));
        self.out
            .apply(p, h)
            .clamp(-OUTPUT_CLIP, OUTPUT_CLIP)
            .reshape([s, b, d])
    }

    /// The network output from its state path's output `core` (computed elsewhere).
    pub fn with_state_path(&self, core: Tensor<3>, tables: &StepTables, langevin: Tensor<3>) -> Tensor<3> {
        let [_, lambda] = tables.parts();
        core + lambda * langevin
    }

    /// The state path's weights on the host, with the step part of the first layer from
    /// `tables` (all N + 1 steps).
    pub fn host_weights(&self, p: &ParamSet, tables: &StepTables) -> MlpWeights {
        let [first_layer, _] = tables.parts();
        let get = |id| host::to_vec(p.get(id).inner());
        MlpWeights {
            dim: self.dim,
            hidden: self.hidden,
            wx: get(self.state1.x_weight()),
            w2: get(self.hidden2.w),
            b2: get(self.hidden2.b),
            w3: get(self.out.w),
            b3: get(self.out.b),
            table: host::to_vec(first_layer.detach().inner()),
        }
    }

    /// The state path's parameters in the order of [`crate::sim::networks::fused::MlpGrads`]: wx, w2,
    /// b2, w3, b3.
    pub fn state_params(&self) -> [ParamId; 5] {
        [
            self.state1.x_weight(),
            self.hidden2.w,
            self.hidden2.b,
            self.out.w,
            self.out.b,
        ]
    }

    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// Multiply–adds of one forward over `rows` states (the step tables are negligible).
    pub fn flops_per_row(&self) -> usize {
        2 * (self.dim * self.hidden + self.hidden * self.hidden + self.hidden * self.dim)
    }
}

/// The fixed Fourier frequencies, spread from slow to fast over the unit time interval.
fn fourier_frequencies(device: &Device) -> Tensor<2> {
    let f = FOURIER_FEATURES;
    let values: Vec<f32> = (0..f)
        .map(|k| 0.1 + (100.0 - 0.1) * k as f32 / (f - 1) as f32)
        .collect();
    host::row(values, device)
}
