//! The figure's layout: one column per run, every column with the same panels in the same
//! order, on shared axes, or both runs overlaid in one column. The panels themselves are built
//! in `panels/`, one file each.

use super::model::{Column, Figure, Panel, PanelKind, RunInk, Series, TARGET_COLOR};
use super::panels::{
    arrow_scale, coordinate_over_steps, coverage, curve, diffusion, diffusion_history, drifts, elbo, loss,
    marginal, samples, step_weights,
};
use crate::app::choices::curve_view::CurveView;
use crate::app::choices::plot_choice::PlotChoice;
use crate::app::choices::time_view::TimeView;
use crate::runtime::run_store::RunStore;

/// One column per run, every column with the same panels in the same order, on shared axes;
/// or, with `curves.overlay` and two runs, one column whose curves hold both runs.
pub fn figure(views: &[&RunStore], choice: PlotChoice, curves: CurveView, time: TimeView) -> Figure {
    let shown = Shown {
        choice,
        curves,
        time,
        arrows: views
            .iter()
            .filter_map(|v| paths(v, time).and_then(|p| p.drift.as_ref()))
            .map(arrow_scale)
            .reduce(f64::min)
            .unwrap_or(1.0),
    };
    let mut columns: Vec<Column> = views
        .iter()
        .enumerate()
        .map(|(run, v)| column(v, RunInk::of(run), shown))
        .collect();
    share_axes(&mut columns, views);
    if curves.overlay && columns.len() == 2 {
        let second = columns.pop().expect("two columns");
        let first = columns.pop().expect("two columns");
        columns.push(overlay(first, second, views));
    }
    Figure { columns }
}

/// Two panels of one kind show the same quantity, except the loss under two losses.
fn same_quantity(views: &[&RunStore], kind: PanelKind) -> bool {
    kind != PanelKind::Loss || {
        let losses: Vec<_> = views.iter().map(|v| v.preset.as_ref().map(|p| p.loss)).collect();
        losses.windows(2).all(|w| w[0] == w[1])
    }
}

/// Every panel of a row spans the union of what the row's panels hold, so that compared runs
/// are read on one scale.
fn share_axes(columns: &mut [Column], views: &[&RunStore]) {
    if columns.len() < 2 {
        return;
    }
    let rows = columns.iter().map(|c| c.panels.len()).min().unwrap_or(0);
    for i in 0..rows {
        let kind = columns[0].panels[i].kind;
        if !same_quantity(views, kind) || columns.iter().any(|c| c.panels[i].kind != kind) {
            continue;
        }
        let union = columns
            .iter()
            .filter_map(|c| c.panels[i].extent())
            .reduce(|a, b| {
                (
                    (a.0.0.min(b.0.0), a.0.1.max(b.0.1)),
                    (a.1.0.min(b.1.0), a.1.1.max(b.1.1)),
                )
            });
        if let Some((x, y)) = union {
            for c in columns.iter_mut() {
                c.panels[i].x_range = Some(x);
                c.panels[i].y_range = Some(y);
            }
        }
    }
}

/// One column with both runs: curves of the same quantity merged into one plot, each in its
/// run's colours and the target's once, the rest (the sample clouds, the bars and the shaded
/// panels) side by side.
fn overlay(first: Column, second: Column, views: &[&RunStore]) -> Column {
    let mut panels = Vec::new();
    for (a, b) in first.panels.into_iter().zip(second.panels) {
        let mergeable = !matches!(a.kind, PanelKind::Samples | PanelKind::Diffusion)
            && a.background.is_none()
            && a.kind == b.kind
            && same_quantity(views, a.kind);
        if mergeable {
            let mut merged = a.clone();
            merged.series.clear();
            merged.markers = [(1, &a), (2, &b)]
                .into_iter()
                .flat_map(|(run, p)| {
                    p.markers
                        .iter()
                        .map(move |(x, m)| (*x, format!("run {run}, {m}")))
                })
                .collect();
            let named = |run: usize, p: Panel| p.series.into_iter().map(move |s| (run, s));
            let mut targets: Vec<Series> = Vec::new();
            for (run, mut s) in named(1, a).chain(named(2, b)) {
                if s.color == TARGET_COLOR {
                    // The target is the same for both runs: drawn once, unnamed by run.
                    if !targets.contains(&s) {
                        targets.push(s.clone());
                        merged.series.push(s);
                    }
                    continue;
                }
                s.name = format!("run {run}: {}", s.name);
                merged.series.push(s);
            }
            panels.push(merged);
        } else {
            for (run, mut p) in [(1, a), (2, b)] {
                p.title = format!("Run {run}: {}", p.title);
                panels.push(p);
            }
        }
    }
    Column {
        run: first.run,
        title: format!("run 1: {} / run 2: {}", first.title, second.title),
        panels,
    }
}

/// A run's settings in a few words: what distinguishes two compared columns.
pub fn run_title(view: &RunStore) -> String {
    let Some(p) = &view.preset else {
        return "starting…".into();
    };
    format!(
        "{} · {} · {} · σ {} · β {} · prior std {} · seed {}",
        view.target
            .as_ref()
            .map_or_else(|| p.target.kind.label().to_string(), |t| t.name.clone()),
        p.bridge.label(),
        p.loss.label(),
        p.diffusion.label(),
        p.beta,
        p.prior_std,
        p.seed
    )
}

/// What the user chose to see, the same for every column.
#[derive(Clone, Copy)]
struct Shown {
    choice: PlotChoice,
    curves: CurveView,
    time: TimeView,
    /// The drift arrows' scale, shared by the columns.
    arrows: f64,
}

/// The run's paths over the bridge's steps, while the time axis is on.
fn paths(view: &RunStore, time: TimeView) -> Option<&crate::protocol::PathSet> {
    view.snapshot
        .as_ref()
        .and_then(|s| s.paths.as_ref())
        .filter(|_| time.on)
}

fn column(view: &RunStore, ink: RunInk, shown: Shown) -> Column {
    let Shown {
        choice,
        curves,
        time,
        arrows,
    } = shown;
    let dim = view.target.as_ref().map_or(1, |t| t.dim);
    let choice = choice.within(dim);
    let mut panels = vec![
        samples(view, choice, time, ink),
        marginal(view, choice.marginal, ink),
        loss(view, curves, ink),
        elbo(view, curves, ink),
        curve(
            view,
            curves,
            PanelKind::Ess,
            "Normalised ESS",
            &[("ESS", |r| r.weights.ess)],
            ink,
        ),
        diffusion(view, ink),
        diffusion_history(view, curves, ink),
        step_weights(view, time, ink),
    ];
    // The panels of the time axis come right after the sample plot, in its row.
    let paths = paths(view, time);
    let mut at = 1;
    if let Some(strip) = paths.and_then(|p| p.strip.as_ref()).filter(|_| time.strip) {
        panels.insert(at, coordinate_over_steps(strip, time.step));
        at += 1;
    }
    if let Some(drift) = paths.and_then(|p| p.drift.as_ref()).filter(|_| time.drift) {
        panels.insert(at, drifts(drift, time.step, view, ink, arrows));
    }
    if view.target.as_ref().is_some_and(|t| t.modes.is_some()) {
        panels.push(coverage(view, curves, ink));
    }
    Column {
        run: view.run,
        title: run_title(view),
        panels,
    }
}
