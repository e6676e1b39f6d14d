//! Ground costs between two point sets, computed a block of rows at a time so that no
//! n × m matrix has to exist when it would not fit.

use serde::{Deserialize, Serialize};

/// The ground cost c(x, y) of a transport problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cost {
    /// ‖x − y‖², the cost of W₂² and of the Sinkhorn divergence of docs/math.md §7.
    SquaredEuclidean,
    /// ‖x − y‖, the cost the rKL-LD paper's code uses for many-well.
    Euclidean,
}

impl Cost {
    pub fn name(self) -> &'static str {
        match self {
            Cost::SquaredEuclidean => "squared Euclidean",
            Cost::Euclidean => "Euclidean",
        }
    }
}

/// Row-major `n × d` points in f64 with their squared norms.
pub struct Points {
    pub values: Vec<f64>,
    pub n: usize,
    pub d: usize,
    norms: Vec<f64>,
}

impl Points {
    pub fn new(values: &[f32], d: usize) -> Self {
        let values: Vec<f64> = values.iter().map(|&v| v as f64).collect();
        let n = values.len() / d.max(1);
        let norms = values
            .chunks(d.max(1))
            .map(|r| r.iter().map(|v| v * v).sum())
            .collect();
        Self { values, n, d, norms }
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.d..(i + 1) * self.d]
    }
}

/// Below this many coordinates the direct difference is as fast as a matrix product and exact.
const DIRECT_BELOW: usize = 8;

/// Fills `out` (`rows.len() × y.n`, row-major) with c(xᵢ, yⱼ) for i in `rows`.
pub fn cost_block(x: &Points, rows: std::ops::Range<usize>, y: &Points, cost: Cost, out: &mut [f64]) {
    let m = y.n;
    let r = rows.len();
    debug_assert_eq!(out.len(), r * m);
    if x.d < DIRECT_BELOW {
        for (k, i) in rows.clone().enumerate() {
            let xi = x.row(i);
            for (j, o) in out[k * m..(k + 1) * m].iter_mut().enumerate() {
                *o = xi.iter().zip(y.row(j)).map(|(a, b)| (a - b) * (a - b)).sum();
            }
        }
    } else {
        // ‖x‖² + ‖y‖² − 2 x·y, the product from one GEMM call; in f64 the cancellation costs
        // about 1e-12 of ‖x‖², far below any reported digit.
        let lhs = &x.values[rows.start * x.d..rows.end * x.d];
        // SAFETY: the pointers and strides describe `lhs` (r × d, row-major), `y.values`
        // (m × d, row-major, read as its transpose d × m) and `out` (r × m, row-major), all
        // alive and of those sizes; `out` is written only here.
        unsafe {
            gemm::gemm(
                r,
                m,
                x.d,
                out.as_mut_ptr(),
                1,
                m as isize,
                false,
                lhs.as_ptr(),
                1,
                x.d as isize,
                y.values.as_ptr(),
                x.d as isize,
                1,
                0.0,
                -2.0,
                false,
                false,
                false,
                gemm::Parallelism::None,
            );
        }
        for (k, i) in rows.clone().enumerate() {
            let xn = x.norms[i];
            for (o, yn) in out[k * m..(k + 1) * m].iter_mut().zip(&y.norms) {
                *o = (*o + xn + yn).max(0.0);
            }
        }
    }
    if cost == Cost::Euclidean {
        out.iter_mut().for_each(|v| *v = v.sqrt());
    }
}

/// Mean and standard deviation of all n·m entries of the cost matrix, a block at a time.
pub fn cost_moments(x: &Points, y: &Points, cost: Cost) -> (f64, f64) {
    use rayon::prelude::*;
    let block = rows_per_block(y.n);
    let starts: Vec<usize> = (0..x.n).step_by(block).collect();
    let (sum, sum_sq) = starts
        .par_iter()
        .map(|&s| {
            let rows = s..(s + block).min(x.n);
            let mut out = vec![0.0; rows.len() * y.n];
            cost_block(x, rows, y, cost, &mut out);
            out.iter().fold((0.0, 0.0), |(a, b), &v| (a + v, b + v * v))
        })
        .reduce(|| (0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    let count = (x.n * y.n).max(1) as f64;
    let mean = sum / count;
    (mean, (sum_sq / count - mean * mean).max(0.0).sqrt())
}

/// Rows per block so that one block holds about 4 MiB of f64 costs.
pub fn rows_per_block(m: usize) -> usize {
    ((1 << 19) / m.max(1)).clamp(1, 4096)
}
