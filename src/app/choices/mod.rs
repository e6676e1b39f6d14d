//! What the user chose to see, as plain values that actions set: how curves are drawn, which
//! coordinates are plotted, the side panel's tab, the time axis, presentation mode and the zoom.

pub mod curve_view;
pub mod display;
pub mod plot_choice;
pub mod presentation;
pub mod side_tab;
pub mod time_view;
