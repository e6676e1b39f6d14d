//! The state path of the time MLP (docs/math.md §4) on the host: forward for the simulation, forward
//! and backward for the batched likelihood pass. The step enters through the first layer's
//! table, one row per step, which the burn path computes from the time parameters.

use super::affine::{BiasRows, Packed, SameBias, affine, pad};
use super::math::{gelu, gelu_with_slope};
use super::matmul::{Mat, matmul};
use super::scratch;

/// The network output is clipped here, as on the burn path.
pub const OUTPUT_CLIP: f32 = 1e4;

/// A time MLP's state path as host arrays, row-major, `[in, out]` as the burn path keeps them.
#[derive(Clone, Debug, PartialEq)]
pub struct MlpWeights {
    pub dim: usize,
    pub hidden: usize,
    /// The first layer's part of x, `d × H`.
    pub wx: Vec<f32>,
    pub w2: Vec<f32>,
    pub b2: Vec<f32>,
    pub w3: Vec<f32>,
    pub b3: Vec<f32>,
    /// The first layer's part of the step, bias included: a row of H per step 0 … N.
    pub table: Vec<f32>,
}

/// Where a batch of rows stands on the bridge: row r is at step `first + r / per_step`, as
/// when `[S, B, d]` states are read row by row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Steps {
    pub first: usize,
    pub per_step: usize,
}

impl Steps {
    fn of_row(&self, r: usize) -> usize {
        self.first + r / self.per_step.max(1)
    }
}

/// What a forward pass keeps for its backward pass.
pub struct Kept {
    x: Vec<f32>,
    h1: Vec<f32>,
    slope1: Vec<f32>,
    h2: Vec<f32>,
    slope2: Vec<f32>,
    out: Vec<f32>,
    steps: Steps,
}

/// Gradients of a state path's weights and of its step table, laid out as the weights are.
pub type MlpGrads = MlpWeights;

impl MlpWeights {
    /// Zeros in the layout of `w`, where a pass adds its gradients.
    pub fn zeros(w: &PackedMlp) -> Self {
        let (d, h) = (w.dim, w.hidden);
        MlpWeights {
            dim: d,
            hidden: h,
            wx: vec![0.0; d * h],
            w2: vec![0.0; h * h],
            b2: vec![0.0; h],
            w3: vec![0.0; h * d],
            b3: vec![0.0; d],
            table: vec![0.0; w.steps * h],
        }
    }
}

/// `row` padded with zeros to whole registers.
fn padded(row: &[f32]) -> Vec<f32> {
    let mut out = row.to_vec();
    out.resize(pad(row.len()), 0.0);
    out
}

/// The padded step table's rows, read by the row's step.
struct StepBias<'a> {
    table: &'a [f32],
    width: usize,
    steps: Steps,
}

impl BiasRows for StepBias<'_> {
    fn row(&self, r: usize) -> &[f32] {
        let s = self.steps.of_row(r);
        &self.table[s * self.width..(s + 1) * self.width]
    }
}

/// Adds the column sums of `m` (`rows × cols`) to `into`.
fn add_column_sums(into: &mut [f32], m: &[f32]) {
    for row in m.chunks_exact(into.len()) {
        for (a, v) in into.iter_mut().zip(row) {
            *a += v;
        }
    }
}

/// A state path ready for the kernels: its weights packed (and transposed for the backward
/// pass) and its step table padded once per set of parameters, not once per pass.
pub struct PackedMlp {
    dim: usize,
    hidden: usize,
    /// Rows of the step table, N + 1.
    steps: usize,
    wx: Packed,
    w2: Packed,
    b2: Vec<f32>,
    w3: Packed,
    b3: Vec<f32>,
    /// W₂ᵀ and W₃ᵀ, which carry gradients back to the layers' inputs.
    w2_back: Packed,
    w3_back: Packed,
    /// The step table's rows, each padded to whole registers.
    table: Vec<f32>,
}

impl MlpWeights {
    /// The weights packed for the kernels.
    pub fn pack(&self) -> PackedMlp {
        let (d, h) = (self.dim, self.hidden);
        PackedMlp {
            dim: d,
            hidden: h,
            steps: self.table.len() / h,
            wx: Packed::new(&self.wx, d, h, false),
            w2: Packed::new(&self.w2, h, h, false),
            b2: padded(&self.b2),
            w3: Packed::new(&self.w3, h, d, false),
            b3: padded(&self.b3),
            w2_back: Packed::new(&self.w2, h, h, true),
            w3_back: Packed::new(&self.w3, d, h, true),
            table: self.table.chunks_exact(h).flat_map(padded).collect(),
        }
    }
}

