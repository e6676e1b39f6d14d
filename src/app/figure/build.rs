//! From what the lab knows about a run to the panels that show it.

use super::heat::Heat;
use super::model::{
    Column, DIMENSION_PALETTE, Figure, INFERENCE_COLOR, Mark, PALETTE, Panel, PanelKind, REFERENCE_COLOR,
    SAMPLE_COLOR, Series, TARGET_COLOR,
};
use crate::app::curve_view::CurveView;
use crate::app::plot_choice::PlotChoice;
use crate::app::time_view::{ARROWS_PER_SIDE, PATHS_DRAWN, TimeView};
use crate::app::view::RunView;
use crate::protocol::{DriftField, LossKind, PathSet, StepDensity, StepRecord, kde};

/// Grid points of a marginal density curve.
const KDE_POINTS: usize = 200;
/// Lines for at most this many dimensions in the diffusion history.
const MAX_HISTORY_DIMS: usize = 10;

/// The heat strip of a coordinate spans this many nats of log density below its peak.
const STRIP_SPAN: f64 = 6.0;

/// Training-step axes span at least this many steps, so that a fresh run's axis is not a
/// single tick.
const MIN_STEP_SPAN: f64 = 10.0;

/// One column per run, every column with the same panels in the same order, on shared axes;
/// or, with `curves.overlay` and two runs, one column whose curves hold both runs.
pub fn figure(views: &[&RunView], choice: PlotChoice, curves: CurveView, time: TimeView) -> Figure {
    let mut columns: Vec<Column> = views.iter().map(|v| column(v, choice, curves, time)).collect();
    share_axes(&mut columns, views);
    if curves.overlay && columns.len() == 2 {
        let second = columns.pop().expect("two columns");
        let first = columns.pop().expect("two columns");
        columns.push(overlay(first, second, views));
    }
    Figure { columns }
}

/// Two panels of one kind show the same quantity, except the loss under two losses.
fn same_quantity(views: &[&RunView], kind: PanelKind) -> bool {
    kind != PanelKind::Loss || {
        let losses: Vec<_> = views.iter().map(|v| v.preset.as_ref().map(|p| p.loss)).collect();
        losses.windows(2).all(|w| w[0] == w[1])
    }
}

