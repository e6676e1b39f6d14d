//! bridgelab: a lab for diffusion bridge samplers.
//!
//! Layers import only downward: [`sim`] (the burn engine) is used by [`cli`].

pub mod cli;
pub mod sim;
