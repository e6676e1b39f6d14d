//! Generative paths from the prior and the inference process run backwards from exact target
//! draws, so that both can be shown at any step n; and what the time axis derives from them.

use burn::tensor::Tensor;
use rand::rngs::StdRng;

use super::{PathSet, STRIP_BINS, StepDensity};
use crate::sim::bridge::rollout::rollout;
use crate::sim::bridge::sampler::{Sampler, Tables};
use crate::sim::metrics::kde;
use crate::sim::platform::host;
use crate::sim::training::noise::normal_tensor;
use crate::sim::training::params::ParamSet;

/// `count` generative paths x_0 … x_N driven by `noise` (`[N + 1, count, d]`), and, where
/// `draws` (`count × d` exact target samples) are given, the inference process from them back
/// to step 0. `strip` names a coordinate whose density over the steps is added.
pub fn paths(
    s: &Sampler,
    p: &ParamSet,
    t: &Tables,
    noise: Tensor<3>,
    draws: Option<Vec<f32>>,
    strip: Option<usize>,
    rng: &mut StdRng,
) -> PathSet {
    let [steps_plus_one, count, d] = noise.dims();
    let n = steps_plus_one - 1;
    let r = rollout(s, p, t, noise);
    let generative: Vec<f32> = r.path.iter().flat_map(|x| host::to_vec(x.clone())).collect();
    let log_weights = host::to_vec(r.log_weight());
    let inference = draws.filter(|v| v.len() == count * d).map(|v| {
        // Filled from step N down to 0, then stored in step order.
        let mut states = vec![Vec::new(); n + 1];
        let mut x = host::matrix(v, count, d, s.device()).reshape([1, count, d]);
        let eps = normal_tensor(rng, [n.max(1), count, d], s.device());
        states[n] = host::to_vec(x.clone());
        for step in (0..n).rev() {
            let score = s.target_score(x.clone());
            let mean = s.inf_mean(p, t, x, score, step);
            let std = s.inf_std(t, step);
            x = mean + std * eps.clone().narrow(0, step, 1);
            states[step] = host::to_vec(x.clone());
        }
        states.concat()
    });
    let strip = strip.filter(|c| *c < d).map(|coordinate| {
        let (lo, hi) = s.target.plot_range();
        let size = count * d;
        let density = generative
            .chunks(size)
            .flat_map(|states| kde::histogram(states, d, coordinate, (lo as f64, hi as f64), STRIP_BINS))
            .collect();
        StepDensity {
            coordinate,
            bins: STRIP_BINS,
            lo,
            hi,
            paths: count,
            density,
        }
    });
    PathSet {
        path_steps: n,
        dim: d,
        count,
        generative,
        inference,
        log_weights,
        strip,
        drift: None,
        annealed: None,
    }
}
