//! CMCD's annealed densities on the grid of a 2-D target's background.

use super::AnnealedDensity;
use crate::sim::bridge::sampler::{Sampler, Tables};
use crate::sim::platform::host;
use crate::sim::preset::BridgeKind;
use crate::sim::report::DensityGrid;
use crate::sim::targets::grid_centres;

/// The prior's log density on the `n × n` grid of the target's background and the weights
/// b_0 … b_N, for CMCD on a 2-D target; `None` otherwise.
pub fn annealed_density(s: &Sampler, t: &Tables, n: usize) -> Option<AnnealedDensity> {
    if s.bridge != BridgeKind::Cmcd || s.dim != 2 || n == 0 {
        return None;
    }
    let (lo, hi) = s.target.plot_range();
    let x = host::matrix(grid_centres(lo, hi, n, 2), n * n, 2, s.device());
    Some(AnnealedDensity {
        prior: DensityGrid {
            n,
            lo,
            hi,
            log_density: host::to_vec(s.prior_log_prob(t, x)),
        },
        weights: host::to_vec(t.anneal.clone()),
    })
}
