//! Presets: the shipped gallery, a preset file to open or save, and the settings as RON text.

use std::path::PathBuf;

use crate::app::Action;
use crate::app::gallery::{GalleryEntry, as_ron};
use crate::protocol::Preset;

/// A labelled file path editor; the path as typed and whether one is typed at all.
fn path_field(ui: &mut egui::Ui, label: &str, path: &mut String) -> (PathBuf, bool) {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(egui::TextEdit::singleline(path).desired_width(190.0))
            .labelled_by(l.id);
    });
    (PathBuf::from(path.trim()), !path.trim().is_empty())
}

/// A preset file to open or save, and the settings as RON text.
pub fn files(ui: &mut egui::Ui, current: &Preset, path: &mut String, actions: &mut Vec<Action>) {
    ui.heading("Preset files");
    let (target, named) = path_field(ui, "file", path);
    ui.horizontal(|ui| {
        if ui
            .add_enabled(named, egui::Button::new("Open"))
            .on_hover_text("Read this preset file and start it")
            .clicked()
        {
            actions.push(Action::OpenPreset(target.clone()));
        }
        if ui
            .add_enabled(named, egui::Button::new("Save"))
            .on_hover_text("Write the current settings to this file")
            .clicked()
        {
            actions.push(Action::SavePreset(target));
        }
        if ui.button("Copy settings as RON").clicked() {
            ui.ctx().copy_text(as_ron(current));
        }
    });
    ui.label("Or drop a .ron file on the window.");
}

/// The shipped presets by section, lessons first under their titles; the current one is
/// selected and shows its description. A click runs one.
pub fn gallery(ui: &mut egui::Ui, gallery: &[GalleryEntry], current: &Preset, actions: &mut Vec<Action>) {
    ui.label("Click one to run it, then press Play; hover for what to look for.");
    for (title, prefix, open) in GROUPS {
        let mut members: Vec<&GalleryEntry> =
            gallery.iter().filter(|e| group_of(&e.name) == prefix).collect();
        if members.is_empty() {
            continue;
        }
        members.sort_by_key(|e| shown_name(e));
        egui::CollapsingHeader::new(format!("{title} ({})", members.len()))
            .default_open(open)
            .show(ui, |ui| {
                for entry in members {
                    let selected = entry.preset == *current;
                    let name = shown_name(entry);
                    if ui
                        .selectable_label(selected, name)
                        .on_hover_text(&entry.preset.description)
                        .clicked()
                    {
                        actions.push(Action::LoadPreset(Box::new(entry.preset.clone())));
                    }
                    if selected {
                        ui.indent(&entry.name, |ui| {
                            ui.label(egui::RichText::new(&entry.preset.description).italics());
                        });
                    }
                }
            });
    }
}

/// A preset's title, else its file name.
fn shown_name(entry: &GalleryEntry) -> &str {
    if entry.preset.title.is_empty() {
        &entry.name
    } else {
        &entry.preset.title
    }
}

/// Gallery sections by file-name prefix: title, prefix, open at start. The paper's rows and
/// the other long runs take hours, so they start folded.
const GROUPS: [(&str, &str, bool); 5] = [
    ("Lessons", "lesson_", true),
    ("Presets", "", true),
    ("Short runs on the posteriors", "short_", true),
    ("The paper's rows (hours on a CPU)", "paper_", false),
    ("Long runs beyond the paper (hours on a CPU)", "long_", false),
];

fn group_of(name: &str) -> &'static str {
    GROUPS
        .iter()
        .map(|(_, prefix, _)| *prefix)
        .find(|p| !p.is_empty() && name.starts_with(p))
        .unwrap_or("")
}

/// Save the runs to a checkpoint file or resume one.
pub fn checkpoints(ui: &mut egui::Ui, path: &mut String, actions: &mut Vec<Action>) {
    ui.heading("Checkpoints");
    let (target, named) = path_field(ui, "checkpoint", path);
    ui.horizontal(|ui| {
        if ui
            .add_enabled(named, egui::Button::new("Save checkpoint"))
            .on_hover_text("Write the run (parameters, optimiser, step, history) to this file")
            .clicked()
        {
            actions.push(Action::SaveCheckpoint(target.clone()));
        }
        if ui
            .add_enabled(named, egui::Button::new("Resume"))
            .on_hover_text("Continue the run saved in this file (a dropped .json file does the same)")
            .clicked()
        {
            actions.push(Action::ResumeCheckpoint(target));
        }
    });
}
