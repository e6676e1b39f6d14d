//! The rKL-LD paper's reporting. Its trainer logs, once per epoch of ten steps, the mean over
//! the epoch's training batches of the ELBO and of log Ẑ; its table script then reports, for
//! the Bayesian posteriors, the best epoch's ELBO over the whole run (−nanmin of the free
//! energy) and the worst epoch's log Ẑ (nanmin), and for the other targets the last epoch's
//! ELBO and log Ẑ, beside the Sinkhorn of the final evaluation. Ours reports the final
//! evaluation on fresh samples throughout; this module gives theirs from a run's history.

use serde::{Deserialize, Serialize};

use crate::sim::report::StepRecord;

/// Training steps per epoch in the paper's trainer (`--steps_per_epoch` 10).
pub const EPOCH_STEPS: usize = 10;

/// The means over one epoch's training batches.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochMeans {
    #[serde(with = "crate::sim::platform::json_float")]
    pub elbo: f64,
    #[serde(with = "crate::sim::platform::json_float")]
    pub log_z: f64,
}

/// The sums of the epoch under way, kept across checkpoints so a resumed run closes its epoch
/// exactly as an uninterrupted one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EpochSums {
    #[serde(with = "crate::sim::platform::json_float")]
    pub elbo: f64,
    #[serde(with = "crate::sim::platform::json_float")]
    pub log_z: f64,
    pub steps: usize,
}

impl EpochSums {
    /// Adds one step's batch ELBO and log Ẑ; at the end of an epoch gives its means and
    /// starts the next. A non-finite batch makes its epoch's means non-finite, as NumPy's mean
    /// does.
    pub fn add(&mut self, step: usize, elbo: f64, log_z: f64) -> Option<EpochMeans> {
        self.elbo += elbo;
        self.log_z += log_z;
        self.steps += 1;
        if !step.is_multiple_of(EPOCH_STEPS) {
            return None;
        }
        let n = self.steps.max(1) as f64;
        let means = EpochMeans {
            elbo: self.elbo / n,
            log_z: self.log_z / n,
        };
        *self = EpochSums::default();
        Some(means)
    }
}

/// Which epoch the paper's table takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EpochRule {
    /// The posteriors: the best ELBO and the worst log Ẑ over all epochs, NaN epochs left out.
    BestEpoch,
    /// The targets with exact draws (mixtures, funnel): the last epoch.
    LastEpoch,
}

impl EpochRule {
    /// The rule the paper's table applies to a target: best epoch for the Bayesian posteriors.
    pub fn for_target(bayesian: bool) -> Self {
        if bayesian {
            EpochRule::BestEpoch
        } else {
            EpochRule::LastEpoch
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            EpochRule::BestEpoch => "best epoch's training ELBO, worst epoch's log Ẑ",
            EpochRule::LastEpoch => "last epoch's training ELBO and log Ẑ",
        }
    }
}

/// One run under the paper's reporting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaperReport {
    pub rule: EpochRule,
    #[serde(with = "crate::sim::platform::json_float")]
    pub elbo: f64,
    #[serde(with = "crate::sim::platform::json_float")]
    pub log_z: f64,
    /// The epoch (counted from 1) whose ELBO is reported.
    pub elbo_epoch: usize,
    pub epochs: usize,
    /// Epochs whose means are not finite (left out by the best-epoch rule).
    pub non_finite_epochs: usize,
}

/// The epochs a logged history holds: (the step that ended it, its means).
pub fn logged_epochs(history: &[StepRecord]) -> Vec<(usize, EpochMeans)> {
    history
        .iter()
        .filter_map(|r| r.epoch.map(|e| (r.step, e)))
        .collect()
}

