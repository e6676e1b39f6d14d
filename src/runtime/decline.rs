//! Whether a run has fallen far below the best it reached: training that falls apart without
//! a non-finite value (LV on Sonar going from ELBO −200 to −4437) says so instead of reading
//! "finished". A warning, not a stop.

use crate::protocol::StepRecord;

/// Logged steps averaged before comparing, so that one noisy batch neither sets the best nor
/// raises the warning.
pub const WINDOW: usize = 10;
/// The ELBO has fallen far when it is this many nats below its best, or more when the best is
/// far from zero (see [`ELBO_RELATIVE_DROP`]).
const ELBO_ABSOLUTE_DROP: f64 = 10.0;
/// … or when it fell by this fraction of |best ELBO|.
const ELBO_RELATIVE_DROP: f64 = 0.5;
/// The ESS has fallen far when it is below this fraction of a best that was at least
/// [`ESS_MEANINGFUL`].
const ESS_FRACTION: f64 = 0.1;
const ESS_MEANINGFUL: f64 = 0.2;

/// A mean over [`WINDOW`] logged steps, and the last of those steps.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Windowed {
    value: f64,
    step: usize,
}

/// The best windowed ELBO and ESS seen so far and the latest ones.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decline {
    best_elbo: Option<Windowed>,
    best_ess: Option<Windowed>,
    latest_elbo: Option<Windowed>,
    latest_ess: Option<Windowed>,
}

impl Decline {
    /// Follows a history from its start (a resumed run brings one).
    pub fn over(history: &[StepRecord]) -> Self {
        let mut d = Decline::default();
        for end in WINDOW..=history.len() {
            d.observe(&history[..end]);
        }
        d
    }

    /// Takes in the history after a new step was appended to it.
    pub fn observe(&mut self, history: &[StepRecord]) {
        let Some(recent) = history.len().checked_sub(WINDOW).map(|start| &history[start..]) else {
            return;
        };
        let step = recent[WINDOW - 1].step;
        let mean = |f: fn(&StepRecord) -> f64| {
            let v = recent.iter().map(f).sum::<f64>() / WINDOW as f64;
            v.is_finite().then_some(Windowed { value: v, step })
        };
        self.latest_elbo = mean(|r| r.weights.elbo);
        self.latest_ess = mean(|r| r.weights.ess);
        let better = |best: Option<Windowed>, now: Option<Windowed>| match (best, now) {
            (Some(b), Some(n)) if n.value > b.value => Some(n),
            (None, n) => n,
            (b, _) => b,
        };
        self.best_elbo = better(self.best_elbo, self.latest_elbo);
        self.best_ess = better(self.best_ess, self.latest_ess);
    }

    /// What fell and from where, while the latest window is far below the best one.
    pub fn warning(&self) -> Option<String> {
        if let (Some(best), Some(now)) = (self.best_elbo, self.latest_elbo) {
            let limit = ELBO_ABSOLUTE_DROP.max(ELBO_RELATIVE_DROP * best.value.abs());
            if best.value - now.value > limit {
                return Some(format!(
                    "the ELBO fell far below its best: {:.3} over the last {WINDOW} logged steps, \
                     from {:.3} at step {}; the run may be falling apart (lower the learning rates, \
                     or Reset)",
                    now.value, best.value, best.step
                ));
            }
        }
        if let (Some(best), Some(now)) = (self.best_ess, self.latest_ess)
            && best.value >= ESS_MEANINGFUL
            && now.value < ESS_FRACTION * best.value
        {
            return Some(format!(
                "the ESS fell far below its best: {:.3} over the last {WINDOW} logged steps, from \
                 {:.3} at step {}; the run may be falling apart (lower the learning rates, or Reset)",
                now.value, best.value, best.step
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::WeightStats;

    fn record(step: usize, elbo: f64, ess: f64) -> StepRecord {
        StepRecord {
            step,
            loss: 0.0,
            weights: WeightStats {
                elbo,
                log_z_hat: 0.0,
                eubo: 0.0,
                ess,
            },
            lr: 1e-3,
            wall_seconds: 0.0,
            skipped: None,
            epoch: None,
        }
    }

    #[test]
    fn a_noisy_improving_run_is_not_flagged_and_a_collapse_is() {
        // Rising from −130 to about −2 with ±1 nat of batch noise and a noisy ESS.
        let mut history: Vec<StepRecord> = (0..300)
            .map(|s| {
                let noise = if s % 2 == 0 { 1.0 } else { -1.0 };
                let elbo = -2.0 - 128.0 * (-(s as f64) / 20.0).exp() + noise;
                let ess = 0.3 + 0.1 * noise;
                record(s, elbo, ess)
            })
            .collect();
        assert_eq!(Decline::over(&history).warning(), None);
        // Then it falls apart: the ELBO drops to −60 over the next steps.
        history.extend((300..320).map(|s| record(s, -60.0, 0.3)));
        let w = Decline::over(&history).warning().expect("a collapse is flagged");
        assert!(w.contains("the ELBO fell far below its best"), "{w}");
        // A posterior near −200 that drifts to −250 is within its noise scale.
        let slow: Vec<StepRecord> = (0..100)
            .map(|s| record(s, if s < 50 { -200.0 } else { -250.0 }, 0.3))
            .collect();
        assert_eq!(Decline::over(&slow).warning(), None);
        // The ESS alone: from 0.5 to 0.01.
        let ess: Vec<StepRecord> = (0..40)
            .map(|s| record(s, -2.0, if s < 20 { 0.5 } else { 0.01 }))
            .collect();
        let w = Decline::over(&ess).warning().expect("an ESS collapse is flagged");
        assert!(w.contains("the ESS fell far below its best"), "{w}");
    }
}
