//! The lab driven through its widgets, headless (egui_kittest, no rendering): a module per
//! part of the window, the harness and its helpers here.

use crate::common;
use crate::common::scratch;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bridgelab::app::choices::curve_view::CurveView;
use bridgelab::app::choices::side_tab::SideTab;
use bridgelab::app::figure::{Panel, PanelKind};
use bridgelab::app::{Action, LabApp};
use bridgelab::protocol::{LossKind, TargetKind, Variation};
use bridgelab::runtime::run_store::Status;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod compare;
mod controls;
mod drawing;
mod exports;
mod files;
mod lessons;
mod plots;
mod presentation;
mod settings;
mod time_axis;

pub fn app() -> LabApp {
    LabApp::new(common::tiny_run(), Arc::new(|| {})).unwrap()
}

/// Steps the UI until `done` holds for the app, failing after a generous timeout.
pub fn wait(h: &mut Harness<'_, LabApp>, what: &str, done: impl Fn(&LabApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
}

/// The lab on its settings tab (it opens on the lessons).
pub fn harness_for(mut app: LabApp, height: f32) -> Harness<'static, LabApp> {
    app.apply(Action::ShowSide(SideTab::Settings));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, height))
        .build_ui_state(|ui, app: &mut LabApp| app.ui(ui), app);
    wait(&mut h, "the first run", |a| {
        a.runs().iter().all(|v| v.run.is_some() && v.snapshot.is_some())
    });
    h
}

pub fn harness() -> Harness<'static, LabApp> {
    harness_for(app(), 900.0)
}

pub fn panel(figure: &bridgelab::app::figure::Figure, column: usize, kind: PanelKind) -> Panel {
    figure.columns[column]
        .panels
        .iter()
        .find(|p| p.kind == kind)
        .cloned()
        .unwrap_or_else(|| panic!("no {kind:?} panel"))
}

/// Turns the mouse wheel over the plot below the title at `title`, with `modifiers` held.
pub fn wheel_below(
    h: &mut Harness<'_, LabApp>,
    title: impl Fn(&Harness<'_, LabApp>) -> egui::Rect,
    modifiers: egui::Modifiers,
) {
    let at = title(h).center_bottom() + egui::vec2(0.0, 60.0);
    h.event(egui::Event::PointerMoved(at));
    h.event(egui::Event::ModifiersChanged(modifiers));
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, -120.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers,
    });
    h.step();
    h.step();
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    h.step();
}

/// The title of run 1's marginal plot (run 2's has the same text).
pub fn first_marginal_title<'h>(h: &'h Harness<'_, LabApp>) -> egui_kittest::Node<'h> {
    h.get_all_by_label("Marginal density of x1")
        .min_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .expect("a marginal plot")
}

/// A press and release of `button` at `pos`, a frame apart.
pub fn click_at(h: &mut Harness<'_, LabApp>, pos: egui::Pos2, button: egui::PointerButton) {
    h.hover_at(pos);
    h.step();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
    }
}

/// Where the data point `p` of the first column's panel of `kind` is on screen.
pub fn screen_point(h: &mut Harness<'_, LabApp>, kind: PanelKind, p: [f64; 2]) -> egui::Pos2 {
    h.step();
    h.state_mut()
        .shown_plot(0, kind)
        .unwrap_or_else(|| panic!("no {kind:?} plot on screen"))
        .position_of(p)
}
