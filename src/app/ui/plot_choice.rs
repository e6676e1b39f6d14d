use crate::app::Action;
use crate::app::choices::plot_choice::PlotChoice;
use crate::app::ui::widgets::number;

/// Which coordinates the sample and marginal plots show (one-based on screen).
pub fn plot_choice(ui: &mut egui::Ui, choice: PlotChoice, dim: usize, actions: &mut Vec<Action>) {
    if dim < 2 {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        let mut shown = [choice.x + 1, choice.y + 1, choice.marginal + 1];
        number(ui, "samples: horizontal coordinate", &mut shown[0], 1..=dim, 0.1);
        number(ui, "vertical coordinate", &mut shown[1], 1..=dim, 0.1);
        ui.separator();
        number(ui, "marginal of coordinate", &mut shown[2], 1..=dim, 0.1);
        let chosen = PlotChoice {
            x: shown[0] - 1,
            y: shown[1] - 1,
            marginal: shown[2] - 1,
        };
        if chosen != choice {
            actions.push(Action::SetPlotChoice(chosen));
        }
    });
}
