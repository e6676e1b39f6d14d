//! bridgelab: a lab for diffusion bridge samplers.
//!
//! Layers import only downward: [`sim`] (the burn engine, no UI) → [`protocol`] (plain
//! messages) → [`runtime`] (the training thread) → [`cli`].

pub mod cli;
pub mod protocol;
pub mod runtime;
pub mod sim;
