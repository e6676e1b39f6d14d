//! Long-run reference draws of a posterior that has no exact sampler: they stand in for exact
//! samples in Sinkhorn, MMD, Δstd, the noise floor and the marginal plots. German credit's come
//! with the benchmark; the other posteriors' were drawn with NUTS for this lab (data/README.md
//! says how, with the chains' diagnostics).

use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::sim::error::SimError;
use crate::sim::targets::data::DataDir;
use crate::sim::targets::data::csv;

/// The draws, `n × dim` row-major.
pub struct ReferenceDraws {
    dim: usize,
    values: Vec<f32>,
}

impl ReferenceDraws {
    /// Reads `file` (a header, then rows of `dim` numbers) from `dir`.
    pub fn load(dir: &DataDir, file: &str, dim: usize) -> Result<Self, SimError> {
        let draws = csv::load(&dir.file(file)?)?;
        draws.expect_shape(None, dim)?;
        Ok(ReferenceDraws {
            dim,
            values: draws.rows.iter().flatten().map(|&v| v as f32).collect(),
        })
    }

    /// `n` of the draws in a random order, none repeated while there are enough of them: two
    /// calls with independent generators give the independent sets the noise floor compares.
    pub fn sample(&self, n: usize, rng: &mut StdRng) -> Vec<f32> {
        let total = self.values.len() / self.dim;
        let mut order: Vec<usize> = (0..total).collect();
        let mut out = Vec::with_capacity(n * self.dim);
        for i in 0..n {
            let k = i % total;
            if k == 0 {
                order.shuffle(rng);
            }
            let row = order[k];
            out.extend_from_slice(&self.values[row * self.dim..(row + 1) * self.dim]);
        }
        out
    }
}
