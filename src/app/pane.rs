//! One run of the lab: its training worker and what the lab knows about it.

use std::path::PathBuf;

use crate::protocol::{Command, Event, Preset};
use crate::runtime::run_store::{RunStore, RunTrail, Status};
use crate::runtime::{Wake, Worker};

pub struct RunPane {
    worker: Worker,
    pub view: RunStore,
    /// The trail saved with a checkpoint being resumed, for the run it starts.
    resumed_trail: Option<RunTrail>,
}

impl RunPane {
    pub fn spawn(preset: Preset, wake: Wake) -> std::io::Result<Self> {
        Ok(Self {
            worker: Worker::spawn(preset, wake)?,
            view: RunStore::default(),
            resumed_trail: None,
        })
    }

    /// Queues `command`; when the worker cannot take it the run's message says so.
    pub fn send(&mut self, command: Command) {
        if matches!(command, Command::Play | Command::Step(_)) && self.view.status == Status::Paused {
            self.view.status = Status::Running;
        }
        if !self.worker.send(command) {
            self.view.message = Some("the training thread is busy or gone; try again".into());
        }
    }

    /// Starts over on `preset`, training on at once if the run was training.
    pub fn restart(&mut self, preset: Preset) {
        let was_running = self.view.status == Status::Running;
        self.send(Command::Restart(Box::new(preset)));
        if was_running {
            self.send(Command::Play);
        }
    }

    /// Replaces the run by the checkpoint at `path`; `trail`, saved beside it, comes back with
    /// it.
    pub fn resume(&mut self, path: PathBuf, trail: Option<RunTrail>) {
        self.resumed_trail = trail;
        self.send(Command::Resume(path));
    }

    /// Takes in whatever the worker sent since the last call; true when anything arrived.
    pub fn poll(&mut self) -> bool {
        let events = self.worker.poll_events();
        let mut changed = !events.is_empty();
        for event in events {
            // A fresh run starts with no history; the resumed one with the checkpoint's.
            let resumed = matches!(&event, Event::Started { history, .. } if !history.is_empty());
            self.view.ingest(event);
            if resumed && let Some(trail) = self.resumed_trail.take() {
                self.view.restore(trail);
            }
        }
        if let Some(s) = self.worker.take_snapshot() {
            self.view.ingest_snapshot(s);
            changed = true;
        }
        changed
    }
}
