//! Gaussian kernel density estimates of one coordinate, for the marginal plot.

/// Density of column `coord` of the row-major `n × dim` buffer on `points` grid points spanning
/// `range`, with Silverman's bandwidth. Non-finite values are skipped.
pub fn marginal(
    samples: &[f32],
    dim: usize,
    coord: usize,
    range: (f64, f64),
    points: usize,
) -> Vec<[f64; 2]> {
    let xs: Vec<f64> = samples
        .iter()
        .skip(coord)
        .step_by(dim.max(1))
        .map(|&v| v as f64)
        .filter(|v| v.is_finite())
        .collect();
    if xs.len() < 2 || points < 2 {
        return Vec::new();
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let h = (1.06 * sd * n.powf(-0.2)).max(1e-3 * (range.1 - range.0).abs().max(1e-9));
    let norm = 1.0 / (n * h * (2.0 * std::f64::consts::PI).sqrt());
    (0..points)
        .map(|i| {
            let x = range.0 + (range.1 - range.0) * i as f64 / (points - 1) as f64;
            let density: f64 = xs
                .iter()
                .map(|&s| (-0.5 * ((x - s) / h).powi(2)).exp())
                .sum::<f64>()
                * norm;
            [x, density]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_integrates_to_one_and_peaks_at_the_data() {
        let samples: Vec<f32> = (0..400)
            .flat_map(|i| [((i % 20) as f32 - 9.5) * 0.1 + 3.0, 100.0])
            .collect();
        let curve = marginal(&samples, 2, 0, (-2.0, 8.0), 501);
        let step = 10.0 / 500.0;
        let mass: f64 = curve.iter().map(|p| p[1]).sum::<f64>() * step;
        assert!((mass - 1.0).abs() < 0.02, "mass {mass}");
        let peak = curve
            .iter()
            .fold([0.0, 0.0], |b, p| if p[1] > b[1] { *p } else { b });
        assert!((peak[0] - 3.0).abs() < 0.3, "peak at {}", peak[0]);
    }
}