impl PackedMlp {
    /// The first layer's pre-activation for `x` (`rows × d`): the step's table row plus x·Wx.
    fn first_layer(&self, x: &[f32], steps: Steps) -> Vec<f32> {
        let (d, h) = (self.dim, self.hidden);
        let mut a1 = scratch::zeros(x.len() / d * h);
        let bias = StepBias {
            table: &self.table,
            width: pad(h),
            steps,
        };
        affine(x, &self.wx, &bias, &mut a1);
        a1
    }

    /// The second layer's pre-activation from the first layer's activation.
    fn second_layer(&self, h1: &[f32]) -> Vec<f32> {
        let mut a2 = scratch::zeros(h1.len());
        affine(h1, &self.w2, &SameBias(&self.b2), &mut a2);
        a2
    }

    /// The clipped output from the second layer's activation.
    fn output(&self, h2: &[f32]) -> Vec<f32> {
        let mut out = scratch::zeros(h2.len() / self.hidden * self.dim);
        affine(h2, &self.w3, &SameBias(&self.b3), &mut out);
        for v in &mut out {
            *v = v.clamp(-OUTPUT_CLIP, OUTPUT_CLIP);
        }
        out
    }

    /// clip(MLP(x)) for the rows of `x` (`rows × d`) at `steps`.
    pub fn forward(&self, x: &[f32], steps: Steps) -> Vec<f32> {
        let mut a1 = self.first_layer(x, steps);
        gelu(&mut a1);
        let mut a2 = self.second_layer(&a1);
        gelu(&mut a2);
        let out = self.output(&a2);
        scratch::recycle(a1);
        scratch::recycle(a2);
        out
    }

    /// [`PackedMlp::forward`], keeping what [`PackedMlp::backward`] needs.
    pub fn forward_kept(&self, x: &[f32], steps: Steps) -> (Vec<f32>, Kept) {
        let mut h1 = self.first_layer(x, steps);
        let mut slope1 = scratch::zeros(h1.len());
        gelu_with_slope(&mut h1, &mut slope1);
        let mut h2 = self.second_layer(&h1);
        let mut slope2 = scratch::zeros(h2.len());
        gelu_with_slope(&mut h2, &mut slope2);
        let out = self.output(&h2);
        let kept = Kept {
            x: scratch::copy(x),
            h1,
            slope1,
            h2,
            slope2,
            out: scratch::copy(&out),
            steps,
        };
        (out, kept)
    }

    /// Adds to `grads` the gradients of Σ ⟨g, clip(MLP(x))⟩ for the output gradient `g`
    /// (`rows × d`) of a forward pass.
    pub fn backward(&self, kept: &Kept, g: &[f32], grads: &mut MlpGrads) {
        let (d, h) = (self.dim, self.hidden);
        let rows = kept.x.len() / d;
        assert_eq!(g.len(), rows * d, "one output gradient per output");
        // Clipped outputs pass no gradient.
        let mut g = scratch::copy(g);
        for (g, o) in g.iter_mut().zip(&kept.out) {
            if o.abs() >= OUTPUT_CLIP {
                *g = 0.0;
            }
        }
        add_weight_gradients(&kept.h2, &g, &mut grads.w3, &mut grads.b3);
        let g2 = input_gradient(&g, &self.w3_back, &kept.slope2);
        add_weight_gradients(&kept.h1, &g2, &mut grads.w2, &mut grads.b2);
        let g1 = input_gradient(&g2, &self.w2_back, &kept.slope1);
        matmul(
            &mut grads.wx,
            Mat::new(&kept.x, rows, d).t(),
            Mat::new(&g1, rows, h),
            true,
        );
        for (r, row) in g1.chunks_exact(h).enumerate() {
            let s = kept.steps.of_row(r);
            for (a, v) in grads.table[s * h..(s + 1) * h].iter_mut().zip(row) {
                *a += v;
            }
        }
        for buffer in [g, g1, g2] {
            scratch::recycle(buffer);
        }
    }
}

/// Adds a dense layer's weight and bias gradients, inputᵀ · g and the column sums of g, for
/// its input `input` (`rows × in`) and the gradient `g` at its output (`rows × out`).
fn add_weight_gradients(input: &[f32], g: &[f32], weight: &mut [f32], bias: &mut [f32]) {
    let (width_in, width_out) = (weight.len() / bias.len(), bias.len());
    let rows = g.len() / width_out;
    matmul(
        weight,
        Mat::new(input, rows, width_in).t(),
        Mat::new(g, rows, width_out),
        true,
    );
    add_column_sums(bias, g);
}

