//! Log-density backgrounds as textures: one upload per distinct grid, then a single textured
//! quad per frame instead of thousands of coloured cells.

use std::hash::{Hash, Hasher};

use crate::app::figure::heat;
use crate::protocol::DensityGrid;

/// The grid in the heat palette, with y growing upwards as in the plots.
pub fn color_image(grid: &DensityGrid) -> egui::ColorImage {
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

fn fingerprint(grid: &DensityGrid) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (grid.n, grid.lo.to_bits(), grid.hi.to_bits()).hash(&mut h);
    for v in &grid.log_density {
        v.to_bits().hash(&mut h);
    }
    h.finish()
}

/// The texture of `grid`, uploaded the first time it is asked for and kept in egui's memory.
pub fn texture(ctx: &egui::Context, grid: &DensityGrid) -> egui::TextureHandle {
    let id = egui::Id::unique(("heat-texture", fingerprint(grid)));
    if let Some(t) = ctx.data(|d| d.get_temp::<egui::TextureHandle>(id)) {
        return t;
    }
    let t = ctx.load_texture(
        format!("heat-{}", id.value()),
        color_image(grid),
        egui::TextureOptions::LINEAR,
    );
    ctx.data_mut(|d| d.insert_temp(id, t.clone()));
    t
}
