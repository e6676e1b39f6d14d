//! The synchronous training loop: build from a preset, `step()`, `snapshot()`, `evaluate()`,
//! `reset(seed)`. The lab's worker thread and the CLI are thin loops around it.

use std::sync::Arc;
use std::time::Instant;

use burn::tensor::{Device, Tensor};

use crate::sim::bridge::rollout::rollout;
use crate::sim::bridge::sampler::Sampler;
use crate::sim::bridge::time_axis::{self, PathRequest, PathSet};
use crate::sim::error::SimError;
use crate::sim::metrics::{
    EpochSums, MMD_POINTS, ModeRegions, WeightStats, delta_std, mmd, mode_coverage, sinkhorn_within,
};
use crate::sim::platform::host;
use crate::sim::platform::interrupt::Interrupt;
use crate::sim::platform::subnormals;
use crate::sim::preset::validate::validate;
use crate::sim::preset::{DiffusionMode, DivergencePolicy, LossKind, Preset, TargetKind};
use crate::sim::report::{DENSITY_GRID_SIZE, Evaluation, EvaluationStage, NoiseFloor, Snapshot, StepRecord};
use crate::sim::targets::{Target, build_target, log_density_slice};
use crate::sim::training::loss::{LossEval, loss_and_gradients, loss_and_gradients_timed};
use crate::sim::training::noise::{Stream, normal_tensor, rng_for};
use crate::sim::training::non_finite;
use crate::sim::training::optim::RAdam;
use crate::sim::training::params::ParamSet;
use crate::sim::training::phase_clock::{Phase, PhaseClock};

pub struct Trainer {
    preset: Preset,
    device: Device,
    target: Arc<dyn Target>,
    /// Where the mixture's components count samples (none for other targets).
    mode_regions: Option<ModeRegions>,
    sampler: Sampler,
    params: ParamSet,
    optim: RAdam,
    step: usize,
    history: Vec<StepRecord>,
    /// Final states and per-step log-weight terms of the latest batch, kept on the device and
    /// read only when a snapshot asks.
    latest: Option<(Tensor<2>, Tensor<1>)>,
    last: Option<StepRecord>,
    clock: Instant,
    /// Wall seconds of training before `clock` started (resumed runs).
    elapsed_before: f64,
    skipped: usize,
    /// The epoch under way, for the paper's per-epoch means.
    epoch_sums: EpochSums,
}

impl Trainer {
    pub fn new(preset: Preset, device: Device) -> Result<Self, SimError> {
        validate(&preset).map_err(|e| SimError::Data(e.to_string()))?;
        let target = build_target(&preset.target, &device)?;
        Ok(Self::with_target(preset, target, device))
    }

    /// A trainer on a target built elsewhere (tests use Gaussians with known moments).
    pub fn with_target(preset: Preset, target: Arc<dyn Target>, device: Device) -> Self {
        let (sampler, params) = Sampler::new(&preset, target.clone(), &device);
        let optim = RAdam::new(&preset, &params);
        Self {
            mode_regions: ModeRegions::calibrate(&target, &device),
            preset,
            device,
            target,
            sampler,
            params,
            optim,
            step: 0,
            history: Vec::new(),
            latest: None,
            last: None,
            clock: Instant::now(),
            elapsed_before: 0.0,
            skipped: 0,
            epoch_sums: EpochSums::default(),
        }
    }

    /// Back to freshly initialised parameters and step 0, with a new seed.
    pub fn reset(&mut self, seed: u64) {
        self.preset.seed = seed;
        *self = Self::with_target(self.preset.clone(), self.target.clone(), self.device.clone());
    }

    pub fn preset(&self) -> &Preset {
        &self.preset
    }
    pub fn step_count(&self) -> usize {
        self.step
    }
    pub fn history(&self) -> &[StepRecord] {
        &self.history
    }
    pub fn target(&self) -> &Arc<dyn Target> {
        &self.target
    }
    pub fn device(&self) -> &Device {
        &self.device
    }
    pub fn sampler(&self) -> &Sampler {
        &self.sampler
    }
    pub fn params(&self) -> &ParamSet {
        &self.params
    }
    pub fn is_finished(&self) -> bool {
        self.step >= self.preset.train_steps
    }

    fn training_noise(&self, step: usize, stream: Stream, batch: usize) -> Tensor<3> {
        let mut rng = rng_for(self.preset.seed, step as u64, stream);
        normal_tensor(
            &mut rng,
            [self.preset.path_steps + 1, batch, self.sampler.dim],
            &self.device,
        )
    }

