//! Covered mixture modes over training steps.

use super::*;

pub(crate) fn coverage(view: &RunStore, curves: CurveView, ink: RunInk) -> Panel {
    let total = view.target.as_ref().and_then(|t| t.modes.as_ref()).map(|m| {
        let d = view.target.as_ref().map_or(1, |t| t.dim.max(1));
        m.len() / d
    });
    let now = view.coverage.last().map_or(0, |&(_, c)| c);
    let rule = view
        .snapshot
        .as_ref()
        .and_then(|s| s.modes.as_ref())
        .map_or(String::new(), |m| format!(" ({})", m.rule_short()));
    let mut panel = over_steps(
        view,
        curves,
        PanelKind::Coverage,
        format!("Covered modes: {now} of {}{rule}", total.unwrap_or(0)),
        "modes",
    );
    if let Some(total) = total {
        panel.y_range = Some((0.0, total as f64));
    }
    let pts: Vec<[f64; 2]> = view.coverage.iter().map(|&(s, c)| [s as f64, c as f64]).collect();
    let pts = curves.unsmoothed().apply(&pts);
    panel
        .series
        .push(Series::new("covered modes", Mark::Line, ink.main, pts));
    panel
}
