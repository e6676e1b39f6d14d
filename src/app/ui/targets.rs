//! Target cards: a picture of each density, its name, and the dimension where it has a choice.

use crate::app::Action;
use crate::app::drawing::{DrawingEdit, WEIGHT_RANGE};
use crate::app::ui::thumbnails::Thumbnails;
use crate::app::ui::widgets::choice;
use crate::protocol::{COMPONENT_STD, Component, Preset, TargetKind};

/// Edge of a card's picture, in points.
const PICTURE: f32 = 44.0;

/// What each target is good for, shown when hovering its card.
fn about(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Gmm40 => "40 well-separated Gaussians in [−40, 40]^d: the mode-collapse test",
        TargetKind::Mos10 => "10 heavy-tailed Student-t components in [−10, 10]^d",
        TargetKind::Funnel => "Neal's funnel: the scale of x2… depends on x1, hard in the neck",
        TargetKind::DoubleWell => "two wells per coordinate, 2^d modes of equal weight",
        TargetKind::ManyWell => "pairs of a double well and a Gaussian, 2^(d/2) modes",
        TargetKind::Gaussian => "a shifted diagonal Gaussian with a closed-form answer",
        TargetKind::Seeds => "random-effects logistic regression on the seeds germination data",
        TargetKind::Sonar => "Bayesian logistic regression on the Sonar data",
        TargetKind::Ionosphere => "Bayesian logistic regression on the Ionosphere data",
        TargetKind::Credit => "logistic regression on German credit, with reference draws",
        TargetKind::Brownian => "a Brownian path with unknown noise scales and a gap in the data",
        TargetKind::Lgcp => "log-Gaussian Cox process on the pines, 1600 dimensions",
        TargetKind::Custom => "a 2-D mixture of Gaussians you draw on the sample plot",
    }
}

/// Draws the cards; true when the target or its dimension changed (the run must restart).
/// Choosing "Draw your own" also turns drawing on the sample plot on.
pub fn target_cards(
    ui: &mut egui::Ui,
    edit: &mut Preset,
    thumbnails: &Thumbnails,
    actions: &mut Vec<Action>,
) -> bool {
    let mut changed = false;
    egui::Grid::new("target-cards")
        .num_columns(2)
        .spacing([6.0, 6.0])
        .show(ui, |ui| {
            for (i, kind) in TargetKind::ALL.into_iter().enumerate() {
                let selected = edit.target.kind == kind;
                let button = match thumbnails.get(kind) {
                    Some(texture) => egui::Button::image_and_text(
                        egui::Image::new(texture).fit_to_exact_size(egui::vec2(PICTURE, PICTURE)),
                        kind.label(),
                    ),
                    None => egui::Button::new(kind.label()).min_size(egui::vec2(0.0, PICTURE)),
                };
                let clicked = ui
                    .add(button.selected(selected))
                    .on_hover_text(about(kind))
                    .clicked();
                if clicked && !selected {
                    edit.suit_target(kind, kind.dimensions()[0]);
                    changed = true;
                }
                if i % 2 == 1 {
                    ui.end_row();
                }
            }
            let drawn = edit.target.kind == TargetKind::Custom;
            let button = egui::Button::new("Draw your own")
                .min_size(egui::vec2(0.0, PICTURE))
                .selected(drawn);
            if ui.add(button).on_hover_text(about(TargetKind::Custom)).clicked() && !drawn {
                edit.suit_target(TargetKind::Custom, 2);
                actions.push(Action::SetDrawing(true));
                changed = true;
            }
            ui.end_row();
        });
    if edit.target.kind == TargetKind::Custom {
        components(ui, &edit.target.components, actions);
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("posteriors");
        for kind in TargetKind::BAYESIAN {
            let selected = edit.target.kind == kind;
            let clicked = ui
                .selectable_label(selected, kind.label())
                .on_hover_text(format!(
                    "{} (d = {}; reads the data directory)",
                    about(kind),
                    kind.dimensions()[0]
                ))
                .clicked();
            if clicked && !selected {
                edit.suit_target(kind, kind.dimensions()[0]);
                changed = true;
            }
        }
    });
    let dims = edit.target.kind.dimensions();
    if dims.len() > 1 {
        let before = edit.target.dim;
        if choice(ui, "dimension", &mut edit.target.dim, dims, |d| d.to_string()) && before != edit.target.dim
        {
            let (kind, dim) = (edit.target.kind, edit.target.dim);
            edit.suit_target(kind, dim);
            changed = true;
        }
    }
    changed
}

/// The drawn target's components: a weight handle and a width for each, and a button that
/// removes it. Every change restarts the runs from the same seed.
fn components(ui: &mut egui::Ui, components: &[Component], actions: &mut Vec<Action>) {
    let total: f64 = components.iter().map(|c| c.weight).sum();
    ui.label(format!(
        "{} components; on the sample plot: click adds, drag moves, the wheel widens, right-click removes",
        components.len()
    ));
    for (index, c) in components.iter().enumerate() {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "{}: ({:.1}, {:.1}), {:.0} %",
                index + 1,
                c.mean[0],
                c.mean[1],
                100.0 * c.weight / total
            ));
            let mut weight = c.weight;
            let slider = egui::Slider::new(&mut weight, WEIGHT_RANGE.0..=WEIGHT_RANGE.1)
                .logarithmic(true)
                .text("weight");
            if ui.add(slider).changed() {
                actions.push(Action::EditDrawing(DrawingEdit::SetWeight { index, weight }));
            }
            let mut std = c.std;
            let slider = egui::Slider::new(&mut std, COMPONENT_STD.0..=COMPONENT_STD.1)
                .logarithmic(true)
                .text("width");
            if ui.add(slider).changed() {
                actions.push(Action::EditDrawing(DrawingEdit::SetWidth { index, std }));
            }
            if ui
                .add_enabled(components.len() > 1, egui::Button::new("remove"))
                .clicked()
            {
                actions.push(Action::EditDrawing(DrawingEdit::Remove(index)));
            }
        });
    }
}