    /// Loss and gradients on the batch that training step `step` would draw, without updating
    /// anything: what the gradient checks compare across losses.
    pub fn gradients_at(&self, kind: LossKind, step: usize) -> LossEval {
        let noise = self.training_noise(step, Stream::Training, self.preset.batch);
        loss_and_gradients(&self.sampler, &self.params, kind, noise)
    }

    /// One optimiser step. A step whose loss, samples, gradients or updated parameters are
    /// not finite leaves the parameters as they were and, by the preset's policy, ends the run
    /// with [`SimError::Diverged`] or is recorded as skipped.
    pub fn step(&mut self) -> Result<StepRecord, SimError> {
        self.step_timed(&mut PhaseClock::off())
    }

    /// [`Trainer::step`], charging its phases to `clock`.
    pub fn step_timed(&mut self, clock: &mut PhaseClock) -> Result<StepRecord, SimError> {
        let noise = self.training_noise(self.step, Stream::Training, self.preset.batch);
        let eval = loss_and_gradients_timed(&self.sampler, &self.params, self.preset.loss, noise, clock);
        let weights = WeightStats::from_log_weights(&eval.log_weights);
        let lr = self.optim.group_lr(crate::sim::training::params::Group::Network);
        let policy = self.preset.on_divergence;
        let mut problem = if !eval.loss.is_finite() {
            Some("the loss".to_string())
        } else if !non_finite::samples_are_finite(&eval.samples) {
            Some("the samples".to_string())
        } else {
            None
        };
        // Under the paper's policy a non-finite loss or batch still updates, with the
        // gradient's non-finite entries zeroed.
        if problem.is_none() || policy == DivergencePolicy::ZeroNonFinite {
            let before = (self.params.clone(), self.optim.clone());
            if let Err(quantity) = self.optim.step(&mut self.params, eval.grads) {
                problem = Some(quantity);
            } else if let Some(name) = non_finite::non_finite_parameter(&self.params) {
                (self.params, self.optim) = before;
                problem = Some(format!("parameter {name} after the update"));
            }
        }
        clock.lap(Phase::Optimizer);
        if let Some(quantity) = &problem
            && policy == DivergencePolicy::Stop
        {
            return Err(SimError::Diverged {
                step: self.step + 1,
                quantity: quantity.clone(),
            });
        }
        if problem.is_none() {
            self.latest = Some((eval.samples, eval.step_terms));
        } else {
            self.skipped += 1;
        }
        self.step += 1;
        let epoch = self.epoch_sums.add(self.step, weights.elbo, weights.log_z_hat);
        let record = StepRecord {
            step: self.step,
            loss: eval.loss,
            weights,
            lr,
            wall_seconds: self.elapsed_before + self.clock.elapsed().as_secs_f64(),
            skipped: problem,
            epoch,
        };
        let every = self.preset.log_every.max(1);
        let logged =
            self.step == 1 || self.step.is_multiple_of(every) || self.step == self.preset.train_steps;
        if logged || record.skipped.is_some() {
            self.history.push(record.clone());
        }
        self.last = Some(record.clone());
        Ok(record)
    }

    /// Steps so far that produced non-finite values: dropped under [`DivergencePolicy::Skip`],
    /// applied with zeroed gradient entries under [`DivergencePolicy::ZeroNonFinite`].
    pub fn skipped_steps(&self) -> usize {
        self.skipped
    }

    /// The σ·β noise scale, `[rows, d]` with rows 1 or N.
    fn diffusion_rows(&self) -> (Vec<f32>, usize) {
        let log_sigma = self.params.get(self.sampler.log_sigma_id());
        let rows = log_sigma.dims()[0];
        let values = host::to_vec(log_sigma.exp() * self.preset.beta);
        (values, rows)
    }

    pub fn snapshot(&self) -> Snapshot {
        let d = self.sampler.dim;
        let (samples, step_log_weights) = match &self.latest {
            Some((x, terms)) => (host::to_vec(x.clone()), host::to_vec(terms.clone())),
            None => {
                let (x, terms) = self.fresh_batch(self.preset.batch, Stream::Evaluation);
                (x, terms)
            }
        };
        let (rows_values, rows) = self.diffusion_rows();
        let diffusion: Vec<f32> = (0..d)
            .map(|j| (0..rows).map(|r| rows_values[r * d + j]).sum::<f32>() / rows as f32)
            .collect();
        let time_dependent = self.preset.diffusion == DiffusionMode::TimeDependent;
        let finite = samples.iter().all(|v| v.is_finite());
        let modes = self.mode_regions.as_ref().filter(|_| finite).and_then(|regions| {
            mode_coverage(
                &self.target,
                regions,
                &samples,
                self.preset.eval.mode_threshold,
                &self.device,
            )
        });
        Snapshot {
            step: self.step,
            dim: d,
            modes,
            samples,
            diffusion,
            diffusion_by_step: time_dependent.then_some(rows_values),
            prior_mean: host::to_vec(
                self.params
                    .get(self.params.find("prior.mean").expect("prior mean")),
            ),
            prior_std: host::to_vec(
                self.params
                    .get(self.params.find("prior.log_std").expect("prior std"))
                    .exp(),
            ),
            step_log_weights,
            last: self.last.clone(),
            skipped_steps: self.skipped,
            paths: None,
        }
    }

