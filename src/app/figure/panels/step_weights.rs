//! The batch mean of each step's log-weight term along the path.

use super::*;

pub(crate) fn step_weights(view: &RunStore, time: TimeView, ink: RunInk) -> Panel {
    let title = if time.on {
        "Per-step log-weight: mean of log p − log q (click: show step)"
    } else {
        "Per-step log-weight: mean of log p − log q"
    };
    let mut panel = Panel::new(PanelKind::StepWeights, title, "step n", "nats");
    panel.whole_x = true;
    if time.on {
        panel
            .markers
            .push((time.step as f64, format!("step {} shown", time.step)));
    }
    if let Some(s) = &view.snapshot {
        let pts = indexed(&s.step_log_weights, 0.0);
        panel
            .series
            .push(Series::new("log p − log q", Mark::Line, ink.main, pts));
    }
    panel
}
