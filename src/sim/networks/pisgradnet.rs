//! The rKL-LD paper's `PISgradnet` drift model, which its DBS runs and its CMCD runs on the
//! mixtures use, written from its description (README, "The engine"): the layout of our time
//! MLP with the paper's choices. The time input is the integer time N − n with H Fourier
//! frequencies from 0.1 to 100 and a learned phase; the Langevin scale has three hidden
//! layers; hidden layers start LeCun normal with zero biases, output layers at weights 1e-8;
//! GELU is the tanh form.

use burn::tensor::activation::gelu_approximate;
use burn::tensor::{Device, Tensor};
use rand::rngs::StdRng;

use super::dense::{Dense, Init, SplitDense};
use super::{Layout, StepTables};
use crate::sim::platform::host;
use crate::sim::training::params::{Group, ParamId, ParamSet};

/// The state path's output is clipped here before the Langevin term is added.
const OUTPUT_CLIP: f64 = 1e4;

#[derive(Clone)]
pub struct PisGradNet {
    dim: usize,
    hidden: usize,
    /// The learned phase ψ of the Fourier features, `[1, H]`.
    phase: ParamId,
    time1: Dense,
    time2: Dense,
    /// The first state layer, on concat(x, time embedding).
    state1: SplitDense,
    state2: Dense,
    out: Dense,
    /// The Langevin scale from the Fourier features: three hidden layers (GELU after the
    /// first two, as the paper's `NN_grad`), then the output.
    lambda: [Dense; 4],
    /// The integer time N − n of each step n, `[N+1, 1]`.
    times: Tensor<2>,
    /// H frequencies from 0.1 to 100, `[1, H]`.
    freqs: Tensor<2>,
}

impl PisGradNet {
    pub fn new(params: &mut ParamSet, name: &str, layout: Layout, rng: &mut StdRng, device: &Device) -> Self {
        let Layout {
            dim,
            hidden,
            path_steps,
        } = layout;
        let mut dense = |part: &str, fan_in: usize, fan_out: usize, init: Init| {
            Dense::new(
                params,
                &format!("{name}.{part}"),
                fan_in,
                fan_out,
                init,
                rng,
                device,
            )
        };
        let time1 = dense("time1", 2 * hidden, hidden, Init::LecunNormal);
        let time2 = dense("time2", hidden, hidden, Init::LecunNormal);
        let state2 = dense("state2", hidden, hidden, Init::LecunNormal);
        let out = dense("out", hidden, dim, Init::Tiny);
        let lambda = [
            dense("lambda1", 2 * hidden, hidden, Init::LecunNormal),
            dense("lambda2", hidden, hidden, Init::LecunNormal),
            dense("lambda3", hidden, hidden, Init::LecunNormal),
            dense("lambda4", hidden, dim, Init::Tiny),
        ];
        let state1 = SplitDense::new(
            params,
            &format!("{name}.state1"),
            dim,
            hidden,
            hidden,
            Init::LecunNormal,
            rng,
            device,
        );
        let phase = params.add(
            &format!("{name}.phase"),
            Group::Network,
            true,
            host::row(vec![0.0; hidden], device),
        );
        let freqs = (0..hidden)
            .map(|k| {
                let step = if hidden > 1 {
                    k as f64 / (hidden - 1) as f64
                } else {
                    0.0
                };
                (0.1 + (100.0 - 0.1) * step) as f32
            })
            .collect();
        PisGradNet {
            dim,
            hidden,
            phase,
            time1,
            time2,
            state1,
            state2,
            out,
            lambda,
            times: host::matrix(
                (0..=path_steps).map(|n| (path_steps - n) as f32).collect(),
                path_steps + 1,
                1,
                device,
            ),
            freqs: host::row(freqs, device),
        }
    }

    /// sin and cos of c_k (N − n) + ψ_k for every step, `[N+1, 2H]`.
    fn features(&self, p: &ParamSet) -> Tensor<2> {
        let angle = self.times.clone().matmul(self.freqs.clone()) + p.get(self.phase);
        Tensor::cat(vec![angle.clone().sin(), angle.cos()], 1)
    }

    /// Step tables for the steps 0..=N: the time embedding's part of the first state layer,
    /// `[N+1, 1, H]`, and the Langevin scale, `[N+1, 1, d]`.
    pub fn tables(&self, p: &ParamSet) -> StepTables {
        let feats = self.features(p);
        let [s, _] = feats.dims();
        let embedding = self
            .time2
            .apply(p, gelu_approximate(self.time1.apply(p, feats.clone())));
        let first = self.state1.apply_t(p, embedding).reshape([s, 1, self.hidden]);
        let [l1, l2, l3, l4] = &self.lambda;
        let h = gelu_approximate(l1.apply(p, feats));
        let h = gelu_approximate(l2.apply(p, h));
        let lambda = l4.apply(p, l3.apply(p, h)).reshape([s, 1, self.dim]);
        StepTables::new([first, lambda])
    }

    /// clip(state path, ±1e4) + λ ⊙ langevin for states `x` (`[S, B, d]`) at the steps of
    /// `tables`.
    pub fn forward(&self, p: &ParamSet, x: Tensor<3>, tables: &StepTables, langevin: Tensor<3>) -> Tensor<3> {
        let [s, b, d] = x.dims();
        let [first, lambda] = tables.parts();
        let h = self
            .state1
            .apply_x(p, x.reshape([s * b, d]))
            .reshape([s, b, self.hidden]);
        let h = gelu_approximate((h + first).reshape([s * b, self.hidden]));
        let h = gelu_approximate(self.state2.apply(p, h));
        let core = self
            .out
            .apply(p, h)
            .clamp(-OUTPUT_CLIP, OUTPUT_CLIP)
            .reshape([s, b, d]);
        core + lambda * langevin
    }

    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// Multiply–adds of one forward over one state (the step tables are negligible).
    pub fn flops_per_row(&self) -> usize {
        2 * (self.dim * self.hidden + self.hidden * self.hidden + self.hidden * self.dim)
    }
}
