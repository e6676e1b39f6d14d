//! The benchmark's generated mixture locations, embedded so that targets need no data directory.

use crate::sim::config::TargetKind;
use crate::sim::error::SimError;

const GMM40_D2: &str = include_str!("../../../assets/targets/gmm40_means_d2_legacy.csv");
const GMM40_D50: &str = include_str!("../../../assets/targets/gmm40_means_d50_legacy.csv");
const MOS10_D2: &str = include_str!("../../../assets/targets/mos10_locs_d2_legacy.csv");
const MOS10_D50: &str = include_str!("../../../assets/targets/mos10_locs_d50_legacy.csv");

/// Component locations (`K × d`, row-major) for the mixture `kind` in dimension `dim`, drawn
/// with the benchmark's seed `seed` (0 is the one the paper reports).
pub fn mixture_locations(kind: TargetKind, dim: usize, seed: u32) -> Result<Vec<f32>, SimError> {
    let (text, file) = match (kind, dim) {
        (TargetKind::Gmm40, 2) => (GMM40_D2, "gmm40_means_d2_legacy.csv"),
        (TargetKind::Gmm40, 50) => (GMM40_D50, "gmm40_means_d50_legacy.csv"),
        (TargetKind::Mos10, 2) => (MOS10_D2, "mos10_locs_d2_legacy.csv"),
        (TargetKind::Mos10, 50) => (MOS10_D50, "mos10_locs_d50_legacy.csv"),
        _ => {
            return Err(SimError::UnsupportedDimension {
                target: kind.label().to_string(),
                dim,
                allowed: "2 or 50".into(),
            });
        }
    };
    let mut out = Vec::new();
    for (line_no, line) in text.lines().enumerate().skip(1) {
        let mut fields = line.split(',');
        let row_seed: u32 = fields
            .next()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| SimError::Data(format!("{file}:{}: bad seed column", line_no + 1)))?;
        if row_seed != seed {
            continue;
        }
        let values: Vec<f32> = fields
            .skip(1)
            .map(|s| s.trim().parse::<f32>())
            .collect::<Result<_, _>>()
            .map_err(|e| SimError::Data(format!("{file}:{}: {e}", line_no + 1)))?;
        if values.len() != dim {
            return Err(SimError::Data(format!(
                "{file}:{}: expected {dim} coordinates, found {}",
                line_no + 1,
                values.len()
            )));
        }
        out.extend(values);
    }
    if out.is_empty() {
        return Err(SimError::Data(format!(
            "{file} has no locations for constants seed {seed} (seeds 0 to 9 exist)"
        )));
    }
    Ok(out)
}
