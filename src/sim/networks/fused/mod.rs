//! The CPU fast path of the drift networks. On the CPU backend the time MLP's state path is
//! evaluated here, on host arrays, with one GEMM per layer and a vectorised activation; its
//! backward pass too, for the batched likelihood pass of LV and rKL-LD. The burn path stays the
//! reference, and the path for the GPU and for the paper's Vanilla model; tests check that both
//! give the same samples, losses and gradients to float tolerance.

mod affine;
mod batched;
mod cpu;
mod math;
mod matmul;
mod mlp;
mod scratch;

pub use batched::weighted_likelihood_gradients;
pub use cpu::Width;
pub use mlp::{Kept, MlpGrads, MlpWeights, OUTPUT_CLIP, PackedMlp, Steps};
