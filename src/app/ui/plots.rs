//! Draws the figure's panels with egui_plot: a grid for one run, a row per panel with one
//! column per run when comparing, the same panel of both runs on linked axes.

use egui_plot::{
    Arrows, AxisHints, Bar, BarChart, Legend, Line, Plot, PlotImage, PlotPoint, PlotPoints, PlotTransform,
    Points, VLine,
};

use crate::app::Action;
use crate::app::choices::curve_view::CurveView;
use crate::app::choices::presentation::Presentation;
use crate::app::choices::time_view::TimeView;
use crate::app::drawing::{DrawingEdit, WIDTH_STEP, component_at};
use crate::app::figure::{Figure, MARKER_COLOR, Mark, Panel, PanelKind, whole_tick};
use crate::app::ui::heat_texture;
use crate::protocol::{Component, RunId};

/// Panels per row when a single run is shown: three, four once the time axis adds its panels.
fn single_run_columns(panels: usize) -> usize {
    if panels > 9 { 4 } else { 3 }
}

fn color(c: [u8; 3]) -> egui::Color32 {
    egui::Color32::from_rgb(c[0], c[1], c[2])
}

/// Height of a panel's title line and the gaps around it.
const TITLE_HEIGHT: f32 = 26.0;
/// Plots are never drawn lower than this.
const MIN_PLOT_HEIGHT: f32 = 150.0;
/// Presenting, where every key panel should fit on the screen, plots may be this low.
const MIN_PRESENTED_HEIGHT: f32 = 100.0;

/// The id of a plot: its place and its run, so that a new run starts with axes fitted to its
/// own data instead of the pan and zoom of the last one.
pub fn plot_id(column: usize, index: usize, run: Option<RunId>) -> egui::Id {
    egui::Id::unique(("plot", column, index, run))
}

/// Where a plot was drawn: the box of data it shows and the screen rectangle that box fills.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShownPlot {
    pub kind: PanelKind,
    pub bounds: ((f64, f64), (f64, f64)),
    pub frame: egui::Rect,
}

impl ShownPlot {
    /// The screen position of the data point `p`.
    pub fn position_of(&self, p: [f64; 2]) -> egui::Pos2 {
        let ((x0, x1), (y0, y1)) = self.bounds;
        let f = self.frame;
        egui::pos2(
            f.left() + ((p[0] - x0) / (x1 - x0)) as f32 * f.width(),
            f.bottom() - ((p[1] - y0) / (y1 - y0)) as f32 * f.height(),
        )
    }
}

/// Each plot of the last frame, by (column, panel): what an export draws when the axes are
/// held.
pub type ShownBounds = Vec<((usize, usize), ShownPlot)>;

/// What the plots need beyond the figure to turn clicks into actions.
pub struct PlotInput {
    pub curves: CurveView,
    pub time: TimeView,
    /// Steps N of the first run's bridge.
    pub path_steps: usize,
    /// The drawn target's components while the sample plot draws it.
    pub drawing: Option<Vec<Component>>,
    pub presentation: Presentation,
    /// Only these panels (where the figure has any of them), sized to fill the plot area.
    pub panels: Option<Vec<PanelKind>>,
    /// Scroll the plot area to show this panel.
    pub bring_into_view: Option<PanelKind>,
}

/// The panels of a column that are shown: those `only` names where it names any the column has.
fn shown_panels<'a>(panels: &'a [Panel], only: Option<&[PanelKind]>) -> Vec<(usize, &'a Panel)> {
    let all: Vec<(usize, &Panel)> = panels.iter().enumerate().collect();
    let Some(only) = only else { return all };
    let some: Vec<(usize, &Panel)> = all
        .iter()
        .copied()
        .filter(|(_, p)| only.contains(&p.kind))
        .collect();
    if some.is_empty() { all } else { some }
}