/// The paper's figures for a run of `train_steps` steps from its logged epochs (the step that
/// ended each, and its means), which must be all of them (a log interval dividing ten): the
/// error says how many are missing.
pub fn paper_report(
    logged: &[(usize, EpochMeans)],
    train_steps: usize,
    rule: EpochRule,
) -> Result<PaperReport, String> {
    let epochs: Vec<(usize, EpochMeans)> = logged.iter().map(|&(step, e)| (step / EPOCH_STEPS, e)).collect();
    let expected = train_steps / EPOCH_STEPS;
    if expected == 0 {
        return Err(format!(
            "the run has {train_steps} steps, less than one epoch of {EPOCH_STEPS}"
        ));
    }
    if epochs.len() != expected || epochs.iter().enumerate().any(|(i, (e, _))| *e != i + 1) {
        return Err(format!(
            "the paper's reporting reads every epoch's means, and the log holds {} of {expected}: train with \
             log_every dividing {EPOCH_STEPS}",
            epochs.len()
        ));
    }
    let non_finite_epochs = epochs
        .iter()
        .filter(|(_, e)| !(e.elbo.is_finite() && e.log_z.is_finite()))
        .count();
    let (elbo_epoch, elbo, log_z) = match rule {
        EpochRule::LastEpoch => {
            let (epoch, last) = epochs[epochs.len() - 1];
            (epoch, last.elbo, last.log_z)
        }
        EpochRule::BestEpoch => {
            // NumPy's nanmin: NaN epochs are left out, an infinite one counts.
            let best = epochs
                .iter()
                .filter(|(_, e)| !e.elbo.is_nan())
                .max_by(|a, b| a.1.elbo.total_cmp(&b.1.elbo));
            let worst_log_z = epochs
                .iter()
                .map(|(_, e)| e.log_z)
                .filter(|v| !v.is_nan())
                .fold(f64::NAN, |acc, v| if acc.is_nan() || v < acc { v } else { acc });
            match best {
                Some((epoch, e)) => (*epoch, e.elbo, worst_log_z),
                None => (0, f64::NAN, worst_log_z),
            }
        }
    };
    Ok(PaperReport {
        rule,
        elbo,
        log_z,
        elbo_epoch,
        epochs: epochs.len(),
        non_finite_epochs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::metrics::WeightStats;

    fn record(step: usize, epoch: Option<(f64, f64)>) -> StepRecord {
        StepRecord {
            step,
            loss: 0.0,
            weights: WeightStats {
                elbo: 0.0,
                log_z_hat: 0.0,
                eubo: 0.0,
                ess: 1.0,
            },
            lr: 0.0,
            wall_seconds: 0.0,
            skipped: None,
            epoch: epoch.map(|(elbo, log_z)| EpochMeans { elbo, log_z }),
        }
    }

    #[test]
    fn an_epoch_is_the_mean_of_its_ten_batches_and_nan_spoils_it() {
        let mut sums = EpochSums::default();
        for step in 1..10 {
            assert_eq!(sums.add(step, step as f64, -1.0), None);
        }
        let means = sums.add(10, 10.0, -1.0).unwrap();
        assert_eq!(means.elbo, 5.5);
        assert_eq!(means.log_z, -1.0);
        assert_eq!(sums, EpochSums::default());
        for step in 11..20 {
            sums.add(step, 1.0, 1.0);
        }
        assert!(sums.add(20, f64::NAN, 1.0).unwrap().elbo.is_nan());
    }

    #[test]
    fn the_best_epoch_skips_nan_and_the_last_epoch_takes_what_is_there() {
        let history = vec![
            record(1, None),
            record(10, Some((-5.0, 1.0))),
            record(20, Some((-2.0, 0.5))),
            record(25, None),
            record(30, Some((f64::NAN, f64::NAN))),
        ];
        let history = logged_epochs(&history);
        let best = paper_report(&history, 30, EpochRule::BestEpoch).unwrap();
        assert_eq!((best.elbo, best.log_z, best.elbo_epoch), (-2.0, 0.5, 2));
        assert_eq!(best.non_finite_epochs, 1);
        let last = paper_report(&history, 30, EpochRule::LastEpoch).unwrap();
        assert!(last.elbo.is_nan() && last.elbo_epoch == 3);
        let error = paper_report(&history, 40, EpochRule::BestEpoch).unwrap_err();
        assert!(error.contains("3 of 4") && error.contains("log_every"), "{error}");
    }
}
