//! The density of a coordinate at every step of the path, as a heat strip.

use super::*;

/// The heat strip of a coordinate spans this many nats of log density below its peak.
const STRIP_SPAN: f64 = 6.0;

/// The density of one coordinate of the generative states at every step, as a heat map over
/// (n, x_j), with the step shown marked.
pub(crate) fn coordinate_over_steps(strip: &StepDensity, shown: usize) -> Panel {
    let j = strip.coordinate + 1;
    let mut panel = Panel::new(
        PanelKind::Strip,
        format!(
            "x{j} over the steps: its density at each n ({} paths; click: show step)",
            strip.paths
        ),
        "step n",
        &format!("x{j}"),
    );
    panel.whole_x = true;
    let rows = strip.density.len() / strip.bins.max(1);
    // Cell (row r, column c) of the heat map is bin r of step c: transpose the step-major rows.
    // On a log scale, so that the prior's wide spread shows beside the narrow modes at the end.
    let values: Vec<f32> = (0..strip.bins)
        .flat_map(|bin| (0..rows).map(move |n| strip.density[n * strip.bins + bin].ln()))
        .collect();
    let steps = rows.saturating_sub(1) as f64;
    let mut heat = Heat::linear(
        "log density",
        (rows, strip.bins),
        (-0.5, steps + 0.5),
        (strip.lo as f64, strip.hi as f64),
        values,
    );
    heat.range.0 = heat.range.0.max(heat.range.1 - STRIP_SPAN);
    panel.background = Some(heat);
    panel.markers.push((
        shown.min(rows.saturating_sub(1)) as f64,
        format!("step {shown} shown"),
    ));
    panel
}
