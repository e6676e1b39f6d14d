//! Choosing where tensors live.

use burn::tensor::{Device, DeviceKind};

use super::config::ComputeDevice;

/// The burn device for a preset's choice: flex on the CPU, or wgpu's best adapter.
pub fn make_device(kind: ComputeDevice) -> Device {
    match kind {
        ComputeDevice::Cpu => Device::flex(),
        ComputeDevice::Gpu => Device::wgpu(DeviceKind::DefaultDevice),
    }
}
