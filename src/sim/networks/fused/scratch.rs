//! Buffers kept per thread between passes. The fast path's activations are a few hundred
//! kilobytes to a few megabytes each; allocated afresh, every one is mapped and zeroed page by
//! page by the kernel (wherever the program has not tuned the allocator, as the tests have
//! not), which cost more than the layers themselves.

use std::cell::RefCell;

/// Buffers a thread keeps at most.
const KEPT: usize = 24;

thread_local! {
    static POOL: RefCell<Vec<Vec<f32>>> = const { RefCell::new(Vec::new()) };
}

/// An empty buffer that holds `len` values without growing: the smallest such buffer of
/// this thread's pool, else a new one.
fn take(len: usize) -> Vec<f32> {
    let reused = POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        let best = pool
            .iter()
            .enumerate()
            .filter(|(_, v)| v.capacity() >= len)
            .min_by_key(|(_, v)| v.capacity())
            .map(|(i, _)| i);
        best.map(|i| pool.swap_remove(i))
    });
    let mut v = reused.unwrap_or_default();
    v.clear();
    v.reserve(len);
    v
}

/// A buffer of `len` zeros, from this thread's pool where one is large enough.
pub fn zeros(len: usize) -> Vec<f32> {
    let mut v = take(len);
    v.resize(len, 0.0);
    v
}

/// A copy of `values` in a buffer from the pool.
pub fn copy(values: &[f32]) -> Vec<f32> {
    let mut v = take(values.len());
    v.extend_from_slice(values);
    v
}

/// Gives `v` back to this thread's pool, dropping the smallest buffer when it is full.
pub fn recycle(v: Vec<f32>) {
    if v.capacity() == 0 {
        return;
    }
    POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        pool.push(v);
        if pool.len() > KEPT {
            let smallest = pool
                .iter()
                .enumerate()
                .min_by_key(|(_, v)| v.capacity())
                .map(|(i, _)| i)
                .expect("the pool is not empty");
            pool.swap_remove(smallest);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recycled_buffer_comes_back_zeroed() {
        let mut v = zeros(1000);
        v.iter_mut().for_each(|x| *x = 7.0);
        let at = v.as_ptr();
        recycle(v);
        let again = zeros(500);
        assert_eq!(again.as_ptr(), at, "the same memory");
        assert!(again.iter().all(|x| *x == 0.0) && again.len() == 500);
    }
}