/// A plot's height when `rows` rows of presented panels share the plot area, with their
/// titles and the gaps between rows.
fn presented_height(ui: &egui::Ui, rows: usize) -> f32 {
    let gap = 2.0 * ui.spacing().item_spacing.y;
    (ui.available_height() / rows.max(1) as f32 - TITLE_HEIGHT - gap).max(MIN_PRESENTED_HEIGHT)
}

/// Panels per row when presenting `n` of one run: one row up to three, then two rows.
fn presented_columns(n: usize) -> usize {
    match n {
        0..=3 => n.max(1),
        4 => 2,
        _ => n.div_ceil(2),
    }
}

/// A pointer within this many points of a component's centre picks it.
const PICK_RADIUS: f32 = 14.0;

pub fn plots(
    ui: &mut egui::Ui,
    figure: &Figure,
    input: &PlotInput,
    actions: &mut Vec<Action>,
) -> ShownBounds {
    let curves = input.curves;
    let mut shown = ShownBounds::new();
    let comparing = figure.columns.len() > 1;
    let runs: Vec<Option<RunId>> = figure.columns.iter().map(|c| c.run).collect();
    let wheel_edits = input.drawing.is_some() && ui.data(|d| d.get_temp(wheel_edits_id()).unwrap_or(false));
    let source = egui::scroll_area::ScrollSource {
        mouse_wheel: !wheel_edits,
        ..Default::default()
    };
    egui::ScrollArea::vertical().scroll_source(source).show(ui, |ui| {
        let only = input.panels.as_deref();
        if comparing {
            let width = ui.available_width() / figure.columns.len() as f32;
            ui.columns(figure.columns.len(), |cols| {
                for (ui, column) in cols.iter_mut().zip(&figure.columns) {
                    ui.strong(&column.title);
                }
            });
            let shown_columns: Vec<Vec<(usize, &Panel)>> = figure
                .columns
                .iter()
                .map(|c| shown_panels(&c.panels, only))
                .collect();
            let rows = shown_columns.iter().map(Vec::len).max().unwrap_or(0);
            // Presenting, the rows share the plot area's height.
            let fill = only.map(|_| presented_height(ui, rows));
            for row in 0..rows {
                ui.columns(figure.columns.len(), |cols| {
                    for (c, (ui, column)) in cols.iter_mut().zip(&figure.columns).enumerate() {
                        if let Some(&(i, panel)) = shown_columns[c].get(row) {
                            // Square sample plots; the curves need less height.
                            let height = match fill {
                                Some(h) => h,
                                None if panel.equal_aspect => (width - 20.0).min(460.0),
                                None => 220.0,
                            };
                            let drawing = input.drawing.as_deref().filter(|_| c == 0);
                            let id = plot_id(c, i, run_of_plot(panel, column.run, drawing));
                            let h = height.max(MIN_PLOT_HEIGHT);
                            let b =
                                draw_panel(ui, panel, id, curves, Some(&runs), h, drawing, input, actions);
                            shown.push(((c, i), b));
                        }
                    }
                });
            }
        } else if let Some(column) = figure.columns.first() {
            let panels = shown_panels(&column.panels, only);
            let per_row = match only {
                Some(_) => presented_columns(panels.len()),
                None => single_run_columns(panels.len()),
            };
            let rows = panels.len().div_ceil(per_row).max(1);
            let height = match only {
                Some(_) => presented_height(ui, rows),
                None => (ui.available_height() / rows as f32 - TITLE_HEIGHT).max(MIN_PLOT_HEIGHT),
            };
            for row in panels.chunks(per_row) {
                ui.columns(per_row, |cols| {
                    for (ui, &(index, panel)) in cols.iter_mut().zip(row) {
                        let drawing = input.drawing.as_deref();
                        let id = plot_id(0, index, run_of_plot(panel, column.run, drawing));
                        let b = draw_panel(ui, panel, id, curves, None, height, drawing, input, actions);
                        shown.push(((0, index), b));
                    }
                });
            }
        }
    });
    shown
}

