//! The benchmark's generated mixture locations, read from the data (the built-in copy unless a
//! directory was chosen).

use crate::sim::config::TargetKind;
use crate::sim::data::data_file;
use crate::sim::error::SimError;

use crate::sim::data::csv;

/// Component locations (`K × d`, row-major) for the mixture `kind` in dimension `dim`, drawn
/// with the benchmark's seed `seed` (0 is the one the paper reports).
pub fn mixture_locations(kind: TargetKind, dim: usize, seed: u32) -> Result<Vec<f32>, SimError> {
    let file = match (kind, dim) {
        (TargetKind::Gmm40, 2) => "targets/gmm40_means_d2_legacy.csv",
        (TargetKind::Gmm40, 50) => "targets/gmm40_means_d50_legacy.csv",
        (TargetKind::Mos10, 2) => "targets/mos10_locs_d2_legacy.csv",
        (TargetKind::Mos10, 50) => "targets/mos10_locs_d50_legacy.csv",
        _ => {
            return Err(SimError::UnsupportedDimension {
                target: kind.label().to_string(),
                dim,
                allowed: "2 or 50".into(),
            });
        }
    };
    // Columns: seed, component, then the d coordinates.
    let table = csv::load(&data_file(file)?)?;
    table.expect_shape(None, dim + 2)?;
    let mut out = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        if row[0].fract() != 0.0 || row[0] < 0.0 {
            return Err(table.error_at(i, format!("seed {} is not a whole number", row[0])));
        }
        if row[0] as u32 == seed {
            out.extend(row[2..].iter().map(|&v| v as f32));
        }
    }
    if out.is_empty() {
        return Err(table.error(format!(
            "no locations for constants seed {seed} (seeds 0 to 9 exist)"
        )));
    }
    Ok(out)
}
