//! The top bar: run controls, exports, and a status line per run.

use crate::app::{Action, LabApp};
use crate::protocol::{Evaluation, EvaluationStage};
use crate::runtime::SINKHORN_BUDGET;
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

/// The evaluation in one line for the class, and its protocol in full for the hover.
fn evaluation_line(e: &Evaluation) -> (String, String) {
    let w = &e.weights;
    let mut line = format!(
        "evaluated at step {} on {} samples: ELBO {:.3}, log Z-hat {:.3}, ESS {:.3}",
        e.step, e.samples, w.elbo, w.log_z_hat, w.ess
    );
    let mut detail = Vec::new();
    if let Some(z) = e.log_z {
        line.push_str(&format!(" (true log Z {z:.3})"));
    }
    let floor = e.noise_floor.as_ref();
    if let Some(s) = &e.sinkhorn {
        line.push_str(&format!(", Sinkhorn {:.3}", s.value));
        if let Some(f) = floor.and_then(|f| f.sinkhorn.as_ref()) {
            line.push_str(&format!(" (two exact draws: {:.3})", f.value));
        }
        detail.push(format!("Sinkhorn: {}", s.describe()));
    }
    if let Some(why) = &e.sinkhorn_error {
        line.push_str(", Sinkhorn not computed");
        detail.push(format!("Sinkhorn not computed: {why}"));
    }
    if let Some(m) = e.mmd2 {
        line.push_str(&format!(", MMD² {m:.4}"));
        if let Some(f) = floor {
            line.push_str(&format!(" (two exact draws: {:.4})", f.mmd2));
        }
    }
    if let Some(m) = &e.modes {
        detail.push(format!(
            "Modes on the evaluation's samples: {}/{}, {}",
            m.covered,
            m.total,
            m.rule()
        ));
    }
    (line, detail.join("\n"))
}

/// A row of exactly one line's height, whatever it holds: the header never grows or shrinks
/// under the mouse as messages come and go; text too long for the row ends in "…" and shows
/// whole on hover.
fn one_line(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui)) {
    let height = ui.spacing().interact_size.y;
    let size = egui::vec2(ui.available_width(), height);
    ui.allocate_ui_with_layout(size, egui::Layout::left_to_right(egui::Align::Center), |ui| {
        ui.set_min_size(size);
        ui.set_max_height(height);
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        add(ui)
    });
}

/// The mode count on screen: the evaluation's where it speaks of the step shown, else the
/// training batch's; one count, with where it comes from on hover.
fn mode_count(view: &RunStore) -> Option<(String, String)> {
    let evaluated = view
        .evaluation
        .as_ref()
        .filter(|e| e.step == view.step())
        .and_then(|e| {
            e.modes
                .as_ref()
                .map(|m| (m, format!("on the evaluation's {} fresh samples", e.samples)))
        });
    let batch = view.snapshot.as_ref().and_then(|s| {
        s.modes
            .as_ref()
            .map(|m| (m, "on this training batch".to_string()))
    });
    let (m, on) = evaluated.or(batch)?;
    Some((
        format!("modes {}/{}", m.covered, m.total),
        format!("Covered {on}; a mode is covered with {}", m.rule()),
    ))
}

/// The run's step out of its total and its state, as both kinds of status line begin.
fn where_it_stands(ui: &mut egui::Ui, view: &RunStore) {
    let total = view.preset.as_ref().map_or(0, |p| p.train_steps);
    ui.label(format!("step {} / {total}", view.step()));
    ui.label(status_word(view.status));
}

/// A run's two lines: where it stands, then its evaluation (in progress, done, or not yet).
fn run_status(ui: &mut egui::Ui, index: Option<usize>, view: &RunStore, actions: &mut Vec<Action>) {
    one_line(ui, |ui| {
        if let Some(i) = index {
            ui.strong(format!("run {}:", i + 1));
        }
        where_it_stands(ui, view);
        if let Some(r) = view.history.last() {
            ui.label(format!(
                "loss {:.4}  ELBO {:.3}  ESS {:.3}",
                r.loss, r.weights.elbo, r.weights.ess
            ));
        }
        if let Some((count, on)) = mode_count(view) {
            ui.label(count).on_hover_text(on);
        }
        if !view.device.is_empty() {
            ui.weak(&view.device);
        }
    });
    one_line(ui, |ui| {
        if let Some((samples, stage)) = view.evaluating {
            let of = EvaluationStage::ALL.len();
            ui.add(
                egui::ProgressBar::new(stage.index() as f32 / of as f32)
                    .desired_width(420.0)
                    .animate(true)
                    .text(format!(
                        "evaluating on {samples} fresh samples: {} ({} of {of})",
                        stage.label(),
                        stage.index() + 1
                    )),
            );
        }
        if view.evaluation_cut_short
            && view.evaluating.is_none()
            && ui
                .small_button("Sinkhorn without a time limit")
                .on_hover_text(format!(
                    "The Sinkhorn figures did not converge within {} s and were left out; this computes them however long it takes (Reset cancels it)",
                    SINKHORN_BUDGET.as_secs()
                ))
                .clicked()
        {
            actions.push(Action::EvaluateFully);
        }
        if let Some(e) = &view.evaluation {
            // The previous evaluation stays until the new one replaces it.
            let (line, detail) = evaluation_line(e);
            let shown = ui.label(line);
            if !detail.is_empty() {
                shown.on_hover_text(detail);
            }
        } else if view.evaluating.is_none() {
            ui.weak("not evaluated yet: Evaluate computes the metrics on fresh samples");
        }
    });
}

