//! Runs the synchronous [`Trainer`](crate::sim::Trainer) on a background thread and talks to it
//! only through [`protocol`](crate::protocol) messages.

mod worker;

pub use worker::{Wake, Worker};
