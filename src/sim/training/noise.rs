//! Reproducible randomness. Every draw comes from a generator seeded by (run seed, training
//! step, purpose), so a run resumed from a checkpoint continues with exactly the draws an
//! uninterrupted run would have used, and no generator state needs saving.

use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

/// What a stream of random numbers is for; each purpose gets independent draws.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Training = 1,
    Evaluation = 2,
    Reference = 3,
    Test = 4,
    /// The paths the lab draws over time (`Trainer::paths`).
    Paths = 5,
    /// A second set of exact draws, independent of `Reference`: the metrics' noise floor.
    NoiseFloor = 6,
}

/// SplitMix64 finaliser: decorrelates nearby seeds before they seed the generator.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

pub fn rng_for(seed: u64, step: u64, stream: Stream) -> StdRng {
    StdRng::seed_from_u64(mix(mix(seed) ^ mix(step.wrapping_add(1) << 8 | stream as u64)))
}

/// Standard normal noise of the given shape, drawn on the host.
pub fn normal_tensor(rng: &mut StdRng, shape: [usize; 3], device: &Device) -> Tensor<3> {
    let n = shape.iter().product();
    let values: Vec<f32> = (0..n).map(|_| StandardNormal.sample(rng)).collect();
    Tensor::from_data(TensorData::new(values, shape), device)
}
