//! The marginal density of a chosen coordinate against the target's.

use super::*;

/// Grid points of a marginal density curve.
const KDE_POINTS: usize = 200;

pub(crate) fn marginal(view: &RunStore, coord: usize) -> Panel {
    let mut panel = Panel::new(
        PanelKind::Marginal,
        format!("Marginal density of x{}", coord + 1),
        &format!("x{}", coord + 1),
        "density",
    );
    let Some(t) = &view.target else { return panel };
    let range = (t.plot_range.0 as f64, t.plot_range.1 as f64);
    panel.x_range = Some(range);
    if let Some(r) = &t.reference {
        let pts = kde::marginal(r, t.dim, coord, range, KDE_POINTS);
        panel
            .series
            .push(Series::new("target", Mark::Line, TARGET_COLOR, pts));
    }
    if let Some(s) = &view.snapshot {
        let pts = kde::marginal(&s.samples, s.dim, coord, range, KDE_POINTS);
        panel
            .series
            .push(Series::new("samples", Mark::Line, SAMPLE_COLOR, pts));
    }
    panel
}
