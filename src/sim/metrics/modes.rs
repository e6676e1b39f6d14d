use std::sync::Arc;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::sim::platform::host;
use crate::sim::targets::Target;

/// How the samples spread over a mixture's components.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModeCoverage {
    /// Fraction of samples whose most likely component is each one.
    pub fractions: Vec<f64>,
    /// Entropic mode coverage −Σ p log p / log K over `fractions`, in [0, 1].
    pub emc: f64,
    /// Components holding at least `threshold` of the samples inside their `bulk` region.
    pub covered: usize,
    pub total: usize,
    /// The fraction of all samples a covered component holds at least.
    #[serde(default)]
    pub threshold: f64,
    /// A sample counts for its component only inside the region around the component's centre
    /// that holds this fraction of the target's own draws of that component ([`BULK`]): a wide
    /// untrained cloud puts few samples there.
    #[serde(default)]
    pub bulk: f64,
}

/// The share of a component's own draws its counted region holds.
pub const BULK: f64 = 0.99;
/// Exact draws that calibrate the region, and the seed they are drawn with (fixed, so that the
/// count does not depend on the run).
const CALIBRATION_DRAWS: usize = 4000;
const CALIBRATION_SEED: u64 = 0x6d6f_6465;

impl ModeCoverage {
    /// The rule in a few words, for a plot title.
    pub fn rule_short(&self) -> String {
        format!("≥ {} % in {} % region", self.threshold * 100.0, self.bulk * 100.0)
    }

    /// The rule behind `covered`, in words.
    pub fn rule(&self) -> String {
        format!(
            "≥ {} % of samples in the mode's {} % region",
            self.threshold * 100.0,
            self.bulk * 100.0
        )
    }
}

/// For every row of component terms `[n, K]`: its most likely component and how far that
/// component's term lies below its value at the component's centre (`peaks`).
fn nearest_with_drop(terms: &[f32], peaks: &[f32]) -> Vec<(usize, f32)> {
    let k = peaks.len();
    terms
        .chunks(k)
        .map(|row| {
            let (c, best) =
                row.iter().enumerate().fold(
                    (0, f32::NEG_INFINITY),
                    |acc, (c, &v)| if v > acc.1 { (c, v) } else { acc },
                );
            (c, peaks[c] - best)
        })
        .collect()
}

/// Where a mixture's components count samples: each component's term at its centre and the
/// [`BULK`] quantile of the drop below it over exact draws of the target (the components of
/// GMM-40 and MoS-10 share one shape). Computed once per target, not per snapshot.
#[derive(Clone, Debug)]
pub struct ModeRegions {
    peaks: Vec<f32>,
    edge: f32,
}

impl ModeRegions {
    /// `None` for targets that are not mixtures with exact samples.
    pub fn calibrate(target: &Arc<dyn Target>, device: &Device) -> Option<Self> {
        let locs = target.component_locations()?;
        let d = target.dim();
        let k = locs.len() / d;
        let at_peaks = component_terms(target, locs, device)?;
        let peaks: Vec<f32> = (0..k).map(|c| at_peaks[c * k + c]).collect();
        let mut rng = StdRng::seed_from_u64(CALIBRATION_SEED);
        let exact = target.exact_samples(CALIBRATION_DRAWS, &mut rng)?;
        let mut drops: Vec<f32> = nearest_with_drop(&component_terms(target, &exact, device)?, &peaks)
            .into_iter()
            .map(|(_, drop)| drop)
            .collect();
        drops.sort_by(f32::total_cmp);
        let edge = drops[((BULK * drops.len() as f64) as usize).min(drops.len() - 1)];
        Some(ModeRegions { peaks, edge })
    }
}

/// Every component's term at each row of `rows` (row-major `n × d`), `[n, K]` flattened.
fn component_terms(target: &Arc<dyn Target>, rows: &[f32], device: &Device) -> Option<Vec<f32>> {
    let d = target.dim();
    let x = host::matrix(rows.to_vec(), rows.len() / d, d, device);
    Some(host::to_vec(target.component_log_densities(x)?))
}

/// Assigns every sample (row-major `n × d`) to its most likely component and counts the
/// components that hold at least `threshold` of the samples inside their region.
pub fn mode_coverage(
    target: &Arc<dyn Target>,
    regions: &ModeRegions,
    samples: &[f32],
    threshold: f64,
    device: &Device,
) -> Option<ModeCoverage> {
    let n = samples.len() / target.dim();
    let k = regions.peaks.len();
    let mut nearest = vec![0usize; k];
    let mut inside = vec![0usize; k];
    for (c, drop) in nearest_with_drop(&component_terms(target, samples, device)?, &regions.peaks) {
        nearest[c] += 1;
        if drop <= regions.edge {
            inside[c] += 1;
        }
    }
    let fractions: Vec<f64> = nearest.iter().map(|&c| c as f64 / n as f64).collect();
    let entropy: f64 = fractions.iter().filter(|&&p| p > 0.0).map(|&p| -p * p.ln()).sum();
    Some(ModeCoverage {
        emc: entropy / (k as f64).ln(),
        covered: inside
            .iter()
            .filter(|&&c| c as f64 / n as f64 >= threshold)
            .count(),
        total: k,
        fractions,
        threshold,
        bulk: BULK,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::preset::{TargetKind, TargetSpec};
    use crate::sim::targets::build_target;
    use rand_distr::{Distribution, Normal};

    #[test]
    fn exact_draws_cover_every_mode_and_a_wide_untrained_cloud_covers_almost_none() {
        let device = Device::flex();
        // MoS-10's ten modes fill its plot range: a wide cloud there is not far from the target.
        for (kind, dim, spread) in [
            (TargetKind::Gmm40, 2, Some(30.0)),
            (TargetKind::Gmm40, 50, Some(30.0)),
            (TargetKind::Mos10, 2, None),
            (TargetKind::Mos10, 50, None),
        ] {
            let spec = TargetSpec {
                kind,
                dim,
                constants_seed: 0,
                components: Vec::new(),
            };
            let target = build_target(&spec, &device).unwrap();
            let mut rng = StdRng::seed_from_u64(1);
            let exact = target.exact_samples(4000, &mut rng).unwrap();
            let regions = ModeRegions::calibrate(&target, &device).unwrap();
            let c = mode_coverage(&target, &regions, &exact, 0.01, &device).unwrap();
            assert_eq!(
                c.covered, c.total,
                "{kind:?} d={dim}: exact draws cover every mode"
            );
            let Some(spread) = spread else { continue };
            let wide = Normal::new(0.0, spread).unwrap();
            let cloud: Vec<f32> = (0..4000 * dim).map(|_| wide.sample(&mut rng) as f32).collect();
            let c = mode_coverage(&target, &regions, &cloud, 0.01, &device).unwrap();
            assert!(
                c.covered <= 2,
                "{kind:?} d={dim}: a cloud of std {spread} covers {} modes",
                c.covered
            );
        }
    }
}
