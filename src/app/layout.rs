//! The window's layout: the top bar, the side panel, the lesson card and the plots, and the
//! keyboard's zoom shortcuts.

use super::*;

impl LabApp {
    /// Draws the whole lab and applies what the user did.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        self.poll();
        let mut actions = zoom_shortcuts(ui.ctx(), self.display.zoom);
        actions.extend(presentation_keys(ui.ctx(), self.presentation));
        let presenting = self.presentation.on;
        if ui.ctx().zoom_factor() != self.display.zoom {
            ui.ctx().set_zoom_factor(self.display.zoom);
        }
        self.thumbnails.poll(ui.ctx());
        egui::Panel::top("controls").show(ui, |ui| ui::controls(ui, self, &mut actions));
        if !presenting {
            egui::Panel::left("settings")
                .resizable(true)
                .default_size(330.0)
                .show(ui, |ui| ui::side(ui, self, &mut actions));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            ui::guide_card(ui, self, &mut actions);
            let dim = self.run().target.as_ref().map_or(1, |t| t.dim);
            if !presenting {
                ui::plot_choice(ui, self.plot, dim, &mut actions);
                ui::curve_view(ui, self.curves, self.is_comparing(), &mut actions);
            }
            let sizes = (self.bridge_steps(), self.run().step(), dim);
            if !presenting || self.time.on {
                ui::time_view(ui, self.time, sizes, self.is_drawing(), &mut actions);
            }
            let on_plots = ui::PlotInput {
                curves: self.curves,
                time: self.time,
                path_steps: self.bridge_steps(),
                drawing: self.is_drawing().then(|| self.edit.target.components.clone()),
                presentation: self.presentation,
                bring_into_view: self.bring_into_view,
                panels: presenting.then(|| match self.presentation.full {
                    Some(kind) => vec![kind],
                    None => choices::presentation::key_panels(&self.origin.guide, self.guide_step),
                }),
            };
            self.shown_bounds = ui::plots(ui, self.current_figure(), &on_plots, &mut actions);
            // A panel a card asked for may appear a few frames later, once its data has come.
            if let Some(kind) = self.bring_into_view
                && self.shown_bounds.iter().any(|(_, shown)| shown.kind == kind)
            {
                self.bring_into_view = None;
            }
        });
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        // A dropped checkpoint resumes; anything else is read as a preset.
        actions.extend(dropped.into_iter().map(|path| {
            if path.extension().is_some_and(|e| e == "json") {
                Action::ResumeCheckpoint(path)
            } else {
                Action::OpenPreset(path)
            }
        }));
        self.expire_notice(ui.ctx());
        if self.time.playing {
            if self.last_tick.elapsed() >= choices::time_view::PLAY_TICK {
                actions.push(Action::SetTimeView(self.time.ticked(self.bridge_steps())));
            }
            ui.ctx().request_repaint_after(choices::time_view::PLAY_TICK);
        }
        for a in actions {
            self.apply(a);
        }
        self.frames.record_ui(started.elapsed());
    }
}

impl LabApp {
    /// A notice goes [`NOTICE_LIFETIME`] after it first showed; a new one starts its own time.
    fn expire_notice(&mut self, ctx: &egui::Context) {
        if self.notice != self.notice_seen.0 {
            self.notice_seen = (self.notice.clone(), Instant::now());
        } else if self.notice.is_some() && self.notice_seen.1.elapsed() >= NOTICE_LIFETIME {
            self.notice = None;
            self.notice_seen.0 = None;
        }
        if self.notice.is_some() {
            ctx.request_repaint_after(NOTICE_LIFETIME);
        }
    }
}

/// F5 starts and ends presentation mode; Escape brings a full-screen panel back among the
/// others, then ends it.
fn presentation_keys(ctx: &egui::Context, now: Presentation) -> Option<Action> {
    let (f5, escape) = ctx.input(|i| (i.key_pressed(egui::Key::F5), i.key_pressed(egui::Key::Escape)));
    if f5 {
        Some(Action::SetPresentation(now.toggled()))
    } else if escape && now.on {
        Some(Action::SetPresentation(now.escaped()))
    } else {
        None
    }
}

/// Ctrl + (or Ctrl =), Ctrl − and Ctrl 0 as zoom actions; egui's own handling of these keys is
/// switched off, so that they go through [`Action::SetZoom`] and are remembered.
fn zoom_shortcuts(ctx: &egui::Context, zoom: f32) -> Vec<Action> {
    use egui::{Key, KeyboardShortcut, Modifiers};
    ctx.options_mut(|o| o.zoom_with_keyboard = false);
    let pressed =
        |key| ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, key)));
    let mut actions = Vec::new();
    if pressed(Key::Plus) || pressed(Key::Equals) {
        actions.push(Action::SetZoom(zoom * choices::display::ZOOM_STEP));
    }
    if pressed(Key::Minus) {
        actions.push(Action::SetZoom(zoom / choices::display::ZOOM_STEP));
    }
    if pressed(Key::Num0) {
        actions.push(Action::SetZoom(1.0));
    }
    actions
}
