//! The run store: what the lab knows about one run, assembled from worker events. Plain data:
//! tests read it directly.

use crate::protocol::{
    Evaluation, EvaluationStage, Event, Preset, RunId, RunSnapshot, Snapshot, StepRecord, TargetInfo,
};
use crate::runtime::decline::Decline;

/// Curves keep at most this many points; older halves are thinned so memory stays bounded.
pub const MAX_CURVE_POINTS: usize = 4000;
/// Sample snapshots kept for replay, and the most memory they may take together.
pub const MAX_REPLAY_FRAMES: usize = 120;
const MAX_REPLAY_BYTES: usize = 32 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Starting,
    Paused,
    Running,
    Finished,
    Failed,
}

#[derive(Clone, Debug)]
pub struct RunStore {
    pub run: Option<RunId>,
    pub preset: Option<Preset>,
    pub target: Option<TargetInfo>,
    pub history: Vec<StepRecord>,
    pub snapshot: Option<Snapshot>,
    /// Snapshots taken in so far: a new one may hold new paths at the same training step.
    pub snapshots_received: u64,
    /// (step, covered modes) from every snapshot of a mixture target.
    pub coverage: Vec<(usize, usize)>,
    /// (step, σ·β per dimension) from every snapshot, for the diffusion history plot.
    pub diffusion_history: Vec<(usize, Vec<f32>)>,
    /// (step, samples) of earlier snapshots, thinned as for the curves (recent ones dense), so
    /// that the sample plot can be scrubbed back through training.
    pub replay: Vec<(usize, Vec<f32>)>,
    pub evaluation: Option<Evaluation>,
    /// An evaluation under way: its sample count and the stage it has begun.
    pub evaluating: Option<(usize, EvaluationStage)>,
    /// The latest evaluation left its Sinkhorn figures out at the lab's time budget.
    pub evaluation_cut_short: bool,
    pub status: Status,
    /// The latest failure or refusal, shown until the next run starts.
    pub message: Option<String>,
    /// Where the run computes, in words.
    pub device: String,
    /// The latest step dropped for non-finite values (skip policy): its number and what was
    /// not finite.
    pub last_skip: Option<(usize, String)>,
    /// The latest checkpoint written: its step and file.
    pub saved: Option<(usize, std::path::PathBuf)>,
    /// How far the run has fallen below its best.
    pub decline: Decline,
    /// Settings changed live: the step after which each applies and what changed.
    pub live_changes: Vec<(usize, String)>,
}

impl Default for RunStore {
    fn default() -> Self {
        Self {
            run: None,
            preset: None,
            target: None,
            history: Vec::new(),
            snapshot: None,
            snapshots_received: 0,
            coverage: Vec::new(),
            diffusion_history: Vec::new(),
            replay: Vec::new(),
            evaluation: None,
            evaluating: None,
            evaluation_cut_short: false,
            status: Status::Starting,
            message: None,
            device: String::new(),
            last_skip: None,
            saved: None,
            decline: Decline::default(),
            live_changes: Vec::new(),
        }
    }
}

/// What the lab gathers over a run beyond the trainer's history (which the checkpoint holds):
/// written beside a checkpoint, so that a resumed run shows its mode coverage, σ·β history,
/// live changes and last evaluation as they were. The replay frames are not kept (they can
/// reach 32 MiB); replay starts again at the resumed step.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunTrail {
    /// The training step the trail reached when it was written.
    pub step: usize,
    pub coverage: Vec<(usize, usize)>,
    pub diffusion_history: Vec<(usize, Vec<f32>)>,
    pub live_changes: Vec<(usize, String)>,
    pub evaluation: Option<Evaluation>,
}

impl RunStore {
    /// The trail to write beside a checkpoint of this run.
    pub fn trail(&self) -> RunTrail {
        RunTrail {
            step: self.step(),
            coverage: self.coverage.clone(),
            diffusion_history: self.diffusion_history.clone(),
            live_changes: self.live_changes.clone(),
            evaluation: self.evaluation.clone(),
        }
    }

