//! Applying the user's actions: every button, shortcut and test sends an [`Action`]; this is
//! where each one changes the lab's state or becomes a command to the workers.

use super::*;

impl LabApp {
    /// What the workers should add to their snapshots: paths while the time axis is shown,
    /// with the density over the steps of the marginal plot's coordinate and the drift fields
    /// while their panels are.
    pub(super) fn watched_paths(&self) -> Option<PathRequest> {
        self.time.on.then(|| PathRequest {
            count: choices::time_view::PATH_COUNT,
            strip: self.time.strip.then_some(self.plot.marginal),
            drift: self.time.drift,
        })
    }

    /// Tells the workers when what they should send has changed.
    pub(super) fn sync_watch(&mut self) {
        let wanted = self.watched_paths();
        if wanted != self.sent_watch {
            self.sent_watch = wanted;
            self.broadcast(Command::WatchPaths(wanted));
        }
    }

    pub(super) fn broadcast(&mut self, command: Command) {
        for pane in &mut self.panes {
            pane.send(command.clone());
        }
    }

    /// Makes the second run match `edit.compare`: started, restarted or removed.
    pub(super) fn sync_second_run(&mut self) {
        match self.edit.compared() {
            None => self.panes.truncate(1),
            Some(second) if self.panes.len() > 1 => self.panes[1].restart(second),
            Some(second) => match RunPane::spawn(second, self.wake.clone()) {
                Ok(mut pane) => {
                    pane.send(Command::SetSnapshotEvery(self.snapshot_every));
                    pane.send(Command::SetPace(self.pace));
                    pane.send(Command::WatchPaths(self.watched_paths()));
                    if self.panes[0].view.status == Status::Running {
                        pane.send(Command::Play);
                    }
                    self.panes.push(pane);
                }
                Err(e) => self.notice = Some(format!("cannot start the second run: {e}")),
            },
        }
    }

    pub fn apply(&mut self, action: Action) {
        self.apply_one(action);
        self.sync_watch();
    }

    pub(super) fn apply_one(&mut self, action: Action) {
        match action {
            Action::Play => self.broadcast(Command::Play),
            Action::Pause => self.broadcast(Command::Pause),
            Action::Step(n) => self.broadcast(Command::Step(n)),
            Action::SetStepCount(n) => self.step_count = n.max(1),
            Action::SetTrainTo(k) => self.train_to = k.max(1),
            Action::TrainTo(k) => {
                for pane in &mut self.panes {
                    let left = k.saturating_sub(pane.view.step());
                    if left > 0 {
                        pane.send(Command::Step(left));
                    }
                }
            }
            Action::SetPace(pace) => {
                self.pace = pace.filter(|p| *p > 0);
                self.broadcast(Command::SetPace(self.pace));
            }
            Action::SetPlotChoice(choice) => self.plot = choice,
            Action::SetCurveView(curves) => self.curves = curves,
            Action::SetTimeView(time) => {
                self.time = time;
                self.last_tick = Instant::now();
            }
            Action::ShowSide(tab) => self.side = tab,
            Action::SetZoom(zoom) => {
                self.display = Display { zoom }.clamped();
                if let Some(path) = &self.display_file
                    && let Err(e) = self.display.save(path)
                {
                    self.notice = Some(format!("the zoom is not remembered: {e}"));
                }
            }
            Action::SetExportOptions(options) => self.export_options = options,
            Action::Reset => self.broadcast(Command::Reset),
            Action::Reseed => {
                self.edit.seed = self.edit.seed.wrapping_add(1);
                self.broadcast(Command::Reseed(self.edit.seed));
            }
            Action::Evaluate => self.broadcast(Command::Evaluate),
            Action::EvaluateFully => self.broadcast(Command::EvaluateFully),
            Action::Restart(preset) => {
                self.edit = *preset;
                // The coordinates follow the target: a choice beyond a smaller one starts over.
                self.plot = self.plot.within(self.edit.target.dim);
                self.panes[0].restart(self.edit.clone());
                self.sync_second_run();
            }
            Action::LoadPreset(preset) => {
                self.origin = (*preset).clone();
                self.apply_one(Action::Restart(preset));
                self.clean_view();
                self.show_guide_step(0);
            }
            Action::ResetToPreset => self.apply(Action::Restart(Box::new(self.origin.clone()))),
            Action::SetCompare(variation) => {
                // Only the second run starts (or starts over, or goes): the first keeps what
                // it has trained, so a teacher can add a comparison to a run in progress.
                self.edit.compare = variation;
                self.sync_second_run();
            }
            Action::SetLearningRates(lr) => {
                self.edit.lr = lr;
                self.panes[0].send(Command::SetLearningRates(lr));
                let own = self.edit.compare.as_ref().and_then(|v| v.lr);
                if let Some(second) = self.panes.get_mut(1) {
                    second.send(Command::SetLearningRates(own.unwrap_or(lr)));
                }
            }
            Action::SetSnapshotEvery(n) => {
                self.snapshot_every = n.max(1);
                self.broadcast(Command::SetSnapshotEvery(self.snapshot_every));
            }
            Action::OpenPreset(path) => self.open_preset(&path),
            Action::SavePreset(path) => self.save_preset(&path),
            Action::SetDataDir(dir) => self.use_data_dir(dir),
            Action::SaveCheckpoint(path) => self.save_checkpoint(&path),
            Action::ResumeCheckpoint(path) => self.resume_checkpoint(&path),
            Action::ExportSamples => self.export_samples(),
            Action::ExportFigure => self.export_figure(),
            Action::SetDrawing(on) => {
                if on && self.edit.target.kind != TargetKind::Custom {
                    let mut p = self.edit.clone();
                    p.suit_target(TargetKind::Custom, 2);
                    self.apply_one(Action::Restart(Box::new(p)));
                }
                self.drawing = on;
            }
            Action::EditDrawing(change) => {
                if self.edit.target.kind != TargetKind::Custom {
                    self.notice = Some("only a drawn target can be edited on the plot".into());
                    return;
                }
                let mut p = self.edit.clone();
                match drawing::apply(&mut p.target.components, change) {
                    Ok(()) => self.apply_one(Action::Restart(Box::new(p))),
                    Err(why) => self.notice = Some(why),
                }
            }
            Action::ShowGuideStep(i) => self.show_guide_step(i),
            Action::ShowAnswer(open) => self.answer_open = open,
            Action::SetPresentation(p) => self.presentation = p,
        }
    }

    /// What a preset from the gallery (a lesson above all) starts from, whatever the last one
    /// left: the time axis off with its slider at the end, no replay, curves drawn as they come,
    /// no drawing, no answer open and no message from before.
    fn clean_view(&mut self) {
        self.time = TimeView {
            step: self.edit.path_steps,
            ..TimeView::default()
        };
        self.last_tick = Instant::now();
        self.curves = CurveView::default();
        self.drawing = false;
        self.answer_open = false;
        self.notice = None;
    }

    /// Takes in whatever the workers sent since the last frame.
    pub fn poll(&mut self) {
        for pane in &mut self.panes {
            pane.poll();
        }
    }
}
