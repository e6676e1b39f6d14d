//! Lesson cards: showing a guide step and doing what it says.

use super::*;

impl LabApp {
    /// Shows card `i` of the lesson's guide and does what the step does.
    pub(super) fn show_guide_step(&mut self, i: usize) {
        let Some(last) = self.origin.guide.len().checked_sub(1) else {
            self.guide_step = 0;
            return;
        };
        self.guide_step = i.min(last);
        self.answer_open = false;
        let step = &self.origin.guide[self.guide_step];
        self.bring_into_view = choices::presentation::spoken_of(step);
        let Some(act) = self.origin.guide[self.guide_step].act else {
            return;
        };
        // The run a guide acts on is the one its settings start, before its first event.
        let steps = self.edit.path_steps;
        let time = self.time;
        let shown = match act {
            GuideAct::Play => return self.apply_one(Action::Play),
            GuideAct::ShowCurves {
                recent_only,
                overlay,
                smoothing,
            } => {
                let curves = CurveView {
                    recent_only,
                    overlay,
                    smoothing,
                    follow_data: true,
                };
                return self.apply_one(Action::SetCurveView(curves));
            }
            GuideAct::ShowStep { step, paths } => TimeView {
                on: true,
                step: step.min(steps),
                playing: false,
                paths,
                replay: None,
                ..time
            },
            GuideAct::ShowDrifts { step } => TimeView {
                on: true,
                step: step.min(steps),
                playing: false,
                drift: true,
                replay: None,
                ..time
            },
            GuideAct::ShowCoordinateOverSteps { coordinate } => {
                self.apply_one(Action::SetPlotChoice(PlotChoice {
                    marginal: coordinate.saturating_sub(1),
                    ..self.plot
                }));
                TimeView {
                    on: true,
                    strip: true,
                    replay: None,
                    ..time
                }
            }
            GuideAct::Replay { step } => TimeView {
                on: false,
                playing: false,
                replay: Some(step),
                ..time
            },
        };
        self.apply_one(Action::SetTimeView(shown));
    }
}
