//! Dense layers, x · W + a bias row, for the narrow matrices of the drift networks (a few
//! dozen to a few hundred columns, thousands of rows). The GEMM crate's kernels use AVX2 even
//! where AVX-512 exists; this kernel keeps a block of rows × up to 64 columns in AVX-512
//! registers and streams W row by row, which reaches several times the crate's speed at these
//! sizes. Elsewhere the crate computes the same product.

#[cfg(target_arch = "x86_64")]
use super::cpu::Width;
use super::matmul::{Mat, matmul};

/// Lanes of an AVX-512 register.
const LANES: usize = 16;
/// Rows of a register block.
const BLOCK_ROWS: usize = 4;
/// Registers of columns of a register block (64 columns).
const BLOCK_VECTORS: usize = 4;

/// A layer's weight `k × n`, row-major, with its rows padded to whole registers for the
/// kernel.
#[derive(Clone, Debug, PartialEq)]
pub struct Packed {
    pub k: usize,
    pub n: usize,
    /// `n` rounded up to a multiple of 16.
    padded: usize,
    /// `k × padded`, zeros in the padding.
    data: Vec<f32>,
    /// The weight as given, `k × n`.
    plain: Vec<f32>,
}

impl Packed {
    /// `w` (`k × n`, row-major), or its transpose when `transpose` (then `w` is `n × k`).
    pub fn new(w: &[f32], k: usize, n: usize, transpose: bool) -> Self {
        assert_eq!(w.len(), k * n, "a {k} × {n} weight");
        let plain: Vec<f32> = if transpose {
            (0..k).flat_map(|i| (0..n).map(move |j| w[j * k + i])).collect()
        } else {
            w.to_vec()
        };
        let padded = pad(n);
        let mut data = vec![0.0; k * padded];
        for (row, src) in data.chunks_exact_mut(padded).zip(plain.chunks_exact(n.max(1))) {
            row[..n].copy_from_slice(src);
        }
        Packed {
            k,
            n,
            padded,
            data,
            plain,
        }
    }
}

/// `n` rounded up to whole registers.
pub fn pad(n: usize) -> usize {
    n.div_ceil(LANES) * LANES
}

/// Rows of bias, `rows × padded`, padded like the weight: the same row for every row of x, or
/// one row per step.
pub trait BiasRows {
    /// The padded bias row of row `r`.
    fn row(&self, r: usize) -> &[f32];
}

/// The same bias for every row.
pub struct SameBias<'a>(pub &'a [f32]);

impl BiasRows for SameBias<'_> {
    fn row(&self, _: usize) -> &[f32] {
        self.0
    }
}

