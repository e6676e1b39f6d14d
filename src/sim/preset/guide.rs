//! The guided steps of a lesson preset: what to press and watch, a question for the class,
//! the explanation, and a claim about the two runs' final evaluations that a test checks at the
//! lesson's shipped settings.

use serde::{Deserialize, Serialize};

use crate::sim::report::Evaluation;

/// One card of a lesson's guide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideStep {
    /// What to press and what to watch.
    pub text: String,
    /// A question for the class (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub question: String,
    /// The explanation, shown on request.
    pub answer: String,
    /// What this step says of the finished runs, checked by a test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<Claim>,
    /// What the lab does when the step is shown: start the runs, set the time axis, choose a
    /// plot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<GuideAct>,
}

/// What a guide step does in the lab when it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GuideAct {
    /// Train both runs.
    Play,
    /// Show both processes at step n of the bridge (N at most), with their paths or without.
    ShowStep { step: usize, paths: bool },
    /// Show the drifts of both kernels between steps n and n + 1 (2-D targets).
    ShowDrifts { step: usize },
    /// Show the density of coordinate `coordinate` (from 1) over the bridge's steps.
    ShowCoordinateOverSteps { coordinate: usize },
    /// Show the samples as they were at this training step.
    Replay { step: usize },
    /// Draw the curves this way: the last 80 % of training only, both runs in one plot, a
    /// moving average over this many logged steps (a gap of two nats, invisible on an axis
    /// that starts at −150, fills one that starts where the runs have settled).
    ShowCurves {
        recent_only: bool,
        overlay: bool,
        smoothing: usize,
    },
}

/// The widest moving average an act may ask for.
pub const MAX_SMOOTHING: usize = 200;

impl GuideAct {
    /// Refuses an act that names a coordinate the target lacks, or drifts beyond 2-D.
    pub fn validate(self, dim: usize) -> Result<(), String> {
        match self {
            GuideAct::ShowCoordinateOverSteps { coordinate } if !(1..=dim).contains(&coordinate) => Err(
                format!("an act shows coordinate {coordinate}; the target has coordinates 1 to {dim}"),
            ),
            GuideAct::ShowDrifts { .. } if dim != 2 => Err(format!(
                "an act shows drift fields, which need a 2-D target (d = {dim})"
            )),
            GuideAct::ShowCurves { smoothing, .. } if !(1..=MAX_SMOOTHING).contains(&smoothing) => Err(
                format!("an act smooths over {smoothing} logged steps; 1 to {MAX_SMOOTHING} are allowed"),
            ),
            _ => Ok(()),
        }
    }

    /// The act in words, as the lesson card shows it.
    pub fn describe(self) -> String {
        match self {
            GuideAct::Play => "starts both runs".into(),
            GuideAct::ShowStep { step, paths: true } => format!("shows step {step} with paths"),
            GuideAct::ShowStep { step, paths: false } => format!("shows step {step}"),
            GuideAct::ShowDrifts { step } => format!("shows the drifts at step {step}"),
            GuideAct::ShowCoordinateOverSteps { coordinate } => {
                format!("shows x{coordinate} over the steps")
            }
            GuideAct::Replay { step } => format!("replays training step {step}"),
            GuideAct::ShowCurves {
                recent_only,
                overlay,
                smoothing,
            } => {
                let mut how = Vec::new();
                if overlay {
                    how.push("both runs in one plot".to_string());
                }
                if recent_only {
                    how.push("the last 80 % of training".to_string());
                }
                if smoothing > 1 {
                    how.push(format!("smoothed over {smoothing} logged steps"));
                }
                if how.is_empty() {
                    "draws the curves as they come".into()
                } else {
                    format!("draws the curves with {}", how.join(", "))
                }
            }
        }
    }
}

/// A statement about the final evaluations of a lesson's two runs (run 1 is the preset, run 2
/// its `compare` variation).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Claim {
    /// This run (1 or 2) covers fewer mixture modes than the other.
    FewerModes { run: usize },
    /// This run (1 or 2) ends at a higher ELBO than the other.
    HigherElbo { run: usize },
    /// The runs coincide: the same covered modes and ELBOs within this many nats.
    Coincide { within: f64 },
}

impl Claim {
    /// The claim in words, as the lesson card shows it.
    pub fn describe(self) -> String {
        match self {
            Claim::FewerModes { run } => format!("run {run} covers fewer modes than run {}", 3 - run),
            Claim::HigherElbo { run } => format!("run {run} ends at a higher ELBO than run {}", 3 - run),
            Claim::Coincide { within } => {
                format!("the runs coincide (same modes, ELBOs within {within} nats)")
            }
        }
    }

    /// Refuses a claim that names no run of two.
    pub fn validate(self) -> Result<(), String> {
        match self {
            Claim::FewerModes { run } | Claim::HigherElbo { run } if !(1..=2).contains(&run) => {
                Err(format!("a claim names run {run}; a lesson has runs 1 and 2"))
            }
            Claim::Coincide { within } if !(within.is_finite() && within >= 0.0) => Err(format!(
                "a claim's tolerance must be a finite number of at least 0, got {within}"
            )),
            _ => Ok(()),
        }
    }

    /// Whether the claim holds for the final evaluations of runs 1 and 2, with the numbers that
    /// decide it.
    pub fn check(self, runs: [&Evaluation; 2]) -> Result<String, String> {
        let modes = |e: &Evaluation| e.modes.as_ref().map(|m| m.covered);
        let elbo = |e: &Evaluation| e.weights.elbo;
        let (holds, numbers) = match self {
            Claim::FewerModes { run } => {
                let (a, b) = (modes(runs[run - 1]), modes(runs[2 - run]));
                let (Some(a), Some(b)) = (a, b) else {
                    return Err("the target has no modes to count".into());
                };
                (a < b, format!("run {run}: {a} modes, run {}: {b}", 3 - run))
            }
            Claim::HigherElbo { run } => {
                let (a, b) = (elbo(runs[run - 1]), elbo(runs[2 - run]));
                (a > b, format!("run {run}: ELBO {a:.3}, run {}: {b:.3}", 3 - run))
            }
            Claim::Coincide { within } => {
                let (a, b) = (elbo(runs[0]), elbo(runs[1]));
                let same_modes = modes(runs[0]) == modes(runs[1]);
                let count = |m: Option<usize>| m.map_or("no".to_string(), |m| m.to_string());
                (
                    same_modes && (a - b).abs() <= within,
                    format!(
                        "ELBO {a:.4} and {b:.4}, {} and {} modes",
                        count(modes(runs[0])),
                        count(modes(runs[1]))
                    ),
                )
            }
        };
        if holds { Ok(numbers) } else { Err(numbers) }
    }
}
