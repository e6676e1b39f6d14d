//! ELBO with log Ẑ and the true log Z over training steps.

use super::*;

pub(crate) fn elbo(view: &RunStore, curves: CurveView, ink: RunInk) -> Panel {
    let mut panel = curve(
        view,
        curves,
        PanelKind::Elbo,
        "ELBO and log Z-hat",
        &[
            ("ELBO", |r| r.weights.elbo),
            ("log Z-hat", |r| r.weights.log_z_hat),
        ],
        ink,
    );
    let log_z = view.target.as_ref().and_then(|t| t.log_z);
    if let (Some(z), Some((first, last))) = (log_z, panel.x_range) {
        panel.series.push(Series::new(
            "true log Z",
            Mark::Line,
            TARGET_COLOR,
            vec![[first, z], [last, z]],
        ));
    }
    panel
}
