//! The bridges: what each is (DBS, CMCD and the fixed-inference samplers), their per-step
//! coefficients, the sampler that evaluates both kernels, path simulation, and the views of
//! both processes over the steps (docs/math.md §2–§3).

pub mod coefficients;
mod diffusion;
mod kind;
pub mod rollout;
pub mod sampler;
pub mod time_axis;

pub use diffusion::DiffusionMode;
pub use kind::BridgeKind;
pub use sampler::Sampler;
