use std::sync::{Arc, Mutex};

/// A single-value mailbox where a newer value replaces an unread older one: heavy data (sample
/// clouds) flows at the reader's pace and the writer never waits.
pub struct LatestSlot<T> {
    inner: Arc<Mutex<Option<T>>>,
}

impl<T> Clone for LatestSlot<T> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T> Default for LatestSlot<T> {
    fn default() -> Self {
        Self {
            inner: Arc::new(Mutex::new(None)),
        }
    }
}

impl<T> LatestSlot<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn put(&self, value: T) {
        // A poisoned lock only means a reader panicked mid-take; the slot itself is intact.
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *guard = Some(value);
    }

    pub fn take(&self) -> Option<T> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_value_replaces_an_unread_one() {
        let slot = LatestSlot::new();
        slot.put(1);
        slot.put(2);
        assert_eq!(slot.take(), Some(2));
        assert_eq!(slot.take(), None);
    }
}
