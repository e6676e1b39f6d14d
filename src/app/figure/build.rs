//! From what the lab knows about a run to the panels that show it.

use super::model::{
    Column, Figure, Mark, PALETTE, Panel, PanelKind, REFERENCE_COLOR, SAMPLE_COLOR, Series, TARGET_COLOR,
};
use crate::app::kde;
use crate::app::plot_choice::PlotChoice;
use crate::app::view::RunView;
use crate::protocol::{LossKind, StepRecord};

/// Grid points of a marginal density curve.
const KDE_POINTS: usize = 200;
/// Lines for at most this many dimensions in the diffusion history.
const MAX_HISTORY_DIMS: usize = 10;

/// One column per run, every column with the same panels in the same order.
pub fn figure(views: &[&RunView], choice: PlotChoice) -> Figure {
    Figure {
        columns: views.iter().map(|v| column(v, choice)).collect(),
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

fn column(view: &RunView, choice: PlotChoice) -> Column {
    let dim = view.target.as_ref().map_or(1, |t| t.dim);
    let choice = choice.within(dim);
    let mut panels = vec![
        samples(view, choice),
        marginal(view, choice.marginal),
        loss(view),
        elbo(view),
        curve(
            view,
            PanelKind::Ess,
            "Normalised ESS",
            &[("ESS", |r| r.weights.ess)],
        ),
        diffusion(view),
        diffusion_history(view),
        step_weights(view),
    ];
    if view.target.as_ref().is_some_and(|t| t.modes.is_some()) {
        panels.push(coverage(view));
    }
    Column {
        title: run_title(view),
        panels,
    }
}

fn pair(row: &[f32], x: usize, y: usize) -> [f64; 2] {
    [row[x] as f64, row.get(y).copied().map_or(0.0, |v| v as f64)]
}

fn samples(view: &RunView, c: PlotChoice) -> Panel {
    let mut panel = Panel::new(
        PanelKind::Samples,
        format!("Samples, coordinates {} and {}", c.x + 1, c.y + 1),
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
        panel.background = t.density.clone();
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
    if let Some(s) = &view.snapshot {
        let pts = s.samples.chunks(s.dim).map(|r| pair(r, c.x, c.y)).collect();
        panel
            .series
            .push(Series::new("samples", Mark::Points(1.5), SAMPLE_COLOR, pts));
    }
    panel
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

fn curve(view: &RunView, kind: PanelKind, title: &str, fields: &[(&str, Field)]) -> Panel {
    let mut panel = Panel::new(kind, title, "training step", "");
    for (i, (name, f)) in fields.iter().enumerate() {
        let pts = view.history.iter().map(|r| [r.step as f64, f(r)]).collect();
        panel
            .series
            .push(Series::new(*name, Mark::Line, PALETTE[i % PALETTE.len()], pts));
    }
    panel
}

/// The loss curve under a title and axis that say what the run's loss reports: −mean log w
/// (mean R) for both reverse-KL losses, the variance of log w for LV, so that two compared
/// curves of different losses are not read on one scale.
fn loss(view: &RunView) -> Panel {
    let (title, axis) = match view.preset.as_ref().map(|p| p.loss) {
        Some(LossKind::Lv) => ("Loss (LV): variance of log w", "Var log w (nats²)"),
        // rKL-LD's surrogate has no meaningful value; its gradient is that of mean R.
        Some(LossKind::RklLd) => ("Loss (rKL-LD): mean R = −mean log w", "mean R (nats)"),
        Some(LossKind::RklR) => ("Loss (rKL-R): mean R = −mean log w", "mean R (nats)"),
        None => ("Loss", ""),
    };
    let mut panel = curve(view, PanelKind::Loss, title, &[("loss", |r| r.loss)]);
    panel.y_label = axis.into();
    panel
}

fn elbo(view: &RunView) -> Panel {
    let mut panel = curve(
        view,
        PanelKind::Elbo,
        "ELBO and log Z-hat",
        &[
            ("ELBO", |r| r.weights.elbo),
            ("log Z-hat", |r| r.weights.log_z_hat),
        ],
    );
    let log_z = view.target.as_ref().and_then(|t| t.log_z);
    let last = view.history.last().map(|r| r.step as f64);
    if let (Some(z), Some(last)) = (log_z, last) {
        panel.series.push(Series::new(
            "true log Z",
            Mark::Line,
            PALETTE[5],
            vec![[0.0, z], [last, z]],
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
    if let Some(s) = &view.snapshot {
        let pts = indexed(&s.diffusion, 1.0);
        panel
            .series
            .push(Series::new("σ·β", Mark::Bars, SAMPLE_COLOR, pts));
    }
    panel
}

fn diffusion_history(view: &RunView) -> Panel {
    let mut panel = Panel::new(
        PanelKind::DiffusionHistory,
        "Diffusion σ·β over training",
        "training step",
        "σ·β",
    );
    let dims = view.diffusion_history.last().map_or(0, |(_, v)| v.len());
    for j in 0..dims.min(MAX_HISTORY_DIMS) {
        let pts = view
            .diffusion_history
            .iter()
            .map(|(s, v)| [*s as f64, v.get(j).copied().unwrap_or(f32::NAN) as f64])
            .collect();
        panel.series.push(Series::new(
            format!("dim {}", j + 1),
            Mark::Line,
            PALETTE[j % PALETTE.len()],
            pts,
        ));
    }
    panel
}

fn step_weights(view: &RunView) -> Panel {
    let mut panel = Panel::new(
        PanelKind::StepWeights,
        "Per-step log-weight: mean of log p − log q",
        "step n",
        "nats",
    );
    if let Some(s) = &view.snapshot {
        let pts = indexed(&s.step_log_weights, 0.0);
        panel
            .series
            .push(Series::new("log p − log q", Mark::Line, SAMPLE_COLOR, pts));
    }
    panel
}

fn coverage(view: &RunView) -> Panel {
    let total = view.target.as_ref().and_then(|t| t.modes.as_ref()).map(|m| {
        let d = view.target.as_ref().map_or(1, |t| t.dim.max(1));
        m.len() / d
    });
    let now = view.coverage.last().map_or(0, |&(_, c)| c);
    let mut panel = Panel::new(
        PanelKind::Coverage,
        format!("Covered modes: {now} of {}", total.unwrap_or(0)),
        "training step",
        "modes",
    );
    if let Some(total) = total {
        panel.y_range = Some((0.0, total as f64));
    }
    let pts = view.coverage.iter().map(|&(s, c)| [s as f64, c as f64]).collect();
    panel
        .series
        .push(Series::new("covered modes", Mark::Line, SAMPLE_COLOR, pts));
    panel
}
