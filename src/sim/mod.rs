//! The sampler engine: targets, bridges, losses, optimiser, metrics and the trainer. Uses burn;
//! knows nothing of any user interface.

pub mod checkpoint;
pub mod config;
pub mod data;
pub mod device;
pub mod divergence;
pub mod error;
pub mod fused;
pub mod guide;
pub mod host;
pub mod json_float;
pub mod kde;
pub mod loss;
pub mod metrics;
pub mod model;
pub mod networks;
pub mod noise;
pub mod optim;
pub mod params;
pub mod phase_clock;
pub mod report;
pub mod rollout;
pub mod schedule;
pub mod subnormals;
pub mod targets;
pub mod time_axis;
pub mod trainer;
pub mod validate;

pub use config::{
    Architecture, BridgeKind, DiffusionMode, DivergencePolicy, LossKind, Preset, TargetKind, TargetSpec,
};
pub use data::{data_file, set_data_dir};
pub use error::SimError;
pub use trainer::Trainer;
