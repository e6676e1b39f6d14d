//! The lesson card: the guide's current step with Back and Next, its question, the answer on
//! request, and the claim it makes with whether it holds for the runs on screen.

use crate::app::choices::presentation::Presentation;
use crate::app::{Action, LabApp};
use crate::protocol::{Claim, Evaluation};
use crate::runtime::run_store::{RunStore, Status};

/// Draws the card while the preset last loaded has a guide.
pub fn guide_card(ui: &mut egui::Ui, app: &LabApp, actions: &mut Vec<Action>) {
    let (steps, at) = app.guide();
    let Some(step) = steps.get(at) else { return };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            let title = if app.origin.title.is_empty() {
                "Lesson"
            } else {
                app.origin.title.as_str()
            };
            let presentation = app.presentation();
            let folded = presentation.card_folded;
            let (sign, hint) = if folded {
                ("+", "Show the whole card")
            } else {
                ("−", "Fold the card to this line")
            };
            if ui.small_button(sign).on_hover_text(hint).clicked() {
                actions.push(Action::SetPresentation(Presentation {
                    card_folded: !folded,
                    ..presentation
                }));
            }
            ui.strong(format!("{title}: step {} of {}", at + 1, steps.len()));
            if ui.add_enabled(at > 0, egui::Button::new("Back")).clicked() {
                actions.push(Action::ShowGuideStep(at - 1));
            }
            if ui
                .add_enabled(at + 1 < steps.len(), egui::Button::new("Next"))
                .clicked()
            {
                actions.push(Action::ShowGuideStep(at + 1));
            }
            if let Some(act) = step.act {
                ui.weak(format!("(this card {})", act.describe()));
            }
        });
        if app.presentation().card_folded {
            return;
        }
        ui.label(&step.text);
        if !step.question.is_empty() {
            ui.label(egui::RichText::new(format!("Question for the class: {}", step.question)).italics());
        }
        if !step.answer.is_empty() {
            let open = app.answer_open();
            let label = if open {
                "Hide the answer"
            } else {
                "Show the answer"
            };
            if ui.button(label).clicked() {
                actions.push(Action::ShowAnswer(!open));
            }
            if open {
                ui.label(&step.answer);
            }
        }
        if let Some(claim) = step.claim {
            ui.label(format!("Claim: {}.", claim.describe())).on_hover_text(
                "Measured at the lesson's shipped settings and seed each time the project is tested.",
            );
            let (verdict, holds) = live_check(&app.runs(), claim);
            let text =
                egui::RichText::new(verdict).size(ui.style().text_styles[&egui::TextStyle::Body].size * 1.15);
            match holds {
                Some(true) => ui.label(text.strong().color(ui.visuals().text_color())),
                Some(false) => ui.label(text.strong().color(ui.visuals().warn_fg_color)),
                None => ui.label(text),
            };
        }
    });
}

/// Whether the claim holds for the runs on screen, once both have finished and evaluated: the
/// verdict in words, and whether it holds where it is known.
fn live_check(views: &[&RunStore], claim: Claim) -> (String, Option<bool>) {
    fn finished(v: &RunStore) -> Option<&Evaluation> {
        let end = v.preset.as_ref().map(|p| p.train_steps);
        v.evaluation
            .as_ref()
            .filter(|e| v.status == Status::Finished && Some(e.step) == end)
    }
    match views {
        [a, b] => match (finished(a), finished(b)) {
            (Some(a), Some(b)) => match claim.check([a, b]) {
                Ok(numbers) => (format!("These runs: it holds ({numbers})."), Some(true)),
                Err(numbers) => (format!("These runs: it does not hold ({numbers})."), Some(false)),
            },
            _ => (
                "These runs are checked once both have finished and evaluated.".into(),
                None,
            ),
        },
        _ => ("It speaks of two runs; this lab shows one.".into(), None),
    }
}
