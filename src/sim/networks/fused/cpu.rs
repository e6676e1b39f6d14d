//! The widest vectors this processor computes with: what the fast path's kernels and `bench`'s
//! peak loop are compiled for and chosen by, detected in one place.

/// The vector instructions a kernel runs on here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// 16 lanes of f32 with fused multiply-add.
    Avx512,
    /// 8 lanes with fused multiply-add.
    Avx2,
    /// Whatever the compiler makes of plain code.
    Baseline,
}

impl Width {
    /// The widest this processor has (the detection is cached by the standard library).
    pub fn here() -> Width {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f") {
                return Width::Avx512;
            }
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                return Width::Avx2;
            }
        }
        Width::Baseline
    }

    /// How `bench` names the instructions.
    pub fn label(self) -> &'static str {
        match self {
            Width::Avx512 => "AVX-512 FMA",
            Width::Avx2 => "AVX2 FMA",
            Width::Baseline => "scalar",
        }
    }
}
