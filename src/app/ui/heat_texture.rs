//! Heat maps as textures: one upload per distinct map, then a single textured quad per frame
//! instead of thousands of coloured cells. The maps of the time axis change with every step
//! shown, so only the most recent few are kept.

use std::hash::{Hash, Hasher};

use crate::app::figure::heat::Heat;

/// Textures kept: the panels of two runs, each with a few maps, and room to step back and forth.
const KEPT: usize = 24;

/// The map's colours, with y growing upwards as in the plots.
pub fn color_image(heat: &Heat) -> egui::ColorImage {
    let (cols, rows) = (heat.cols, heat.rows);
    let colors = heat.colors();
    let mut rgb = Vec::with_capacity(cols * rows * 3);
    for row in (0..rows).rev() {
        for col in 0..cols {
            rgb.extend(colors[row * cols + col]);
        }
    }
    egui::ColorImage::from_rgb([cols, rows], &rgb)
}

fn fingerprint(heat: &Heat) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (heat.cols, heat.rows).hash(&mut h);
    for v in [heat.x.0, heat.x.1, heat.y.0, heat.y.1, heat.range.0, heat.range.1] {
        v.to_bits().hash(&mut h);
    }
    for v in &heat.values {
        v.to_bits().hash(&mut h);
    }
    h.finish()
}

type Kept = Vec<(u64, egui::TextureHandle)>;

/// The texture of `heat`, uploaded the first time it is asked for; the least recently used
/// textures beyond [`KEPT`] are dropped.
pub fn texture(ctx: &egui::Context, heat: &Heat) -> egui::TextureHandle {
    let key = fingerprint(heat);
    let id = egui::Id::unique("heat-textures");
    let mut kept: Kept = ctx.data(|d| d.get_temp::<Kept>(id)).unwrap_or_default();
    let texture = match kept.iter().position(|(k, _)| *k == key) {
        Some(i) => kept.remove(i).1,
        None => ctx.load_texture(
            format!("heat-{key:x}"),
            color_image(heat),
            egui::TextureOptions::LINEAR,
        ),
    };
    kept.push((key, texture.clone()));
    if kept.len() > KEPT {
        drop(kept.remove(0));
    }
    ctx.data_mut(|d| d.insert_temp(id, kept));
    texture
}