/// The run a plot's id names: its own, so that a new run is a new, fitted plot; none for the
/// sample plot while it draws the target, since every edit starts a new run and the plot
/// being dragged on must stay the same plot.
fn run_of_plot(panel: &Panel, run: Option<RunId>, drawing: Option<&[Component]>) -> Option<RunId> {
    if drawing.is_some() && panel.kind == PanelKind::Samples {
        None
    } else {
        run
    }
}

/// Draws one panel; `linked` holds the runs of a comparison, whose panels of one kind share a
/// cursor and, held still, their axes (a new run starts a new link). A click on a panel over
/// the bridge's steps shows that step; with `drawing`, the sample plot edits the drawn target.
#[allow(clippy::too_many_arguments)]
fn draw_panel(
    ui: &mut egui::Ui,
    panel: &Panel,
    id: egui::Id,
    curves: CurveView,
    linked: Option<&[Option<RunId>]>,
    height: f32,
    drawing: Option<&[Component]>,
    input: &PlotInput,
    actions: &mut Vec<Action>,
) -> ShownPlot {
    ui.label(&panel.title);
    let drawing = drawing.filter(|_| panel.kind == PanelKind::Samples);
    // The wheel scrolls the page; with Alt held it pans the plot, with Ctrl it zooms.
    let pan = ui.input(|i| i.modifiers.alt);
    let presenting = input.presentation.on;
    // Presenting, a double-click fills the screen with the plot instead of refitting it.
    let plot = Plot::new(id)
        .id(id)
        .height(height)
        .allow_scroll(pan)
        .allow_double_click_reset(!presenting);
    let mut width = ui.available_width();
    if panel.background.is_some() {
        // The colour bar stands to the right of the plot, clear of the data and the legend.
        width = (width - COLOR_BAR_ROOM).max(MIN_PLOT_HEIGHT);
    }
    let mut plot = plot
        .x_axis_label(panel.x_label.as_str())
        .y_axis_label(panel.y_label.as_str());
    // While drawing, the legend would sit on the canvas and take its clicks.
    if drawing.is_none() {
        plot = plot.legend(Legend::default().follow_insertion_order(true));
    }
    if panel.whole_x {
        // Short whole numbers fit closer together than egui's default spacing, which left a
        // fresh run's step axis with the single label 0.
        plot = plot.custom_x_axes(vec![
            AxisHints::new_x()
                .label(panel.x_label.as_str())
                .formatter(|mark, _| whole_tick(mark.value))
                .label_spacing(28.0..=40.0),
        ]);
    }
    if panel.equal_aspect {
        plot = plot.data_aspect(1.0);
    }
    let canvas = panel.x_range.zip(panel.y_range).filter(|_| drawing.is_some());
    if let Some(canvas) = canvas {
        let ((x0, x1), (y0, y1)) = whole_canvas(canvas, width, height);
        // The canvas holds still while drawing: drags move components and the right button
        // removes them, instead of panning and zooming, and the axes do not follow the samples.
        plot = plot
            .allow_drag(false)
            .allow_boxed_zoom(false)
            .default_x_bounds(x0, x1)
            .default_y_bounds(y0, y1)
            .reset();
    } else {
        if let Some((lo, hi)) = panel.x_range {
            plot = plot.include_x(lo).include_x(hi);
        }
        if let Some((lo, hi)) = panel.y_range {
            plot = plot.include_y(lo).include_y(hi);
        }
        plot = if curves.follow_data {
            plot.reset()
        } else {
            plot.auto_bounds(false)
        };
    }
    if let Some(runs) = linked {
        plot = plot.link_cursor(egui::Id::unique(("linked-cursor", panel.kind)), [true, true]);
        // Following the data, both already span the same union; held still, they pan together.
        if !curves.follow_data {
            plot = plot.link_axis(egui::Id::unique(("linked-axes", panel.kind, runs)), [true, true]);
        }
    }
    let background = panel
        .background
        .as_ref()
        .map(|h| (h, heat_texture::texture(ui.ctx(), h)));
    // Not justified: a shaded plot keeps the room right of it for its colour bar.
    let layout = egui::Layout::top_down(egui::Align::Min);
    let response = ui
        .with_layout(layout, |ui| {
            plot.width(width).show(ui, |p| {
                if let Some((heat, texture)) = &background {
                    let centre = PlotPoint::new((heat.x.0 + heat.x.1) / 2.0, (heat.y.0 + heat.y.1) / 2.0);
                    let size = [(heat.x.1 - heat.x.0) as f32, (heat.y.1 - heat.y.0) as f32];
                    p.image(PlotImage::new(heat.name.as_str(), texture.id(), centre, size));
                }
                for (x, what) in &panel.markers {
                    p.vline(
                        VLine::new(what.as_str(), *x)
                            .color(color(MARKER_COLOR))
                            .style(egui_plot::LineStyle::dashed_loose()),
                    );
                }
                for s in &panel.series {
                    let points: Vec<[f64; 2]> = s.points.clone();
                    match s.mark {
                        Mark::Line => {
                            p.line(Line::new(s.name.as_str(), PlotPoints::from(points)).color(color(s.color)))
                        }
                        Mark::Points(r) => p.points(
                            Points::new(s.name.as_str(), points)
                                .radius(r)
                                .color(color(s.color)),
                        ),
                        Mark::Bars => {
                            let bars = points.iter().map(|q| Bar::new(q[0], q[1])).collect();
                            p.bar_chart(BarChart::new(s.name.as_str(), bars).color(color(s.color)));
                        }
                        Mark::Arrows => {
                            let origins: Vec<[f64; 2]> = points.iter().step_by(2).copied().collect();
                            let tips: Vec<[f64; 2]> = points.iter().skip(1).step_by(2).copied().collect();
                            p.arrows(
                                Arrows::new(s.name.as_str(), origins, tips)
                                    .tip_length(6.0)
                                    .color(color(s.color)),
                            );
                        }
                    }
                }
                if let Some(components) = drawing {
                    draw_components(p, components);
                }
            })
        })
        .inner;
    if let Some(heat) = &panel.background {
        color_bar(ui, *response.transform.frame(), heat);
    }
    if presenting && double_clicked(ui, &response.response, id) {
        let full = match input.presentation.full {
            Some(_) => None,
            None => Some(panel.kind),
        };
        actions.push(Action::SetPresentation(Presentation {
            full,
            ..input.presentation
        }));
    }
    let steps_panel = matches!(panel.kind, PanelKind::StepWeights | PanelKind::Strip);
    if steps_panel && input.time.on && response.response.clicked() {
        show_clicked_step(&response.response, &response.transform, input, actions);
    }
    if let Some(components) = drawing {
        edit_drawing(
            ui,
            &response.response,
            &response.transform,
            id,
            components,
            actions,
        );
    }
    let b = response.transform.bounds();
    if input.bring_into_view == Some(panel.kind) {
        // The plot with its title, moved no further than it takes to show it.
        let with_title = response
            .response
            .rect
            .expand2(egui::vec2(0.0, TITLE_HEIGHT / 2.0))
            .translate(egui::vec2(0.0, -TITLE_HEIGHT / 2.0));
        ui.scroll_to_rect(with_title, None);
    }
    ShownPlot {
        kind: panel.kind,
        bounds: ((b.min()[0], b.max()[0]), (b.min()[1], b.max()[1])),
        frame: *response.transform.frame(),
    }
}

