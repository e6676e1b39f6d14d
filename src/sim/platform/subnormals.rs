//! Subnormal floats (below about 1e-38) cost the CPU a microcode assist per operation, easily
//! a hundred times a normal multiply. Activations of far-out states produce them in bulk (the
//! sigmoid of a large negative input), and matrix products over them slowed whole training
//! steps severalfold. Flushing them to zero changes nothing a sampler can notice.

use std::sync::Once;

/// Treats subnormal inputs and results as zero in the calling thread (x86-64: the FTZ and DAZ
/// bits of MXCSR; AArch64: FPCR.FZ). Elsewhere it does nothing.
pub fn flush_in_this_thread() {
    #[cfg(target_arch = "x86_64")]
    {
        let mut csr: u32 = 0;
        // SAFETY: stmxcsr/ldmxcsr read and write the calling thread's SSE control register;
        // setting FTZ (bit 15) and DAZ (bit 6) affects only how this thread rounds tiny floats.
        unsafe {
            std::arch::asm!("stmxcsr [{}]", in(reg) &mut csr, options(nostack));
            csr |= (1 << 15) | (1 << 6);
            std::arch::asm!("ldmxcsr [{}]", in(reg) &csr, options(nostack, readonly));
        }
    }
    #[cfg(target_arch = "aarch64")]
    {
        let mut fpcr: u64;
        // SAFETY: reads and writes the calling thread's floating-point control register;
        // FZ (bit 24) only flushes subnormals to zero.
        unsafe {
            std::arch::asm!("mrs {}, fpcr", out(reg) fpcr, options(nomem, nostack));
            fpcr |= 1 << 24;
            std::arch::asm!("msr fpcr, {}", in(reg) fpcr, options(nomem, nostack));
        }
    }
}

/// Flushes subnormals in the calling thread and, once per process, in every thread of the
/// global rayon pool, where the CPU backend runs its large matrix products.
pub fn flush_everywhere() {
    static POOL: Once = Once::new();
    flush_in_this_thread();
    POOL.call_once(|| {
        rayon::broadcast(|_| flush_in_this_thread());
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnormal_results_become_zero_once_flushed() {
        let (a, b) = (std::hint::black_box(1e-30f32), std::hint::black_box(1e-10f32));
        // Every test runs on a thread of its own, so this leaves the other tests alone.
        flush_in_this_thread();
        let product = a * b;
        if cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
            assert_eq!(product, 0.0, "1e-40 is subnormal and must be flushed");
        }
    }
}
