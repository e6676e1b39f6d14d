//! The sample plot: the latest samples (or both processes at a chosen step) over the target.

use super::*;

pub(crate) fn samples(view: &RunStore, c: PlotChoice, time: TimeView, ink: RunInk) -> Panel {
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
            time.step.min(p.path_steps),
            p.path_steps,
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
            TARGET_DRAWS_COLOR,
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
        processes(&mut panel, p, time, c, ink);
    } else if let Some((_, samples)) = replay {
        let pts = samples.chunks(d).map(|r| pair(r, c.x, c.y)).collect();
        panel
            .series
            .push(Series::new("samples", Mark::Points(1.5), ink.main, pts));
    } else if let Some(s) = &view.snapshot {
        let pts = s.samples.chunks(s.dim).map(|r| pair(r, c.x, c.y)).collect();
        panel
            .series
            .push(Series::new("samples", Mark::Points(1.5), ink.main, pts));
    }
    panel
}

/// The generative process at step n, its first paths up to n in the run's light shade, and
/// the inference process at n.
pub(crate) fn processes(panel: &mut Panel, p: &PathSet, time: TimeView, c: PlotChoice, ink: RunInk) {
    let n = time.step.min(p.path_steps);
    let d = p.dim;
    if time.paths {
        for i in 0..p.count.min(PATHS_DRAWN) {
            let pts = (0..=n)
                .map(|k| pair(&p.at(&p.generative, k)[i * d..(i + 1) * d], c.x, c.y))
                .collect();
            // One name for all: the legend shows (and hides) them as one entry.
            panel
                .series
                .push(Series::new("generative paths", Mark::Line, ink.light, pts));
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
        ink.main,
        pts,
    ));
}