    /// `request.count` generative paths and, where the target has exact draws, as many paths
    /// of the inference process back from them; the same paths for the same seed and step.
    /// With them what the request asks for: the density of a coordinate over the steps and
    /// the drift fields; CMCD on a 2-D target adds its annealed densities.
    pub fn paths(&self, request: PathRequest) -> PathSet {
        subnormals::flush_everywhere();
        let count = request.count.max(1);
        let noise = self.training_noise(self.step, Stream::Paths, count);
        let t = self.sampler.tables(&self.params);
        // Another key than the noise's, so that the draws are independent of it.
        let mut rng = rng_for(self.preset.seed, self.step as u64 | 1 << 40, Stream::Paths);
        let draws = self.target.exact_samples(count, &mut rng);
        let (s, p) = (&self.sampler, &self.params);
        let mut set = time_axis::paths(s, p, &t, noise, draws, request.strip, &mut rng);
        if request.drift {
            // The same noise at every training step, so that the field changes only as the
            // kernels do.
            let mut rng = rng_for(self.preset.seed, 1 << 41, Stream::Paths);
            set.drift = time_axis::drift_field(s, p, &t, &mut rng);
        }
        set.annealed = time_axis::annealed_density(s, &t, DENSITY_GRID_SIZE);
        set
    }

    /// Final states and per-step terms of a fresh batch simulated without gradients.
    fn fresh_batch(&self, batch: usize, stream: Stream) -> (Vec<f32>, Vec<f32>) {
        subnormals::flush_everywhere();
        let noise = self.training_noise(self.step, stream, batch);
        let t = self.sampler.tables(&self.params);
        let r = rollout(&self.sampler, &self.params, &t, noise);
        (host::to_vec(r.final_samples()), host::to_vec(r.step_terms()))
    }

    /// Metrics on `samples` fresh paths (the preset's evaluation size when `None`).
    pub fn evaluate(&self, samples: Option<usize>) -> Evaluation {
        self.evaluate_reporting(samples, &mut |_| {})
    }

    /// [`Trainer::evaluate`], telling `progress` each stage as it begins.
    pub fn evaluate_reporting(
        &self,
        samples: Option<usize>,
        progress: &mut dyn FnMut(EvaluationStage),
    ) -> Evaluation {
        self.evaluate_within(samples, progress, &Interrupt::none())
    }

