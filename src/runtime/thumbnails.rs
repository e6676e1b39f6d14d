//! Small pictures of every target for the lab's target cards, computed off the UI thread.

use std::sync::Arc;

use crate::protocol::{DensityGrid, LatestSlot, TargetKind, TargetSpec};
use crate::sim::platform::device::make_device;
use crate::sim::targets::{build_target, log_density_slice};

use super::Wake;

/// log ρ of one target on a small grid (a slice through the origin in coordinates 1 and 2
/// when the target has more dimensions).
#[derive(Clone, Debug, PartialEq)]
pub struct TargetThumbnail {
    pub kind: TargetKind,
    pub grid: DensityGrid,
}

/// Thumbnails of every target at its benchmark dimension, `n × n` cells each. Targets that
/// cannot be built (a missing data file) are left out.
fn target_thumbnails(n: usize) -> Vec<TargetThumbnail> {
    let device = make_device(crate::protocol::ComputeDevice::Cpu);
    TargetKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let spec = TargetSpec {
                kind,
                dim: kind.dimensions()[0],
                constants_seed: 0,
                components: Vec::new(),
            };
            let target = build_target(&spec, &device).ok()?;
            Some(TargetThumbnail {
                kind,
                grid: log_density_slice(&*target, n, &device),
            })
        })
        .collect()
}

/// Computes the thumbnails on a named thread; they appear in the returned slot, and `wake`
/// is called once they are there.
pub fn spawn_thumbnails(n: usize, wake: Wake) -> LatestSlot<Arc<Vec<TargetThumbnail>>> {
    let slot = LatestSlot::new();
    let out = slot.clone();
    // Without the thread the cards show names only; nothing else depends on it, and the
    // handle is dropped: the thread ends on its own.
    let _detached = std::thread::Builder::new()
        .name("bridgelab-thumbnails".into())
        .spawn(move || {
            out.put(Arc::new(target_thumbnails(n)));
            wake();
        });
    slot
}
