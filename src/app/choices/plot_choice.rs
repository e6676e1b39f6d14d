//! Which coordinates the sample and marginal plots show.

/// Zero-based coordinates: the sample plot draws `x` against `y`; the marginal plot shows
/// `marginal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PlotChoice {
    pub x: usize,
    pub y: usize,
    pub marginal: usize,
}

impl Default for PlotChoice {
    fn default() -> Self {
        Self {
            x: 0,
            y: 1,
            marginal: 0,
        }
    }
}

impl PlotChoice {
    /// The same choice with every coordinate inside `0..dim`.
    pub fn within(self, dim: usize) -> Self {
        let last = dim.saturating_sub(1);
        Self {
            x: self.x.min(last),
            y: self.y.min(last),
            marginal: self.marginal.min(last),
        }
    }
}
