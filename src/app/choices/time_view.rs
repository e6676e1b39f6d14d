//! The time axis of the sample plot: both processes of the bridge at a chosen step n, the
//! generative paths up to it, and a play button that walks n from 0 to N. Plain data, chosen in
//! the row above the plots.

/// Paths of each process the workers send while the time axis is shown.
pub const PATH_COUNT: usize = 600;
/// Generative paths drawn as lines (the rest appear as points only).
pub const PATHS_DRAWN: usize = 30;
/// Arrows per side of the drift panel's grid.
pub const ARROWS_PER_SIDE: usize = 10;
/// While playing, n advances by one step this often.
pub const PLAY_TICK: std::time::Duration = std::time::Duration::from_millis(80);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TimeView {
    /// Show the processes at step `step` instead of the latest batch.
    pub on: bool,
    /// The step shown, 0 (the prior) to N (the sampler's output); clamped to the run's N.
    pub step: usize,
    /// Walk `step` forward, one step per [`PLAY_TICK`], stopping at N.
    pub playing: bool,
    /// Draw [`PATHS_DRAWN`] generative paths from step 0 to `step`.
    pub paths: bool,
    /// Show the density of the marginal plot's coordinate over the steps (a heat strip).
    pub strip: bool,
    /// Show the drifts of both kernels at `step` (2-D targets).
    pub drift: bool,
    /// Show the samples as they were at this training step (the nearest kept snapshot at or
    /// before it) instead of the latest.
    pub replay: Option<usize>,
}

impl TimeView {
    /// The time axis at step `step` with every panel it has: paths, the coordinate over the
    /// steps and the drifts.
    pub fn everything_at(step: usize) -> Self {
        Self {
            on: true,
            step,
            playing: false,
            paths: true,
            strip: true,
            drift: true,
            replay: None,
        }
    }

    /// The view one play tick later, for a run of `steps` steps.
    pub fn ticked(self, steps: usize) -> Self {
        if !self.playing {
            return self;
        }
        let step = (self.step + 1).min(steps);
        Self {
            step,
            playing: step < steps,
            ..self
        }
    }
}
