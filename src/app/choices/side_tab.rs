//! What the left panel shows: the lessons and presets to start from, or the run's settings.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SideTab {
    /// The lessons first, by their titles, then every other shipped preset: where the lab opens.
    #[default]
    Lessons,
    Settings,
}

impl SideTab {
    pub const ALL: [SideTab; 2] = [SideTab::Lessons, SideTab::Settings];

    pub fn label(self) -> &'static str {
        match self {
            SideTab::Lessons => "Lessons and presets",
            SideTab::Settings => "Settings",
        }
    }
}
