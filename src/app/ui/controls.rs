//! The top bar: run controls, exports, and a status line per run.

use crate::app::{Action, LabApp};
use crate::protocol::{Evaluation, EvaluationStage};
use crate::runtime::run_store::{RunStore, Status};

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Starting => "starting",
        Status::Paused => "paused",
        Status::Running => "training",
        Status::Finished => "finished",
        Status::Failed => "stopped",
    }
}

fn evaluation_line(e: &Evaluation) -> String {
    let w = &e.weights;
    let mut line = format!(
        "evaluated at step {} on {} samples: ELBO {:.3}, log Z-hat {:.3}, ESS {:.3}",
        e.step, e.samples, w.elbo, w.log_z_hat, w.ess
    );
    if let Some(z) = e.log_z {
        line.push_str(&format!(" (true log Z {z:.3})"));
    }
    let floor = e.noise_floor.as_ref();
    if let Some(s) = &e.sinkhorn {
        line.push_str(&format!(", Sinkhorn {:.3}", s.value));
        if let Some(f) = floor.and_then(|f| f.sinkhorn.as_ref()) {
            line.push_str(&format!(" (two exact draws: {:.3})", f.value));
        }
        line.push_str(&format!(" ({})", s.describe()));
    }
    if let Some(why) = &e.sinkhorn_error {
        line.push_str(&format!(", Sinkhorn not computed: {why}"));
    }
    if let Some(m) = e.mmd2 {
        line.push_str(&format!(", MMD² {m:.4}"));
        if let Some(f) = floor {
            line.push_str(&format!(" (two exact draws: {:.4})", f.mmd2));
        }
    }
    if let Some(m) = &e.modes {
        line.push_str(&format!(", modes {}/{} ({})", m.covered, m.total, m.rule()));
    }
    line
}

fn run_status(ui: &mut egui::Ui, index: Option<usize>, view: &RunStore) {
    ui.horizontal_wrapped(|ui| {
        if let Some(i) = index {
            ui.strong(format!("run {}:", i + 1));
        }
        let total = view.preset.as_ref().map_or(0, |p| p.train_steps);
        ui.label(format!("step {} / {total}", view.step()));
        ui.label(status_word(view.status));
        if let Some(r) = view.history.last() {
            ui.label(format!(
                "loss {:.4}  ELBO {:.3}  ESS {:.3}",
                r.loss, r.weights.elbo, r.weights.ess
            ));
        }
        if let Some(m) = view.snapshot.as_ref().and_then(|s| s.modes.as_ref()) {
            ui.label(format!("modes {}/{}", m.covered, m.total))
                .on_hover_text(format!("A mode is covered with {}", m.rule()));
        }
        if !view.device.is_empty() {
            ui.weak(&view.device);
        }
    });
    if let Some((samples, stage)) = view.evaluating {
        let of = EvaluationStage::ALL.len();
        ui.add(
            egui::ProgressBar::new(stage.index() as f32 / of as f32)
                .desired_width(420.0)
                .text(format!(
                    "evaluating on {samples} fresh samples: {} ({} of {of})",
                    stage.label(),
                    stage.index() + 1
                )),
        );
    }
    // The previous evaluation stays until the new one replaces it.
    if let Some(e) = &view.evaluation {
        ui.label(evaluation_line(e));
    }
    if let Some((step, quantity)) = &view.last_skip {
        let count = view.snapshot.as_ref().map_or(1, |s| s.skipped_steps.max(1));
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("{count} step(s) skipped; the latest, step {step}: {quantity} not finite"),
        );
    }
    if let Some(warning) = view.decline.warning() {
        ui.colored_label(ui.visuals().warn_fg_color, format!("Warning: {warning}"));
    }
    if let Some((step, path)) = &view.saved {
        ui.weak(format!("checkpoint of step {step} saved to {}", path.display()));
    }
    if let Some(m) = &view.message {
        ui.colored_label(ui.visuals().error_fg_color, m);
    }
}

pub fn controls(ui: &mut egui::Ui, app: &LabApp, actions: &mut Vec<Action>) {
    let views = app.runs();
    let running = views.iter().any(|v| v.status == Status::Running);
    let can_train = views
        .iter()
        .any(|v| matches!(v.status, Status::Paused | Status::Running));
    let has_samples = views.iter().all(|v| v.snapshot.is_some());
    let has_run = views.iter().all(|v| v.run.is_some());
    ui.horizontal_wrapped(|ui| {
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
        let idle = can_train && !running;
        if ui.add_enabled(idle, egui::Button::new("Step")).clicked() {
            actions.push(Action::Step(1));
        }
        let label = format!("Step {}", app.step_count);
        if ui
            .add_enabled(idle, egui::Button::new(label))
            .on_hover_text("Train this many steps, then pause")
            .clicked()
        {
            actions.push(Action::Step(app.step_count));
        }
        let n = ui.label("N");
        let mut count = app.step_count;
        if ui
            .add(egui::DragValue::new(&mut count).range(1..=100_000))
            .labelled_by(n.id)
            .changed()
        {
            actions.push(Action::SetStepCount(count));
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
            .add_enabled(has_run, egui::Button::new("Evaluate"))
            .on_hover_text("Metrics on fresh samples")
            .clicked()
        {
            actions.push(Action::Evaluate);
        }
        ui.separator();
        if ui
            .add_enabled(has_samples, egui::Button::new("Save samples"))
            .on_hover_text("The latest samples as .npy in exports/")
            .clicked()
        {
            actions.push(Action::ExportSamples);
        }
        if ui
            .add_enabled(has_samples, egui::Button::new("Export figure"))
            .on_hover_text("PNG and SVG in exports/, with the plotted data as CSV and the preset")
            .clicked()
        {
            actions.push(Action::ExportFigure);
        }
        let mut options = app.export_options;
        let l = ui.label("at ×");
        ui.add(egui::DragValue::new(&mut options.scale).range(1..=4).speed(0.05))
            .labelled_by(l.id)
            .on_hover_text("Lengths and fonts of the exported figure times this; the PNG says 96 × it dpi");
        ui.checkbox(&mut options.panels_alone, "each panel alone too");
        if options != app.export_options {
            actions.push(Action::SetExportOptions(options));
        }
        if app.show_frame_time
            && let Some(ms) = app.frames.latest_ms()
        {
            ui.separator();
            ui.weak(format!("frame {ms:.1} ms"));
        }
    });
    let comparing = views.len() > 1;
    for (i, view) in views.iter().enumerate() {
        run_status(ui, comparing.then_some(i), view);
    }
    if let Some(n) = &app.notice {
        ui.label(n);
    }
    if ui.input(|i| i.key_pressed(egui::Key::Space)) && !ui.ctx().egui_wants_keyboard_input() {
        actions.push(if running { Action::Pause } else { Action::Play });
    }
}
