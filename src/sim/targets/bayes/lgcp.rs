//! Log-Gaussian Cox process on the Finnish pines (d = 1600), in the unwhitened f-space.
//!
//! The unit square is cut into 40 × 40 cells with counts n_k. Prior f ~ N(μ_0 1, K) with
//! K_kl = 1.91 exp(−33 ‖g_k − g_l‖ / 40) on integer grid points g, likelihood
//! Σ_k n_k f_k − e^{f_k} / 1600. The prior precision K⁻¹ and log det K are constants, computed
//! once per process in f64: every evaluation is then one matrix product with K⁻¹.

use std::sync::OnceLock;

use burn::tensor::{Device, Tensor, TensorData};

use super::LOG_2PI;
use super::cholesky::Cholesky;
use crate::sim::error::SimError;
use crate::sim::targets::Target;
use crate::sim::targets::data::DataDir;
use crate::sim::targets::data::csv;

/// Cells per side of the grid.
pub const GRID: usize = 40;
const CELLS: usize = GRID * GRID;
const SIGNAL_VARIANCE: f64 = 1.91;
/// The kernel decays as exp(−‖Δg‖ / (GRID β)) with β = 1/33.
const DECAY: f64 = 33.0 / GRID as f64;
/// Each cell's share of the unit square: the Poisson intensity of cell k is e^{f_k} · area.
const CELL_AREA: f64 = 1.0 / CELLS as f64;

/// The prior mean: ln 126 − 1.91 / 2, 126 being the number of trees, so that E[e^f] matches
/// the observed intensity.
fn prior_mean() -> f64 {
    126f64.ln() - 0.5 * SIGNAL_VARIANCE
}

/// The prior constants, shared by every build: the factorisation is the slow part.
struct GpPrior {
    /// K⁻¹, row-major `1600 × 1600`.
    precision: Vec<f32>,
    log_det: f64,
}

fn gp_prior() -> &'static GpPrior {
    static PRIOR: OnceLock<GpPrior> = OnceLock::new();
    PRIOR.get_or_init(|| {
        let point = |k: usize| ((k / GRID) as f64, (k % GRID) as f64);
        let mut cov = vec![0.0f64; CELLS * CELLS];
        for k in 0..CELLS {
            let (r1, c1) = point(k);
            for l in 0..CELLS {
                let (r2, c2) = point(l);
                cov[k * CELLS + l] = SIGNAL_VARIANCE * (-DECAY * (r1 - r2).hypot(c1 - c2)).exp();
            }
        }
        let chol = Cholesky::factor(&cov, CELLS).expect("an exponential kernel matrix is positive definite");
        GpPrior {
            precision: chol.inverse().into_iter().map(|v| v as f32).collect(),
            log_det: chol.log_det(),
        }
    })
}

pub struct Lgcp {
    counts: Vec<u32>,
    mean: f64,
    /// K⁻¹ `[1600, 1600]`.
    precision: Tensor<2>,
    /// n_k as `[1, 1600]`.
    counts_row: Tensor<2>,
    /// −½ ln det(2πK).
    log_norm: f64,
}

impl Lgcp {
    /// Bins `pines.csv` (x, y in the unit square) into the grid: row ⌊40x⌋, column ⌊40y⌋,
    /// with the upper edge in the last cell.
    pub fn load(dir: &DataDir, device: &Device) -> Result<Self, SimError> {
        let table = csv::load(&dir.file("pines.csv")?)?;
        table.expect_shape(None, 2)?;
        let mut counts = vec![0u32; CELLS];
        for (i, row) in table.rows.iter().enumerate() {
            if row.iter().any(|v| !(0.0..=1.0).contains(v)) {
                return Err(table.error_at(i, format!("({}, {}) is outside the unit square", row[0], row[1])));
            }
            let cell = |v: f64| ((v * GRID as f64) as usize).min(GRID - 1);
            counts[cell(row[0]) * GRID + cell(row[1])] += 1;
        }
        let prior = gp_prior();
        let counts_f: Vec<f32> = counts.iter().map(|&c| c as f32).collect();
        Ok(Self {
            counts,
            mean: prior_mean(),
            precision: Tensor::from_data(TensorData::new(prior.precision.clone(), [CELLS, CELLS]), device),
            counts_row: Tensor::from_data(TensorData::new(counts_f, [1, CELLS]), device),
            log_norm: -0.5 * (CELLS as f64 * LOG_2PI + prior.log_det),
        })
    }

    /// Trees per cell, row-major over the grid (row from x, column from y).
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }

    /// The prior mean μ_0 of every cell.
    pub fn prior_mean(&self) -> f64 {
        self.mean
    }
}

impl Target for Lgcp {
    fn name(&self) -> String {
        format!("LGCP (d={CELLS})")
    }
    fn dim(&self) -> usize {
        CELLS
    }
    fn log_density(&self, f: Tensor<2>) -> Tensor<1> {
        let [b, _] = f.dims();
        let centred = f.clone() - self.mean;
        let quad = (centred.clone().matmul(self.precision.clone()) * centred).sum_dim(1);
        let lik = (f.clone() * self.counts_row.clone()).sum_dim(1) - f.exp().sum_dim(1) * CELL_AREA;
        (lik - quad * 0.5 + self.log_norm).reshape([b])
    }
    fn score(&self, f: Tensor<2>) -> Tensor<2> {
        // K⁻¹ is symmetric, so a row vector times K⁻¹ is (K⁻¹ (f − μ))ᵀ.
        let pull = (f.clone() - self.mean).matmul(self.precision.clone());
        self.counts_row.clone() - f.exp() * CELL_AREA - pull
    }
    fn plot_range(&self) -> (f32, f32) {
        // μ_0 ≈ 3.9 with prior sd √1.91 ≈ 1.4 per cell.
        (0.0, 8.0)
    }
}
