//! The second run of a comparison: what it changes against the first.

use crate::app::Action;
use crate::app::ui::widgets::choice;
use crate::protocol::{BridgeKind, DiffusionMode, LossKind, Preset, Variation};

/// The comparison a click on "compare" starts with: the same run under the loss that teaches
/// most against the current one.
pub fn default_variation(p: &Preset) -> Variation {
    let loss = match p.loss {
        LossKind::Lv => LossKind::RklR,
        _ => LossKind::Lv,
    };
    Variation {
        loss: Some(loss),
        ..Variation::default()
    }
}

fn same_or<T: Copy>(label: fn(T) -> &'static str) -> impl Fn(Option<T>) -> String {
    move |v| v.map_or_else(|| "same".to_string(), |v| label(v).to_string())
}

fn options<T: Copy>(all: &[T]) -> Vec<Option<T>> {
    std::iter::once(None)
        .chain(all.iter().copied().map(Some))
        .collect()
}

pub fn compare(ui: &mut egui::Ui, edit: &mut Preset, actions: &mut Vec<Action>) {
    ui.heading("Compare");
    let mut on = edit.compare.is_some();
    if ui
        .checkbox(&mut on, "Second run beside this one")
        .on_hover_text(
            "Same target, seed and sizes; the changes below. Panels of one kind share their ranges.",
        )
        .changed()
    {
        actions.push(Action::SetCompare(on.then(|| default_variation(edit))));
    }
    let first_beta = edit.beta;
    let Some(v) = &mut edit.compare else { return };
    let mut changed = false;
    changed |= choice(
        ui,
        "loss",
        &mut v.loss,
        &options(&LossKind::ALL),
        same_or(LossKind::label),
    );
    changed |= choice(
        ui,
        "bridge",
        &mut v.bridge,
        &options(&BridgeKind::ALL),
        same_or(BridgeKind::label),
    );
    changed |= choice(
        ui,
        "diffusion",
        &mut v.diffusion,
        &options(&DiffusionMode::ALL),
        same_or(DiffusionMode::label),
    );
    ui.horizontal(|ui| {
        let mut own = v.beta.is_some();
        if ui.checkbox(&mut own, "own β").changed() {
            v.beta = own.then_some(first_beta);
            changed = true;
        }
        if let Some(beta) = &mut v.beta {
            let l = ui.label("second β");
            changed |= ui
                .add(egui::DragValue::new(beta).range(0.001..=100.0).speed(0.01))
                .labelled_by(l.id)
                .changed();
        }
    });
    ui.label(format!("The second run changes: {}", v.describe()));
    if changed {
        actions.push(Action::SetCompare(Some(v.clone())));
    }
}
