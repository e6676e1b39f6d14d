//! The activation of the drift networks on whole slices, vectorised: the backend evaluates its
//! sigmoid one libm `expf` at a time, which took half of an interactive training step. Each
//! kernel is compiled for AVX-512, for AVX2 with FMA and for the baseline, and the widest the
//! processor has is chosen at run time.

use super::cpu::Width;

/// GELU's sigmoid form x·σ(1.702x), as the burn path computes it.
const GELU_SCALE: f32 = 1.702;

const LOG2E: f32 = std::f32::consts::LOG2_E;
/// ln 2 in two parts, so that n·ln 2 is subtracted without rounding.
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;
/// 1.5 · 2²³: adding and subtracting it rounds to the nearest integer.
const ROUND: f32 = 12_582_912.0;
/// 2²³: a float in [2²³, 2²⁴) holds its integer part in its mantissa bits.
const EXPONENT_SHIFT: f32 = 8_388_608.0;

/// e^x for x in [−87, 88] (clamped there), to about 2 units in the last place: Cody–Waite
/// reduction to |r| ≤ ln 2 / 2 and a degree-6 polynomial, then the exponent put in by bits.
#[inline(always)]
fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    let n = (x * LOG2E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // 2^n from the bits of n + 127 + 2²³, whose low bits are n + 127 exactly: an integer
    // conversion (`as i32`) would be done one lane at a time, for its saturation rules.
    let biased = (n + (127.0 + EXPONENT_SHIFT)).to_bits() & 0x7f_ffff;
    p * f32::from_bits(biased << 23)
}

#[inline(always)]
fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + exp(-z))
}

/// The body every compiled version shares: `a` holds pre-activations and gets GELU(a); `slope`
/// gets GELU′(a) = σ + 1.702·a·σ(1 − σ), what the backward pass multiplies by.
#[inline(always)]
fn gelu_body(a: &mut [f32], slope: &mut [f32]) {
    for (x, d) in a.iter_mut().zip(slope.iter_mut()) {
        let s = sigmoid(GELU_SCALE * *x);
        *d = s + GELU_SCALE * *x * s * (1.0 - s);
        *x *= s;
    }
}

#[inline(always)]
fn gelu_plain_body(a: &mut [f32]) {
    for x in a.iter_mut() {
        *x *= sigmoid(GELU_SCALE * *x);
    }
}

#[cfg(target_arch = "x86_64")]
mod wide {
    #[target_feature(enable = "avx512f")]
    pub unsafe fn gelu_avx512(a: &mut [f32], slope: &mut [f32]) {
        super::gelu_body(a, slope)
    }
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn gelu_avx2(a: &mut [f32], slope: &mut [f32]) {
        super::gelu_body(a, slope)
    }
    #[target_feature(enable = "avx512f")]
    pub unsafe fn gelu_plain_avx512(a: &mut [f32]) {
        super::gelu_plain_body(a)
    }
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn gelu_plain_avx2(a: &mut [f32]) {
        super::gelu_plain_body(a)
    }
}

/// GELU of `a` in place, with its derivative in `slope` (the same length).
pub fn gelu_with_slope(a: &mut [f32], slope: &mut [f32]) {
    assert_eq!(a.len(), slope.len(), "one slope per activation");
    match Width::here() {
        // SAFETY: the processor has the features the kernel is compiled for, checked above.
        #[cfg(target_arch = "x86_64")]
        Width::Avx512 => unsafe { wide::gelu_avx512(a, slope) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as for AVX-512: `Width::here` found AVX2 and FMA.
        Width::Avx2 => unsafe { wide::gelu_avx2(a, slope) },
        _ => gelu_body(a, slope),
    }
}

/// GELU of `a` in place, for passes that need no derivative.
pub fn gelu(a: &mut [f32]) {
    match Width::here() {
        // SAFETY: as in `gelu_with_slope`.
        #[cfg(target_arch = "x86_64")]
        Width::Avx512 => unsafe { wide::gelu_plain_avx512(a) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `gelu_with_slope`.
        Width::Avx2 => unsafe { wide::gelu_plain_avx2(a) },
        _ => gelu_plain_body(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_within_a_few_ulp_of_libm_over_its_range() {
        let mut worst = 0.0f64;
        let mut x = -87.0f32;
        while x < 88.0 {
            let want = (x as f64).exp();
            worst = worst.max(((exp(x) as f64 - want) / want).abs());
            x += 0.0137;
        }
        assert!(worst < 4e-7, "relative error {worst}");
        assert_eq!(exp(-1000.0), exp(-87.0));
    }

    #[test]
    fn gelu_and_its_slope_match_the_formula_in_every_version() {
        let xs: Vec<f32> = (-400..400).map(|i| i as f32 * 0.05).collect();
        let want: Vec<(f64, f64)> = xs
            .iter()
            .map(|&x| {
                let (x, k) = (x as f64, GELU_SCALE as f64);
                let s = 1.0 / (1.0 + (-k * x).exp());
                (x * s, s + k * x * s * (1.0 - s))
            })
            .collect();
        let (mut a, mut d) = (xs.clone(), vec![0.0; xs.len()]);
        gelu_with_slope(&mut a, &mut d);
        let mut plain = xs.clone();
        gelu(&mut plain);
        let mut base = xs.clone();
        let mut base_slope = vec![0.0; xs.len()];
        gelu_body(&mut base, &mut base_slope);
        for i in 0..xs.len() {
            let (g, s) = want[i];
            assert!(
                (a[i] as f64 - g).abs() < 1e-6 * g.abs().max(1.0),
                "gelu({})",
                xs[i]
            );
            assert!((d[i] as f64 - s).abs() < 1e-6, "slope at {}", xs[i]);
            assert_eq!(plain[i], a[i]);
            assert!((base[i] - a[i]).abs() <= 1e-6 * a[i].abs().max(1.0));
        }
    }
}
