//! The learned noise scale σ·β per dimension.

use super::*;

pub(crate) fn diffusion(view: &RunStore, ink: RunInk) -> Panel {
    let mut panel = Panel::new(
        PanelKind::Diffusion,
        "Diffusion σ·β per dimension",
        "dimension",
        "σ·β",
    );
    panel.whole_x = true;
    if let Some(s) = &view.snapshot {
        let pts = indexed(&s.diffusion, 1.0);
        // From zero, so that a frozen σ·β of 1 stands on a tick labelled 1.
        let top = pts.iter().map(|p| p[1]).fold(0.0, f64::max);
        panel.y_range = Some((0.0, top));
        panel.series.push(Series::new("σ·β", Mark::Bars, ink.main, pts));
    }
    panel
}
