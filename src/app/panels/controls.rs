use crate::app::Action;
use crate::app::view::{RunView, Status};

pub fn controls(ui: &mut egui::Ui, view: &RunView, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let running = view.status == Status::Running;
        let can_train = matches!(view.status, Status::Paused | Status::Running);
        if running {
            if ui.button("Pause").on_hover_text("Space").clicked() {
                actions.push(Action::Pause);
            }
        } else if ui
            .add_enabled(can_train, egui::Button::new("Play"))
            .on_hover_text("Space")
            .clicked()
        {
            actions.push(Action::Play);
        }
        if ui
            .add_enabled(can_train && !running, egui::Button::new("Step"))
            .clicked()
        {
            actions.push(Action::Step(1));
        }
        if ui
            .add_enabled(can_train && !running, egui::Button::new("Step 50"))
            .clicked()
        {
            actions.push(Action::Step(50));
        }
        if ui
            .button("Reset")
            .on_hover_text("Start over with the same seed")
            .clicked()
        {
            actions.push(Action::Reset);
        }
        if ui
            .button("Reseed")
            .on_hover_text("Start over with the next seed")
            .clicked()
        {
            actions.push(Action::Reseed);
        }
        if ui
            .add_enabled(view.run.is_some(), egui::Button::new("Evaluate"))
            .clicked()
        {
            actions.push(Action::Evaluate);
        }
        if ui
            .add_enabled(view.snapshot.is_some(), egui::Button::new("Save samples"))
            .on_hover_text("as .npy in exports/")
            .clicked()
        {
            actions.push(Action::ExportSamples);
        }
        ui.separator();
        let total = view.preset.as_ref().map_or(0, |p| p.train_steps);
        ui.label(format!("step {} / {total}", view.step()));
        ui.label(match view.status {
            Status::Starting => "starting",
            Status::Paused => "paused",
            Status::Running => "training",
            Status::Finished => "finished",
            Status::Failed => "stopped",
        });
        if let Some(r) = view.history.last() {
            ui.separator();
            ui.label(format!(
                "loss {:.4}  ELBO {:.3}  ESS {:.3}",
                r.loss, r.weights.elbo, r.weights.ess
            ));
        }
    });
    if ui.input(|i| i.key_pressed(egui::Key::Space)) && !ui.ctx().egui_wants_keyboard_input() {
        actions.push(if view.status == Status::Running {
            Action::Pause
        } else {
            Action::Play
        });
    }
    if let Some(m) = &view.message {
        ui.colored_label(ui.visuals().error_fg_color, m);
    }
}
