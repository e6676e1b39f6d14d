//! The plain-data figure: panels of series. The lab draws it with egui_plot and the export
//! draws the same values with plotters, so a saved figure and its CSV hold exactly what was on
//! screen.

use super::heat::Heat;
use crate::protocol::RunId;

pub type Rgb = [u8; 3];

// One meaning per colour, in every panel, on screen and in the export (docs/lab.md lists them):
// orange is the target, blue run 1 (or the single run), purple run 2, green the inference
// process, gold a setting changed live. A run's second curve in a panel takes its light shade.

/// The target: its modes, its marginal, its log Z.
pub const TARGET_COLOR: Rgb = [230, 120, 40];
/// Draws from the target, behind the samples: the target's orange, paler.
pub const TARGET_DRAWS_COLOR: Rgb = [240, 185, 140];
/// Vertical lines where a setting was changed live, or the step shown.
pub const MARKER_COLOR: Rgb = [200, 170, 40];
/// The inference process of the time axis.
pub const INFERENCE_COLOR: Rgb = [80, 170, 90];

/// The colours of one run: its samples and main curves, and a light shade for its second
/// curve in a panel and its paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunInk {
    pub main: Rgb,
    pub light: Rgb,
}

/// Run 1 (or the only run) in blue, run 2 in purple.
pub const RUN_INKS: [RunInk; 2] = [
    RunInk {
        main: [60, 130, 220],
        light: [140, 185, 240],
    },
    RunInk {
        main: [150, 90, 200],
        light: [205, 165, 235],
    },
];

impl RunInk {
    /// The ink of the run at this place among the compared runs (0 for the first).
    pub fn of(run: usize) -> RunInk {
        RUN_INKS[run.min(RUN_INKS.len() - 1)]
    }

    /// Shade `i` of `n` of the run's hue, from darker than its main colour to its light one:
    /// curves of one quantity over dimensions, told apart by the legend's order.
    pub fn shade(self, i: usize, n: usize) -> Rgb {
        let dark = self.main.map(|c| (c as f64 * 0.55) as u8);
        let t = if n > 1 { i as f64 / (n - 1) as f64 } else { 0.0 };
        std::array::from_fn(|k| {
            let (a, b) = (dark[k] as f64, self.light[k] as f64);
            (a + t * (b - a)).round() as u8
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mark {
    Line,
    /// Dots of this radius in points.
    Points(f32),
    /// One bar per point, centred on x.
    Bars,
    /// Arrows: the points are pairs, an arrow's origin followed by its tip.
    Arrows,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub mark: Mark,
    pub color: Rgb,
    pub points: Vec<[f64; 2]>,
}

impl Series {
    /// Arrows from each origin to its tip; pairs with a non-finite end are left out.
    pub fn arrows(name: impl Into<String>, color: Rgb, pairs: Vec<([f64; 2], [f64; 2])>) -> Self {
        let finite = |p: &[f64; 2]| p[0].is_finite() && p[1].is_finite();
        Self {
            name: name.into(),
            mark: Mark::Arrows,
            color,
            points: pairs
                .into_iter()
                .filter(|(a, b)| finite(a) && finite(b))
                .flat_map(|(a, b)| [a, b])
                .collect(),
        }
    }

    pub fn new(name: impl Into<String>, mark: Mark, color: Rgb, points: Vec<[f64; 2]>) -> Self {
        Self {
            name: name.into(),
            mark,
            color,
            points: points
                .into_iter()
                .filter(|p| p[0].is_finite() && p[1].is_finite())
                .collect(),
        }
    }
}

/// What a panel shows, whichever run it belongs to; also the id that links the axes of the
/// same panel in two compared runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PanelKind {
    Samples,
    Marginal,
    Loss,
    Elbo,
    Ess,
    Diffusion,
    DiffusionHistory,
    Coverage,
    StepWeights,
    /// The density of one coordinate over the bridge's steps.
    Strip,
    /// The drifts of both kernels at one step.
    Drift,
}

impl PanelKind {
    pub fn slug(self) -> &'static str {
        match self {
            PanelKind::Samples => "samples",
            PanelKind::Marginal => "marginal",
            PanelKind::Loss => "loss",
            PanelKind::Elbo => "elbo",
            PanelKind::Ess => "ess",
            PanelKind::Diffusion => "diffusion",
            PanelKind::DiffusionHistory => "diffusion_history",
            PanelKind::Coverage => "coverage",
            PanelKind::StepWeights => "step_weights",
            PanelKind::Strip => "coordinate_over_steps",
            PanelKind::Drift => "drifts",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    pub kind: PanelKind,
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// A heat map behind the series (a log density, say).
    pub background: Option<Heat>,
    /// Ranges the axes show at least.
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    /// One unit on x is as long as one unit on y.
    pub equal_aspect: bool,
    /// The box shown on screen when the user has moved or zoomed the plot with its axes held;
    /// the export draws that box instead of fitting the data.
    pub view: Option<((f64, f64), (f64, f64))>,
    /// Vertical lines at these x values, each named: where a setting was changed live.
    pub markers: Vec<(f64, String)>,
    /// x counts something whole (training steps, path steps, dimensions): ticks only at whole
    /// numbers, none below zero.
    pub whole_x: bool,
}

impl Panel {
    pub fn new(kind: PanelKind, title: impl Into<String>, x_label: &str, y_label: &str) -> Self {
        Self {
            kind,
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            background: None,
            x_range: None,
            y_range: None,
            equal_aspect: false,
            view: None,
            markers: Vec::new(),
            whole_x: false,
        }
    }

    /// The smallest box holding the data and the requested ranges, without padding; `None`
    /// for an empty panel.
    pub fn extent(&self) -> Option<((f64, f64), (f64, f64))> {
        let ((x0, x1), (y0, y1)) = self.raw_bounds();
        (x0 <= x1 && y0 <= y1).then_some(((x0, x1), (y0, y1)))
    }

    fn raw_bounds(&self) -> ((f64, f64), (f64, f64)) {
        let mut x = self.x_range.unwrap_or((f64::INFINITY, f64::NEG_INFINITY));
        let mut y = self.y_range.unwrap_or((f64::INFINITY, f64::NEG_INFINITY));
        if let Some(h) = &self.background {
            x = (x.0.min(h.x.0), x.1.max(h.x.1));
            y = (y.0.min(h.y.0), y.1.max(h.y.1));
        }
        for s in &self.series {
            for p in &s.points {
                x = (x.0.min(p[0]), x.1.max(p[0]));
                y = (y.0.min(p[1]), y.1.max(p[1]));
            }
            if s.mark == Mark::Bars && !s.points.is_empty() {
                y = (y.0.min(0.0), y.1.max(0.0));
                x = (x.0 - 0.5, x.1 + 0.5);
            }
        }
        (x, y)
    }

    /// The box the data and the requested ranges span, padded by 5%; (0, 1) where empty.
    pub fn bounds(&self) -> ((f64, f64), (f64, f64)) {
        let (x, y) = self.raw_bounds();
        (pad(x), pad(y))
    }
}

fn pad((lo, hi): (f64, f64)) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    let margin = if span > 0.0 {
        0.05 * span
    } else {
        0.5 * lo.abs().max(1.0)
    };
    (lo - margin, hi + margin)
}

/// The panels of one run, under a title that names its settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The run shown (the first of two when they are overlaid): a new run is a new plot, whose
    /// axes fit its data afresh.
    pub run: Option<RunId>,
    pub title: String,
    pub panels: Vec<Panel>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Figure {
    pub columns: Vec<Column>,
}
