use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TryRecvError, bounded};

use crate::protocol::{
    Command, DENSITY_GRID_SIZE, Event, LatestSlot, LearningRates, PathRequest, RunId, RunSnapshot, TargetInfo,
};
use crate::sim::platform::device::{describe, make_device};
use crate::sim::platform::interrupt::{Interrupt, Stopped};
use crate::sim::preset::validate::validate;
use crate::sim::training::checkpoint;
use crate::sim::{Preset, SimError, Trainer};

/// Called after new data is published, so a UI can repaint only then.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Builds the trainer of a run from its preset. The lab builds from the preset alone; tests
/// may substitute targets.
pub type Build = Arc<dyn Fn(&Preset) -> Result<Trainer, SimError> + Send + Sync>;

fn build_from_preset() -> Build {
    Arc::new(|p: &Preset| Trainer::new(p.clone(), make_device(p.device)))
}

/// Exact target draws sent once per run for the sample plot of d > 2.
const REFERENCE_SAMPLES: usize = 1000;
/// Grid points of the target's marginal curves.
pub const MARGINAL_POINTS: usize = 200;
const COMMAND_CAPACITY: usize = 64;
const EVENT_CAPACITY: usize = 1024;
/// How long a lifecycle event may wait for room before it is dropped: the reader is gone.
const EVENT_PATIENCE: Duration = Duration::from_secs(2);
/// How long the lab's evaluation gives its Sinkhorn figures (each, the noise floor's too) to
/// converge: an evaluation should not hold a lesson's verdict for minutes (one of lesson D1
/// took about five). Past it the figure is left out and can be asked for without a budget.
pub const SINKHORN_BUDGET: Duration = Duration::from_secs(20);

/// Handle to the training thread. Dropping it stops the thread.
pub struct Worker {
    commands: Sender<Command>,
    /// Commands that replace the run, counted as they are sent (the loop counts them as it
    /// handles them): while it is behind, an evaluation under way is for a run about to go and
    /// stops at once.
    replacing_sent: Arc<AtomicU64>,
    events: Receiver<Event>,
    snapshots: LatestSlot<RunSnapshot>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the thread with `preset` loaded and paused.
    pub fn spawn(preset: Preset, wake: Wake) -> std::io::Result<Self> {
        Self::spawn_with(preset, wake, build_from_preset())
    }

    /// [`Worker::spawn`], building every run's trainer with `build`.
    pub fn spawn_with(preset: Preset, wake: Wake, build: Build) -> std::io::Result<Self> {
        let (cmd_tx, cmd_rx) = bounded(COMMAND_CAPACITY);
        let (ev_tx, ev_rx) = bounded(EVENT_CAPACITY);
        let snapshots = LatestSlot::new();
        let slot = snapshots.clone();
        let replacing_sent = Arc::new(AtomicU64::new(0));
        let counted = replacing_sent.clone();
        let thread = std::thread::Builder::new()
            .name("bridgelab-trainer".into())
            .spawn(move || {
                let mut state = Loop::new(preset, ev_tx, slot, wake, build, counted);
                state.run(cmd_rx);
            })?;
        Ok(Self {
            commands: cmd_tx,
            replacing_sent,
            events: ev_rx,
            snapshots,
            thread: Some(thread),
        })
    }

    /// Queues a command; false when the queue is full or the thread has stopped. One that
    /// replaces the run cancels an evaluation under way.
    pub fn send(&self, command: Command) -> bool {
        // Counted before it is sent, so the loop never handles one it has not seen counted.
        let replaces = replaces_the_run(&command);
        if replaces {
            self.replacing_sent.fetch_add(1, Ordering::SeqCst);
        }
        let sent = self.commands.try_send(command).is_ok();
        if replaces && !sent {
            self.replacing_sent.fetch_sub(1, Ordering::SeqCst);
        }
        sent
    }

