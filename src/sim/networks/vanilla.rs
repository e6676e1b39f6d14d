//! The rKL-LD paper's `Vanilla` drift model, written from its description (README, "Where the
//! lab departs from the paper's code"): two ReLU + LayerNorm residual networks read the same
//! encoding of (x, integer time); one gives a correction drift, the other a Langevin scale, so
//! that the scale depends on x as well as on time. Their sum is clipped to ±1e4.

use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};
use rand::rngs::StdRng;

use super::dense::{Dense, Init, SplitDense};
use super::{Layout, StepTables};
use crate::sim::platform::host;
use crate::sim::training::params::{Group, ParamId, ParamSet};

/// Width of the state encoding and number of sinusoidal frequencies (the paper's runs pass
/// `--feature_dim 64`).
pub const FEATURES: usize = 64;
/// The sum of correction and scaled Langevin term is clipped here, as in the paper's model.
const OUTPUT_CLIP: f64 = 1e4;
/// flax's LayerNorm epsilon.
const LAYER_NORM_EPS: f64 = 1e-6;

#[derive(Clone, Copy)]
struct LayerNorm {
    scale: ParamId,
    bias: ParamId,
}

impl LayerNorm {
    fn new(params: &mut ParamSet, name: &str, width: usize, device: &Device) -> Self {
        let mut add = |part: &str, value: f32| {
            params.add(
                &format!("{name}.{part}"),
                Group::Network,
                true,
                host::row(vec![value; width], device),
            )
        };
        LayerNorm {
            scale: add("scale", 1.0),
            bias: add("bias", 0.0),
        }
    }

    fn apply(&self, p: &ParamSet, x: Tensor<2>) -> Tensor<2> {
        let centred = x.clone() - x.mean_dim(1);
        let var = centred.clone().square().mean_dim(1);
        centred / (var + LAYER_NORM_EPS).sqrt() * p.get(self.scale) + p.get(self.bias)
    }
}

/// One residual network of two layers whose first layer's time part is tabulated per step.
#[derive(Clone, Copy)]
struct Branch {
    first: SplitDense,
    norm1: LayerNorm,
    second: Dense,
    norm2: LayerNorm,
    out: Dense,
}

impl Branch {
    fn new(
        params: &mut ParamSet,
        name: &str,
        dim: usize,
        hidden: usize,
        rng: &mut StdRng,
        device: &Device,
    ) -> Self {
        let time_width = 1 + 2 * FEATURES;
        let first = SplitDense::new(
            params,
            &format!("{name}.layer1"),
            FEATURES,
            time_width,
            hidden,
            Init::HeNormal,
            rng,
            device,
        );
        let norm1 = LayerNorm::new(params, &format!("{name}.norm1"), hidden, device);
        let second = Dense::new(
            params,
            &format!("{name}.layer2"),
            hidden,
            hidden,
            Init::HeNormal,
            rng,
            device,
        );
        let norm2 = LayerNorm::new(params, &format!("{name}.norm2"), hidden, device);
        let out = Dense::new(
            params,
            &format!("{name}.out"),
            hidden,
            dim,
            Init::Zero,
            rng,
            device,
        );
        Branch {
            first,
            norm1,
            second,
            norm2,
            out,
        }
    }

    fn time_table(&self, p: &ParamSet, code: Tensor<2>) -> Tensor<3> {
        let [s, _] = code.dims();
        let t = self.first.apply_t(p, code);
        let [_, h] = t.dims();
        t.reshape([s, 1, h])
    }

    /// The branch's output for encoded states `[S·B, F]` at steps whose time part is `time`.
    fn forward(&self, p: &ParamSet, encoded: Tensor<2>, time: Tensor<3>, s: usize) -> Tensor<2> {
        let [rows, _] = encoded.dims();
        let [_, _, h] = time.dims();
        let first = self.first.apply_x(p, encoded).reshape([s, rows / s, h]) + time;
        let h1 = self.norm1.apply(p, relu(first.reshape([rows, h])));
        let h2 = self.norm2.apply(p, relu(self.second.apply(p, h1.clone())) + h1);
        self.out.apply(p, h2)
    }
}

#[derive(Clone)]
pub struct Vanilla {
    dim: usize,
    hidden: usize,
    encode: Dense,
    encode_norm: LayerNorm,
    correction: Branch,
    scale: Branch,
    /// Per step n: the integer time N − n and its sinusoidal code, `[N+1, 1 + 2F]`.
    time_code: Tensor<2>,
}

