use crate::app::Action;
use crate::app::time_view::TimeView;

/// The time axis: on or off, the step shown, play, and the paths.
pub fn time_view(
    ui: &mut egui::Ui,
    current: TimeView,
    steps: usize,
    trained: usize,
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
    });
    if v != current {
        actions.push(Action::SetTimeView(v));
    }
}
