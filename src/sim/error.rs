use thiserror::Error;

/// Everything the engine can refuse or fail at. The UI and the CLI show these as messages.
#[derive(Debug, Error)]
pub enum SimError {
    #[error("target {target} does not support dimension {dim} (supported: {allowed})")]
    UnsupportedDimension {
        target: String,
        dim: usize,
        allowed: String,
    },
    #[error("data: {0}")]
    Data(String),
    /// `step` counts from 1, as metrics.csv does: the step that failed, not the ones before it.
    #[error("the run diverged at step {step}: {quantity} is not finite")]
    Diverged { step: usize, quantity: String },
    #[error("checkpoint: {0}")]
    Checkpoint(String),
    #[error("compute device: {0}")]
    Device(String),
}
