//! Runs the synchronous [`Trainer`](crate::sim::Trainer) on a background thread and talks to it
//! only through [`protocol`](crate::protocol) messages. Whatever else the lab needs from the
//! engine (target thumbnails) is reached through here.

mod thumbnails;
mod worker;

pub use thumbnails::{TargetThumbnail, spawn_thumbnails};
pub use worker::{Build, Wake, Worker};
