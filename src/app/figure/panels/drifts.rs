//! The drift fields of both kernels at a step, shaded by where they fail to undo each other.

use super::*;

/// Every other point of the grid carries arrows, on one scale for all steps: the longest
/// drift of any step spans one and a half of their spacing. Compared runs take the smallest of
/// their scales, so that equal arrows mean equal drifts in both columns.
pub(crate) fn arrow_scale(field: &DriftField) -> f64 {
    let every = (field.n / ARROWS_PER_SIDE).max(1);
    let longest = field
        .generative
        .chunks(2)
        .chain(field.inference.chunks(2))
        .map(|v| v[0].hypot(v[1]))
        .filter(|v| v.is_finite())
        .fold(0.0f32, f32::max) as f64;
    let spacing = (field.hi - field.lo) as f64 / field.n as f64 * every as f64;
    if longest > 0.0 {
        1.5 * spacing / longest
    } else {
        1.0
    }
}

/// The drifts of both kernels between steps n and n + 1 on a grid, over the expected per-step
/// term −(log p − log q) of walks started there: the drift-matching part made visible. Arrows
/// are drawn `scale` times their drift (see [`arrow_scale`]).
pub(crate) fn drifts(field: &DriftField, shown: usize, view: &RunStore, ink: RunInk, scale: f64) -> Panel {
    let n = shown.min(field.path_steps.saturating_sub(1));
    let mut panel = Panel::new(
        PanelKind::Drift,
        format!(
            "Drifts between steps {n} and {}: generative forward, inference back; shade: −E[log p − log q] from x",
            n + 1
        ),
        "x1",
        "x2",
    );
    panel.equal_aspect = true;
    let (lo, hi) = (field.lo as f64, field.hi as f64);
    panel.background = Some(Heat::linear(
        "mismatch",
        (field.n, field.n),
        (lo, hi),
        (lo, hi),
        field.at(&field.mismatch, 1, n).to_vec(),
    ));
    let generative = field.at(&field.generative, 2, n);
    let inference = field.at(&field.inference, 2, n);
    let every = (field.n / ARROWS_PER_SIDE).max(1);
    let chosen: Vec<usize> = (0..field.n * field.n)
        .filter(|k| (k % field.n) % every == every / 2 && (k / field.n) % every == every / 2)
        .collect();
    for (name, values, color) in [
        ("generative", generative, ink.main),
        ("inference", inference, INFERENCE_COLOR),
    ] {
        let pairs = chosen
            .iter()
            .map(|&k| {
                let [x, y] = field.point(k).map(|v| v as f64);
                let (dx, dy) = (values[2 * k] as f64, values[2 * k + 1] as f64);
                ([x, y], [x + scale * dx, y + scale * dy])
            })
            .collect();
        panel.series.push(Series::arrows(
            format!("{name} (×{})", crate::app::figure::tick_label(scale)),
            color,
            pairs,
        ));
    }
    if let Some(modes) = view.target.as_ref().and_then(|t| t.modes.as_ref()) {
        let pts = modes.chunks(2).map(|m| pair(m, 0, 1)).collect();
        panel
            .series
            .push(Series::new("modes", Mark::Points(3.5), TARGET_COLOR, pts));
    }
    panel
}
