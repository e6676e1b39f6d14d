//! The affine layer both architectures are built from, with the initialisations each uses.

use burn::tensor::{Device, Tensor};
use rand::RngExt;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use crate::sim::platform::host;
use crate::sim::training::params::{Group, ParamId, ParamSet};

/// How a layer's weights and biases start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    /// Weights and biases Uniform(±1/√fan_in), as common frameworks do.
    Uniform,
    /// Exact zeros, for output layers, so that a fresh sampler is a plain random walk.
    Zero,
    /// He normal weights (std √(2/fan_in), truncated at two standard deviations and rescaled to
    /// keep that variance, as flax draws them) and zero biases: the paper's Vanilla model.
    HeNormal,
    /// LeCun normal weights (std √(1/fan_in), truncated likewise: flax's default) and zero
    /// biases: the hidden layers of the paper's PISgradnet.
    LecunNormal,
    /// Every weight 1e-8 and zero biases: the output layers of the paper's PISgradnet.
    Tiny,
}

/// Standard deviation of a standard normal truncated to [−2, 2]; dividing by it restores unit
/// variance after truncation.
const TRUNCATED_STD: f64 = 0.879_625_661_034_239_8;

#[derive(Clone, Copy)]
pub struct Dense {
    pub w: ParamId,
    pub b: ParamId,
}

impl Dense {
    pub fn new(
        params: &mut ParamSet,
        name: &str,
        fan_in: usize,
        fan_out: usize,
        init: Init,
        rng: &mut StdRng,
        device: &Device,
    ) -> Self {
        let bound = 1.0 / (fan_in as f32).sqrt();
        let normal = |rng: &mut StdRng, variance: f64| -> Vec<f32> {
            let std = (variance / fan_in as f64).sqrt() as f32;
            (0..fan_in * fan_out)
                .map(|_| truncated_normal(rng) * std)
                .collect()
        };
        let (w, b) = match init {
            Init::Zero => (vec![0.0; fan_in * fan_out], vec![0.0; fan_out]),
            Init::Tiny => (vec![1e-8; fan_in * fan_out], vec![0.0; fan_out]),
            Init::HeNormal => (normal(rng, 2.0), vec![0.0; fan_out]),
            Init::LecunNormal => (normal(rng, 1.0), vec![0.0; fan_out]),
            Init::Uniform => {
                let w = (0..fan_in * fan_out)
                    .map(|_| rng.random_range(-bound..bound))
                    .collect();
                let b = (0..fan_out).map(|_| rng.random_range(-bound..bound)).collect();
                (w, b)
            }
        };
        let w = host::matrix(w, fan_in, fan_out, device);
        let b = host::row(b, device);
        Dense {
            w: params.add(&format!("{name}.w"), Group::Network, true, w),
            b: params.add(&format!("{name}.b"), Group::Network, true, b),
        }
    }

    pub fn apply(&self, p: &ParamSet, x: Tensor<2>) -> Tensor<2> {
        x.matmul(p.get(self.w)) + p.get(self.b)
    }
}

/// A layer on concat(x, t) whose weight is kept as two blocks, so that the part of t, which
/// depends on the step alone, is computed once per step rather than once per row. It starts
/// exactly as the unsplit layer would.
#[derive(Clone, Copy)]
pub struct SplitDense {
    x: ParamId,
    t: ParamId,
    b: ParamId,
}

impl SplitDense {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        params: &mut ParamSet,
        name: &str,
        x_width: usize,
        t_width: usize,
        fan_out: usize,
        init: Init,
        rng: &mut StdRng,
        device: &Device,
    ) -> Self {
        let whole = Dense::new(params, name, x_width + t_width, fan_out, init, rng, device);
        let (wx, wt) = {
            let w = params.get(whole.w);
            (w.clone().narrow(0, 0, x_width), w.narrow(0, x_width, t_width))
        };
        params.set(whole.w, wx);
        SplitDense {
            x: whole.w,
            t: params.add(&format!("{name}.wt"), Group::Network, true, wt),
            b: whole.b,
        }
    }

    /// The contribution of t, bias included, `[rows, fan_out]`.
    pub fn apply_t(&self, p: &ParamSet, t: Tensor<2>) -> Tensor<2> {
        t.matmul(p.get(self.t)) + p.get(self.b)
    }

    /// The contribution of x, `[rows, fan_out]`.
    pub fn apply_x(&self, p: &ParamSet, x: Tensor<2>) -> Tensor<2> {
        x.matmul(p.get(self.x))
    }

    /// The block of the weight that multiplies x.
    pub fn x_weight(&self) -> ParamId {
        self.x
    }
}

/// A standard normal draw conditioned on |z| ≤ 2, rescaled to unit variance.
fn truncated_normal(rng: &mut StdRng) -> f32 {
    loop {
        let z: f64 = StandardNormal.sample(rng);
        if z.abs() <= 2.0 {
            return (z / TRUNCATED_STD) as f32;
        }
    }
}
