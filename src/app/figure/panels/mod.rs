//! One file per plot panel: each builds its panel from what the lab knows about a run. The
//! helpers here are shared by the panels over training steps.

mod coordinate_over_steps;
mod coverage;
mod diffusion;
mod diffusion_history;
mod drifts;
mod elbo;
mod loss;
mod marginal;
mod samples;
mod step_weights;

use crate::app::choices::curve_view::CurveView;
use crate::app::choices::plot_choice::PlotChoice;
use crate::app::choices::time_view::{ARROWS_PER_SIDE, PATHS_DRAWN, TimeView};
use crate::app::figure::heat::Heat;
use crate::app::figure::model::{
    INFERENCE_COLOR, Mark, Panel, PanelKind, RunInk, Series, TARGET_COLOR, TARGET_DRAWS_COLOR,
};
use crate::protocol::{DriftField, LossKind, PathSet, StepDensity, StepRecord, kde};
use crate::runtime::run_store::RunStore;

pub(super) use coordinate_over_steps::coordinate_over_steps;
pub(super) use coverage::coverage;
pub(super) use diffusion::diffusion;
pub(super) use diffusion_history::diffusion_history;
pub(super) use drifts::{arrow_scale, drifts};
pub(super) use elbo::elbo;
pub(super) use loss::loss;
pub(super) use marginal::marginal;
pub(super) use samples::samples;
pub(super) use step_weights::step_weights;

/// Training-step axes span at least this many steps, so that a fresh run's axis is not a
/// single tick.
const MIN_STEP_SPAN: f64 = 10.0;

/// The training steps a curve panel spans: from the first step shown to the latest, at least
/// [`MIN_STEP_SPAN`] steps.
/// A number read off a logged step.
type Field = fn(&StepRecord) -> f64;

pub(super) fn step_range(view: &RunStore, curves: CurveView) -> (f64, f64) {
    let last = view.step() as f64;
    let first = if curves.recent_only {
        crate::app::choices::curve_view::DROPPED_EARLY_FRACTION * last
    } else {
        0.0
    };
    (first, last.max(first + MIN_STEP_SPAN))
}

/// A panel over training steps.
pub(super) fn over_steps(
    view: &RunStore,
    curves: CurveView,
    kind: PanelKind,
    title: impl Into<String>,
    y: &str,
) -> Panel {
    let mut panel = Panel::new(kind, title, "training step", y);
    panel.x_range = Some(step_range(view, curves));
    panel.whole_x = true;
    panel.markers = view
        .live_changes
        .iter()
        .map(|(step, what)| (*step as f64, format!("step {step}: {what}")))
        .collect();
    panel
}

pub(super) fn curve(
    view: &RunStore,
    curves: CurveView,
    kind: PanelKind,
    title: &str,
    fields: &[(&str, Field)],
    ink: RunInk,
) -> Panel {
    let mut panel = over_steps(view, curves, kind, title, "");
    for (i, (name, f)) in fields.iter().enumerate() {
        let raw: Vec<[f64; 2]> = view.history.iter().map(|r| [r.step as f64, f(r)]).collect();
        let color = if i == 0 { ink.main } else { ink.light };
        panel
            .series
            .push(Series::new(*name, Mark::Line, color, curves.apply(&raw)));
    }
    panel
}

/// `values` against their positions, counted from `first`.
pub(super) fn indexed(values: &[f32], first: f64) -> Vec<[f64; 2]> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| [first + i as f64, *v as f64])
        .collect()
}

/// The point of a row at coordinates `x` and `y` (0 for a missing `y`).
pub(super) fn pair(row: &[f32], x: usize, y: usize) -> [f64; 2] {
    [row[x] as f64, row.get(y).copied().map_or(0.0, |v| v as f64)]
}
