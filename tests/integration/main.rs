//! The integration tests, in one binary: a module per feature of bridgelab, helpers in
//! `common`. TESTING.md says what each module holds and how CI runs them.
// Tests unwrap: a failed unwrap is the test failing, with its message.
#![allow(clippy::unwrap_used)]

mod common;

mod attack;
mod command_line;
mod data;
mod docs;
mod gradients;
#[cfg(feature = "lab")]
mod lab;
mod layers;
mod lessons;
mod posteriors;
#[cfg(feature = "lab")]
mod presets;
#[cfg(feature = "lab")]
mod rendering;
mod robustness;
mod sinkhorn;
mod slurm;
mod targets;
mod training;
mod worker;