    /// Every event that arrived since the last call.
    pub fn poll_events(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// Waits up to `timeout` for the next event.
    pub fn next_event(&self, timeout: Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }

    /// The newest snapshot not yet taken.
    pub fn take_snapshot(&self) -> Option<RunSnapshot> {
        self.snapshots.take()
    }
}

/// Commands after which an evaluation of the current run has no reader.
fn replaces_the_run(command: &Command) -> bool {
    matches!(
        command,
        Command::Reset | Command::Reseed(_) | Command::Restart(_) | Command::Resume(_) | Command::Shutdown
    )
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.replacing_sent.fetch_add(1, Ordering::SeqCst);
        let _ = self.commands.send_timeout(Command::Shutdown, EVENT_PATIENCE);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Budget {
    Idle,
    Steps(usize),
    Continuous,
}

/// The most paths a snapshot carries.
pub const MAX_PATHS: usize = 2000;

struct Loop {
    preset: Preset,
    trainer: Option<Trainer>,
    run: RunId,
    budget: Budget,
    snapshot_every: usize,
    /// Steps per second at most, when the lab slows training down.
    pace: Option<u32>,
    /// When the last step was trained, for the pace.
    last_step: std::time::Instant,
    /// Paths of both processes to add to each snapshot, while the lab shows them.
    paths_wanted: Option<PathRequest>,
    since_snapshot: usize,
    events: Sender<Event>,
    snapshots: LatestSlot<RunSnapshot>,
    wake: Wake,
    build: Build,
    /// Commands that replace the run: sent (counted by the handle) and handled here.
    replacing_sent: Arc<AtomicU64>,
    replacing_handled: u64,
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

impl Loop {
    fn new(
        preset: Preset,
        events: Sender<Event>,
        snapshots: LatestSlot<RunSnapshot>,
        wake: Wake,
        build: Build,
        replacing_sent: Arc<AtomicU64>,
    ) -> Self {
        let mut state = Loop {
            preset: preset.clone(),
            trainer: None,
            run: RunId(0),
            budget: Budget::Idle,
            snapshot_every: 10,
            pace: None,
            last_step: std::time::Instant::now(),
            paths_wanted: None,
            since_snapshot: 0,
            events,
            snapshots,
            wake,
            build,
            replacing_sent,
            replacing_handled: 0,
        };
        state.start(preset);
        state
    }

    fn run(&mut self, commands: Receiver<Command>) {
        loop {
            let wait = self
                .pace
                .map(|p| std::time::Duration::from_secs_f64(1.0 / f64::from(p.max(1))));
            let early = wait.and_then(|w| w.checked_sub(self.last_step.elapsed()));
            let next = if self.budget == Budget::Idle {
                commands.recv().ok()
            } else if let Some(rest) = early.filter(|d| !d.is_zero()) {
                // Paced: commands are heard while waiting for the next step's time.
                match commands.recv_timeout(rest) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                match commands.try_recv() {
                    Ok(c) => Some(c),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => return,
                }
            };
            match next {
                Some(Command::Shutdown) => return,
                Some(command) => self.handle(command),
                None if self.budget == Budget::Idle => return,
                None => self.train_one(),
            }
        }
    }

    fn emit(&self, event: Event) {
        let _ = self.events.send_timeout(event, EVENT_PATIENCE);
        (self.wake)();
    }

    /// Builds a trainer for `preset` under a new run id. When it cannot be built (a missing
    /// data file, say) a run that exists goes on untouched and is told why; with no run to
    /// keep, the new run fails.
    fn start(&mut self, preset: Preset) {
        let built = catch_unwind(AssertUnwindSafe(|| (self.build)(&preset)));
        let message = match built {
            Ok(Ok(trainer)) => return self.install(trainer),
            Ok(Err(e)) => e.to_string(),
            Err(p) => format!(
                "the engine panicked while building the run: {}",
                panic_message(&*p)
            ),
        };
        if self.trainer.is_some() {
            self.reject(format!(
                "the new run could not start, this one goes on: {message}"
            ));
        } else {
            self.begin_run();
            self.fail(0, message);
        }
    }

    fn begin_run(&mut self) {
        self.run = RunId(self.run.0 + 1);
        self.budget = Budget::Idle;
        self.since_snapshot = 0;
    }

    /// Makes `trainer` the current run under a new run id and announces it.
    fn install(&mut self, trainer: Trainer) {
        self.begin_run();
        let preset = trainer.preset().clone();
        let t = trainer.target();
        let target = TargetInfo {
            name: t.name(),
            dim: t.dim(),
            plot_range: t.plot_range(),
            modes: t.component_locations().map(<[f32]>::to_vec),
            log_z: t.log_z(),
            density: trainer.density_grid(DENSITY_GRID_SIZE),
            reference: trainer.reference_samples(REFERENCE_SAMPLES),
            marginals: trainer.target_marginals(MARGINAL_POINTS),
        };
        let history = trainer.history().to_vec();
        self.preset = preset.clone();
        self.trainer = Some(trainer);
        self.emit(Event::Started {
            run: self.run,
            device: describe(preset.device),
            preset: Box::new(preset),
            target: Box::new(target),
            history,
        });
        self.publish_snapshot();
    }

    /// Loads a checkpoint as a new run; a bad file is refused and the current run goes on.
    fn resume(&mut self, path: &Path) {
        let loaded = catch_unwind(AssertUnwindSafe(|| {
            let preset = checkpoint::read_preset(path)?;
            checkpoint::load(path, make_device(preset.device))
        }));
        match loaded {
            Ok(Ok(trainer)) => self.install(trainer),
            Ok(Err(e)) => self.reject(e.to_string()),
            Err(p) => self.reject(format!(
                "the engine panicked while reading {}: {}",
                path.display(),
                panic_message(&*p)
            )),
        }
    }

    fn save(&mut self, path: &Path) {
        let Some(t) = &self.trainer else {
            return self.reject("there is no run to save".into());
        };
        let step = t.step_count();
        match catch_unwind(AssertUnwindSafe(|| checkpoint::save(t, path))) {
            Ok(Ok(())) => self.emit(Event::Saved {
                run: self.run,
                step,
                path: path.to_path_buf(),
            }),
            Ok(Err(e)) => self.reject(e.to_string()),
            Err(p) => self.reject(format!(
                "the engine panicked while saving: {}",
                panic_message(&*p)
            )),
        }
    }

    fn reject(&self, message: String) {
        self.emit(Event::Rejected {
            run: self.run,
            message,
        });
    }

    fn fail(&mut self, step: usize, message: String) {
        self.budget = Budget::Idle;
        self.emit(Event::Failed {
            run: self.run,
            step,
            message,
        });
    }

    fn handle(&mut self, command: Command) {
        if replaces_the_run(&command) {
            self.replacing_handled += 1;
        }
        match command {
            Command::Play => {
                if self.trainer.as_ref().is_some_and(|t| !t.is_finished()) {
                    self.budget = Budget::Continuous;
                }
            }
            Command::Pause => {
                if self.budget != Budget::Idle {
                    self.budget = Budget::Idle;
                    self.pause();
                }
            }
            Command::Step(n) => {
                if n > 0 && self.trainer.is_some() {
                    self.budget = Budget::Steps(n);
                }
            }
            Command::Reset => self.start(self.preset.clone()),
            Command::Reseed(seed) => {
                let mut p = self.preset.clone();
                p.seed = seed;
                self.start(p);
            }
            Command::Restart(preset) => match validate(&preset) {
                Ok(()) => self.start(*preset),
                Err(e) => self.reject(e.to_string()),
            },
            Command::SaveCheckpoint(path) => self.save(&path),
            Command::Resume(path) => {
                let was_training = self.budget != Budget::Idle;
                self.resume(&path);
                if !was_training {
                    return;
                }
                // A refused file leaves the run as it was, training included.
                if self.trainer.as_ref().is_some_and(|t| !t.is_finished()) && self.budget == Budget::Idle {
                    self.budget = Budget::Continuous;
                }
            }
            Command::SetLearningRates(lr) => {
                let bad = [lr.network, lr.interpolation, lr.sde]
                    .iter()
                    .any(|v| !v.is_finite() || *v < 0.0);
                if bad {
                    self.reject("learning rates must be finite and at least 0".into());
                } else {
                    let what = learning_rate_change(&self.preset.lr, &lr);
                    self.preset.lr = lr;
                    if let Some(t) = &mut self.trainer {
                        t.set_learning_rates(lr);
                        if let Some(what) = what {
                            let step = t.step_count();
                            self.emit(Event::Changed {
                                run: self.run,
                                step,
                                what,
                            });
                        }
                    }
                }
            }
            Command::SetSnapshotEvery(n) => self.snapshot_every = n.max(1),
            Command::SetPace(pace) => self.pace = pace.filter(|p| *p > 0),
            Command::WatchPaths(request) => {
                let asked = request.map(|r| PathRequest {
                    count: r.count.clamp(1, MAX_PATHS),
                    ..r
                });
                if asked != self.paths_wanted {
                    self.paths_wanted = asked;
                    // Shown at once, not at the next snapshot (a paused run has none coming).
                    self.publish_snapshot();
                }
            }
            Command::Evaluate => self.evaluate(Some(SINKHORN_BUDGET)),
            Command::EvaluateFully => self.evaluate(None),
            Command::Shutdown => {}
        }
    }

    /// Metrics on the preset's number of fresh samples, announcing each stage as it begins.
    /// Evaluates the run, the Sinkhorn figures within `budget` where one is given; an
    /// evaluation cancelled by a command that replaces the run reports nothing.
    fn evaluate(&mut self, budget: Option<Duration>) {
        let Some(t) = &self.trainer else { return };
        let (sent, handled) = (self.replacing_sent.clone(), self.replacing_handled);
        let replaced = move || sent.load(Ordering::SeqCst) > handled;
        if replaced() {
            return;
        }
        let interrupt = budget
            .map_or_else(Interrupt::none, Interrupt::within)
            .or_when(Arc::new(replaced.clone()));
        let (run, events, wake) = (self.run, &self.events, &self.wake);
        let samples = t.preset().eval.samples.max(1);
        let mut progress = |stage| {
            // Progress may be dropped when the reader lags; the result is not.
            let _ = events.try_send(Event::Evaluating { run, samples, stage });
            wake();
        };
        match catch_unwind(AssertUnwindSafe(|| {
            t.evaluate_within(None, &mut progress, &interrupt)
        })) {
            Ok(_) if replaced() => {}
            Ok(e) => {
                let cut_short =
                    matches!(interrupt.stopped(), Some(Stopped::OutOfTime(_))) && e.sinkhorn.is_none();
                self.emit(Event::Evaluated {
                    run: self.run,
                    evaluation: Box::new(e),
                    cut_short,
                })
            }
            Err(p) => {
                let step = t.step_count();
                self.fail(
                    step,
                    format!("the engine panicked while evaluating: {}", panic_message(&*p)),
                )
            }
        }
    }

    fn pause(&mut self) {
        self.publish_snapshot();
        let step = self.trainer.as_ref().map_or(0, Trainer::step_count);
        self.emit(Event::Paused { run: self.run, step });
    }

    fn train_one(&mut self) {
        let Some(trainer) = self.trainer.as_mut() else {
            self.budget = Budget::Idle;
            return;
        };
        let step = trainer.step_count();
        self.last_step = std::time::Instant::now();
        match catch_unwind(AssertUnwindSafe(|| trainer.step())) {
            Ok(Ok(record)) => {
                let finished = trainer.is_finished();
                // Progress may be dropped when the reader lags: snapshots carry the state anyway.
                let _ = self.events.try_send(Event::Stepped {
                    run: self.run,
                    record,
                });
                self.since_snapshot += 1;
                if finished {
                    self.budget = Budget::Idle;
                    self.publish_snapshot();
                    self.emit(Event::Finished {
                        run: self.run,
                        step: step + 1,
                    });
                    // The numbers a lesson quotes are final evaluations on fresh samples.
                    self.evaluate(Some(SINKHORN_BUDGET));
                    return;
                }
                self.budget = match self.budget {
                    Budget::Steps(1) => Budget::Idle,
                    Budget::Steps(n) => Budget::Steps(n - 1),
                    b => b,
                };
                if self.budget == Budget::Idle {
                    self.pause();
                } else if self.since_snapshot >= self.snapshot_every || self.pace.is_some() {
                    self.publish_snapshot();
                }
            }
            Ok(Err(e)) => {
                let step = match &e {
                    SimError::Diverged { step, .. } => *step,
                    _ => step,
                };
                self.publish_snapshot();
                self.fail(step, e.to_string());
            }
            Err(p) => {
                // The trainer's state is unknown after a panic; drop it and wait for a reset.
                self.trainer = None;
                self.fail(step, format!("the engine panicked: {}", panic_message(&*p)));
            }
        }
    }

    fn publish_snapshot(&mut self) {
        self.since_snapshot = 0;
        let Some(t) = &self.trainer else { return };
        let wanted = self.paths_wanted;
        let taken = catch_unwind(AssertUnwindSafe(|| {
            let mut snapshot = t.snapshot();
            snapshot.paths = wanted.map(|r| t.paths(r));
            snapshot
        }));
        if let Ok(snapshot) = taken {
            self.snapshots.put(RunSnapshot {
                run: self.run,
                snapshot,
            });
            (self.wake)();
        }
    }
}

/// The learning rates that differ between `old` and `new`, in words; `None` when none does.
fn learning_rate_change(old: &LearningRates, new: &LearningRates) -> Option<String> {
    let parts: Vec<String> = [
        ("networks", old.network, new.network),
        ("interpolation", old.interpolation, new.interpolation),
        ("SDE parameters", old.sde, new.sde),
    ]
    .into_iter()
    .filter(|(_, a, b)| a != b)
    .map(|(name, a, b)| format!("{name} from {a} to {b}"))
    .collect();
    (!parts.is_empty()).then(|| format!("learning rates: {}", parts.join(", ")))
}
