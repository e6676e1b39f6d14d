//! The target's marginal density of each coordinate, as the lab draws it beside the samples:
//! exact where it is known (mixtures, funnel, wells, Gaussians, drawn targets), else a kernel
//! estimate of many reference draws with its bandwidth stated.

use serde::{Deserialize, Serialize};

use super::Target;
use crate::sim::metrics::kde;

/// How a target's marginal curves were obtained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MarginalSource {
    /// In closed form or by one-dimensional quadrature.
    Exact,
    /// A Gaussian kernel estimate of `draws` reference draws; one bandwidth per coordinate.
    Kde { draws: usize, bandwidths: Vec<f32> },
}

/// The marginal density of every coordinate on `points` grid points spanning `range`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetMarginals {
    pub range: (f32, f32),
    pub points: usize,
    /// One curve of `points` densities per coordinate.
    pub curves: Vec<Vec<f32>>,
    pub source: MarginalSource,
}

impl TargetMarginals {
    /// The grid's abscissae.
    pub fn xs(&self) -> Vec<f64> {
        grid(self.range, self.points)
    }

    /// A short description for a legend: "exact" or "KDE of 10 000 reference draws, h = 0.12".
    pub fn describe(&self, coord: usize) -> String {
        match &self.source {
            MarginalSource::Exact => "exact".into(),
            MarginalSource::Kde { draws, bandwidths } => format!(
                "KDE of {draws} reference draws, h = {:.3}",
                bandwidths.get(coord).copied().unwrap_or(f32::NAN)
            ),
        }
    }
}

/// Coordinates with curves at most (LGCP's 1600 would cost more than its plots need).
pub const MAX_COORDINATES: usize = 100;
/// Reference draws a kernel estimate uses.
pub const KDE_DRAWS: usize = 10_000;

fn grid(range: (f32, f32), points: usize) -> Vec<f64> {
    let (lo, hi) = (range.0 as f64, range.1 as f64);
    (0..points)
        .map(|i| lo + (hi - lo) * i as f64 / (points.max(2) - 1) as f64)
        .collect()
}

/// The marginals of `target` on `points` points over its plot range; `draws` gives reference
/// draws (`KDE_DRAWS` rows) for a target without exact marginals. `None` for a target of more
/// than [`MAX_COORDINATES`] coordinates or without either.
pub fn target_marginals(
    target: &dyn Target,
    points: usize,
    draws: impl FnOnce(usize) -> Option<Vec<f32>>,
) -> Option<TargetMarginals> {
    let d = target.dim();
    if d > MAX_COORDINATES || points < 2 {
        return None;
    }
    let range = target.plot_range();
    let xs = grid(range, points);
    let exact: Option<Vec<Vec<f32>>> = (0..d)
        .map(|j| {
            target
                .marginal_density(j, &xs)
                .map(|v| v.into_iter().map(|p| p as f32).collect())
        })
        .collect();
    if let Some(curves) = exact {
        return Some(TargetMarginals {
            range,
            points,
            curves,
            source: MarginalSource::Exact,
        });
    }
    let reference = draws(KDE_DRAWS)?;
    let range64 = (range.0 as f64, range.1 as f64);
    let mut curves = Vec::with_capacity(d);
    let mut bandwidths = Vec::with_capacity(d);
    for j in 0..d {
        let curve = kde::marginal(&reference, d, j, range64, points)?;
        curves.push(curve.points.iter().map(|p| p[1] as f32).collect());
        bandwidths.push(curve.bandwidth as f32);
    }
    Some(TargetMarginals {
        range,
        points,
        curves,
        source: MarginalSource::Kde {
            draws: reference.len() / d,
            bandwidths,
        },
    })
}
