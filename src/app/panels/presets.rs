use crate::app::Action;
use crate::app::gallery::{GalleryEntry, as_ron};
use crate::sim::Preset;

/// The preset gallery: one button per shipped preset, with what to look for as its tooltip.
pub fn presets(ui: &mut egui::Ui, gallery: &[GalleryEntry], current: &Preset, actions: &mut Vec<Action>) {
    ui.heading("Presets");
    ui.label("Drop a .ron file on the window to open it.");
    if ui.button("Copy settings as RON").clicked() {
        ui.ctx().copy_text(as_ron(current));
    }
    for entry in gallery {
        let name = entry
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let selected = entry.preset == *current;
        if ui
            .selectable_label(selected, &name)
            .on_hover_text(&entry.preset.description)
            .clicked()
        {
            actions.push(Action::Restart(Box::new(entry.preset.clone())));
        }
    }
}
