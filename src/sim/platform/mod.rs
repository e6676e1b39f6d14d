//! What the engine needs from the machine: the compute device, host copies of tensors,
//! subnormal flushing, JSON for non-finite floats, and interrupting long work.

pub mod device;
pub mod host;
pub mod interrupt;
pub mod json_float;
pub mod subnormals;

pub use device::{ComputeDevice, default_device};
