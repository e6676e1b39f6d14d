//! Draws the figure's panels with egui_plot: a grid for one run, a row per panel with one
//! column per run when comparing, the same panel of both runs on linked axes.

use egui_plot::{
    AxisHints, Bar, BarChart, Legend, Line, Plot, PlotImage, PlotPoint, PlotPoints, Points, VLine,
};

use crate::app::curve_view::CurveView;
use crate::app::figure::{Figure, MARKER_COLOR, Mark, Panel, whole_tick};
use crate::app::heat_texture;
use crate::protocol::RunId;

/// Panels per row when a single run is shown.
const SINGLE_RUN_COLUMNS: usize = 3;

fn color(c: [u8; 3]) -> egui::Color32 {
    egui::Color32::from_rgb(c[0], c[1], c[2])
}

/// Height of a panel's title line and the gaps around it.
const TITLE_HEIGHT: f32 = 26.0;
/// Plots are never drawn lower than this.
const MIN_PLOT_HEIGHT: f32 = 150.0;

/// The id of a plot: its place and its run, so that a new run starts with axes fitted to its
/// own data instead of the pan and zoom of the last one.
pub fn plot_id(column: usize, index: usize, run: Option<RunId>) -> egui::Id {
    egui::Id::unique(("plot", column, index, run))
}

/// The box each plot shows, by (column, panel): what an export draws when the axes are held.
pub type ShownBounds = Vec<((usize, usize), ((f64, f64), (f64, f64)))>;

pub fn plots(ui: &mut egui::Ui, figure: &Figure, curves: CurveView) -> ShownBounds {
    let mut shown = ShownBounds::new();
    let comparing = figure.columns.len() > 1;
    let runs: Vec<Option<RunId>> = figure.columns.iter().map(|c| c.run).collect();
    egui::ScrollArea::vertical().show(ui, |ui| {
        if comparing {
            let width = ui.available_width() / figure.columns.len() as f32;
            ui.columns(figure.columns.len(), |cols| {
                for (ui, column) in cols.iter_mut().zip(&figure.columns) {
                    ui.strong(&column.title);
                }
            });
            let rows = figure.columns.iter().map(|c| c.panels.len()).max().unwrap_or(0);
            for i in 0..rows {
                ui.columns(figure.columns.len(), |cols| {
                    for (c, (ui, column)) in cols.iter_mut().zip(&figure.columns).enumerate() {
                        if let Some(panel) = column.panels.get(i) {
                            // Square sample plots; the curves need less height.
                            let height = if panel.equal_aspect {
                                (width - 20.0).min(460.0)
                            } else {
                                220.0
                            };
                            let id = plot_id(c, i, column.run);
                            let h = height.max(MIN_PLOT_HEIGHT);
                            let b = draw_panel(ui, panel, id, curves, Some(&runs), h);
                            shown.push(((c, i), b));
                        }
                    }
                });
            }
        } else if let Some(column) = figure.columns.first() {
            let rows = column.panels.len().div_ceil(SINGLE_RUN_COLUMNS).max(1);
            let height = (ui.available_height() / rows as f32 - TITLE_HEIGHT).max(MIN_PLOT_HEIGHT);
            for (r, row) in column.panels.chunks(SINGLE_RUN_COLUMNS).enumerate() {
                ui.columns(SINGLE_RUN_COLUMNS, |cols| {
                    for (k, (ui, panel)) in cols.iter_mut().zip(row).enumerate() {
                        let index = r * SINGLE_RUN_COLUMNS + k;
                        let id = plot_id(0, index, column.run);
                        shown.push(((0, index), draw_panel(ui, panel, id, curves, None, height)));
                    }
                });
            }
        }
    });
    shown
}

/// Draws one panel; `linked` holds the runs of a comparison, whose panels of one kind share a
/// cursor and, held still, their axes (a new run starts a new link).
fn draw_panel(
    ui: &mut egui::Ui,
    panel: &Panel,
    id: egui::Id,
    curves: CurveView,
    linked: Option<&[Option<RunId>]>,
    height: f32,
) -> ((f64, f64), (f64, f64)) {
    ui.label(&panel.title);
    // The wheel scrolls the page; with Alt held it pans the plot, with Ctrl it zooms.
    let pan = ui.input(|i| i.modifiers.alt);
    let mut plot = Plot::new(id)
        .id(id)
        .height(height)
        .legend(Legend::default().follow_insertion_order(true))
        .allow_scroll(pan)
        .x_axis_label(panel.x_label.as_str())
        .y_axis_label(panel.y_label.as_str());
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
        .map(|g| (g, heat_texture::texture(ui.ctx(), g)));
    let response = plot.show(ui, |p| {
        if let Some((grid, texture)) = &background {
            let (lo, hi) = (grid.lo as f64, grid.hi as f64);
            let side = (hi - lo) as f32;
            let centre = PlotPoint::new((lo + hi) / 2.0, (lo + hi) / 2.0);
            p.image(PlotImage::new("log density", texture.id(), centre, [side, side]));
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
            }
        }
    });
    let b = response.transform.bounds();
    ((b.min()[0], b.max()[0]), (b.min()[1], b.max()[1]))
}