/// `out` (`rows × n`) = `x` (`rows × k`) · `w` + `bias.row(r)` for each row r.
pub fn affine(x: &[f32], w: &Packed, bias: &dyn BiasRows, out: &mut [f32]) {
    let rows = x.len() / w.k.max(1);
    assert_eq!(x.len(), rows * w.k, "whole rows of x");
    assert_eq!(out.len(), rows * w.n, "an output row per row of x");
    #[cfg(target_arch = "x86_64")]
    if Width::here() == Width::Avx512 && w.k > 0 {
        // SAFETY: the processor has AVX-512F (checked just above); the sizes were checked.
        unsafe { avx512::affine(x, rows, w, bias, out) };
        return;
    }
    for r in 0..rows {
        out[r * w.n..(r + 1) * w.n].copy_from_slice(&bias.row(r)[..w.n]);
    }
    matmul(out, Mat::new(x, rows, w.k), Mat::new(&w.plain, w.k, w.n), true);
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{BLOCK_ROWS, BLOCK_VECTORS, BiasRows, LANES, Packed};

    /// One register block: rows `r..r + MR`, registers `c..c + NB` of columns.
    ///
    /// # Safety
    /// AVX-512F is available; `x` holds rows `r..r + MR` of `w.k` values, `out` those rows of
    /// `w.n` values, and the bias rows hold `w.padded` values.
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn block<const MR: usize, const NB: usize>(
        x: &[f32],
        r: usize,
        c: usize,
        w: &Packed,
        bias: &dyn BiasRows,
        out: &mut [f32],
    ) {
        let (k, n, padded) = (w.k, w.n, w.padded);
        let mut acc = [[_mm512_setzero_ps(); NB]; MR];
        for (i, row) in acc.iter_mut().enumerate() {
            let b = bias.row(r + i).as_ptr();
            for (j, a) in row.iter_mut().enumerate() {
                // SAFETY: the bias row holds `padded` ≥ (c + NB)·16 values.
                *a = unsafe { _mm512_loadu_ps(b.add((c + j) * LANES)) };
            }
        }
        let wp = w.data.as_ptr();
        let xp = x.as_ptr();
        for kk in 0..k {
            let mut wv = [_mm512_setzero_ps(); NB];
            for (j, v) in wv.iter_mut().enumerate() {
                // SAFETY: row kk of the packed weight holds `padded` values.
                *v = unsafe { _mm512_loadu_ps(wp.add(kk * padded + (c + j) * LANES)) };
            }
            for (i, row) in acc.iter_mut().enumerate() {
                // SAFETY: x holds row r + i of k values.
                let a = _mm512_set1_ps(unsafe { *xp.add((r + i) * k + kk) });
                for (j, v) in row.iter_mut().enumerate() {
                    *v = _mm512_fmadd_ps(a, wv[j], *v);
                }
            }
        }
        let op = out.as_mut_ptr();
        for (i, row) in acc.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                let col = (c + j) * LANES;
                let left = n - col.min(n);
                // SAFETY: columns col .. col + min(16, left) of row r + i are inside `out`.
                unsafe {
                    let dst = op.add((r + i) * n + col);
                    if left >= LANES {
                        _mm512_storeu_ps(dst, *v);
                    } else {
                        _mm512_mask_storeu_ps(dst, ((1u32 << left) - 1) as __mmask16, *v);
                    }
                }
            }
        }
    }

    /// Rows `r..` of one register block of `NB` registers of columns: a full block of rows
    /// where [`BLOCK_ROWS`] are left, else the remaining rows one by one.
    ///
    /// # Safety
    /// As for [`block`], for every row taken.
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn row_block<const NB: usize>(
        x: &[f32],
        r: usize,
        rows: usize,
        c: usize,
        w: &Packed,
        bias: &dyn BiasRows,
        out: &mut [f32],
    ) {
        // SAFETY: the caller's rows and registers are inside the matrices.
        unsafe {
            if rows - r >= BLOCK_ROWS {
                block::<BLOCK_ROWS, NB>(x, r, c, w, bias, out);
            } else {
                for i in r..rows {
                    block::<1, NB>(x, i, c, w, bias, out);
                }
            }
        }
    }

    /// Every row with every register of columns.
    ///
    /// # Safety
    /// AVX-512F is available and the sizes are as [`super::affine`] checks them.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn affine(x: &[f32], rows: usize, w: &Packed, bias: &dyn BiasRows, out: &mut [f32]) {
        let vectors = w.padded / LANES;
        let mut r = 0;
        while r < rows {
            let mut c = 0;
            while c < vectors {
                let nb = (vectors - c).min(BLOCK_VECTORS);
                // SAFETY: the block's rows and registers are inside the matrices.
                unsafe {
                    match nb {
                        4 => row_block::<4>(x, r, rows, c, w, bias, out),
                        3 => row_block::<3>(x, r, rows, c, w, bias, out),
                        2 => row_block::<2>(x, r, rows, c, w, bias, out),
                        _ => row_block::<1>(x, r, rows, c, w, bias, out),
                    }
                }
                c += nb;
            }
            r += BLOCK_ROWS.min(rows - r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_matches_a_plain_product_for_every_shape() {
        for (rows, k, n) in [
            (1, 1, 1),
            (7, 3, 17),
            (9, 50, 64),
            (13, 64, 50),
            (5, 64, 130),
            (4, 2, 33),
        ] {
            let x: Vec<f32> = (0..rows * k).map(|i| ((i * 7 % 13) as f32 - 6.0) * 0.1).collect();
            let w: Vec<f32> = (0..k * n).map(|i| ((i * 5 % 11) as f32 - 5.0) * 0.2).collect();
            let bias: Vec<f32> = (0..pad(n))
                .map(|i| if i < n { i as f32 * 0.01 } else { 0.0 })
                .collect();
            let packed = Packed::new(&w, k, n, false);
            let mut out = vec![f32::NAN; rows * n];
            affine(&x, &packed, &SameBias(&bias), &mut out);
            for r in 0..rows {
                for j in 0..n {
                    let want: f32 = bias[j] + (0..k).map(|i| x[r * k + i] * w[i * n + j]).sum::<f32>();
                    let got = out[r * n + j];
                    assert!(
                        (got - want).abs() < 1e-4,
                        "{rows}×{k}×{n} at ({r}, {j}): {got} vs {want}"
                    );
                }
            }
            // The transpose of an n × k weight.
            let t: Vec<f32> = (0..n * k).map(|i| w[(i % k) * n + i / k]).collect();
            assert_eq!(Packed::new(&t, k, n, true).plain, packed.plain);
        }
    }
}