    /// Takes back a trail for the run just resumed, up to the step it resumed at (the lab may
    /// have drawn a little further than the checkpoint it saved).
    pub fn restore(&mut self, trail: RunTrail) {
        let at = self.step();
        let upto = |s: &usize| *s <= at;
        self.coverage = trail.coverage.into_iter().filter(|(s, _)| upto(s)).collect();
        self.diffusion_history = trail
            .diffusion_history
            .into_iter()
            .filter(|(s, _)| upto(s))
            .collect();
        self.live_changes = trail.live_changes.into_iter().filter(|(s, _)| upto(s)).collect();
        self.evaluation = trail.evaluation.filter(|e| upto(&e.step));
    }

    fn is_current(&self, run: RunId) -> bool {
        self.run == Some(run)
    }

    pub fn ingest(&mut self, event: Event) {
        match event {
            Event::Started {
                run,
                preset,
                target,
                device,
                history,
            } => {
                let finished = history.last().is_some_and(|r| r.step >= preset.train_steps);
                *self = RunStore {
                    run: Some(run),
                    preset: Some(*preset),
                    target: Some(*target),
                    status: if finished {
                        Status::Finished
                    } else {
                        Status::Paused
                    },
                    device,
                    decline: Decline::over(&history),
                    history,
                    ..RunStore::default()
                };
                thin_older_half(&mut self.history, MAX_CURVE_POINTS);
            }
            // Data from a run that was reset or replaced is stale.
            e if !self.is_current(e.run()) && !matches!(e, Event::Failed { .. } | Event::Rejected { .. }) => {
            }
            Event::Stepped { record, .. } => {
                // Steps arrive before the Paused or Finished event that ends them, so a step
                // always means the worker is training, whoever asked it to.
                if matches!(self.status, Status::Paused | Status::Starting) {
                    self.status = Status::Running;
                }
                // A skipped step's values are not finite: it is reported, not plotted.
                if let Some(quantity) = &record.skipped {
                    self.last_skip = Some((record.step, quantity.clone()));
                } else {
                    self.history.push(record);
                    self.decline.observe(&self.history);
                    thin_older_half(&mut self.history, MAX_CURVE_POINTS);
                }
            }
            Event::Paused { .. } => self.status = Status::Paused,
            Event::Finished { .. } => self.status = Status::Finished,
            Event::Changed { step, what, .. } => self.live_changes.push((step, what)),
            Event::Evaluating { samples, stage, .. } => self.evaluating = Some((samples, stage)),
            Event::Evaluated {
                evaluation,
                cut_short,
                ..
            } => {
                self.evaluating = None;
                self.evaluation = Some(*evaluation);
                self.evaluation_cut_short = cut_short;
            }
            Event::Failed { step, message, .. } => {
                self.status = Status::Failed;
                self.evaluating = None;
                let hint = if step <= EARLY_FAILURE {
                    self.preset.as_ref().map(likely_cause).unwrap_or_default()
                } else {
                    String::new()
                };
                self.message = Some(format!("stopped at step {step}: {message}{hint}"));
            }
            Event::Rejected { message, .. } => self.message = Some(message),
            Event::Saved { step, path, .. } => self.saved = Some((step, path)),
        }
    }

    pub fn ingest_snapshot(&mut self, s: RunSnapshot) {
        if !self.is_current(s.run) {
            return;
        }
        let step = s.snapshot.step;
        let is_new = self.diffusion_history.last().is_none_or(|(last, _)| *last < step);
        if is_new {
            self.diffusion_history.push((step, s.snapshot.diffusion.clone()));
            thin_older_half(&mut self.diffusion_history, MAX_CURVE_POINTS);
            if let Some(m) = &s.snapshot.modes {
                self.coverage.push((step, m.covered));
                thin_older_half(&mut self.coverage, MAX_CURVE_POINTS);
            }
            let frame_bytes = (s.snapshot.samples.len() * 4).max(1);
            self.replay.push((step, s.snapshot.samples.clone()));
            thin_older_half(
                &mut self.replay,
                MAX_REPLAY_FRAMES.min(MAX_REPLAY_BYTES / frame_bytes).max(2),
            );
        }
        self.snapshot = Some(s.snapshot);
        self.snapshots_received += 1;
    }

