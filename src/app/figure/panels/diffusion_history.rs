//! The noise scale σ·β per dimension over training steps.

use super::*;

/// Lines for at most this many dimensions in the diffusion history.
const MAX_HISTORY_DIMS: usize = 10;

pub(crate) fn diffusion_history(view: &RunStore, curves: CurveView, ink: RunInk) -> Panel {
    let mut panel = over_steps(
        view,
        curves,
        PanelKind::DiffusionHistory,
        "Diffusion σ·β over training",
        "σ·β",
    );
    let dims = view.diffusion_history.last().map_or(0, |(_, v)| v.len());
    let shown = dims.min(MAX_HISTORY_DIMS);
    for j in 0..shown {
        let pts: Vec<[f64; 2]> = view
            .diffusion_history
            .iter()
            .map(|(s, v)| [*s as f64, v.get(j).copied().unwrap_or(f32::NAN) as f64])
            .collect();
        let pts = curves.unsmoothed().apply(&pts);
        panel.series.push(Series::new(
            format!("dim {}", j + 1),
            Mark::Line,
            ink.shade(j, shown),
            pts,
        ));
    }
    let top = panel
        .series
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| p[1])
        .fold(0.0, f64::max);
    panel.y_range = Some((0.0, top));
    panel
}
