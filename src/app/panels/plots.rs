use egui_plot::{Bar, BarChart, Heatmap, Legend, Line, Plot, PlotPoint, PlotPoints, Points};

use crate::sim::report::DensityGrid;

use crate::app::kde;
use crate::app::view::RunView;
use crate::sim::report::StepRecord;

pub fn plots(ui: &mut egui::Ui, view: &mut RunView) {
    let height = (ui.available_height() / 2.0 - 30.0).max(120.0);
    ui.columns(3, |cols| {
        samples(&mut cols[0], view, height);
        marginal(&mut cols[1], view, height);
        curves(&mut cols[2], view, height);
    });
    ui.columns(3, |cols| {
        diffusion(&mut cols[0], view, height);
        decomposition(&mut cols[1], view, height);
        coverage(&mut cols[2], view, height);
    });
}

fn samples(ui: &mut egui::Ui, view: &RunView, height: f32) {
    ui.label("Samples (coordinates 1 and 2) and the target's modes");
    let Some(snap) = &view.snapshot else {
        ui.label("waiting for the first batch…");
        return;
    };
    let d = snap.dim;
    let pts: Vec<[f64; 2]> = snap
        .samples
        .chunks(d)
        .map(|r| [r[0] as f64, if d > 1 { r[1] as f64 } else { 0.0 }])
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect();
    let modes: Vec<[f64; 2]> = view
        .target
        .as_ref()
        .and_then(|t| t.modes.as_ref().map(|m| (t.dim, m)))
        .map(|(td, m)| {
            m.chunks(td)
                .map(|r| [r[0] as f64, if td > 1 { r[1] as f64 } else { 0.0 }])
                .collect()
        })
        .unwrap_or_default();
    let (lo, hi) = view.target.as_ref().map_or((-10.0, 10.0), |t| t.plot_range);
    Plot::new("samples")
        .height(height)
        .data_aspect(1.0)
        .include_x(lo as f64)
        .include_x(hi as f64)
        .include_y(lo as f64)
        .include_y(hi as f64)
        .legend(Legend::default())
        .show(ui, |p| {
            if let Some(grid) = view.target.as_ref().and_then(|t| t.density.as_ref()) {
                p.heatmap(density_heatmap(grid));
            }
            p.points(
                Points::new("modes", modes)
                    .radius(4.0)
                    .color(egui::Color32::from_rgb(230, 120, 40)),
            );
            p.points(
                Points::new("samples", pts)
                    .radius(1.5)
                    .color(egui::Color32::from_rgb(60, 130, 220)),
            );
        });
}

fn series(history: &[StepRecord], f: impl Fn(&StepRecord) -> f64) -> PlotPoints<'static> {
    history
        .iter()
        .map(|r| [r.step as f64, f(r)])
        .filter(|p| p[1].is_finite())
        .collect()
}

fn curves(ui: &mut egui::Ui, view: &RunView, height: f32) {
    ui.label("Training curves");
    let h = &view.history;
    Plot::new("curves")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("step")
        .show(ui, |p| {
            p.line(Line::new("loss", series(h, |r| r.loss)));
            p.line(Line::new("ELBO", series(h, |r| r.weights.elbo)));
            p.line(Line::new("log Z-hat", series(h, |r| r.weights.log_z_hat)));
            p.line(Line::new("ESS", series(h, |r| r.weights.ess)));
        });
}

/// Lines for at most this many dimensions in the diffusion history.
const MAX_HISTORY_DIMS: usize = 10;

fn diffusion(ui: &mut egui::Ui, view: &RunView, height: f32) {
    ui.label("Learned diffusion σ·β: per dimension now, and over training");
    let Some(snap) = &view.snapshot else { return };
    let bars: Vec<Bar> = snap
        .diffusion
        .iter()
        .enumerate()
        .map(|(i, v)| Bar::new(i as f64 + 1.0, *v as f64))
        .collect();
    let half = height / 2.0 - 4.0;
    Plot::new("diffusion")
        .height(half)
        .x_axis_label("dimension")
        .show(ui, |p| {
            p.bar_chart(BarChart::new("σ·β", bars));
        });
    Plot::new("diffusion-history")
        .height(half)
        .x_axis_label("step")
        .show(ui, |p| {
            for j in 0..snap.dim.min(MAX_HISTORY_DIMS) {
                let pts: PlotPoints = view
                    .diffusion_history
                    .iter()
                    .map(|(s, v)| [*s as f64, v.get(j).copied().unwrap_or(0.0) as f64])
                    .collect();
                p.line(Line::new(format!("dim {}", j + 1), pts));
            }
        });
}

