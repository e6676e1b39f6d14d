//! The lab's panels. Each takes the view to draw and a list to push user actions into.

mod controls;
mod plots;
mod presets;
mod settings;

pub use controls::controls;
pub use plots::plots;
pub use presets::presets;
pub use settings::settings;
