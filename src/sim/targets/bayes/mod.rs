//! Bayesian posteriors of docs/math.md §8 built from the benchmark data: logistic regressions (Sonar,
//! Ionosphere, German credit), the seeds random-effects model, a partially observed Brownian
//! path and the pines LGCP. Data is read and preprocessed on the host in f64; the densities
//! run in f32 tensor operations like every other target.

mod brownian;
mod cholesky;
mod lgcp;
mod logistic;
mod reference;
mod seeds;

use std::sync::Arc;

use burn::tensor::Device;

use crate::sim::error::SimError;
use crate::sim::preset::TargetKind;
use crate::sim::targets::data::DataDir;

use super::Target;

pub use brownian::Brownian;
pub use lgcp::{GRID, Lgcp};
pub use logistic::LogisticRegression;
pub use reference::ReferenceDraws;
pub use seeds::Seeds;

/// ln 2π.
pub(crate) const LOG_2PI: f64 = 1.837_877_066_409_345_5;

/// The posterior `kind` with its data from `dir`; `None` for the synthetic targets.
pub fn build(kind: TargetKind, dir: &DataDir, device: &Device) -> Option<Result<Arc<dyn Target>, SimError>> {
    fn boxed<T: Target + 'static>(t: Result<T, SimError>) -> Result<Arc<dyn Target>, SimError> {
        t.map(|t| Arc::new(t) as Arc<dyn Target>)
    }
    Some(match kind {
        TargetKind::Seeds => boxed(Seeds::load(dir, device)),
        TargetKind::Sonar => boxed(LogisticRegression::sonar(dir, device)),
        TargetKind::Ionosphere => boxed(LogisticRegression::ionosphere(dir, device)),
        TargetKind::Credit => boxed(LogisticRegression::credit(dir, device)),
        TargetKind::Brownian => boxed(Brownian::load(dir, device)),
        TargetKind::Lgcp => boxed(Lgcp::load(dir, device)),
        TargetKind::Gmm40
        | TargetKind::Mos10
        | TargetKind::Funnel
        | TargetKind::DoubleWell
        | TargetKind::ManyWell
        | TargetKind::Gaussian
        | TargetKind::Custom => return None,
    })
}