/// The gradient at a dense layer's input, g · Wᵀ for the packed transpose `back` of its
/// weight, times `slope`, the derivative of the activation that made that input.
fn input_gradient(g: &[f32], back: &Packed, slope: &[f32]) -> Vec<f32> {
    let mut out = scratch::zeros(g.len() / back.k * back.n);
    let no_bias = vec![0.0; pad(back.n)];
    affine(g, back, &SameBias(&no_bias), &mut out);
    for (v, s) in out.iter_mut().zip(slope) {
        *v *= s;
    }
    out
}

impl Drop for Kept {
    fn drop(&mut self) {
        for buffer in [
            &mut self.x,
            &mut self.h1,
            &mut self.slope1,
            &mut self.h2,
            &mut self.slope2,
            &mut self.out,
        ] {
            scratch::recycle(std::mem::take(buffer));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small network with weights from a fixed sequence.
    fn weights(d: usize, h: usize, steps: usize) -> MlpWeights {
        let mut k = 0u32;
        let mut next = |n: usize| -> Vec<f32> {
            (0..n)
                .map(|_| {
                    k += 1;
                    ((k as f32 * 0.618).fract() - 0.5) * 0.8
                })
                .collect()
        };
        MlpWeights {
            dim: d,
            hidden: h,
            wx: next(d * h),
            w2: next(h * h),
            b2: next(h),
            w3: next(h * d),
            b3: next(d),
            table: next((steps + 1) * h),
        }
    }

    /// Σ ⟨g, forward(x)⟩ in double precision, the function the backward pass differentiates.
    fn objective(w: &MlpWeights, x: &[f32], steps: Steps, g: &[f32]) -> f64 {
        w.pack()
            .forward(x, steps)
            .iter()
            .zip(g)
            .map(|(o, g)| *o as f64 * *g as f64)
            .sum()
    }

    #[test]
    fn backward_matches_central_differences_of_the_forward_pass() {
        let (d, h, n) = (3, 8, 4);
        let w = weights(d, h, n);
        let steps = Steps {
            first: 1,
            per_step: 2,
        };
        let x: Vec<f32> = (0..6 * d).map(|i| ((i as f32 * 0.37).sin()) * 1.5).collect();
        let g: Vec<f32> = (0..6 * d).map(|i| ((i as f32 * 0.71).cos()) * 0.5).collect();
        let packed = w.pack();
        let (_, kept) = packed.forward_kept(&x, steps);
        let mut grads = MlpGrads::zeros(&packed);
        packed.backward(&kept, &g, &mut grads);
        let eps = 1e-2f32;
        let check = |name: &str, get: &dyn Fn(&mut MlpWeights) -> &mut Vec<f32>, analytic: &[f32]| {
            for (i, &back) in analytic.iter().enumerate() {
                let (mut up, mut down) = (w.clone(), w.clone());
                get(&mut up)[i] += eps;
                get(&mut down)[i] -= eps;
                let fd =
                    (objective(&up, &x, steps, &g) - objective(&down, &x, steps, &g)) / (2.0 * eps as f64);
                assert!(
                    (fd - back as f64).abs() < 2e-3 * fd.abs().max(1.0),
                    "{name}[{i}]: finite difference {fd}, backward {back}"
                );
            }
        };
        check("wx", &|w| &mut w.wx, &grads.wx);
        check("w2", &|w| &mut w.w2, &grads.w2);
        check("b2", &|w| &mut w.b2, &grads.b2);
        check("w3", &|w| &mut w.w3, &grads.w3);
        check("b3", &|w| &mut w.b3, &grads.b3);
        check("table", &|w| &mut w.table, &grads.table);
        // Rows sit at steps 1 to 3: rows 0 and 4 of the table get nothing.
        assert!(
            grads.table[..h]
                .iter()
                .chain(&grads.table[4 * h..])
                .all(|v| *v == 0.0)
        );
    }

    #[test]
    fn clipped_outputs_pass_no_gradient() {
        let mut w = weights(2, 4, 1);
        w.b3 = vec![2e4, 0.0];
        let steps = Steps {
            first: 0,
            per_step: 1,
        };
        let w = w.pack();
        let (out, kept) = w.forward_kept(&[0.5, -0.5], steps);
        assert_eq!(out[0], OUTPUT_CLIP);
        let mut grads = MlpGrads::zeros(&w);
        w.backward(&kept, &[1.0, 0.0], &mut grads);
        assert!(
            grads
                .b3
                .iter()
                .chain(&grads.w3)
                .chain(&grads.wx)
                .all(|v| *v == 0.0)
        );
    }
}
