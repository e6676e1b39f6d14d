//! Training: the synchronous trainer, the losses and the threads that share their batch, the
//! optimiser and its parameters, non-finite checks, randomness and checkpoints (docs/math.md
//! §5–§6).

pub mod checkpoint;
pub mod loss;
pub mod noise;
pub mod non_finite;
pub mod optim;
pub mod params;
pub mod phase_clock;
pub mod shards;
pub mod trainer;

pub use loss::LossKind;
pub use non_finite::DivergencePolicy;
pub use optim::LearningRates;
pub use trainer::Trainer;
