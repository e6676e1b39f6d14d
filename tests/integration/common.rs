//! Helpers shared by the integration tests: small presets, a scratch directory per test, the
//! built binary, and the lock that tests which set the process's data directory hold.

use bridgelab::sim::preset::{
    BridgeKind, ComputeDevice, DiffusionMode, EvalSettings, LearningRates, LossKind, PRESET_VERSION, Preset,
    TargetKind, TargetSpec,
};
use burn::tensor::Device;

pub fn cpu() -> Device {
    Device::flex()
}

/// A small run on a 2-D target: quick enough for many tests.
pub fn small_preset(
    kind: TargetKind,
    bridge: BridgeKind,
    loss: LossKind,
    diffusion: DiffusionMode,
) -> Preset {
    Preset {
        version: PRESET_VERSION,
        title: String::new(),
        description: "test".into(),
        target: TargetSpec {
            kind,
            dim: 2,
            constants_seed: 0,
            components: Vec::new(),
        },
        bridge,
        loss,
        diffusion,
        path_steps: 8,
        batch: 64,
        hidden: 16,
        beta: 0.5,
        sigma_init: Vec::new(),
        prior_std: 1.5,
        lr: LearningRates {
            network: 1e-2,
            interpolation: 1e-2,
            sde: 1e-2,
        },
        grad_clip: 1.0,
        seed: 7,
        train_steps: 100,
        log_every: 1,
        eval: EvalSettings {
            samples: 256,
            sinkhorn_eps: 1e-2,
            sinkhorn_protocol: Default::default(),
            max_points: 256,
            mode_threshold: 0.01,
        },
        device: ComputeDevice::Cpu,
        compare: None,
        on_divergence: Default::default(),
        paper_code: Default::default(),
        architecture: Default::default(),
        guide: Vec::new(),
    }
}

/// A 12-step run of 16 paths: enough to drive the worker and the lab through a whole run.
pub fn tiny_run() -> Preset {
    let mut p = small_preset(
        TargetKind::Gmm40,
        BridgeKind::Dbs,
        LossKind::RklLd,
        DiffusionMode::Learned,
    );
    p.batch = 16;
    p.train_steps = 12;
    p
}

/// Largest |a − b| relative to the largest |b| over all entries.
pub fn relative_difference(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len());
    let scale = b.iter().map(|v| v.abs() as f64).fold(0.0, f64::max).max(1e-12);
    a.iter()
        .zip(b)
        .map(|(x, y)| (*x as f64 - *y as f64).abs())
        .fold(0.0, f64::max)
        / scale
}

/// The text of a GMM-40 (d = 2) CMCD preset of a few milliseconds per step, for the tests that
/// run the binary: `train_steps` long, logging every `log_every`, evaluated on `eval_points`.
pub fn quick_preset_text(
    loss: &str,
    seed: u64,
    train_steps: usize,
    log_every: usize,
    eval_points: usize,
) -> String {
    format!(
        r#"(
    version: 1,
    description: "quick",
    target: (kind: Gmm40, dim: 2),
    bridge: Cmcd,
    loss: {loss},
    diffusion: Learned,
    steps: 8,
    batch: 32,
    hidden: 16,
    beta: 1.0,
    prior_std: 20.0,
    lr: (network: 1e-3, interpolation: 1e-3, sde: 1e-3),
    grad_clip: 1.0,
    seed: {seed},
    train_steps: {train_steps},
    log_every: {log_every},
    eval: (samples: {eval_points}, sinkhorn_eps: 0.01, max_points: {eval_points}, mode_threshold: 0.01),
    device: Cpu,
)"#
    )
}

/// An empty directory for one test, named after the test's file and `name` (a test that runs
/// twice starts afresh).
#[track_caller]
pub fn scratch(name: &str) -> std::path::PathBuf {
    let file = std::path::Path::new(std::panic::Location::caller().file());
    let area = file
        .file_stem()
        .map_or("test".into(), |s| s.to_string_lossy().into_owned());
    let dir = std::env::temp_dir().join(format!("bridgelab-{area}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The built `bridgelab` binary.
pub fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_bridgelab"))
}

/// The process's data directory is one setting for every test of this binary: tests that set
/// it (or depend on what it names) hold this while they do.
pub fn data_dir_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
