//! The run's settings. Anything that changes what is trained restarts the runs from the same
//! seed at once; learning rates and the snapshot interval change live.

use crate::app::choices::side_tab::SideTab;
use crate::app::ui::widgets::{choice, number};
use crate::app::ui::{compare, files, targets};
use crate::app::{Action, LabApp};
use crate::protocol::{
    BridgeKind, ComputeDevice, DiffusionMode, DivergencePolicy, LossKind, Preset, data_dir_setting,
};

/// Per-dimension σ editors are offered up to this dimension.
const MAX_SIGMA_EDITORS: usize = 10;

fn section(ui: &mut egui::Ui, title: &str, note: &str) {
    ui.separator();
    ui.horizontal(|ui| {
        ui.strong(title);
        ui.weak(note);
    });
}

/// σ multipliers per dimension; true when one changed.
fn sigma_editors(ui: &mut egui::Ui, edit: &mut Preset) -> bool {
    let d = edit.target.dim;
    if d > MAX_SIGMA_EDITORS {
        ui.weak(format!(
            "(per-dimension σ is set in the preset file for d > {MAX_SIGMA_EDITORS})"
        ));
        return false;
    }
    let mut sigma: Vec<f64> = (0..d).map(|j| edit.sigma_init_at(j)).collect();
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        ui.label("σ per dimension");
        for (j, s) in sigma.iter_mut().enumerate() {
            let l = ui.label(format!("{}", j + 1));
            changed |= ui
                .add(egui::DragValue::new(s).range(0.01..=100.0).speed(0.01))
                .labelled_by(l.id)
                .changed();
        }
        if sigma.iter().any(|s| *s != 1.0) && ui.button("all 1").clicked() {
            sigma.iter_mut().for_each(|s| *s = 1.0);
            changed = true;
        }
    });
    if changed {
        edit.sigma_init = if sigma.iter().all(|s| *s == 1.0) {
            Vec::new()
        } else {
            sigma
        };
    }
    changed
}

/// Where mixture constants and Bayesian data sets are read from: a directory, or the copy
/// built into bridgelab when the field is empty.
fn data_dir_row(ui: &mut egui::Ui, text: &mut String, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let l = ui.label("data directory");
        ui.add(
            egui::TextEdit::singleline(text)
                .hint_text("built in")
                .desired_width(90.0),
        )
        .labelled_by(l.id)
        .on_hover_text(
            "Empty: the data built into bridgelab. A directory here (or in BRIDGELAB_DATA) \
             replaces it as a whole",
        );
        if ui
            .add_enabled(!text.trim().is_empty(), egui::Button::new("Use"))
            .clicked()
        {
            actions.push(Action::SetDataDir(Some(std::path::PathBuf::from(text.trim()))));
        }
        if ui
            .add_enabled(!data_dir_setting().is_empty(), egui::Button::new("Built-in"))
            .on_hover_text("Read the data built into bridgelab again")
            .clicked()
        {
            actions.push(Action::SetDataDir(None));
        }
    });
}

/// The left panel: a tab row, then the lessons and presets or the settings.
pub fn side(ui: &mut egui::Ui, app: &mut LabApp, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        for tab in SideTab::ALL {
            if ui.selectable_label(app.side == tab, tab.label()).clicked() && app.side != tab {
                actions.push(Action::ShowSide(tab));
            }
        }
    });
    ui.separator();
    match app.side {
        SideTab::Lessons => {
            egui::ScrollArea::vertical().show(ui, |ui| files::gallery(ui, &app.gallery, &app.edit, actions));
        }
        SideTab::Settings => settings(ui, app, actions),
    }
}

