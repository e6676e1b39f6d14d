//! How long frames take: the lab's own UI code, and the whole frame as the window integration
//! measures it (UI plus painting).

use std::collections::VecDeque;
use std::time::Duration;

/// Frames remembered for the summary.
const CAPACITY: usize = 20_000;

#[derive(Clone, Debug, Default)]
pub struct FrameStats {
    ui_ms: VecDeque<f32>,
    frame_ms: VecDeque<f32>,
}

/// Median, 95th percentile and maximum of a set of durations, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub count: usize,
    pub median: f32,
    pub p95: f32,
    pub max: f32,
}

impl Spread {
    fn of(values: &VecDeque<f32>) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let mut v: Vec<f32> = values.iter().copied().collect();
        v.sort_by(f32::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        Some(Self {
            count: v.len(),
            median: at(0.5),
            p95: at(0.95),
            max: v[v.len() - 1],
        })
    }
}

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "median {:.1} ms, p95 {:.1} ms, max {:.1} ms over {} frames",
            self.median, self.p95, self.max, self.count
        )
    }
}

fn push(values: &mut VecDeque<f32>, ms: f32) {
    if values.len() == CAPACITY {
        values.pop_front();
    }
    values.push_back(ms);
}

impl FrameStats {
    /// Time spent building the lab's UI in one frame.
    pub fn record_ui(&mut self, d: Duration) {
        push(&mut self.ui_ms, d.as_secs_f32() * 1000.0);
    }

    /// CPU seconds of a whole frame, UI and painting, as the integration reports it.
    pub fn record_frame(&mut self, seconds: f32) {
        push(&mut self.frame_ms, seconds * 1000.0);
    }

    pub fn ui(&self) -> Option<Spread> {
        Spread::of(&self.ui_ms)
    }

    pub fn frame(&self) -> Option<Spread> {
        Spread::of(&self.frame_ms)
    }

    /// The latest whole-frame time in milliseconds, else the latest UI time.
    pub fn latest_ms(&self) -> Option<f32> {
        self.frame_ms.back().or(self.ui_ms.back()).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spread_reads_median_percentile_and_maximum() {
        let mut s = FrameStats::default();
        for ms in 1..=100 {
            s.record_frame(ms as f32 / 1000.0);
        }
        let f = s.frame().unwrap();
        assert_eq!(f.count, 100);
        assert!((f.median - 50.5).abs() < 1.0, "{f}");
        assert!((f.p95 - 95.0).abs() < 1.5, "{f}");
        assert!((f.max - 100.0).abs() < 1e-3, "{f}");
        assert!(s.ui().is_none());
    }
}