/// Two clicks on one plot within egui's double-click time. egui's own flag is not set on a
/// plot, which senses drags too, so the lab times the clicks itself.
fn double_clicked(ui: &egui::Ui, response: &egui::Response, id: egui::Id) -> bool {
    if !response.clicked() {
        return false;
    }
    let now = ui.input(|i| i.time);
    let within = ui.ctx().options(|o| o.input_options.max_double_click_delay);
    let key = id.with("last click");
    let before: Option<f64> = ui.data_mut(|d| {
        let before = d.get_temp(key);
        d.insert_temp(key, now);
        before
    });
    before.is_some_and(|t| now - t < within)
}

/// Width kept right of a shaded plot for its colour bar and the values at its ends.
const COLOR_BAR_ROOM: f32 = 62.0;

/// The colour bar of a shaded panel, right of its plot: its colours from the low value at the
/// bottom to the high one at the top, the values beside its ends (what the shade measures is
/// the legend's first entry, as in the export, where the bar names it).
fn color_bar(ui: &egui::Ui, frame: egui::Rect, heat: &crate::app::figure::heat::Heat) {
    let bar = heat.color_bar(32);
    let painter = ui.painter();
    let font = egui::FontId::proportional(11.0);
    let text = ui.visuals().text_color();
    let (bw, bh) = (10.0, frame.height() * 0.6);
    let left = frame.right() + 8.0;
    let rect = egui::Rect::from_min_size(egui::pos2(left, frame.bottom() - bh), egui::vec2(bw, bh));
    let n = bar.colors.len();
    for (i, c) in bar.colors.iter().enumerate() {
        let (y1, y0) = (
            rect.bottom() - i as f32 * bh / n as f32,
            rect.bottom() - (i + 1) as f32 * bh / n as f32,
        );
        let cell = egui::Rect::from_min_max(egui::pos2(rect.left(), y0), egui::pos2(rect.right(), y1));
        painter.rect_filled(cell, 0.0, color(*c));
    }
    painter.rect_stroke(rect, 0.0, (1.0, text), egui::StrokeKind::Outside);
    let at = rect.right() + 4.0;
    painter.text(
        egui::pos2(at, rect.top()),
        egui::Align2::LEFT_TOP,
        &bar.high,
        font.clone(),
        text,
    );
    painter.text(
        egui::pos2(at, rect.bottom()),
        egui::Align2::LEFT_BOTTOM,
        &bar.low,
        font,
        text,
    );
}

