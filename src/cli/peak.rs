//! The machine's single-precision peak, measured: every core runs a loop of independent fused
//! multiply-adds on the widest vectors it has, so that `bench` can say what share of the peak a
//! training step reaches.

use std::time::{Duration, Instant};

use crate::sim::networks::fused::Width;

/// How long each core runs the loop.
const RUN: Duration = Duration::from_millis(300);
/// Independent accumulators: enough to cover the latency of two FMA ports.
const CHAINS: usize = 12;
/// Loop turns between clock reads.
const TURNS: u64 = 100_000;

/// The measured peak and how it was measured.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Peak {
    /// FP32 FLOP/s of all cores together (an FMA counts two).
    pub gflops: f64,
    pub cores: usize,
    /// The instructions the loop ran ("AVX-512 FMA", "AVX2 FMA", "scalar").
    pub instructions: String,
}

impl Peak {
    /// No measurement: where the steps run on a GPU.
    pub fn not_measured() -> Self {
        Peak {
            gflops: 0.0,
            cores: 0,
            instructions: String::new(),
        }
    }

    /// The peak in GFLOP/s where one was measured, what shares are taken of.
    pub fn measured(&self) -> Option<f64> {
        (self.gflops > 0.0).then_some(self.gflops)
    }
}

/// Runs the loop on `cores` threads at once and adds their rates.
pub fn measure(cores: usize) -> Peak {
    let cores = cores.max(1);
    let rates: Vec<f64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..cores).map(|_| s.spawn(one_core)).collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0.0)).collect()
    });
    Peak {
        gflops: rates.iter().sum::<f64>() / 1e9,
        cores,
        instructions: Width::here().label().into(),
    }
}

/// FLOP/s of one core.
fn one_core() -> f64 {
    let start = Instant::now();
    let mut flops = 0.0;
    while start.elapsed() < RUN {
        flops += turns(TURNS);
    }
    flops / start.elapsed().as_secs_f64()
}

/// Runs `n` turns of the loop and returns the FLOPs done.
fn turns(n: u64) -> f64 {
    match Width::here() {
        // SAFETY: `Width::here` found the instructions each loop is compiled for.
        #[cfg(target_arch = "x86_64")]
        Width::Avx512 => {
            // SAFETY: `Width::here` found AVX-512, which this loop is compiled for.
            std::hint::black_box(unsafe { x86::fma512(n) });
            (n * (CHAINS * 16 * 2) as u64) as f64
        }
        #[cfg(target_arch = "x86_64")]
        Width::Avx2 => {
            // SAFETY: `Width::here` found AVX2 and FMA, which this loop is compiled for.
            std::hint::black_box(unsafe { x86::fma256(n) });
            (n * (CHAINS * 8 * 2) as u64) as f64
        }
        _ => {
            let mut acc = [1.0f32; CHAINS];
            for _ in 0..n {
                for a in &mut acc {
                    *a = a.mul_add(0.999_999, 1e-7);
                }
            }
            std::hint::black_box(acc);
            (n * (CHAINS * 2) as u64) as f64
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::CHAINS;

    /// `n` turns of CHAINS independent 16-lane FMAs; the sum keeps them from being removed.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn fma512(n: u64) -> f64 {
        let (m, c) = (_mm512_set1_ps(0.999_999), _mm512_set1_ps(1e-7));
        let mut acc = [_mm512_set1_ps(1.0); CHAINS];
        for _ in 0..n {
            for a in &mut acc {
                *a = _mm512_fmadd_ps(*a, m, c);
            }
        }
        acc.iter().map(|a| _mm512_reduce_add_ps(*a) as f64).sum()
    }

    /// `n` turns of CHAINS independent 8-lane FMAs.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn fma256(n: u64) -> f64 {
        let (m, c) = (_mm256_set1_ps(0.999_999), _mm256_set1_ps(1e-7));
        let mut acc = [_mm256_set1_ps(1.0); CHAINS];
        for _ in 0..n {
            for a in &mut acc {
                *a = _mm256_fmadd_ps(*a, m, c);
            }
        }
        let mut lanes = [0.0f32; 8];
        acc.iter()
            .map(|a| {
                // SAFETY: `lanes` holds the 8 floats the store writes.
                unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), *a) };
                lanes.iter().map(|v| *v as f64).sum::<f64>()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loop_counts_its_flops() {
        assert_eq!(turns(0), 0.0);
        let per_turn = turns(1);
        assert!(
            [CHAINS * 2, CHAINS * 16, CHAINS * 32].contains(&(per_turn as usize)),
            "{per_turn}"
        );
    }
}
