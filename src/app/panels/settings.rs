use crate::app::Action;
use crate::app::gallery::GalleryEntry;
use crate::app::view::RunView;
use crate::sim::Preset;
use crate::sim::config::{BridgeKind, DiffusionMode, LossKind, TargetKind};

/// A labelled number editor whose change restarts the run.
fn number<T: egui::emath::Numeric>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    range: std::ops::RangeInclusive<T>,
    speed: f64,
) -> bool {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(egui::DragValue::new(value).range(range).speed(speed))
            .labelled_by(l.id)
            .changed()
    })
    .inner
}

fn choice<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    options: &[T],
    name: impl Fn(T) -> &'static str,
) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        ui.label(label);
        for &o in options {
            changed |= ui.selectable_value(value, o, name(o)).changed();
        }
    });
    changed
}

pub fn settings(
    ui: &mut egui::Ui,
    edit: &mut Preset,
    view: &RunView,
    gallery: &[GalleryEntry],
    actions: &mut Vec<Action>,
) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("Run");
        if !edit.description.is_empty() {
            ui.label(egui::RichText::new(&edit.description).italics());
        }
        let mut restart = false;
        ui.label("Target");
        ui.horizontal_wrapped(|ui| {
            for kind in TargetKind::ALL {
                if ui
                    .selectable_label(edit.target.kind == kind, kind.label())
                    .clicked()
                    && edit.target.kind != kind
                {
                    edit.target.kind = kind;
                    edit.target.dim = default_dim(kind);
                    restart = true;
                }
            }
        });
        let dims = supported_dims(edit.target.kind);
        if dims.len() > 1 {
            restart |= choice(ui, "dimension", &mut edit.target.dim, &dims, dim_label);
        }
        restart |= choice(
            ui,
            "bridge",
            &mut edit.bridge,
            &BridgeKind::ALL,
            BridgeKind::label,
        );
        restart |= choice(ui, "loss", &mut edit.loss, &LossKind::ALL, LossKind::label);
        restart |= choice(
            ui,
            "diffusion",
            &mut edit.diffusion,
            &DiffusionMode::ALL,
            DiffusionMode::label,
        );

        ui.separator();
        ui.label("Initial diffusion (drag: the run restarts from the same seed)");
        restart |= number(ui, "β", &mut edit.beta, 0.001..=100.0, 0.01);
        restart |= number(ui, "prior std", &mut edit.prior_std, 0.01..=200.0, 0.1);

        ui.separator();
        ui.label("Sizes (a change starts a new run)");
        restart |= number(ui, "steps N", &mut edit.steps, 1..=1024, 1.0);
        restart |= number(ui, "batch", &mut edit.batch, 1..=20_000, 4.0);
        restart |= number(ui, "hidden width", &mut edit.hidden, 1..=512, 1.0);
        restart |= number(ui, "training steps", &mut edit.train_steps, 1..=1_000_000, 10.0);
        restart |= number(ui, "seed", &mut edit.seed, 0..=u64::MAX, 1.0);

        ui.separator();
        ui.label("Learning rates (change live)");
        let mut lr = edit.lr;
        let mut lr_changed = false;
        lr_changed |= number(ui, "networks", &mut lr.network, 0.0..=1.0, 1e-5);
        lr_changed |= number(ui, "interpolation", &mut lr.interpolation, 0.0..=1.0, 1e-5);
        lr_changed |= number(ui, "SDE parameters", &mut lr.sde, 0.0..=1.0, 1e-5);
        if lr_changed {
            actions.push(Action::SetLearningRates(lr));
        }

        ui.separator();
        let mut every = edit.log_every;
        if number(ui, "snapshot every", &mut every, 1..=1000, 1.0) {
            edit.log_every = every;
            actions.push(Action::SetSnapshotEvery(every));
        }
        if let Some(t) = &view.target {
            ui.label(format!("target: {}", t.name));
        }
        if restart {
            actions.push(Action::Restart(Box::new(edit.clone())));
        }
        ui.separator();
        super::presets(ui, gallery, edit, actions);
    });
}

fn supported_dims(kind: TargetKind) -> Vec<usize> {
    match kind {
        TargetKind::Gmm40 | TargetKind::Mos10 => vec![2, 50],
        TargetKind::Funnel => vec![10],
        TargetKind::DoubleWell => vec![5],
        TargetKind::ManyWell => vec![32],
        TargetKind::Gaussian => vec![2],
    }
}

fn default_dim(kind: TargetKind) -> usize {
    supported_dims(kind)[0]
}

fn dim_label(d: usize) -> &'static str {
    match d {
        2 => "2",
        5 => "5",
        10 => "10",
        32 => "32",
        50 => "50",
        _ => "other",
    }
}