/// Room the axes take from a plot's width and height, roughly.
const AXIS_ROOM: f32 = 40.0;

/// The box, centred on `canvas`, that holds all of it in a plot of about this size at one unit
/// per unit on both axes: wider or taller than the canvas where the plot is.
fn whole_canvas(canvas: ((f64, f64), (f64, f64)), width: f32, height: f32) -> ((f64, f64), (f64, f64)) {
    let ((x0, x1), (y0, y1)) = canvas;
    let aspect = ((width - AXIS_ROOM).max(1.0) / (height - AXIS_ROOM).max(1.0)) as f64;
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let (mut hx, mut hy) = ((x1 - x0) / 2.0, (y1 - y0) / 2.0);
    if hx < hy * aspect {
        hx = hy * aspect;
    } else {
        hy = hx / aspect;
    }
    ((cx - hx, cx + hx), (cy - hy, cy + hy))
}

/// A click at step x of a panel over the bridge's steps shows that step.
fn show_clicked_step(
    response: &egui::Response,
    at: &PlotTransform,
    input: &PlotInput,
    actions: &mut Vec<Action>,
) {
    let Some(pos) = response.interact_pointer_pos() else {
        return;
    };
    let step = at
        .value_from_position(pos)
        .x
        .round()
        .clamp(0.0, input.path_steps as f64) as usize;
    actions.push(Action::SetTimeView(TimeView {
        step,
        playing: false,
        ..input.time
    }));
}

/// Each component of the drawing: a circle at one standard deviation and a handle at its
/// centre, labelled with its weight.
fn draw_components(p: &mut egui_plot::PlotUi, components: &[Component]) {
    let total: f64 = components.iter().map(|c| c.weight).sum();
    let ring = egui::Color32::from_rgb(250, 250, 250);
    for c in components {
        let circle: Vec<[f64; 2]> = (0..=48)
            .map(|k| {
                let a = k as f64 / 48.0 * std::f64::consts::TAU;
                [c.mean[0] + c.std * a.cos(), c.mean[1] + c.std * a.sin()]
            })
            .collect();
        p.line(Line::new("drawn components (1 std)", PlotPoints::from(circle)).color(ring));
        p.text(
            egui_plot::Text::new(
                "weights",
                PlotPoint::new(c.mean[0], c.mean[1] + c.std),
                format!("{:.0} %", 100.0 * c.weight / total),
            )
            .color(ring)
            .anchor(egui::Align2::CENTER_BOTTOM),
        );
    }
    let centres: Vec<[f64; 2]> = components.iter().map(|c| c.mean).collect();
    p.points(
        Points::new("drawn components (1 std)", centres)
            .radius(5.0)
            .color(ring),
    );
}

