//! bridgelab: a lab for diffusion bridge samplers.
//!
//! Layers import only downward: [`sim`] (the burn engine, no UI) → [`protocol`] (plain
//! messages) → [`runtime`] (the training thread) → [`app`] (egui, no burn) and [`cli`].

#[cfg(feature = "lab")]
pub mod app;
pub mod cli;
pub mod export;
pub mod presets;
pub mod protocol;
pub mod runtime;
pub mod sim;
