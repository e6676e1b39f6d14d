//! The lesson card: the guide's current step with Back and Next, its question, the answer on
//! request, and the claim it makes with whether it holds for the runs on screen.

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
        ui.label(&step.text);
        if !step.question.is_empty() {
            ui.label(egui::RichText::new(format!("Question for the class: {}", step.question)).italics());
        }
        egui::CollapsingHeader::new("Answer")
            .id_salt(("guide-answer", at))
            .show(ui, |ui| ui.label(&step.answer));
        if let Some(claim) = step.claim {
            ui.label(format!(
                "Claim: {}. the lessons test checks it at the lesson's shipped seed.",
                claim.describe()
            ));
            ui.weak(live_check(&app.runs(), claim));
        }
    });
}

/// Whether the claim holds for the runs on screen, once both have finished and evaluated.
fn live_check(views: &[&RunStore], claim: Claim) -> String {
    fn finished(v: &RunStore) -> Option<&Evaluation> {
        let end = v.preset.as_ref().map(|p| p.train_steps);
        v.evaluation
            .as_ref()
            .filter(|e| v.status == Status::Finished && Some(e.step) == end)
    }
    match views {
        [a, b] => match (finished(a), finished(b)) {
            (Some(a), Some(b)) => match claim.check([a, b]) {
                Ok(numbers) => format!("These runs: it holds ({numbers})."),
                Err(numbers) => format!("These runs: it does not hold ({numbers})."),
            },
            _ => "These runs are checked once both have finished and evaluated.".into(),
        },
        _ => "It speaks of two runs; this lab shows one.".into(),
    }
}