/// Every panel of a row spans the union of what the row's panels hold, so that compared runs
/// are read on one scale.
fn share_axes(columns: &mut [Column], views: &[&RunView]) {
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

/// One column with both runs: curves of the same quantity merged into one plot (run 2's in
/// other colours), the rest side by side.
fn overlay(first: Column, second: Column, views: &[&RunView]) -> Column {
    let mut panels = Vec::new();
    for (a, b) in first.panels.into_iter().zip(second.panels) {
        let mergeable = !matches!(a.kind, PanelKind::Samples | PanelKind::Diffusion)
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
            for (k, (run, mut s)) in named(1, a).chain(named(2, b)).enumerate() {
                s.name = format!("run {run}: {}", s.name);
                s.color = DIMENSION_PALETTE[k % DIMENSION_PALETTE.len()];
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
pub fn run_title(view: &RunView) -> String {
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

fn column(view: &RunView, choice: PlotChoice, curves: CurveView, time: TimeView) -> Column {
    let dim = view.target.as_ref().map_or(1, |t| t.dim);
    let choice = choice.within(dim);
    let mut panels = vec![
        samples(view, choice, time),
        marginal(view, choice.marginal),
        loss(view, curves),
        elbo(view, curves),
        curve(
            view,
            curves,
            PanelKind::Ess,
            "Normalised ESS",
            &[("ESS", |r| r.weights.ess)],
        ),
        diffusion(view),
        diffusion_history(view, curves),
        step_weights(view, time),
    ];
    // The panels of the time axis come right after the sample plot, in its row.
    let paths = view
        .snapshot
        .as_ref()
        .and_then(|s| s.paths.as_ref())
        .filter(|_| time.on);
    let mut at = 1;
    if let Some(strip) = paths.and_then(|p| p.strip.as_ref()).filter(|_| time.strip) {
        panels.insert(at, coordinate_over_steps(strip, time.step));
        at += 1;
    }
    if let Some(drift) = paths.and_then(|p| p.drift.as_ref()).filter(|_| time.drift) {
        panels.insert(at, drifts(drift, time.step, view));
    }
    if view.target.as_ref().is_some_and(|t| t.modes.is_some()) {
        panels.push(coverage(view, curves));
    }
    Column {
        run: view.run,
        title: run_title(view),
        panels,
    }
}

/// The training steps a curve panel spans: from the first step shown to the latest, at least
/// [`MIN_STEP_SPAN`] steps.
fn step_range(view: &RunView, curves: CurveView) -> (f64, f64) {
    let last = view.step() as f64;
    let first = if curves.recent_only {
        crate::app::curve_view::DROPPED_EARLY_FRACTION * last
    } else {
        0.0
    };
    (first, last.max(first + MIN_STEP_SPAN))
}

/// A panel over training steps.
fn over_steps(
    view: &RunView,
    curves: CurveView,
    kind: PanelKind,
    title: impl Into<String>,
    y: &str,
) -> Panel {
    let mut panel = Panel::new(kind, title, "training step", y);
    panel.x_range = Some(step_range(view, curves));
    panel.whole_x = true;
    panel.markers = view
        .live_changes
        .iter()
        .map(|(step, what)| (*step as f64, format!("step {step}: {what}")))
        .collect();
    panel
}

fn pair(row: &[f32], x: usize, y: usize) -> [f64; 2] {
    [row[x] as f64, row.get(y).copied().map_or(0.0, |v| v as f64)]
}

fn samples(view: &RunView, c: PlotChoice, time: TimeView) -> Panel {
    let paths = view
        .snapshot
        .as_ref()
        .and_then(|s| s.paths.as_ref())
        .filter(|_| time.on);
    let replay = time
        .replay
        .filter(|_| paths.is_none())
        .and_then(|step| view.replay_at(step));
    let title = match paths {
        Some(p) => format!(
            "Both processes at step {} of {}, coordinates {} and {}",
            time.step.min(p.steps),
            p.steps,
            c.x + 1,
            c.y + 1
        ),
        None => match replay {
            Some((step, _)) => format!(
                "Samples at training step {step} (replay; now {}), coordinates {} and {}",
                view.step(),
                c.x + 1,
                c.y + 1
            ),
            None => format!("Samples, coordinates {} and {}", c.x + 1, c.y + 1),
        },
    };
    let mut panel = Panel::new(
        PanelKind::Samples,
        title,
        &format!("x{}", c.x + 1),
        &format!("x{}", c.y + 1),
    );
    panel.equal_aspect = true;
    let Some(t) = &view.target else { return panel };
    let range = (t.plot_range.0 as f64, t.plot_range.1 as f64);
    panel.x_range = Some(range);
    panel.y_range = Some(range);
    let d = t.dim;
    if d == 2 && c.x == 0 && c.y == 1 {
        // CMCD's kernels follow the annealed density of each step: that is the background at n.
        let annealed = paths.and_then(|p| p.annealed.as_ref());
        panel.background = match (annealed, &t.density) {
            (Some(a), Some(grid)) => Some(Heat::log_density(&a.at(time.step, grid))),
            (None, Some(grid)) => Some(Heat::log_density(grid)),
            _ => None,
        };
        if annealed.is_some() {
            panel.title.push_str(", over the annealed density π_n");
        }
    } else if let Some(reference) = &t.reference {
        // Beyond two dimensions a slice of the density would mislead; exact draws projected on
        // the chosen pair show the target's true marginal there.
        let pts = reference.chunks(d).map(|r| pair(r, c.x, c.y)).collect();
        panel.series.push(Series::new(
            "target draws",
            Mark::Points(1.0),
            REFERENCE_COLOR,
            pts,
        ));
    }
    if let Some(modes) = &t.modes {
        let pts = modes.chunks(d).map(|r| pair(r, c.x, c.y)).collect();
        panel
            .series
            .push(Series::new("modes", Mark::Points(3.5), TARGET_COLOR, pts));
    }
    if let Some(p) = paths {
        processes(&mut panel, p, time, c, t.modes.as_deref());
    } else if let Some((_, samples)) = replay {
        let pts = samples.chunks(d).map(|r| pair(r, c.x, c.y)).collect();
        panel
            .series
            .push(Series::new("samples", Mark::Points(1.5), SAMPLE_COLOR, pts));
    } else if let Some(s) = &view.snapshot {
        let pts = s.samples.chunks(s.dim).map(|r| pair(r, c.x, c.y)).collect();
        panel
            .series
            .push(Series::new("samples", Mark::Points(1.5), SAMPLE_COLOR, pts));
    }
    panel
}

/// The generative process at step n, its first paths up to n (coloured by the mode nearest
/// their end, where the target has modes), and the inference process at n.
fn processes(panel: &mut Panel, p: &PathSet, time: TimeView, c: PlotChoice, modes: Option<&[f32]>) {
    let n = time.step.min(p.steps);
    let d = p.dim;
    if time.paths {
        let last = p.at(&p.generative, p.steps);
        for i in 0..p.count.min(PATHS_DRAWN) {
            let color = modes.map_or(PALETTE[4], |m| {
                DIMENSION_PALETTE[nearest(&last[i * d..(i + 1) * d], m, d) % DIMENSION_PALETTE.len()]
            });
            let pts = (0..=n)
                .map(|k| pair(&p.at(&p.generative, k)[i * d..(i + 1) * d], c.x, c.y))
                .collect();
            // One name for all: the legend shows (and hides) them as one entry.
            panel.series.push(Series::new("paths", Mark::Line, color, pts));
        }
    }
    if let Some(inference) = &p.inference {
        let pts = p.at(inference, n).chunks(d).map(|r| pair(r, c.x, c.y)).collect();
        panel.series.push(Series::new(
            format!("inference x_{n}"),
            Mark::Points(1.5),
            INFERENCE_COLOR,
            pts,
        ));
    }
    let pts = p
        .at(&p.generative, n)
        .chunks(d)
        .map(|r| pair(r, c.x, c.y))
        .collect();
    panel.series.push(Series::new(
        format!("generative x_{n}"),
        Mark::Points(1.5),
        SAMPLE_COLOR,
        pts,
    ));
}

/// The index of the row of `modes` (`K × d`) nearest to `x`.
fn nearest(x: &[f32], modes: &[f32], d: usize) -> usize {
    let distance = |m: &[f32]| x.iter().zip(m).map(|(a, b)| (a - b) * (a - b)).sum::<f32>();
    modes
        .chunks(d)
        .enumerate()
        .min_by(|a, b| distance(a.1).total_cmp(&distance(b.1)))
        .map_or(0, |(k, _)| k)
}

fn marginal(view: &RunView, coord: usize) -> Panel {
    let mut panel = Panel::new(
        PanelKind::Marginal,
        format!("Marginal density of x{}", coord + 1),
        &format!("x{}", coord + 1),
        "density",
    );
    let Some(t) = &view.target else { return panel };
    let range = (t.plot_range.0 as f64, t.plot_range.1 as f64);
    panel.x_range = Some(range);
    if let Some(r) = &t.reference {
        let pts = kde::marginal(r, t.dim, coord, range, KDE_POINTS);
        panel
            .series
            .push(Series::new("target", Mark::Line, TARGET_COLOR, pts));
    }
    if let Some(s) = &view.snapshot {
        let pts = kde::marginal(&s.samples, s.dim, coord, range, KDE_POINTS);
        panel
            .series
            .push(Series::new("samples", Mark::Line, SAMPLE_COLOR, pts));
    }
    panel
}

type Field = fn(&StepRecord) -> f64;

fn curve(view: &RunView, curves: CurveView, kind: PanelKind, title: &str, fields: &[(&str, Field)]) -> Panel {
    let mut panel = over_steps(view, curves, kind, title, "");
    for (i, (name, f)) in fields.iter().enumerate() {
        let raw: Vec<[f64; 2]> = view.history.iter().map(|r| [r.step as f64, f(r)]).collect();
        panel.series.push(Series::new(
            *name,
            Mark::Line,
            PALETTE[i % PALETTE.len()],
            curves.apply(&raw),
        ));
    }
    panel
}

/// The loss curve under a title and axis that say what the run's loss reports: −mean log w
/// (mean R) for both reverse-KL losses, the variance of log w for LV, so that two compared
/// curves of different losses are not read on one scale.
fn loss(view: &RunView, curves: CurveView) -> Panel {
    let (title, axis) = match view.preset.as_ref().map(|p| p.loss) {
        Some(LossKind::Lv) => ("Loss (LV): variance of log w", "Var log w (nats²)"),
        // rKL-LD's surrogate has no meaningful value; its gradient is that of mean R.
        Some(LossKind::RklLd) => ("Loss (rKL-LD): mean R = −mean log w", "mean R (nats)"),
        Some(LossKind::RklR) => ("Loss (rKL-R): mean R = −mean log w", "mean R (nats)"),
        None => ("Loss", ""),
    };
    let mut panel = curve(view, curves, PanelKind::Loss, title, &[("loss", |r| r.loss)]);
    panel.y_label = axis.into();
    panel
}

fn elbo(view: &RunView, curves: CurveView) -> Panel {
    let mut panel = curve(
        view,
        curves,
        PanelKind::Elbo,
        "ELBO and log Z-hat",
        &[
            ("ELBO", |r| r.weights.elbo),
            ("log Z-hat", |r| r.weights.log_z_hat),
        ],
    );
    let log_z = view.target.as_ref().and_then(|t| t.log_z);
    if let (Some(z), Some((first, last))) = (log_z, panel.x_range) {
        panel.series.push(Series::new(
            "true log Z",
            Mark::Line,
            PALETTE[5],
            vec![[first, z], [last, z]],
        ));
    }
    panel
}

/// `values` against their positions, counted from `first`.
fn indexed(values: &[f32], first: f64) -> Vec<[f64; 2]> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| [first + i as f64, *v as f64])
        .collect()
}

fn diffusion(view: &RunView) -> Panel {
    let mut panel = Panel::new(
        PanelKind::Diffusion,
        "Diffusion σ·β per dimension",
        "dimension",
        "σ·β",
    );
    panel.whole_x = true;
    if let Some(s) = &view.snapshot {
        let pts = indexed(&s.diffusion, 1.0);
        // From zero, so that a frozen σ·β of 1 stands on a tick labelled 1.
        let top = pts.iter().map(|p| p[1]).fold(0.0, f64::max);
        panel.y_range = Some((0.0, top));
        panel
            .series
            .push(Series::new("σ·β", Mark::Bars, SAMPLE_COLOR, pts));
    }
    panel
}

fn diffusion_history(view: &RunView, curves: CurveView) -> Panel {
    let mut panel = over_steps(
        view,
        curves,
        PanelKind::DiffusionHistory,
        "Diffusion σ·β over training",
        "σ·β",
    );
    let dims = view.diffusion_history.last().map_or(0, |(_, v)| v.len());
    for j in 0..dims.min(MAX_HISTORY_DIMS) {
        let pts: Vec<[f64; 2]> = view
            .diffusion_history
            .iter()
            .map(|(s, v)| [*s as f64, v.get(j).copied().unwrap_or(f32::NAN) as f64])
            .collect();
        let pts = curves.unsmoothed().apply(&pts);
        panel.series.push(Series::new(
            format!("dim {}", j + 1),
            Mark::Line,
            DIMENSION_PALETTE[j % DIMENSION_PALETTE.len()],
            pts,
        ));
    }
    let top = panel
        .series
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| p[1])
        .fold(0.0, f64::max);
    panel.y_range = Some((0.0, top));
    panel
}

fn step_weights(view: &RunView, time: TimeView) -> Panel {
    let title = if time.on {
        "Per-step log-weight: mean of log p − log q (click: show step)"
    } else {
        "Per-step log-weight: mean of log p − log q"
    };
    let mut panel = Panel::new(PanelKind::StepWeights, title, "step n", "nats");
    panel.whole_x = true;
    if time.on {
        panel
            .markers
            .push((time.step as f64, format!("step {} shown", time.step)));
    }
    if let Some(s) = &view.snapshot {
        let pts = indexed(&s.step_log_weights, 0.0);
        panel
            .series
            .push(Series::new("log p − log q", Mark::Line, SAMPLE_COLOR, pts));
    }
    panel
}

fn coverage(view: &RunView, curves: CurveView) -> Panel {
    let total = view.target.as_ref().and_then(|t| t.modes.as_ref()).map(|m| {
        let d = view.target.as_ref().map_or(1, |t| t.dim.max(1));
        m.len() / d
    });
    let now = view.coverage.last().map_or(0, |&(_, c)| c);
    let rule = view
        .snapshot
        .as_ref()
        .and_then(|s| s.modes.as_ref())
        .map_or(String::new(), |m| format!(" ({})", m.rule_short()));
    let mut panel = over_steps(
        view,
        curves,
        PanelKind::Coverage,
        format!("Covered modes: {now} of {}{rule}", total.unwrap_or(0)),
        "modes",
    );
    if let Some(total) = total {
        panel.y_range = Some((0.0, total as f64));
    }
    let pts: Vec<[f64; 2]> = view.coverage.iter().map(|&(s, c)| [s as f64, c as f64]).collect();
    let pts = curves.unsmoothed().apply(&pts);
    panel
        .series
        .push(Series::new("covered modes", Mark::Line, SAMPLE_COLOR, pts));
    panel
}

/// The density of one coordinate of the generative states at every step, as a heat map over
/// (n, x_j), with the step shown marked.
fn coordinate_over_steps(strip: &StepDensity, shown: usize) -> Panel {
    let j = strip.coordinate + 1;
    let mut panel = Panel::new(
        PanelKind::Strip,
        format!(
            "x{j} over the steps: its density at each n ({} paths; click: show step)",
            strip.paths
        ),
        "step n",
        &format!("x{j}"),
    );
    panel.whole_x = true;
    let rows = strip.density.len() / strip.bins.max(1);
    // Cell (row r, column c) of the heat map is bin r of step c: transpose the step-major rows.
    // On a log scale, so that the prior's wide spread shows beside the narrow modes at the end.
    let values: Vec<f32> = (0..strip.bins)
        .flat_map(|bin| (0..rows).map(move |n| strip.density[n * strip.bins + bin].ln()))
        .collect();
    let steps = rows.saturating_sub(1) as f64;
    let mut heat = Heat::linear(
        "log density",
        (rows, strip.bins),
        (-0.5, steps + 0.5),
        (strip.lo as f64, strip.hi as f64),
        values,
    );
    heat.range.0 = heat.range.0.max(heat.range.1 - STRIP_SPAN);
    panel.background = Some(heat);
    panel.markers.push((
        shown.min(rows.saturating_sub(1)) as f64,
        format!("step {shown} shown"),
    ));
    panel
}

/// The drifts of both kernels between steps n and n + 1 on a grid, over the expected per-step
/// term −(log p − log q) of walks started there: the drift-matching part made visible.
fn drifts(field: &DriftField, shown: usize, view: &RunView) -> Panel {
    let n = shown.min(field.steps.saturating_sub(1));
    let mut panel = Panel::new(
        PanelKind::Drift,
        format!(
            "Drifts between steps {n} and {}: generative forward, inference back; shade: −E[log p − log q] from x",
            n + 1
        ),
        "x1",
        "x2",
    );
    panel.equal_aspect = true;
    let (lo, hi) = (field.lo as f64, field.hi as f64);
    panel.background = Some(Heat::linear(
        "mismatch",
        (field.n, field.n),
        (lo, hi),
        (lo, hi),
        field.at(&field.mismatch, 1, n).to_vec(),
    ));
    let generative = field.at(&field.generative, 2, n);
    let inference = field.at(&field.inference, 2, n);
    // Every other point of the grid carries arrows, on one scale for all steps: the longest
    // drift of any step spans one and a half of their spacing. The scale is in the legend.
    let every = (field.n / ARROWS_PER_SIDE).max(1);
    let chosen: Vec<usize> = (0..field.n * field.n)
        .filter(|k| (k % field.n) % every == every / 2 && (k / field.n) % every == every / 2)
        .collect();
    let longest = field
        .generative
        .chunks(2)
        .chain(field.inference.chunks(2))
        .map(|v| v[0].hypot(v[1]))
        .filter(|v| v.is_finite())
        .fold(0.0f32, f32::max) as f64;
    let spacing = (hi - lo) / field.n as f64 * every as f64;
    let scale = if longest > 0.0 {
        1.5 * spacing / longest
    } else {
        1.0
    };
    for (name, values, color) in [
        ("generative", generative, SAMPLE_COLOR),
        ("inference", inference, INFERENCE_COLOR),
    ] {
        let pairs = chosen
            .iter()
            .map(|&k| {
                let [x, y] = field.point(k).map(|v| v as f64);
                let (dx, dy) = (values[2 * k] as f64, values[2 * k + 1] as f64);
                ([x, y], [x + scale * dx, y + scale * dy])
            })
            .collect();
        panel.series.push(Series::arrows(
            format!("{name} (×{})", crate::app::figure::tick_label(scale)),
            color,
            pairs,
        ));
    }
    if let Some(modes) = view.target.as_ref().and_then(|t| t.modes.as_ref()) {
        let pts = modes.chunks(2).map(|m| pair(m, 0, 1)).collect();
        panel
            .series
            .push(Series::new("modes", Mark::Points(3.5), TARGET_COLOR, pts));
    }
    panel
}
