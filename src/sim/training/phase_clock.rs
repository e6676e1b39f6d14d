//! Where the time of a training step goes: simulating the paths, the loss with its backward
//! pass, and the optimiser. Off by default; a benchmark turns it on and pays one device
//! synchronisation per phase.

use std::time::Instant;

use burn::tensor::Device;

/// Seconds spent in each phase of the steps timed so far.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PhaseTimes {
    pub simulate: f64,
    pub loss_backward: f64,
    pub optimizer: f64,
}

impl PhaseTimes {
    pub fn total(&self) -> f64 {
        self.simulate + self.loss_backward + self.optimizer
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Simulate,
    LossBackward,
    Optimizer,
}

pub struct PhaseClock {
    device: Option<Device>,
    last: Instant,
    pub times: PhaseTimes,
}

impl PhaseClock {
    /// A clock that measures nothing and never synchronises.
    pub fn off() -> Self {
        Self {
            device: None,
            last: Instant::now(),
            times: PhaseTimes::default(),
        }
    }

    /// A clock that waits for `device` at the end of every phase, so that queued work is
    /// charged to the phase that queued it.
    pub fn on(device: &Device) -> Self {
        Self {
            device: Some(device.clone()),
            last: Instant::now(),
            times: PhaseTimes::default(),
        }
    }

    /// Ends `phase` now.
    pub fn lap(&mut self, phase: Phase) {
        let Some(device) = &self.device else { return };
        // A failed sync leaves the work to be charged to the next phase; the step itself
        // reports device errors.
        let _ = device.sync();
        let now = Instant::now();
        let dt = (now - self.last).as_secs_f64();
        self.last = now;
        match phase {
            Phase::Simulate => self.times.simulate += dt,
            Phase::LossBackward => self.times.loss_backward += dt,
            Phase::Optimizer => self.times.optimizer += dt,
        }
    }
}
