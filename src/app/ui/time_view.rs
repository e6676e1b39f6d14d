use crate::app::Action;
use crate::app::choices::time_view::TimeView;

/// The time axis: on or off, the step shown, play, the paths, the coordinate over the steps
/// and the drifts; replay; and drawing the target (2-D targets).
pub fn time_view(
    ui: &mut egui::Ui,
    current: TimeView,
    (steps, trained, dim): (usize, usize, usize),
    drawing: bool,
    actions: &mut Vec<Action>,
) {
    let mut v = current;
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut v.on, "both processes over the steps")
            .on_hover_text(
                "The sample plot shows the generative process (from the prior) and the inference \
             process (run back from exact target draws) at step n of N",
            );
        if v.on {
            ui.add(egui::Slider::new(&mut v.step, 0..=steps).text("step n"));
            let label = if v.playing { "Pause steps" } else { "Play steps" };
            if ui.button(label).clicked() {
                if !v.playing && v.step >= steps {
                    v.step = 0;
                }
                v.playing = !v.playing;
            }
            ui.checkbox(&mut v.paths, "paths");
            ui.checkbox(&mut v.strip, "coordinate over steps").on_hover_text(
                "The density of the marginal plot's coordinate at every step n, as a heat strip",
            );
            if dim == 2 {
                ui.checkbox(&mut v.drift, "drifts").on_hover_text(
                    "Arrows of both kernels' drifts at step n on a grid, over how far the two \
                     kernels are from undoing each other there",
                );
            }
        }
        ui.separator();
        let mut replaying = v.replay.is_some();
        ui.checkbox(&mut replaying, "replay training")
            .on_hover_text("The sample plot shows the samples as they were at an earlier training step");
        match (replaying, v.replay) {
            (true, None) => v.replay = Some(trained),
            (false, Some(_)) => v.replay = None,
            _ => {}
        }
        if let Some(step) = v.replay.as_mut() {
            *step = (*step).min(trained);
            ui.add(egui::Slider::new(step, 0..=trained.max(1)).text("training step"));
        }
        if dim == 2 {
            ui.separator();
            let mut on = drawing;
            ui.checkbox(&mut on, "draw the target").on_hover_text(
                "On the sample plot: click to add a Gaussian, drag its centre to move it, turn the \
                 wheel over it to change its width (with Shift, its weight), right-click it to \
                 remove it. Every change restarts training from the same seed.",
            );
            if on != drawing {
                actions.push(Action::SetDrawing(on));
            }
        }
    });
    if v != current {
        actions.push(Action::SetTimeView(v));
    }
}
