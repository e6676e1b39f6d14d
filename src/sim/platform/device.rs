//! Choosing where tensors live.

use std::sync::OnceLock;

use burn::tensor::{Device, DeviceKind};

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ComputeDevice {
    /// The pure-Rust CPU backend.
    Cpu,
    /// wgpu on the first GPU adapter, whatever kind it is.
    Gpu,
    /// wgpu when a hardware GPU adapter exists, the CPU otherwise: a software rasteriser is
    /// slower than flex, so it does not count.
    Auto,
}

impl ComputeDevice {
    pub const ALL: [ComputeDevice; 3] = [ComputeDevice::Auto, ComputeDevice::Cpu, ComputeDevice::Gpu];

    pub fn label(self) -> &'static str {
        match self {
            ComputeDevice::Cpu => "CPU",
            ComputeDevice::Gpu => "GPU",
            ComputeDevice::Auto => "auto",
        }
    }
}

pub fn default_device() -> ComputeDevice {
    ComputeDevice::Cpu
}

/// A hardware GPU adapter that wgpu can reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GpuAdapter {
    pub name: String,
    pub backend: String,
}

/// The first hardware GPU adapter, looked up once per process. Software rasterisers
/// (lavapipe, llvmpipe) report themselves as CPU devices and are skipped: on them burn runs
/// several times slower than on flex.
pub fn hardware_gpu() -> Option<&'static GpuAdapter> {
    static FOUND: OnceLock<Option<GpuAdapter>> = OnceLock::new();
    FOUND.get_or_init(find_hardware_gpu).as_ref()
}

fn find_hardware_gpu() -> Option<GpuAdapter> {
    // burn computes on Vulkan, Metal or DX12; leaving GL out also keeps its display probing
    // (and the warnings it prints without a display) away from headless runs.
    let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle();
    descriptor.backends = wgpu::Backends::PRIMARY;
    let instance = wgpu::Instance::new(descriptor);
    let adapters = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::PRIMARY));
    first_hardware(adapters.iter().map(|a| {
        let info = a.get_info();
        (info.name, info.device_type, info.backend)
    }))
}

/// The first adapter that is not a CPU (software) device.
fn first_hardware(
    adapters: impl IntoIterator<Item = (String, wgpu::DeviceType, wgpu::Backend)>,
) -> Option<GpuAdapter> {
    adapters
        .into_iter()
        .find(|(_, kind, _)| *kind != wgpu::DeviceType::Cpu)
        .map(|(name, _, backend)| GpuAdapter {
            name,
            backend: format!("{backend:?}"),
        })
}

/// What `kind` runs on here: `Auto` becomes the GPU only where a hardware adapter exists.
pub fn resolve(kind: ComputeDevice) -> ComputeDevice {
    match kind {
        ComputeDevice::Auto if hardware_gpu().is_some() => ComputeDevice::Gpu,
        ComputeDevice::Auto => ComputeDevice::Cpu,
        other => other,
    }
}

/// The burn device for a preset's choice: flex on the CPU, or wgpu's best adapter.
pub fn make_device(kind: ComputeDevice) -> Device {
    match resolve(kind) {
        ComputeDevice::Gpu => Device::wgpu(DeviceKind::DefaultDevice),
        _ => Device::flex(),
    }
}

/// A warning for a GPU run that will get only a software adapter, which trains slower than the
/// CPU: the command line says so instead of running slowly without a word.
pub fn software_gpu_warning(kind: ComputeDevice) -> Option<String> {
    software_warning(resolve(kind), hardware_gpu().is_some())
}

fn software_warning(resolved: ComputeDevice, hardware: bool) -> Option<String> {
    (resolved == ComputeDevice::Gpu && !hardware).then(|| {
        "warning: device Gpu, but this machine has no hardware GPU adapter: wgpu runs on a \
         software one, slower than the CPU (device: Cpu or Auto avoids it)"
            .to_string()
    })
}

/// A line for the user on what `kind` runs on here.
pub fn describe(kind: ComputeDevice) -> String {
    // Only a GPU run asks the drivers: on the CPU there is nothing to look up.
    if resolve(kind) != ComputeDevice::Gpu {
        return "CPU (flex)".into();
    }
    match hardware_gpu() {
        Some(a) => format!("GPU: {} ({}, wgpu)", a.name, a.backend),
        None => "GPU: wgpu on a software adapter (slower than the CPU)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gpu_run_without_a_hardware_adapter_is_warned_about() {
        assert!(software_warning(ComputeDevice::Gpu, false).is_some_and(|w| w.contains("software")));
        assert_eq!(software_warning(ComputeDevice::Gpu, true), None);
        assert_eq!(software_warning(ComputeDevice::Cpu, false), None);
    }

    #[test]
    fn software_adapters_do_not_count_as_a_gpu() {
        let lavapipe = (
            "llvmpipe (LLVM 15.0.6, 256 bits)".to_string(),
            wgpu::DeviceType::Cpu,
            wgpu::Backend::Vulkan,
        );
        assert_eq!(first_hardware([lavapipe.clone()]), None);
        let card = (
            "NVIDIA H100".to_string(),
            wgpu::DeviceType::DiscreteGpu,
            wgpu::Backend::Vulkan,
        );
        let found = first_hardware([lavapipe, card]).expect("the hardware adapter");
        assert_eq!(found.name, "NVIDIA H100");
        assert_eq!(found.backend, "Vulkan");
    }

    #[test]
    fn the_cpu_is_always_the_cpu() {
        assert_eq!(resolve(ComputeDevice::Cpu), ComputeDevice::Cpu);
        assert_eq!(describe(ComputeDevice::Cpu), "CPU (flex)");
    }
}
