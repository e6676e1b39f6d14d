//! Runs the synchronous [`Trainer`](crate::sim::Trainer) on a background thread and talks to it
//! only through [`protocol`](crate::protocol) messages, and keeps what its events say about the
//! run (the run store, which the lab draws and `bridgelab soak` measures). Whatever else the lab
//! needs from the engine (target thumbnails) is reached through here.

pub mod decline;
pub mod run_store;
mod thumbnails;
mod worker;

pub use thumbnails::{TargetThumbnail, spawn_thumbnails};
pub use worker::{Build, SINKHORN_BUDGET, Wake, Worker};