/// What the runs have to say beyond their numbers: errors, warnings, a saved checkpoint.
fn run_messages(ui: &mut egui::Ui, index: Option<usize>, view: &RunStore) {
    let who = index.map_or(String::new(), |i| format!("run {}: ", i + 1));
    if let Some(m) = &view.message {
        ui.colored_label(ui.visuals().error_fg_color, format!("{who}{m}"));
    }
    if let Some(warning) = view.decline.warning() {
        ui.colored_label(ui.visuals().warn_fg_color, format!("{who}Warning: {warning}"));
    }
    if let Some((step, quantity)) = &view.last_skip {
        let count = view.snapshot.as_ref().map_or(1, |s| s.skipped_steps.max(1));
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("{who}{count} step(s) skipped; the latest, step {step}: {quantity} not finite"),
        );
    }
    if let Some((step, path)) = &view.saved {
        ui.weak(format!(
            "{who}checkpoint of step {step} saved to {}",
            path.display()
        ));
    }
}

/// The training speeds offered: as fast as the machine goes, then slower down to slow motion.
const PACES: [Option<u32>; 6] = [None, Some(50), Some(20), Some(5), Some(2), Some(1)];

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
            .add_enabled(idle, egui::Button::new("Train to"))
            .on_hover_text("Train up to this training step, then pause")
            .clicked()
        {
            actions.push(Action::TrainTo(app.train_to));
        }
        let mut to = app.train_to;
        if ui
            .add(egui::DragValue::new(&mut to).range(1..=1_000_000).prefix("step "))
            .on_hover_text("The step \"Train to\" stops at")
            .changed()
        {
            actions.push(Action::SetTrainTo(to));
        }
        let pace_name = |p: Option<u32>| p.map_or("full speed".to_string(), |p| format!("{p} steps/s"));
        let mut pace = app.pace;
        egui::ComboBox::from_id_salt("pace")
            .selected_text(pace_name(pace))
            .show_ui(ui, |ui| {
                for p in PACES {
                    ui.selectable_value(&mut pace, p, pace_name(p));
                }
            })
            .response
            .on_hover_text("Training speed: slow motion shows every step");
        if pace != app.pace {
            actions.push(Action::SetPace(pace));
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
        let presentation = app.presentation();
        let label = if presentation.on { "Leave presentation" } else { "Present" };
        if ui
            .selectable_label(presentation.on, label)
            .on_hover_text("F5: the plots large for a projector, without the side panel; double-click a plot to fill the screen with it, Escape to come back")
            .clicked()
        {
            actions.push(Action::SetPresentation(presentation.toggled()));
        }
        if presentation.on {
            return;
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
    if app.presentation().on {
        // On a projector: where each run stands, in one line, and no numbers to read.
        one_line(ui, |ui| {
            for (i, view) in views.iter().enumerate() {
                if comparing {
                    ui.strong(format!("run {}:", i + 1));
                }
                where_it_stands(ui, view);
                if let Some((count, on)) = mode_count(view) {
                    ui.label(count).on_hover_text(on);
                }
                ui.separator();
            }
        });
    } else {
        for (i, view) in views.iter().enumerate() {
            run_status(ui, comparing.then_some(i), view, actions);
        }
    }
    // One line for every message, kept whether or not there is one (presenting, only when
    // there is one: the screen's height goes to the plots).
    let any_message = app.notice.is_some()
        || views.iter().any(|v| {
            v.message.is_some() || v.decline.warning().is_some() || v.last_skip.is_some() || v.saved.is_some()
        });
    if !app.presentation().on || any_message {
        one_line(ui, |ui| {
            if let Some(n) = &app.notice {
                ui.label(n);
            }
            for (i, view) in views.iter().enumerate() {
                run_messages(ui, comparing.then_some(i), view);
            }
        });
    }
    if ui.input(|i| i.key_pressed(egui::Key::Space)) && !ui.ctx().egui_wants_keyboard_input() {
        actions.push(if running { Action::Pause } else { Action::Play });
    }
}
