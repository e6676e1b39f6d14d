//! The time-conditioned MLP of SPEC §4, written over a [`ParamSet`] so that one set of weights
//! runs with or without autodiff.

use burn::tensor::activation::sigmoid;
use burn::tensor::{Device, Tensor};
use rand::RngExt;
use rand::rngs::StdRng;

use super::host;
use super::params::{Group, ParamId, ParamSet};

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

#[derive(Clone, Copy)]
struct Dense {
    w: ParamId,
    b: ParamId,
}

impl Dense {
    /// Uniform(±1/√fan_in) weights like common frameworks, or exact zeros for output layers, so
    /// that a fresh sampler is a plain random walk.
    fn new(
        params: &mut ParamSet,
        name: &str,
        fan_in: usize,
        fan_out: usize,
        zero: bool,
        rng: &mut StdRng,
        device: &Device,
    ) -> Self {
        let bound = 1.0 / (fan_in as f32).sqrt();
        let mut draw = |n: usize| -> Vec<f32> {
            if zero {
                vec![0.0; n]
            } else {
                (0..n).map(|_| rng.random_range(-bound..bound)).collect()
            }
        };
        let w = host::matrix(draw(fan_in * fan_out), fan_in, fan_out, device);
        let b = host::row(draw(fan_out), device);
        Dense {
            w: params.add(&format!("{name}.w"), Group::Network, true, w),
            b: params.add(&format!("{name}.b"), Group::Network, true, b),
        }
    }

    fn apply(&self, p: &ParamSet, x: Tensor<2>) -> Tensor<2> {
        x.matmul(p.get(self.w)) + p.get(self.b)
    }
}

/// Per-step quantities of one network that depend on the step alone, computed once per
/// forward for all N + 1 steps.
#[derive(Clone)]
pub struct StepTables {
    /// Time embedding's contribution to the first hidden layer, `[N+1, 1, H]`.
    pub first_layer: Tensor<3>,
    /// Langevin scale λ(τ), `[N+1, 1, d]`.
    pub lambda: Tensor<3>,
}

impl StepTables {
    pub fn rows(&self, start: usize, len: usize) -> StepTables {
        StepTables {
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
}

impl TimeMlp {
    pub fn new(
        params: &mut ParamSet,
        name: &str,
        dim: usize,
        hidden: usize,
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
        let time1 = Dense::new(params, &format!("{name}.time1"), f2, hidden, false, rng, device);
        let time2 = Dense::new(
            params,
            &format!("{name}.time2"),
            hidden,
            hidden,
            false,
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
            false,
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
            false,
            rng,
            device,
        );
        let out = Dense::new(params, &format!("{name}.out"), hidden, dim, true, rng, device);
        let lambda1 = Dense::new(params, &format!("{name}.lambda1"), f2, hidden, false, rng, device);
        let lambda2 = Dense::new(params, &format!("{name}.lambda2"), hidden, dim, true, rng, device);
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
        }
    }

    /// Step tables for the step indices whose normalised times are `taus` (`[S, 1]`).
    pub fn tables(&self, p: &ParamSet, taus: Tensor<2>, freqs: Tensor<2>) -> StepTables {
        let [s, _] = taus.dims();
        let angle = taus.matmul(freqs) + p.get(self.phase);
        let feats = Tensor::cat(vec![angle.clone().sin(), angle.cos()], 1);
        let emb = self.time2.apply(p, gelu(self.time1.apply(p, feats.clone())));
        let first = emb.matmul(p.get(self.state_t)) + p.get(self.state_b);
        let lambda = self.lambda2.apply(p, gelu(self.lambda1.apply(p, feats)));
        StepTables {
            first_layer: first.reshape([s, 1, self.hidden]),
            lambda: lambda.reshape([s, 1, self.dim]),
        }
    }

    /// The network output for states `x` (`[S, B, d]`) at the steps of `tables` (S rows),
    /// with `langevin` the clipped, detached annealed score at `x`.
    pub fn forward(&self, p: &ParamSet, x: Tensor<3>, tables: &StepTables, langevin: Tensor<3>) -> Tensor<3> {
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
pub fn fourier_frequencies(device: &Device) -> Tensor<2> {
    let f = FOURIER_FEATURES;
    let values: Vec<f32> = (0..f)
        .map(|k| 0.1 + (100.0 - 0.1) * k as f32 / (f - 1) as f32)
        .collect();
    host::row(values, device)
}
