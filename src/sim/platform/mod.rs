//! What the engine needs from the machine: the compute device, host copies of tensors,
//! subnormal flushing, and JSON for non-finite floats.

pub mod device;
pub mod host;
pub mod json_float;
pub mod subnormals;

pub use device::{ComputeDevice, default_device};
