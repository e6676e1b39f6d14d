//! How large the lab draws itself (for a projector), remembered between sessions in a small
//! file of the user's configuration directory.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The zoom range of the settings and the Ctrl + / Ctrl − shortcuts.
pub const MIN_ZOOM: f32 = 0.5;
pub const MAX_ZOOM: f32 = 3.0;
/// One Ctrl + or Ctrl − changes the zoom by this factor.
pub const ZOOM_STEP: f32 = 1.1;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Display {
    /// Points per logical pixel times the screen's own scale: 1 is the normal size.
    pub zoom: f32,
}

impl Default for Display {
    fn default() -> Self {
        Self { zoom: 1.0 }
    }
}

impl Display {
    /// The same settings with the zoom inside the allowed range (a finite number).
    pub fn clamped(self) -> Self {
        let zoom = if self.zoom.is_finite() { self.zoom } else { 1.0 };
        Self {
            zoom: zoom.clamp(MIN_ZOOM, MAX_ZOOM),
        }
    }

    /// `$XDG_CONFIG_HOME/bridgelab/display.ron`, else `~/.config/bridgelab/display.ron`.
    pub fn default_path() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        Some(base.join("bridgelab").join("display.ron"))
    }

    /// The settings saved at `path`; the defaults where there is no readable file (a damaged
    /// one is not worth an error: it is rewritten at the next change).
    pub fn load(path: &Path) -> Self {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|t| ron::from_str::<Display>(&t).ok())
            .unwrap_or_default()
            .clamped()
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let text =
            ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).map_err(|e| e.to_string())?;
        crate::export::write_atomically(path, text.as_bytes()).map_err(|e| format!("{e:#}"))
    }
}
