//! Pictures on the target cards: density grids from the runtime, turned into textures once.

use std::sync::Arc;

use crate::app::figure::heat::Heat;
use crate::app::ui::heat_texture::color_image;
use crate::protocol::{LatestSlot, TargetKind};
use crate::runtime::{TargetThumbnail, Wake, spawn_thumbnails};

/// Cells per side of a thumbnail.
const SIDE: usize = 48;

pub struct Thumbnails {
    incoming: LatestSlot<Arc<Vec<TargetThumbnail>>>,
    textures: Vec<(TargetKind, egui::TextureHandle)>,
}

impl Thumbnails {
    /// Starts computing the pictures in the background.
    pub fn spawn(wake: Wake) -> Self {
        Self {
            incoming: spawn_thumbnails(SIDE, wake),
            textures: Vec::new(),
        }
    }

    /// Uploads pictures that arrived since the last call.
    pub fn poll(&mut self, ctx: &egui::Context) {
        if let Some(list) = self.incoming.take() {
            self.textures = list
                .iter()
                .map(|t| {
                    let image = color_image(&Heat::log_density(&t.grid));
                    let name = format!("thumbnail-{}", t.kind.slug());
                    (
                        t.kind,
                        ctx.load_texture(name, image, egui::TextureOptions::LINEAR),
                    )
                })
                .collect();
        }
    }

    pub fn ready(&self) -> bool {
        !self.textures.is_empty()
    }

    pub fn get(&self, kind: TargetKind) -> Option<&egui::TextureHandle> {
        self.textures.iter().find(|(k, _)| *k == kind).map(|(_, t)| t)
    }
}
