//! Files a run writes, from the command line or the lab. Plain data in, files out.

use std::path::Path;

use anyhow::{Context, Result};

use npyz::WriterBuilder;

use crate::protocol::{Evaluation, StepRecord};

/// Writes `bytes` whole or not at all (a temporary file, then a rename), with the path in the
/// error.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::sim::training::checkpoint::write_atomically(path, bytes).with_context(|| {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let why = if !dir.is_dir() {
            format!(" (the directory {} does not exist)", dir.display())
        } else if dir.metadata().is_ok_and(|m| m.permissions().readonly()) {
            format!(" (the directory {} is read-only)", dir.display())
        } else {
            String::new()
        };
        format!("cannot write {}{why}", path.display())
    })
}

const METRICS_HEADER: &str =
    "step,loss,elbo,log_z_hat,ess,eubo,lr,wall_seconds,epoch_elbo,epoch_log_z_hat,skipped\n";

fn metrics_row(r: &StepRecord) -> String {
    let w = &r.weights;
    let skipped = r.skipped.as_deref().unwrap_or("");
    let (epoch_elbo, epoch_log_z) = r.epoch.map_or((String::new(), String::new()), |e| {
        (e.elbo.to_string(), e.log_z.to_string())
    });
    format!(
        "{},{},{},{},{},{},{},{:.3},{epoch_elbo},{epoch_log_z},{}\n",
        r.step,
        r.loss,
        w.elbo,
        w.log_z_hat,
        w.ess,
        w.eubo,
        r.lr,
        r.wall_seconds,
        skipped.replace(',', ";")
    )
}

pub use crate::sim::training::checkpoint::remove_stale_temporaries;

pub fn write_metrics_csv(path: &Path, history: &[StepRecord]) -> Result<()> {
    let mut text = String::from(METRICS_HEADER);
    history.iter().for_each(|r| text.push_str(&metrics_row(r)));
    write_atomically(path, text.as_bytes())
}

/// metrics.csv written as a run goes: each logged step is appended and flushed, so that a run
/// killed outright still leaves its history up to the last logged step. The finished run
/// rewrites the file whole with [`write_metrics_csv`], to the same contents.
pub struct MetricsLog {
    file: std::fs::File,
    path: std::path::PathBuf,
}

impl MetricsLog {
    /// Starts the file afresh with the rows of `history` (the part of a resumed run before
    /// this process).
    pub fn create(path: &Path, history: &[StepRecord]) -> Result<Self> {
        use std::io::Write;
        let mut file =
            std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut text = String::from(METRICS_HEADER);
        history.iter().for_each(|r| text.push_str(&metrics_row(r)));
        file.write_all(text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Self {
            file,
            path: path.to_path_buf(),
        })
    }

    pub fn append(&mut self, record: &StepRecord) -> Result<()> {
        use std::io::Write;
        self.file
            .write_all(metrics_row(record).as_bytes())
            .and_then(|()| self.file.flush())
            .with_context(|| format!("cannot append to {}", self.path.display()))
    }
}

/// What the paper's reporting reads back from a run's metrics.csv.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoggedEpochs {
    /// The step that ended each logged epoch, and its means.
    pub epochs: Vec<(usize, crate::sim::metrics::EpochMeans)>,
    /// Logged steps that produced non-finite values.
    pub non_finite_steps: usize,
}

/// Reads the epoch columns and the non-finite steps of a metrics.csv written by
/// [`write_metrics_csv`] or [`MetricsLog`]; a file from before the epoch columns has none.
pub fn read_logged_epochs(path: &Path) -> Result<LoggedEpochs> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (Some(step), Some(skipped)) = (column("step"), column("skipped")) else {
        anyhow::bail!(
            "{}: not a bridgelab metrics.csv (its header is {:?})",
            path.display(),
            header
        );
    };
    let epoch = column("epoch_elbo").zip(column("epoch_log_z_hat"));
    let mut out = LoggedEpochs::default();
    for (i, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        let field = |k: usize| fields.get(k).copied().unwrap_or("");
        let number = |k: usize| {
            field(k).parse::<f64>().with_context(|| {
                format!(
                    "{}:{}: column {} is not a number",
                    path.display(),
                    i + 2,
                    header[k]
                )
            })
        };
        if !field(skipped).is_empty() {
            out.non_finite_steps += 1;
        }
        if let Some((e, z)) = epoch.filter(|(e, _)| !field(*e).is_empty()) {
            let at = number(step)? as usize;
            out.epochs.push((
                at,
                crate::sim::metrics::EpochMeans {
                    elbo: number(e)?,
                    log_z: number(z)?,
                },
            ));
        }
    }
    Ok(out)
}

pub fn write_eval(path: &Path, e: &Evaluation) -> Result<()> {
    let text = serde_json::to_string_pretty(e)?;
    write_atomically(path, text.as_bytes())
}

/// float32 array of shape `[n, d]`, readable by `numpy.load`.
pub fn write_samples_npy(path: &Path, samples: &[f32], d: usize) -> Result<()> {
    let mut bytes = Vec::with_capacity(samples.len() * 4 + 128);
    let mut w = npyz::WriteOptions::new()
        .default_dtype()
        .shape(&[(samples.len() / d.max(1)) as u64, d as u64])
        .writer(std::io::Cursor::new(&mut bytes))
        .begin_nd()?;
    w.extend(samples.iter().copied())?;
    w.finish()?;
    write_atomically(path, &bytes)
}
