//! Metrics of docs/math.md §7: weight-based estimates from log w, and sample-based comparisons against
//! exact target draws.

mod cost;
mod epochs;
pub mod kde;
mod modes;
mod ott;
mod sample_distance;
mod settings;
mod sinkhorn;
mod weights;

pub use cost::Cost;
pub use cost::Points;
pub use epochs::{EPOCH_STEPS, EpochMeans, EpochRule, EpochSums, PaperReport, logged_epochs, paper_report};
pub use modes::{ModeCoverage, ModeRegions, mode_coverage};
pub use ott::{
    CAPPED_CHECK_EVERY, CAPPED_MAX_ITERATIONS, CAPPED_TOLERANCE, entropic_ot_capped, entropic_ot_self_capped,
};
pub use sample_distance::{MMD_POINTS, SinkhornProtocol, SinkhornReport, mmd, sinkhorn, sinkhorn_within};
pub use settings::EvalSettings;
pub use sinkhorn::{OtSolution, Stopping, entropic_ot, entropic_ot_self};
pub use weights::WeightStats;

/// Mean over coordinates of |std of `a` − std of `b`|, both row-major `n × d`.
pub fn delta_std(a: &[f32], b: &[f32], d: usize) -> f64 {
    let std = |x: &[f32]| -> Vec<f64> {
        let n = (x.len() / d) as f64;
        (0..d)
            .map(|j| {
                let mean = x.iter().skip(j).step_by(d).map(|&v| v as f64).sum::<f64>() / n;
                let var = x
                    .iter()
                    .skip(j)
                    .step_by(d)
                    .map(|&v| (v as f64 - mean).powi(2))
                    .sum::<f64>()
                    / n;
                var.sqrt()
            })
            .collect()
    };
    let (sa, sb) = (std(a), std(b));
    sa.iter().zip(&sb).map(|(x, y)| (x - y).abs()).sum::<f64>() / d as f64
}
