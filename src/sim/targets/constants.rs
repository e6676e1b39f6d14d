//! The benchmark's generated mixture locations, read from the data (the built-in copy unless a
//! directory was chosen).

use crate::sim::error::SimError;
use crate::sim::preset::TargetKind;
use crate::sim::targets::data::data_file;

use crate::sim::targets::data::csv;

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
    let components = match kind {
        TargetKind::Mos10 => 10,
        _ => 40,
    };
    // Columns: seed, component, then the d coordinates.
    let table = csv::load(&data_file(file)?)?;
    table.expect_shape(None, dim + 2)?;
    let whole = |v: f64, below: f64| v.fract() == 0.0 && (0.0..below).contains(&v);
    let mut out = Vec::new();
    let mut next_component = 0;
    for (i, row) in table.rows.iter().enumerate() {
        if !whole(row[0], u32::MAX as f64 + 1.0) {
            return Err(table.error_at(
                i,
                format!("seed {} is not a whole number from 0 to {}", row[0], u32::MAX),
            ));
        }
        if !whole(row[1], components as f64) {
            return Err(table.error_at(
                i,
                format!(
                    "component {} is not a whole number from 0 to {}",
                    row[1],
                    components - 1
                ),
            ));
        }
        if row[0] as u32 == seed {
            if row[1] as usize != next_component {
                return Err(table.error_at(
                    i,
                    format!(
                        "component {} of seed {seed} where component {next_component} was due",
                        row[1]
                    ),
                ));
            }
            next_component += 1;
            out.extend(row[2..].iter().map(|&v| v as f32));
        }
    }
    if out.is_empty() {
        return Err(table.error(format!(
            "no locations for constants seed {seed} (seeds 0 to 9 exist)"
        )));
    }
    if next_component != components {
        return Err(table.error(format!(
            "seed {seed} has {next_component} components; {} has {components}",
            kind.label()
        )));
    }
    Ok(out)
}
