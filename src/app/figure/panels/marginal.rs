//! The marginal density of a chosen coordinate against the target's: the target's exact where
//! it is known, else a stated kernel estimate of reference draws; the samples' kernel estimate
//! with its bandwidth.

use super::*;

/// Grid points of the samples' density curve.
const KDE_POINTS: usize = 200;

pub(crate) fn marginal(view: &RunStore, coord: usize, ink: RunInk) -> Panel {
    let mut panel = Panel::new(
        PanelKind::Marginal,
        format!("Marginal density of x{}", coord + 1),
        &format!("x{}", coord + 1),
        "density",
    );
    let Some(t) = &view.target else { return panel };
    let range = (t.plot_range.0 as f64, t.plot_range.1 as f64);
    panel.x_range = Some(range);
    if let Some(m) = &t.marginals
        && let Some(curve) = m.curves.get(coord)
    {
        let pts = m
            .xs()
            .into_iter()
            .zip(curve)
            .map(|(x, &y)| [x, y as f64])
            .collect();
        panel.series.push(Series::new(
            format!("target ({})", m.describe(coord)),
            Mark::Line,
            TARGET_COLOR,
            pts,
        ));
    }
    if let Some(s) = &view.snapshot
        && let Some(curve) = kde::marginal(&s.samples, s.dim, coord, range, KDE_POINTS)
    {
        panel.series.push(Series::new(
            format!("samples (KDE of {}, h = {:.3})", curve.count, curve.bandwidth),
            Mark::Line,
            ink.main,
            curve.points,
        ));
    }
    panel
}
