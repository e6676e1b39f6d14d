//! How the lab draws its curves: smoothing, the part of training shown, both runs in one plot,
//! and whether the axes follow the data. Plain data, chosen in the row above the plots.

/// The part of a run's curves dropped by [`CurveView::recent_only`]: the first fifth, where
/// the early values would set the scale and hide later differences.
pub const DROPPED_EARLY_FRACTION: f64 = 0.2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CurveView {
    /// Moving-average window over logged steps for the loss, ELBO and ESS curves; 1 draws the
    /// raw values.
    pub smoothing: usize,
    /// Show only the last 80 % of training steps.
    pub recent_only: bool,
    /// When comparing, draw both runs' curves in one plot instead of side by side.
    pub overlay: bool,
    /// The axes re-fit to the data every frame; off, they stay where they are (pan with a drag
    /// or Alt + wheel, zoom with Ctrl + wheel, double-click to re-fit).
    pub follow_data: bool,
}

impl Default for CurveView {
    fn default() -> Self {
        Self {
            smoothing: 1,
            recent_only: false,
            overlay: false,
            follow_data: true,
        }
    }
}

impl CurveView {
    /// The same view without smoothing: for counts and per-dimension scales, which a moving
    /// average would misstate.
    pub fn unsmoothed(self) -> Self {
        Self { smoothing: 1, ..self }
    }

    /// The curve as drawn: points of the last 80 % of steps when asked, each the mean of the
    /// `smoothing` values up to it.
    pub fn apply(&self, points: &[[f64; 2]]) -> Vec<[f64; 2]> {
        let start = match (self.recent_only, points.last()) {
            (true, Some(last)) => {
                let first = points[0][0];
                let cut = first + DROPPED_EARLY_FRACTION * (last[0] - first);
                points.partition_point(|p| p[0] < cut)
            }
            _ => 0,
        };
        let window = self.smoothing.max(1);
        let kept = &points[start..];
        let mut sum = 0.0;
        let mut out = Vec::with_capacity(kept.len());
        for (i, p) in kept.iter().enumerate() {
            sum += p[1];
            if i >= window {
                sum -= kept[i - window][1];
            }
            out.push([p[0], sum / (i + 1).min(window) as f64]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_averages_the_last_values_and_recent_only_drops_the_first_fifth() {
        let pts: Vec<[f64; 2]> = (0..=10)
            .map(|s| [s as f64, if s % 2 == 0 { 1.0 } else { 3.0 }])
            .collect();
        let raw = CurveView::default();
        assert_eq!(raw.apply(&pts), pts);
        let smooth = CurveView { smoothing: 2, ..raw };
        let s = smooth.apply(&pts);
        assert_eq!(s[0], [0.0, 1.0]);
        assert!(s[1..].iter().all(|p| p[1] == 2.0));
        let recent = CurveView {
            recent_only: true,
            ..raw
        };
        assert_eq!(recent.apply(&pts)[0][0], 2.0);
        assert_eq!(recent.apply(&pts).len(), 9);
    }
}
