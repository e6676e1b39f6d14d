//! Heat maps behind a panel's series (a log density, the density of a coordinate over the
//! steps, the drift mismatch) and their colour scale, shared by the screen and the export.

use super::model::Rgb;
use crate::protocol::DensityGrid;

/// Log densities more than this far below the peak share the darkest colour, so the shape of
/// the modes stays visible instead of the far tails.
pub const LOG_DENSITY_SPAN: f64 = 25.0;

/// From low to high density.
pub const HEAT_PALETTE: [Rgb; 3] = [[12, 12, 20], [70, 40, 90], [160, 110, 60]];

/// Values on a grid of equal cells filling a box, drawn in [`HEAT_PALETTE`].
#[derive(Clone, Debug, PartialEq)]
pub struct Heat {
    /// What a cell holds, as the CSV names it ("log density").
    pub name: String,
    pub cols: usize,
    pub rows: usize,
    /// The box the cells fill.
    pub x: (f64, f64),
    pub y: (f64, f64),
    /// Row-major, row 0 at the lowest y.
    pub values: Vec<f32>,
    /// The values the palette spans; values outside take its end colours, non-finite ones the
    /// lowest.
    pub range: (f64, f64),
}

impl Heat {
    /// log ρ of a density grid, from its finite maximum down [`LOG_DENSITY_SPAN`] nats.
    pub fn log_density(grid: &DensityGrid) -> Heat {
        let max = finite(&grid.log_density).fold(f64::MIN, f64::max);
        let (lo, hi) = (grid.lo as f64, grid.hi as f64);
        Heat {
            name: "log density".into(),
            cols: grid.n,
            rows: grid.n,
            x: (lo, hi),
            y: (lo, hi),
            values: grid.log_density.clone(),
            range: (max - LOG_DENSITY_SPAN, max),
        }
    }

    /// `values` (`rows × cols`) on a palette from their finite minimum to their maximum.
    pub fn linear(
        name: &str,
        (cols, rows): (usize, usize),
        x: (f64, f64),
        y: (f64, f64),
        values: Vec<f32>,
    ) -> Heat {
        let range = finite(&values).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        Heat {
            name: name.into(),
            cols,
            rows,
            x,
            y,
            values,
            range: if range.0 <= range.1 { range } else { (0.0, 1.0) },
        }
    }

    /// Width and height of a cell.
    pub fn cell_size(&self) -> (f64, f64) {
        (
            (self.x.1 - self.x.0) / self.cols.max(1) as f64,
            (self.y.1 - self.y.0) / self.rows.max(1) as f64,
        )
    }

    /// Centre of cell `k` (row-major).
    pub fn cell_centre(&self, k: usize) -> [f64; 2] {
        let (w, h) = self.cell_size();
        let (row, col) = (k / self.cols.max(1), k % self.cols.max(1));
        [
            self.x.0 + (col as f64 + 0.5) * w,
            self.y.0 + (row as f64 + 0.5) * h,
        ]
    }

    /// The colour of every cell, row-major.
    pub fn colors(&self) -> Vec<Rgb> {
        self.values
            .iter()
            .map(|&v| {
                let v = if v.is_finite() { v as f64 } else { self.range.0 };
                color_of(v, self.range)
            })
            .collect()
    }
}

/// What a colour bar beside a heat map says: what the colours measure, the values at its ends
/// and the colours between them, from low to high.
#[derive(Clone, Debug, PartialEq)]
pub struct ColorBar {
    pub name: String,
    pub low: String,
    pub high: String,
    pub colors: Vec<Rgb>,
}

impl Heat {
    /// The bar that reads this map's colours, in `steps` colours from its low end.
    pub fn color_bar(&self, steps: usize) -> ColorBar {
        let (lo, hi) = self.range;
        let steps = steps.max(2);
        ColorBar {
            name: self.name.clone(),
            low: super::render::tick_label(lo),
            high: super::render::tick_label(hi),
            colors: (0..steps)
                .map(|i| color_of(lo + (hi - lo) * i as f64 / (steps - 1) as f64, (lo, hi)))
                .collect(),
        }
    }
}

fn finite(values: &[f32]) -> impl Iterator<Item = f64> + '_ {
    values.iter().filter(|v| v.is_finite()).map(|&v| v as f64)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_runs_from_its_first_to_its_last_stop() {
        assert_eq!(color_of(-5.0, (0.0, 1.0)), HEAT_PALETTE[0]);
        assert_eq!(color_of(0.5, (0.0, 1.0)), HEAT_PALETTE[1]);
        assert_eq!(color_of(9.0, (0.0, 1.0)), HEAT_PALETTE[2]);
    }

    #[test]
    fn cells_fill_their_box_row_by_row_from_the_bottom() {
        let heat = Heat::linear("v", (4, 2), (0.0, 8.0), (10.0, 12.0), vec![0.0; 8]);
        assert_eq!(heat.cell_centre(0), [1.0, 10.5]);
        assert_eq!(heat.cell_centre(5), [3.0, 11.5]);
        assert_eq!(heat.range, (0.0, 0.0));
    }
}
