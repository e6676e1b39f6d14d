//! The sampler engine: targets, bridges, losses, optimiser, metrics and the trainer. Uses burn;
//! knows nothing of any user interface. ARCHITECTURE.md maps where each concept lives.

pub mod bridge;
pub mod error;
pub mod metrics;
pub mod networks;
pub mod platform;
pub mod preset;
pub mod report;
pub mod targets;
pub mod training;

pub use bridge::{BridgeKind, DiffusionMode};
pub use error::SimError;
pub use networks::Architecture;
pub use preset::Preset;
pub use targets::data::{data_file, set_data_dir};
pub use targets::{TargetKind, TargetSpec};
pub use training::{DivergencePolicy, LossKind, Trainer};