impl Vanilla {
    pub fn new(params: &mut ParamSet, name: &str, layout: Layout, rng: &mut StdRng, device: &Device) -> Self {
        let Layout {
            dim,
            hidden,
            path_steps,
        } = layout;
        let encode = Dense::new(
            params,
            &format!("{name}.encode"),
            dim,
            FEATURES,
            Init::HeNormal,
            rng,
            device,
        );
        let encode_norm = LayerNorm::new(params, &format!("{name}.encode.norm"), FEATURES, device);
        let correction = Branch::new(params, &format!("{name}.correction"), dim, hidden, rng, device);
        let scale = Branch::new(params, &format!("{name}.scale"), dim, hidden, rng, device);
        Vanilla {
            dim,
            hidden,
            encode,
            encode_norm,
            correction,
            scale,
            time_code: host::matrix(time_code(path_steps), path_steps + 1, 1 + 2 * FEATURES, device),
        }
    }

    /// Step tables for the steps 0..=N: the time part of each branch's first layer (correction,
    /// then scale), `[N+1, 1, H]`.
    pub fn tables(&self, p: &ParamSet) -> StepTables {
        StepTables::new([
            self.correction.time_table(p, self.time_code.clone()),
            self.scale.time_table(p, self.time_code.clone()),
        ])
    }

    /// clip(c(x, t) + s(x, t) ⊙ langevin, ±1e4) for states `x` (`[S, B, d]`) at the steps of
    /// `tables`.
    pub fn forward(&self, p: &ParamSet, x: Tensor<3>, tables: &StepTables, langevin: Tensor<3>) -> Tensor<3> {
        let [s, b, d] = x.dims();
        let [correction_time, scale_time] = tables.parts();
        let encoded = relu(
            self.encode_norm
                .apply(p, self.encode.apply(p, x.reshape([s * b, d]))),
        );
        let correction = self.correction.forward(p, encoded.clone(), correction_time, s);
        let scale = self.scale.forward(p, encoded, scale_time, s);
        let langevin = langevin.reshape([s * b, d]);
        (correction + scale * langevin)
            .clamp(-OUTPUT_CLIP, OUTPUT_CLIP)
            .reshape([s, b, d])
    }

    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// Multiply–adds of one forward over one state (the time tables are negligible).
    pub fn flops_per_row(&self) -> usize {
        let branch = FEATURES * self.hidden + self.hidden * self.hidden + self.hidden * self.dim;
        2 * (self.dim * FEATURES + 2 * branch)
    }
}

/// Row n holds t = N − n followed by sin(t·ω_k) and cos(t·ω_k) for ω_k = N^(−k/F), k < F: the
/// integer time of the paper's reverse-time loop and its sinusoidal positional code.
fn time_code(steps: usize) -> Vec<f32> {
    let n = steps as f64;
    let omegas: Vec<f64> = (0..FEATURES)
        .map(|k| (-(k as f64) * n.ln() / FEATURES as f64).exp())
        .collect();
    let mut code = Vec::with_capacity((steps + 1) * (1 + 2 * FEATURES));
    for step in 0..=steps {
        let t = (steps - step) as f64;
        code.push(t as f32);
        code.extend(omegas.iter().map(|w| (t * w).sin() as f32));
        code.extend(omegas.iter().map(|w| (t * w).cos() as f32));
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_code_counts_down_from_n_with_the_slowest_frequency_first() {
        let code = time_code(4);
        let width = 1 + 2 * FEATURES;
        assert_eq!(code.len(), 5 * width);
        for step in 0..=4 {
            let row = &code[step * width..(step + 1) * width];
            let t = (4 - step) as f64;
            assert_eq!(row[0], t as f32);
            // ω_0 = 1: sin(t), cos(t).
            assert!((row[1] as f64 - t.sin()).abs() < 1e-6);
            assert!((row[1 + FEATURES] as f64 - t.cos()).abs() < 1e-6);
            // The last frequency is N^(−(F−1)/F), just above 1/N.
            let w = (-(FEATURES as f64 - 1.0) / FEATURES as f64 * 4f64.ln()).exp();
            assert!((row[FEATURES] as f64 - (t * w).sin()).abs() < 1e-6);
        }
    }
}
