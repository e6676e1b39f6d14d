//! Files a run writes, from the command line or the lab. Plain data in, files out.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use npyz::WriterBuilder;

use crate::protocol::{Evaluation, StepRecord};

/// Writes `bytes` whole or not at all (a temporary file, then a rename), with the path in the
/// error.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::sim::checkpoint::write_atomically(path, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

pub fn write_metrics_csv(path: &Path, history: &[StepRecord]) -> Result<()> {
    let mut f = BufWriter::new(File::create(path).with_context(|| format!("creating {}", path.display()))?);
    writeln!(f, "step,loss,elbo,log_z_hat,ess,eubo,lr,wall_seconds")?;
    for r in history {
        let w = &r.weights;
        writeln!(
            f,
            "{},{},{},{},{},{},{},{:.3}",
            r.step, r.loss, w.elbo, w.log_z_hat, w.ess, w.eubo, r.lr, r.wall_seconds
        )?;
    }
    f.flush()?;
    Ok(())
}

pub fn write_eval(path: &Path, e: &Evaluation) -> Result<()> {
    let text = serde_json::to_string_pretty(e)?;
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// float32 array of shape `[n, d]`, readable by `numpy.load`.
pub fn write_samples_npy(path: &Path, samples: &[f32], d: usize) -> Result<()> {
    let f = BufWriter::new(File::create(path).with_context(|| format!("creating {}", path.display()))?);
    let mut w = npyz::WriteOptions::new()
        .default_dtype()
        .shape(&[(samples.len() / d) as u64, d as u64])
        .writer(f)
        .begin_nd()?;
    w.extend(samples.iter().copied())?;
    w.finish()?;
    Ok(())
}
