//! The colour scale of the log-density background, shared by the screen and the export.

use super::model::Rgb;
use crate::protocol::DensityGrid;

/// Log densities more than this far below the peak share the darkest colour, so the shape of
/// the modes stays visible instead of the far tails.
pub const LOG_DENSITY_SPAN: f64 = 25.0;

/// From low to high density.
pub const HEAT_PALETTE: [Rgb; 3] = [[12, 12, 20], [70, 40, 90], [160, 110, 60]];

/// The range of values the palette spans: the grid's finite maximum and `LOG_DENSITY_SPAN`
/// below it.
pub fn value_range(grid: &DensityGrid) -> (f64, f64) {
    let max = grid
        .log_density
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f32::MIN, f32::max) as f64;
    (max - LOG_DENSITY_SPAN, max)
}

/// Every cell's value clamped into [`value_range`]; non-finite cells take the lowest value.
pub fn clamped_values(grid: &DensityGrid) -> Vec<f64> {
    let (lo, hi) = value_range(grid);
    grid.log_density
        .iter()
        .map(|&v| {
            if v.is_finite() {
                (v as f64).clamp(lo, hi)
            } else {
                lo
            }
        })
        .collect()
}

/// The colour of `value` on the palette, linear between its stops.
pub fn color_of(value: f64, (lo, hi): (f64, f64)) -> Rgb {
    let t = if hi > lo {
        ((value - lo) / (hi - lo)).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let scaled = t * (HEAT_PALETTE.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(HEAT_PALETTE.len() - 2);
    let f = scaled - i as f64;
    let (a, b) = (HEAT_PALETTE[i], HEAT_PALETTE[i + 1]);
    std::array::from_fn(|k| (a[k] as f64 + f * (b[k] as f64 - a[k] as f64)).round() as u8)
}

/// Centre of cell `(row, col)`: row r holds y, column c holds x (see [`DensityGrid`]).
pub fn cell_centre(grid: &DensityGrid, row: usize, col: usize) -> [f64; 2] {
    let h = (grid.hi - grid.lo) as f64 / grid.n as f64;
    [
        grid.lo as f64 + (col as f64 + 0.5) * h,
        grid.lo as f64 + (row as f64 + 0.5) * h,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_runs_from_its_first_to_its_last_stop() {
        assert_eq!(color_of(-5.0, (0.0, 1.0)), HEAT_PALETTE[0]);
        assert_eq!(color_of(0.5, (0.0, 1.0)), HEAT_PALETTE[1]);
        assert_eq!(color_of(9.0, (0.0, 1.0)), HEAT_PALETTE[2]);
    }
}
