//! The lab's panels. Each draws part of the lab and pushes what the user did as actions.

mod compare;
mod controls;
mod files;
mod plot_choice;
mod plots;
mod settings;
mod targets;
mod widgets;

pub use controls::controls;
pub use plot_choice::plot_choice;
pub use plots::plots;
pub use settings::settings;
