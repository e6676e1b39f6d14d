//! Runs the synchronous [`Trainer`](crate::sim::Trainer) on a background thread and talks to it
//! only through [`protocol`](crate::protocol) messages. Whatever the lab needs from the engine
//! (thumbnails, device discovery) is reached through here.

mod thumbnails;
mod worker;

pub use crate::sim::device::{describe as describe_device, hardware_gpu};
pub use thumbnails::{TargetThumbnail, spawn_thumbnails, target_thumbnails};
pub use worker::{Wake, Worker};
