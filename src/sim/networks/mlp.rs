//! Our drift network, the time-conditioned MLP of SPEC §4, written over a [`ParamSet`] so that
//! one set of weights runs with or without autodiff.

use burn::tensor::activation::sigmoid;
use burn::tensor::{Device, Tensor};
use rand::rngs::StdRng;

use super::dense::{Dense, Init};
use crate::sim::host;
use crate::sim::params::{Group, ParamId, ParamSet};

/// GELU in its sigmoid form x·σ(1.702x) (Hendrycks & Gimpel): the backend's own sigmoid is
/// one numerically stable pass forward and one backward, where erf, or σ spelled out with exp,
/// took several passes over every activation and dominated the CPU profile.
pub fn gelu(x: Tensor<2>) -> Tensor<2> {
    x.clone() * sigmoid(x * 1.702)
}

/// Number of fixed Fourier frequencies of the step embedding.
pub const FOURIER_FEATURES: usize = 16;
/// The network output is clipped here before the Langevin term is added.
const OUTPUT_CLIP: f64 = 1e4;

/// What a time MLP computes once per forward for all N + 1 steps, as it depends on the step
/// alone.
#[derive(Clone)]
pub struct MlpTables {
    /// Time embedding's contribution to the first hidden layer, `[N+1, 1, H]`.
    pub first_layer: Tensor<3>,
    /// Langevin scale λ(τ), `[N+1, 1, d]`.
    pub lambda: Tensor<3>,
}

impl MlpTables {
    pub fn rows(&self, start: usize, len: usize) -> MlpTables {
        MlpTables {
            first_layer: self.first_layer.clone().narrow(0, start, len),
            lambda: self.lambda.clone().narrow(0, start, len),
        }
    }
}

#[derive(Clone)]
pub struct TimeMlp {
    dim: usize,
    hidden: usize,
    phase: ParamId,
    time1: Dense,
    time2: Dense,
    state_x: ParamId,
    state_t: ParamId,
    state_b: ParamId,
    hidden2: Dense,
    out: Dense,
    lambda1: Dense,
    lambda2: Dense,
    /// Normalised step times n/N, `[N+1, 1]`.
    taus: Tensor<2>,
    freqs: Tensor<2>,
}

impl TimeMlp {
    pub fn new(
        params: &mut ParamSet,
        name: &str,
        dim: usize,
        hidden: usize,
        steps: usize,
        rng: &mut StdRng,
        device: &Device,
    ) -> Self {
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
        // The first state layer acts on concat(x, embedding); its weight is kept as two blocks
        // so that the embedding part is computed once per step rather than once per row.
        let first = Dense::new(
            params,
            &format!("{name}.state1"),
            dim + hidden,
            hidden,
            Init::Uniform,
            rng,
            device,
        );
        let (wx, wt) = {
            let w = params.get(first.w);
            (w.clone().narrow(0, 0, dim), w.narrow(0, dim, hidden))
        };
        params.set(first.w, wx);
        let state_t = params.add(&format!("{name}.state1.wt"), Group::Network, true, wt);
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
            state_x: first.w,
            state_t,
            state_b: first.b,
            hidden2,
            out,
            lambda1,
            lambda2,
            taus: host::matrix(
                (0..=steps).map(|i| i as f32 / steps as f32).collect(),
                steps + 1,
                1,
                device,
            ),
            freqs: fourier_frequencies(device),
        }
    }

    /// Step tables for the steps 0..=N.
    pub fn tables(&self, p: &ParamSet) -> MlpTables {
        let [s, _] = self.taus.dims();
        let angle = self.taus.clone().matmul(self.freqs.clone()) + p.get(self.phase);
        let feats = Tensor::cat(vec![angle.clone().sin(), angle.cos()], 1);
        let emb = self.time2.apply(p, gelu(self.time1.apply(p, feats.clone())));
        let first = emb.matmul(p.get(self.state_t)) + p.get(self.state_b);
        let lambda = self.lambda2.apply(p, gelu(self.lambda1.apply(p, feats)));
        MlpTables {
            first_layer: first.reshape([s, 1, self.hidden]),
            lambda: lambda.reshape([s, 1, self.dim]),
        }
    }

    /// The network output for states `x` (`[S, B, d]`) at the steps of `tables` (S rows),
    /// with `langevin` the clipped, detached annealed score at `x`.
    pub fn forward(&self, p: &ParamSet, x: Tensor<3>, tables: &MlpTables, langevin: Tensor<3>) -> Tensor<3> {
        let [s, b, d] = x.dims();
        let h = x
            .reshape([s * b, d])
            .matmul(p.get(self.state_x))
            .reshape([s, b, self.hidden]);
        let h = gelu((h + tables.first_layer.clone()).reshape([s * b, self.hidden]));
        let h = gelu(self.hidden2.apply(p, h));
        let out = self
            .out
            .apply(p, h)
            .clamp(-OUTPUT_CLIP, OUTPUT_CLIP)
            .reshape([s, b, d]);
        out + tables.lambda.clone() * langevin
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
