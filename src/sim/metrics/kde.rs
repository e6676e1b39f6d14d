//! Density estimates of one coordinate: a Gaussian kernel estimate for the marginal plot, and
//! histograms for the density of a coordinate over the steps of a bridge.

/// A Gaussian kernel estimate of one coordinate: the curve and the bandwidth it used.
#[derive(Clone, Debug, PartialEq)]
pub struct KdeCurve {
    pub points: Vec<[f64; 2]>,
    pub bandwidth: f64,
    /// Finite values that entered it.
    pub count: usize,
}

/// Density of column `coord` of the row-major `n × dim` buffer on `points` grid points spanning
/// `range`, with Silverman's robust bandwidth 0.9 · min(sd, IQR / 1.34) · n^(−1/5), which
/// follows a narrow mode where the plain rule (on the sd alone) smears two modes into one.
/// Non-finite values are skipped; `None` with fewer than two.
pub fn marginal(
    samples: &[f32],
    dim: usize,
    coord: usize,
    range: (f64, f64),
    points: usize,
) -> Option<KdeCurve> {
    let mut xs: Vec<f64> = samples
        .iter()
        .skip(coord)
        .step_by(dim.max(1))
        .map(|&v| v as f64)
        .filter(|v| v.is_finite())
        .collect();
    if xs.len() < 2 || points < 2 {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let quantile = |q: f64| xs[((q * (n - 1.0)).round() as usize).min(xs.len() - 1)];
    let iqr = quantile(0.75) - quantile(0.25);
    let spread = if iqr > 0.0 { sd.min(iqr / 1.34) } else { sd };
    let h = (0.9 * spread * n.powf(-0.2)).max(1e-3 * (range.1 - range.0).abs().max(1e-9));
    let norm = 1.0 / (n * h * (2.0 * std::f64::consts::PI).sqrt());
    let points = (0..points)
        .map(|i| {
            let x = range.0 + (range.1 - range.0) * i as f64 / (points - 1) as f64;
            let density: f64 = xs
                .iter()
                .map(|&s| (-0.5 * ((x - s) / h).powi(2)).exp())
                .sum::<f64>()
                * norm;
            [x, density]
        })
        .collect();
    Some(KdeCurve {
        points,
        bandwidth: h,
        count: xs.len(),
    })
}

/// Density of column `coord` of the row-major `n × dim` buffer in `bins` equal bins over
/// `range`: the fraction of rows in each bin divided by its width, so that the bins integrate
/// to the share of rows inside the range. Non-finite values and values outside are not counted.
pub fn histogram(samples: &[f32], dim: usize, coord: usize, range: (f64, f64), bins: usize) -> Vec<f32> {
    let mut counts = vec![0.0f32; bins];
    let rows = samples.len() / dim.max(1);
    let width = (range.1 - range.0) / bins.max(1) as f64;
    if rows == 0 || bins == 0 || width.is_nan() || width <= 0.0 {
        return counts;
    }
    for v in samples.iter().skip(coord).step_by(dim.max(1)).map(|&v| v as f64) {
        let b = ((v - range.0) / width).floor();
        if b.is_finite() && b >= 0.0 && (b as usize) < bins {
            counts[b as usize] += 1.0;
        }
    }
    let scale = 1.0 / (rows as f64 * width);
    counts.iter().map(|c| (*c as f64 * scale) as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_integrates_to_one_and_peaks_at_the_data() {
        let samples: Vec<f32> = (0..400)
            .flat_map(|i| [((i % 20) as f32 - 9.5) * 0.1 + 3.0, 100.0])
            .collect();
        let curve = marginal(&samples, 2, 0, (-2.0, 8.0), 501).unwrap().points;
        let step = 10.0 / 500.0;
        let mass: f64 = curve.iter().map(|p| p[1]).sum::<f64>() * step;
        assert!((mass - 1.0).abs() < 0.02, "mass {mass}");
        let peak = curve
            .iter()
            .fold([0.0, 0.0], |b, p| if p[1] > b[1] { *p } else { b });
        assert!((peak[0] - 3.0).abs() < 0.3, "peak at {}", peak[0]);
    }

    #[test]
    fn a_histogram_integrates_to_the_share_inside_its_range() {
        // Coordinate 0 holds 0.5, 1.5, …, 9.5 and one value far outside.
        let mut samples: Vec<f32> = (0..10).flat_map(|i| [i as f32 + 0.5, 0.0]).collect();
        samples.extend([100.0, 0.0]);
        let h = histogram(&samples, 2, 0, (0.0, 10.0), 5);
        assert_eq!(h.len(), 5);
        let mass: f32 = h.iter().map(|v| v * 2.0).sum();
        assert!((mass - 10.0 / 11.0).abs() < 1e-6, "mass {mass}");
        assert!(h.iter().all(|v| (v - h[0]).abs() < 1e-7), "{h:?}");
    }
}
