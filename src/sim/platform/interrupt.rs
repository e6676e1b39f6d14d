//! Stopping long work from outside: a deadline, a flag another thread raises, or both. The
//! lab's evaluation gives its Sinkhorn a time budget this way, and Reset cancels it at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Why work was stopped before it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Its time budget ran out.
    OutOfTime(Duration),
    /// The flag was raised (the run it served was reset or replaced).
    Cancelled,
}

#[derive(Clone, Default)]
pub struct Interrupt {
    deadline: Option<(Instant, Duration)>,
    flag: Option<Arc<AtomicBool>>,
}

impl Interrupt {
    /// Nothing stops the work but its own end.
    pub fn none() -> Self {
        Self::default()
    }

    /// Stops the work `budget` from now.
    pub fn within(budget: Duration) -> Self {
        Self {
            deadline: Some((Instant::now() + budget, budget)),
            flag: None,
        }
    }

    /// Also stops the work once `flag` is raised.
    pub fn or_when(self, flag: Arc<AtomicBool>) -> Self {
        Self {
            flag: Some(flag),
            ..self
        }
    }

    /// Whether the work should stop now, and why.
    pub fn stopped(&self) -> Option<Stopped> {
        if self.flag.as_ref().is_some_and(|f| f.load(Ordering::Relaxed)) {
            return Some(Stopped::Cancelled);
        }
        match self.deadline {
            Some((at, budget)) if Instant::now() >= at => Some(Stopped::OutOfTime(budget)),
            _ => None,
        }
    }
}

/// Stopping rules compare by their numbers; how they may be interrupted is not one of them.
impl PartialEq for Interrupt {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Interrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interrupt")
            .field("budget", &self.deadline.map(|(_, b)| b))
            .field("cancellable", &self.flag.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raised_flag_cancels_and_a_spent_budget_stops() {
        let flag = Arc::new(AtomicBool::new(false));
        let open = Interrupt::within(Duration::from_secs(3600)).or_when(flag.clone());
        assert_eq!(open.stopped(), None);
        flag.store(true, Ordering::Relaxed);
        assert_eq!(open.stopped(), Some(Stopped::Cancelled));
        let spent = Interrupt::within(Duration::ZERO);
        assert_eq!(spent.stopped(), Some(Stopped::OutOfTime(Duration::ZERO)));
        assert_eq!(Interrupt::none().stopped(), None);
    }
}