fn decomposition(ui: &mut egui::Ui, view: &RunView, height: f32) {
    ui.label("Per-step log-weight: batch mean of log p - log q along the path");
    let Some(snap) = &view.snapshot else { return };
    let pts: PlotPoints = snap
        .step_log_weights
        .iter()
        .enumerate()
        .map(|(i, v)| [i as f64, *v as f64])
        .collect();
    Plot::new("decomposition")
        .height(height)
        .x_axis_label("step n")
        .show(ui, |p| {
            p.line(Line::new("log p - log q", pts));
        });
}

fn marginal(ui: &mut egui::Ui, view: &mut RunView, height: f32) {
    let dim = view.target.as_ref().map_or(1, |t| t.dim);
    ui.horizontal(|ui| {
        let l = ui.label("Marginal KDE of coordinate");
        let mut shown = view.marginal_coordinate + 1;
        ui.add(egui::DragValue::new(&mut shown).range(1..=dim))
            .labelled_by(l.id);
        view.marginal_coordinate = shown.clamp(1, dim) - 1;
    });
    let (Some(snap), Some(target)) = (&view.snapshot, &view.target) else {
        return;
    };
    let coord = view.marginal_coordinate;
    let (lo, hi) = target.plot_range;
    let range = (lo as f64, hi as f64);
    let learned = kde::marginal(&snap.samples, snap.dim, coord, range, 200);
    let reference = target
        .reference
        .as_ref()
        .map(|r| kde::marginal(r, target.dim, coord, range, 200));
    Plot::new("marginal")
        .height(height)
        .legend(Legend::default())
        .show(ui, |p| {
            if let Some(reference) = reference {
                p.line(
                    Line::new("target", PlotPoints::from(reference))
                        .color(egui::Color32::from_rgb(230, 120, 40)),
                );
            }
            p.line(
                Line::new("samples", PlotPoints::from(learned)).color(egui::Color32::from_rgb(60, 130, 220)),
            );
        });
}

fn coverage(ui: &mut egui::Ui, view: &RunView, height: f32) {
    let total = view
        .snapshot
        .as_ref()
        .and_then(|s| s.modes.as_ref())
        .map(|m| m.total);
    let Some(total) = total else {
        ui.label("Covered modes (mixture targets only)");
        return;
    };
    let now = view.coverage.last().map_or(0, |&(_, c)| c);
    ui.label(format!("Covered modes: {now} of {total}"));
    let pts: PlotPoints = view.coverage.iter().map(|&(s, c)| [s as f64, c as f64]).collect();
    Plot::new("coverage")
        .height(height)
        .include_y(0.0)
        .include_y(total as f64)
        .x_axis_label("step")
        .show(ui, |p| {
            p.line(Line::new("covered modes", pts));
        });
}

/// Log densities more than this far below the peak share the darkest colour, so the shape of
/// the modes stays visible instead of the far tails.
const LOG_DENSITY_SPAN: f64 = 25.0;

fn density_heatmap(grid: &DensityGrid) -> Heatmap {
    let max = grid
        .log_density
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f32::MIN, f32::max) as f64;
    let values: Vec<f64> = grid
        .log_density
        .iter()
        .map(|&v| {
            if v.is_finite() {
                (v as f64).max(max - LOG_DENSITY_SPAN)
            } else {
                max - LOG_DENSITY_SPAN
            }
        })
        .collect();
    let side = grid.hi - grid.lo;
    Heatmap::new(values, grid.n)
        .at(PlotPoint::new(grid.lo as f64, grid.lo as f64))
        .size(side, side)
        .range(max - LOG_DENSITY_SPAN, max)
        .palette(&[
            egui::Color32::from_rgb(12, 12, 20),
            egui::Color32::from_rgb(70, 40, 90),
            egui::Color32::from_rgb(160, 110, 60),
        ])
        .show_labels(false)
        .name("log density")
}
