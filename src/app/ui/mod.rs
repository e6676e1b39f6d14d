//! The parts of the lab's window: the top bar, the side panel's tabs, the lesson card, the
//! plot area and their widgets. Each draws its part and pushes what the user did as actions.

mod compare;
mod controls;
mod curve_view;
mod files;
mod guide;
pub(crate) mod heat_texture;
mod plot_choice;
mod plots;
mod settings;
mod targets;
pub(crate) mod thumbnails;
mod time_view;
mod widgets;

pub use controls::controls;
pub use curve_view::curve_view;
pub use guide::guide_card;
pub use plot_choice::plot_choice;
pub use plots::{PlotInput, ShownBounds, ShownPlot, plot_id, plots};
pub use settings::side;
pub use time_view::time_view;
