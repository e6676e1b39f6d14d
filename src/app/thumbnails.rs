//! Pictures on the target cards: density grids from the runtime, turned into textures once.

use std::sync::Arc;

use crate::app::figure::heat;
use crate::protocol::{DensityGrid, LatestSlot, TargetKind};
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
                    let image = image_of(&t.grid);
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

/// The grid in the heat palette, with y growing upwards as in the plots.
fn image_of(grid: &DensityGrid) -> egui::ColorImage {
    let n = grid.n;
    let range = heat::value_range(grid);
    let values = heat::clamped_values(grid);
    let mut rgb = Vec::with_capacity(n * n * 3);
    for row in (0..n).rev() {
        for col in 0..n {
            rgb.extend(heat::color_of(values[row * n + col], range));
        }
    }
    egui::ColorImage::from_rgb([n, n], &rgb)
}