/// Turns the pointer on the sample plot into edits of the drawn target: a click on empty
/// ground adds a component, a drag from a centre moves it, the wheel over it changes its
/// width (with Shift held, its weight) and a right-click removes it.
fn edit_drawing(
    ui: &mut egui::Ui,
    response: &egui::Response,
    at: &PlotTransform,
    id: egui::Id,
    components: &[Component],
    actions: &mut Vec<Action>,
) {
    let value = |pos: egui::Pos2| {
        let v = at.value_from_position(pos);
        [v.x, v.y]
    };
    // The pick radius in plot units along each axis.
    let (dx, dy) = (at.dvalue_dpos()[0].abs(), at.dvalue_dpos()[1].abs());
    let radius = [dx * PICK_RADIUS as f64, dy * PICK_RADIUS as f64];
    let picked = |pos| component_at(components, value(pos), radius);
    let drag_id = id.with("dragged-component");
    // A drag picks the component under the point where the button went down, not where the
    // pointer is once the drag is recognised.
    if response.drag_started()
        && let Some(pos) = ui.input(|i| i.pointer.press_origin())
    {
        let index = picked(pos);
        ui.data_mut(|d| d.insert_temp(drag_id, index));
    }
    let dragged: Option<usize> = ui.data(|d| d.get_temp(drag_id)).flatten();
    if let Some(index) = dragged
        && response.dragged()
        && response.drag_delta() != egui::Vec2::ZERO
        && let Some(pos) = response.interact_pointer_pos()
    {
        actions.push(Action::EditDrawing(DrawingEdit::Move {
            index,
            to: value(pos),
        }));
    }
    if response.drag_stopped() {
        ui.data_mut(|d| d.remove::<Option<usize>>(drag_id));
    }
    if response.clicked()
        && let Some(pos) = response.interact_pointer_pos()
        && picked(pos).is_none()
    {
        actions.push(Action::EditDrawing(DrawingEdit::Add(value(pos))));
    }
    if response.secondary_clicked()
        && let Some(index) = response.interact_pointer_pos().and_then(picked)
    {
        actions.push(Action::EditDrawing(DrawingEdit::Remove(index)));
    }
    let hovered = response.hover_pos().and_then(picked);
    // Over a component the wheel widens it instead of scrolling the page, from the next frame
    // on (the page reads this before the plots are drawn).
    ui.data_mut(|d| d.insert_temp(wheel_edits_id(), hovered.is_some()));
    if let Some(index) = hovered {
        // Some platforms turn a shifted wheel sideways: either axis counts a notch.
        let (notches, shift): (f32, bool) = ui.input(|i| {
            let notches = i
                .events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::MouseWheel { delta, .. } => Some((delta.y + delta.x).signum()),
                    _ => None,
                })
                .sum();
            (notches, i.modifiers.shift)
        });
        let factor = WIDTH_STEP.powf(notches as f64);
        if notches != 0.0 && shift {
            let weight = components[index].weight * factor;
            actions.push(Action::EditDrawing(DrawingEdit::SetWeight { index, weight }));
        } else if notches != 0.0 {
            actions.push(Action::EditDrawing(DrawingEdit::Widen { index, factor }));
        }
    }
}

/// Where the sample plot notes that the wheel is editing the drawing.
fn wheel_edits_id() -> egui::Id {
    egui::Id::unique("wheel-edits-drawing")
}
