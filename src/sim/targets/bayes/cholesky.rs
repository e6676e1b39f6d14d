//! Dense Cholesky factorisation in f64 on the host, for the LGCP prior covariance: its log
//! determinant and inverse are computed once and then only used as constants. Written out
//! here because the matrix is modest (1600²) and a linear-algebra crate would be the only
//! user of its dependency tree.

use rayon::prelude::*;

/// A = L Lᵀ with L lower triangular, stored row-major (the upper triangle is zero).
pub struct Cholesky {
    n: usize,
    l: Vec<f64>,
}

impl Cholesky {
    /// Factors the symmetric `n × n` row-major matrix `a` (only its lower triangle is read);
    /// an error when `a` is not numerically positive definite.
    pub fn factor(a: &[f64], n: usize) -> Result<Self, String> {
        assert_eq!(a.len(), n * n, "a square matrix");
        let mut l = vec![0.0f64; n * n];
        for i in 0..n {
            let (done, rest) = l.split_at_mut(i * n);
            let row_i = &mut rest[..n];
            for j in 0..i {
                let row_j = &done[j * n..j * n + j + 1];
                row_i[j] = (a[i * n + j] - dot(&row_i[..j], &row_j[..j])) / row_j[j];
            }
            let pivot = a[i * n + i] - dot(&row_i[..i], &row_i[..i]);
            if pivot.is_nan() || pivot <= 0.0 {
                return Err(format!(
                    "the matrix is not positive definite (pivot {pivot} at row {i})"
                ));
            }
            row_i[i] = pivot.sqrt();
        }
        Ok(Self { n, l })
    }

    /// The factor L, row-major.
    #[cfg(test)]
    pub fn lower(&self) -> &[f64] {
        &self.l
    }

    /// ln det A = 2 Σ ln L_ii.
    pub fn log_det(&self) -> f64 {
        2.0 * (0..self.n).map(|i| self.l[i * self.n + i].ln()).sum::<f64>()
    }

    /// A⁻¹ = L⁻ᵀ L⁻¹, row-major and exactly symmetric.
    pub fn inverse(&self) -> Vec<f64> {
        let (n, l) = (self.n, &self.l);
        // Row a of `c` is column a of L⁻¹ (zero before a): forward substitution of L x = e_a.
        // Columns are independent, and rows keep every inner product contiguous.
        let mut c = vec![0.0f64; n * n];
        c.par_chunks_mut(n).enumerate().for_each(|(a, col)| {
            col[a] = 1.0 / l[a * n + a];
            for i in a + 1..n {
                col[i] = -dot(&l[i * n + a..i * n + i], &col[a..i]) / l[i * n + i];
            }
        });
        // (A⁻¹)_ab = Σ_i (L⁻¹)_ia (L⁻¹)_ib over i ≥ max(a, b): an inner product of two rows of c.
        let mut inv = vec![0.0f64; n * n];
        inv.par_chunks_mut(n).enumerate().for_each(|(a, row)| {
            for b in a..n {
                row[b] = dot(&c[a * n + b..(a + 1) * n], &c[b * n + b..(b + 1) * n]);
            }
        });
        for a in 0..n {
            for b in 0..a {
                inv[a * n + b] = inv[b * n + a];
            }
        }
        inv
    }
}

/// Inner product with eight independent partial sums: one running sum cannot be reordered,
/// so the compiler would not vectorise it, and these loops are the whole cost of the LGCP
/// set-up.
fn dot(x: &[f64], y: &[f64]) -> f64 {
    const LANES: usize = 8;
    let split = x.len() / LANES * LANES;
    let mut acc = [0.0f64; LANES];
    for (xs, ys) in x[..split].chunks_exact(LANES).zip(y[..split].chunks_exact(LANES)) {
        for k in 0..LANES {
            acc[k] += xs[k] * ys[k];
        }
    }
    let tail: f64 = x[split..].iter().zip(&y[split..]).map(|(a, b)| a * b).sum();
    acc.iter().sum::<f64>() + tail
}

#[cfg(test)]
mod tests {
    use super::Cholesky;

    #[test]
    fn factor_determinant_and_inverse_of_a_small_matrix() {
        let n = 9;
        // Diagonally dominant, hence positive definite, and not of any special structure.
        let a: Vec<f64> = (0..n * n)
            .map(|k| {
                let (i, j) = (k / n, k % n);
                if i == j {
                    10.0 + i as f64
                } else {
                    1.0 / (1.0 + (i + j) as f64)
                }
            })
            .collect();
        let ch = Cholesky::factor(&a, n).unwrap();
        let l = ch.lower();
        for i in 0..n {
            for j in 0..n {
                let llt: f64 = (0..n).map(|k| l[i * n + k] * l[j * n + k]).sum();
                assert!((llt - a[i * n + j]).abs() < 1e-12);
            }
        }
        let inv = ch.inverse();
        for i in 0..n {
            for j in 0..n {
                let prod: f64 = (0..n).map(|k| a[i * n + k] * inv[k * n + j]).sum();
                assert!((prod - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
        let diag_product: f64 = (0..n).map(|i| l[i * n + i]).product();
        assert!((ch.log_det() - 2.0 * diag_product.ln()).abs() < 1e-12);
        assert!(Cholesky::factor(&[1.0, 2.0, 2.0, 1.0], 2).is_err());
    }
}
