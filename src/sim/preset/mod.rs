//! Presets: the schema of a run and every type it is made of, reading and writing RON,
//! validation with errors that name the field, the memory budget, the comparison run, the
//! paper-code switches and lessons' guides.

mod compare;
pub mod file;
pub mod guide;
pub mod memory;
mod paper_code;
mod schema;
pub mod validate;

pub use compare::Variation;
pub use paper_code::PaperCode;
pub use schema::{PRESET_VERSION, Preset};

pub use crate::sim::bridge::{BridgeKind, DiffusionMode};
pub use crate::sim::metrics::{EvalSettings, SinkhornProtocol};
pub use crate::sim::networks::Architecture;
pub use crate::sim::platform::ComputeDevice;
pub use crate::sim::targets::{CUSTOM_BETA, CUSTOM_PRIOR_STD, Component, TargetKind, TargetSpec};
pub use crate::sim::training::{DivergencePolicy, LearningRates, LossKind};