    /// The replay frame of the latest step at most `step`: its step and samples.
    pub fn replay_at(&self, step: usize) -> Option<&(usize, Vec<f32>)> {
        self.replay
            .iter()
            .rev()
            .find(|(s, _)| *s <= step)
            .or(self.replay.first())
    }

    pub fn step(&self) -> usize {
        self.snapshot
            .as_ref()
            .map_or(0, |s| s.step)
            .max(self.history.last().map_or(0, |r| r.step))
    }
}

/// Once `points` holds more than `limit` entries, drops every other point of the older half,
/// keeping recent detail.
fn thin_older_half<T>(points: &mut Vec<T>, limit: usize) {
    if points.len() <= limit {
        return;
    }
    let half = points.len() / 2;
    let mut kept: Vec<T> = points.drain(..half).step_by(2).collect();
    kept.append(points);
    *points = kept;
}

/// A run that fails within this many steps failed because of where it started, not because of
/// what it learned.
const EARLY_FAILURE: usize = 2;

/// The setting most likely to blame for a run that fails at its first steps: initial scales far
/// from those that suit the target, else the learning rates.
fn likely_cause(p: &Preset) -> String {
    let (beta, prior_std) = p.target.kind.suggested_scales(p.target.dim);
    let far = |value: f64, suits: f64| value > 3.0 * suits || value < suits / 3.0;
    if far(p.beta, beta) || far(p.prior_std, prior_std) {
        format!(
            ". Likely cause: the initial scales, β = {} and prior std = {}, where {} suits β = {beta} and prior std = {prior_std}",
            p.beta,
            p.prior_std,
            p.target.kind.label()
        )
    } else {
        format!(
            ". Likely cause: the learning rates (networks {}, SDE parameters {})",
            p.lr.network, p.lr.sde
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::WeightStats;

    fn record(step: usize) -> StepRecord {
        let weights = WeightStats {
            elbo: 0.0,
            log_z_hat: 0.0,
            eubo: 0.0,
            ess: 1.0,
        };
        StepRecord {
            step,
            loss: 0.0,
            weights,
            lr: 1e-3,
            wall_seconds: 0.0,
            skipped: None,
            epoch: None,
        }
    }

    fn started(run: u64) -> Event {
        let target = TargetInfo {
            name: "t".into(),
            dim: 2,
            plot_range: (-1.0, 1.0),
            modes: None,
            log_z: None,
            density: None,
            reference: None,
            marginals: None,
        };
        Event::Started {
            run: RunId(run),
            preset: Box::new(Preset::default_interactive()),
            target: Box::new(target),
            device: "CPU".into(),
            history: Vec::new(),
        }
    }

    #[test]
    fn steps_mean_running_and_stale_runs_are_ignored() {
        let mut v = RunStore::default();
        v.ingest(started(1));
        assert_eq!(v.status, Status::Paused);
        v.ingest(Event::Stepped {
            run: RunId(1),
            record: record(1),
        });
        assert_eq!(v.status, Status::Running);
        v.ingest(started(2));
        v.ingest(Event::Stepped {
            run: RunId(1),
            record: record(2),
        });
        assert!(v.history.is_empty(), "a step of the replaced run is dropped");
        v.ingest(Event::Paused {
            run: RunId(2),
            step: 0,
        });
        assert_eq!(v.status, Status::Paused);
    }

    #[test]
    fn long_histories_are_thinned_but_keep_the_latest_steps() {
        let mut v = RunStore::default();
        v.ingest(started(1));
        for s in 1..=3 * MAX_CURVE_POINTS {
            v.ingest(Event::Stepped {
                run: RunId(1),
                record: record(s),
            });
        }
        assert!(v.history.len() <= MAX_CURVE_POINTS);
        assert_eq!(v.history.last().unwrap().step, 3 * MAX_CURVE_POINTS);
        assert!(v.history.windows(2).all(|w| w[0].step < w[1].step));
    }
}
