//! The lab's panels. Each takes the view to draw and a list to push user actions into.

mod controls;
mod plots;
mod settings;

pub use controls::controls;
pub use plots::plots;
pub use settings::settings;