fn settings(ui: &mut egui::Ui, app: &mut LabApp, actions: &mut Vec<Action>) {
    let zoom = app.display().zoom;
    egui::ScrollArea::vertical().show(ui, |ui| {
        let edit = &mut app.edit;
        ui.heading("Run");
        let changed = edit.differences_from(&app.origin);
        if changed.is_empty() {
            if !edit.description.is_empty() {
                ui.label(egui::RichText::new(&edit.description).italics());
            }
        } else {
            // The preset's text quotes numbers measured at its own settings.
            ui.label(format!(
                "Changed from the preset: {}. Its description no longer applies.",
                changed.join(", ")
            ));
            if ui
                .button("Reset to the preset's settings")
                .on_hover_text(&app.origin.description)
                .clicked()
            {
                actions.push(Action::ResetToPreset);
            }
        }
        let mut restart = false;

        section(ui, "Target", "(a change restarts)");
        restart |= targets::target_cards(ui, edit, &app.thumbnails, actions);
        data_dir_row(ui, &mut app.data_dir_text, actions);

        section(ui, "Sampler", "(a change restarts)");
        restart |= choice(ui, "bridge", &mut edit.bridge, &BridgeKind::ALL, |k| {
            k.label().into()
        });
        restart |= choice(ui, "loss", &mut edit.loss, &LossKind::ALL, |k| k.label().into());
        restart |= choice(ui, "diffusion", &mut edit.diffusion, &DiffusionMode::ALL, |k| {
            k.label().into()
        });
        restart |= choice(ui, "compute", &mut edit.device, &ComputeDevice::ALL, |k| {
            k.label().into()
        });
        restart |= choice(
            ui,
            "non-finite step",
            &mut edit.on_divergence,
            &DivergencePolicy::ALL,
            |k| k.label().into(),
        );

        section(ui, "Initial diffusion", "(drag: restarts from the same seed)");
        restart |= number(ui, "β", &mut edit.beta, 0.001..=100.0, 0.01);
        restart |= number(ui, "prior std", &mut edit.prior_std, 0.01..=200.0, 0.1);
        restart |= sigma_editors(ui, edit);

        section(ui, "Sizes", "(a change restarts)");
        restart |= number(ui, "path steps N", &mut edit.path_steps, 1..=1024, 1.0);
        restart |= number(ui, "batch", &mut edit.batch, 1..=20_000, 4.0);
        restart |= number(ui, "hidden width", &mut edit.hidden, 1..=512, 1.0);
        restart |= number(ui, "training steps", &mut edit.train_steps, 1..=1_000_000, 10.0);
        restart |= number(ui, "seed", &mut edit.seed, 0..=u64::MAX, 1.0);

        section(ui, "Learning rates", "(change live)");
        let mut lr = edit.lr;
        let mut lr_changed = false;
        lr_changed |= number(ui, "networks", &mut lr.network, 0.0..=100.0, 1e-5);
        lr_changed |= number(ui, "interpolation", &mut lr.interpolation, 0.0..=100.0, 1e-5);
        lr_changed |= number(ui, "SDE parameters", &mut lr.sde, 0.0..=100.0, 1e-5);
        if lr_changed {
            actions.push(Action::SetLearningRates(lr));
        }

        section(ui, "Snapshots", "(change live)");
        let mut every = app.snapshot_every;
        if number(ui, "send samples every", &mut every, 1..=1000, 1.0) {
            actions.push(Action::SetSnapshotEvery(every));
        }
        if restart {
            actions.push(Action::Restart(Box::new(edit.clone())));
        }

        section(ui, "Display", "(Ctrl + and Ctrl −, Ctrl 0 resets; remembered)");
        let mut percent = (zoom * 100.0).round();
        let range =
            crate::app::choices::display::MIN_ZOOM * 100.0..=crate::app::choices::display::MAX_ZOOM * 100.0;
        if ui
            .add(egui::Slider::new(&mut percent, range).suffix(" %").text("zoom"))
            .changed()
        {
            actions.push(Action::SetZoom(percent / 100.0));
        }

        ui.separator();
        compare::compare(ui, edit, actions);
        ui.separator();
        files::files(ui, edit, &mut app.preset_path, actions);
        ui.separator();
        files::checkpoints(ui, &mut app.checkpoint_path, actions);
    });
}
