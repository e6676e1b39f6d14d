//! The loss over training steps, titled with what the run's loss reports.

use super::*;

/// The loss curve under a title and axis that say what the run's loss reports: −mean log w
/// (mean R) for both reverse-KL losses, the variance of log w for LV, so that two compared
/// curves of different losses are not read on one scale.
pub(crate) fn loss(view: &RunStore, curves: CurveView, ink: RunInk) -> Panel {
    let (title, axis) = match view.preset.as_ref().map(|p| p.loss) {
        Some(LossKind::Lv) => ("Loss (LV): variance of log w", "Var log w (nats²)"),
        // rKL-LD's surrogate has no meaningful value; its gradient is that of mean R.
        Some(LossKind::RklLd) => ("Loss (rKL-LD): mean R = −mean log w", "mean R (nats)"),
        Some(LossKind::RklR) => ("Loss (rKL-R): mean R = −mean log w", "mean R (nats)"),
        None => ("Loss", ""),
    };
    let mut panel = curve(view, curves, PanelKind::Loss, title, &[("loss", |r| r.loss)], ink);
    panel.y_label = axis.into();
    panel
}
