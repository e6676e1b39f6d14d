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
    /// The same choice where it fits a target of `dim` coordinates; a coordinate the target
    /// lacks goes back to its default (not to the last one, which would plot a coordinate
    /// against itself), and the sample plot's two stay distinct.
    pub fn within(self, dim: usize) -> Self {
        let last = dim.saturating_sub(1);
        let fit = |c: usize, default: usize| if c < dim { c } else { default.min(last) };
        let x = fit(self.x, 0);
        let mut y = fit(self.y, 1);
        if y == x && dim >= 2 {
            y = if x == 0 { 1 } else { 0 };
        }
        Self {
            x,
            y,
            marginal: fit(self.marginal, 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_beyond_a_smaller_target_goes_back_to_distinct_defaults() {
        let far = PlotChoice {
            x: 4,
            y: 1,
            marginal: 7,
        };
        assert_eq!(
            far.within(2),
            PlotChoice {
                x: 0,
                y: 1,
                marginal: 0
            }
        );
        let near = PlotChoice {
            x: 1,
            y: 4,
            marginal: 1,
        };
        assert_eq!(
            near.within(2),
            PlotChoice {
                x: 1,
                y: 0,
                marginal: 1
            }
        );
        assert_eq!(far.within(10), far);
        assert_eq!(
            far.within(1),
            PlotChoice {
                x: 0,
                y: 0,
                marginal: 0
            }
        );
    }
}
