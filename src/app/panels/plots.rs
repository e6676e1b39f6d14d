//! Draws the figure's panels with egui_plot: a grid for one run, a row per panel with one
//! column per run when comparing, the same panel of both runs on linked axes.

use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotImage, PlotPoint, PlotPoints, Points};

use crate::app::figure::{Figure, Mark, Panel};
use crate::app::heat_texture;

/// Panels per row when a single run is shown.
const SINGLE_RUN_COLUMNS: usize = 3;

fn color(c: [u8; 3]) -> egui::Color32 {
    egui::Color32::from_rgb(c[0], c[1], c[2])
}

/// Height of a panel's title line and the gaps around it.
const TITLE_HEIGHT: f32 = 26.0;
/// Plots are never drawn lower than this.
const MIN_PLOT_HEIGHT: f32 = 150.0;

pub fn plots(ui: &mut egui::Ui, figure: &Figure) {
    let comparing = figure.columns.len() > 1;
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
                            draw_panel(ui, panel, c, true, height.max(MIN_PLOT_HEIGHT));
                        }
                    }
                });
            }
        } else if let Some(column) = figure.columns.first() {
            let rows = column.panels.len().div_ceil(SINGLE_RUN_COLUMNS).max(1);
            let height = (ui.available_height() / rows as f32 - TITLE_HEIGHT).max(MIN_PLOT_HEIGHT);
            for row in column.panels.chunks(SINGLE_RUN_COLUMNS) {
                ui.columns(SINGLE_RUN_COLUMNS, |cols| {
                    for (ui, panel) in cols.iter_mut().zip(row) {
                        draw_panel(ui, panel, 0, false, height);
                    }
                });
            }
        }
    });
}

fn draw_panel(ui: &mut egui::Ui, panel: &Panel, run: usize, linked: bool, height: f32) {
    ui.label(&panel.title);
    let mut plot = Plot::new((panel.kind, run))
        .height(height)
        .legend(Legend::default())
        .x_axis_label(panel.x_label.as_str())
        .y_axis_label(panel.y_label.as_str());
    if panel.equal_aspect {
        plot = plot.data_aspect(1.0);
    }
    if let Some((lo, hi)) = panel.x_range {
        plot = plot.include_x(lo).include_x(hi);
    }
    if let Some((lo, hi)) = panel.y_range {
        plot = plot.include_y(lo).include_y(hi);
    }
    if linked {
        plot = plot
            .link_axis(egui::Id::unique(("linked-axes", panel.kind)), [true, true])
            .link_cursor(egui::Id::unique(("linked-cursor", panel.kind)), [true, true]);
    }
    let background = panel
        .background
        .as_ref()
        .map(|g| (g, heat_texture::texture(ui.ctx(), g)));
    plot.show(ui, |p| {
        if let Some((grid, texture)) = &background {
            let (lo, hi) = (grid.lo as f64, grid.hi as f64);
            let side = (hi - lo) as f32;
            let centre = PlotPoint::new((lo + hi) / 2.0, (lo + hi) / 2.0);
            p.image(PlotImage::new("log density", texture.id(), centre, [side, side]));
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
}
