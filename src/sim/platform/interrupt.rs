//! Stopping long work from outside: a deadline, a condition another thread makes true, or
//! both. The lab's evaluation gives its Sinkhorn a time budget this way, and Reset cancels it
//! at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

/// Why work was stopped before it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Its time budget ran out.
    OutOfTime(Duration),
    /// The condition became true (the run it served was reset or replaced).
    Cancelled,
}

/// A condition that cancels the work once true; it is asked often, so it must be cheap.
pub type Cancelled = Arc<dyn Fn() -> bool + Send + Sync>;

#[derive(Clone, Default)]
pub struct Interrupt {
    deadline: Option<(Instant, Duration)>,
    cancelled: Option<Cancelled>,
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
            cancelled: None,
        }
    }

    /// Also stops the work once `cancelled` holds.
    pub fn or_when(self, cancelled: Cancelled) -> Self {
        Self {
            cancelled: Some(cancelled),
            ..self
        }
    }

    /// Whether the work should stop now, and why.
    pub fn stopped(&self) -> Option<Stopped> {
        if self.cancelled.as_ref().is_some_and(|c| c()) {
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
            .field("cancellable", &self.cancelled.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn a_raised_flag_cancels_and_a_spent_budget_stops() {
        let flag = Arc::new(AtomicBool::new(false));
        let raised = flag.clone();
        let open = Interrupt::within(Duration::from_secs(3600))
            .or_when(Arc::new(move || raised.load(Ordering::Relaxed)));
        assert_eq!(open.stopped(), None);
        flag.store(true, Ordering::Relaxed);
        assert_eq!(open.stopped(), Some(Stopped::Cancelled));
        let spent = Interrupt::within(Duration::ZERO);
        assert_eq!(spent.stopped(), Some(Stopped::OutOfTime(Duration::ZERO)));
        assert_eq!(Interrupt::none().stopped(), None);
    }
}
