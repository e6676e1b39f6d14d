//! Matrix products on row-major slices, through the GEMM crate the CPU backend links.

/// A row-major matrix, read as itself or as its transpose.
#[derive(Clone, Copy)]
pub struct Mat<'a> {
    pub data: &'a [f32],
    /// Rows and columns as stored.
    pub rows: usize,
    pub cols: usize,
    pub transposed: bool,
}

impl<'a> Mat<'a> {
    pub fn new(data: &'a [f32], rows: usize, cols: usize) -> Self {
        assert_eq!(data.len(), rows * cols, "a {rows} × {cols} matrix");
        Mat {
            data,
            rows,
            cols,
            transposed: false,
        }
    }

    pub fn t(self) -> Self {
        Mat {
            transposed: !self.transposed,
            ..self
        }
    }

    /// Rows and columns as read.
    fn shape(&self) -> (usize, usize) {
        if self.transposed {
            (self.cols, self.rows)
        } else {
            (self.rows, self.cols)
        }
    }

    /// Strides (column, row) of the matrix as read.
    fn strides(&self) -> (isize, isize) {
        if self.transposed {
            (self.cols as isize, 1)
        } else {
            (1, self.cols as isize)
        }
    }
}

/// `out` (row-major, `m × n`) = `out` (when `add`) + `a · b`, on this thread.
pub fn matmul(out: &mut [f32], a: Mat<'_>, b: Mat<'_>, add: bool) {
    let (m, k) = a.shape();
    let (k2, n) = b.shape();
    assert_eq!(k, k2, "inner sizes of a product");
    assert_eq!(out.len(), m * n, "the product's size");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !add {
            out.fill(0.0);
        }
        return;
    }
    let (a_cs, a_rs) = a.strides();
    let (b_cs, b_rs) = b.strides();
    // SAFETY: every pointer and stride pair describes a slice checked above to hold the matrix
    // it is read as (a: m × k, b: k × n, out: m × n, row-major); `out` is borrowed mutably and
    // distinct from the inputs.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            1,
            n as isize,
            add,
            a.data.as_ptr(),
            a_cs,
            a_rs,
            b.data.as_ptr(),
            b_cs,
            b_rs,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_of_transposes_add_into_the_output() {
        // a = [[1, 2, 3], [4, 5, 6]], b = [[1, 0], [0, 1], [1, 1]].
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b = [1.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let mut out = [10.0; 4];
        matmul(&mut out, Mat::new(&a, 2, 3), Mat::new(&b, 3, 2), true);
        assert_eq!(out, [14.0, 15.0, 20.0, 21.0]);
        // aᵀ a, 3 × 3.
        let mut gram = [0.0; 9];
        matmul(&mut gram, Mat::new(&a, 2, 3).t(), Mat::new(&a, 2, 3), false);
        assert_eq!(gram, [17.0, 22.0, 27.0, 22.0, 29.0, 36.0, 27.0, 36.0, 45.0]);
    }
}