    /// [`Trainer::evaluate_reporting`] with the Sinkhorn figures stopped by `interrupt`; one
    /// cut short is left out with the reason in `sinkhorn_error`, every other figure is there.
    pub fn evaluate_within(
        &self,
        samples: Option<usize>,
        progress: &mut dyn FnMut(EvaluationStage),
        interrupt: &Interrupt,
    ) -> Evaluation {
        subnormals::flush_everywhere();
        let settings = &self.preset.eval;
        let m = samples.unwrap_or(settings.samples).max(1);
        progress(EvaluationStage::Paths);
        let d = self.sampler.dim;
        let noise = self.training_noise(self.step, Stream::Evaluation, m);
        let t = self.sampler.tables(&self.params);
        let r = rollout(&self.sampler, &self.params, &t, noise);
        let weights = WeightStats::from_log_weights(&host::to_vec(r.log_weight()));
        let x = host::to_vec(r.final_samples());

        let mut rng = rng_for(self.preset.seed, self.step as u64, Stream::Reference);
        let reference = self.target.exact_samples(m, &mut rng);
        let finite = x.iter().all(|v| v.is_finite());
        let mut sinkhorn_error = None;
        let mut noise_floor = None;
        let (sinkhorn, mmd2, mmd_points, dstd) = match (&reference, finite) {
            (Some(reference), true) => {
                let k = m.min(settings.max_points.max(1));
                // The paper's MW54 many-well energy is our Double well (d = m = its dimension);
                // its metric takes its own variant there, not on our Many-well.
                let mw54 = self.preset.target.kind == TargetKind::DoubleWell;
                let j = m.min(MMD_POINTS);
                let metrics = |a: &[f32], b: &[f32]| {
                    (
                        sinkhorn_within(
                            &a[..k * d],
                            &b[..k * d],
                            d,
                            settings.sinkhorn_protocol,
                            settings.sinkhorn_eps,
                            mw54,
                            interrupt,
                        ),
                        mmd(&a[..j * d], &b[..j * d], d, &self.device),
                    )
                };
                progress(EvaluationStage::Sinkhorn);
                let (report, mmd2) = metrics(&x, reference);
                progress(EvaluationStage::NoiseFloor);
                // Two sets drawn together: reference draws (posteriors) are then distinct
                // between them as long as there are enough.
                let mut floor_rng = rng_for(self.preset.seed, self.step as u64, Stream::NoiseFloor);
                noise_floor = self.target.exact_samples(2 * m, &mut floor_rng).map(|pair| {
                    let (one, other) = pair.split_at(m * d);
                    let (floor, mmd2) = metrics(one, other);
                    NoiseFloor {
                        sinkhorn: floor.ok(),
                        mmd2,
                    }
                });
                sinkhorn_error = report.as_ref().err().cloned();
                (report.ok(), Some(mmd2), j, Some(delta_std(&x, reference, d)))
            }
            _ => (None, None, 0, None),
        };
        let modes = if let Some(regions) = self.mode_regions.as_ref().filter(|_| finite) {
            progress(EvaluationStage::Modes);
            mode_coverage(&self.target, regions, &x, settings.mode_threshold, &self.device)
        } else {
            None
        };
        Evaluation {
            step: self.step,
            samples: m,
            weights,
            log_z: self.target.log_z(),
            sinkhorn,
            sinkhorn_error,
            mmd2,
            mmd_points,
            delta_std: dstd,
            modes,
            noise_floor,
        }
    }

    /// `n` exact target draws (row-major `n × d`) from the run's reference stream, where the
    /// target allows exact sampling.
    pub fn reference_samples(&self, n: usize) -> Option<Vec<f32>> {
        let mut rng = rng_for(self.preset.seed, 0, Stream::Reference);
        self.target.exact_samples(n, &mut rng)
    }

    /// The target's marginal densities on `points` points over its plot range: exact where
    /// known, else a kernel estimate of reference draws from the run's reference stream.
    pub fn target_marginals(&self, points: usize) -> Option<crate::sim::targets::TargetMarginals> {
        crate::sim::targets::target_marginals(&*self.target, points, |n| self.reference_samples(n))
    }

    /// The target's log density on a grid over its plot range, for 2-D targets.
    pub fn density_grid(&self, n: usize) -> Option<crate::sim::report::DensityGrid> {
        (self.sampler.dim == 2 && n > 0).then(|| log_density_slice(&*self.target, n, &self.device))
    }

    /// Final states of `n` fresh paths, row-major `n × d`.
    pub fn sample(&self, n: usize) -> Vec<f32> {
        self.fresh_batch(n, Stream::Evaluation).0
    }

    pub(crate) fn restore(
        &mut self,
        step: usize,
        params: &[crate::sim::training::params::HostParam],
        optim: &crate::sim::training::optim::RAdamState,
        history: Vec<StepRecord>,
        epoch_sums: EpochSums,
    ) -> Result<(), SimError> {
        self.epoch_sums = epoch_sums;
        self.params
            .load_host(params, &self.device)
            .map_err(SimError::Checkpoint)?;
        self.optim
            .load_host(optim, &self.params)
            .map_err(SimError::Checkpoint)?;
        self.step = step;
        self.elapsed_before = history.last().map_or(0.0, |r| r.wall_seconds);
        self.last = history.last().cloned();
        self.skipped = history.iter().filter(|r| r.skipped.is_some()).count();
        self.history = history;
        self.clock = Instant::now();
        Ok(())
    }

    /// Changes the learning rates from the next step on; the cosine schedule still applies.
    pub fn set_learning_rates(&mut self, lr: crate::sim::preset::LearningRates) {
        self.preset.lr = lr;
        self.optim.lr = lr;
    }

    /// Continues a (resumed) run up to `total` training steps; the cosine schedule keeps the
    /// length it was started with only when `total` is unchanged.
    pub fn extend_to(&mut self, total: usize) {
        self.preset.train_steps = total;
        self.optim.total_steps = total.max(1);
    }

    pub(crate) fn optimizer(&self) -> &RAdam {
        &self.optim
    }

    pub(crate) fn epoch_sums(&self) -> EpochSums {
        self.epoch_sums
    }
}
