//! Draws a [`Figure`] with plotters: SVG text for papers, PNG bytes for slides.

use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::clip::DataBox;
use super::heat::Heat;
use super::model::{Figure, Mark, Panel};

/// Pixels of one panel.
const CELL: (u32, u32) = (460, 330);
/// Height of the line of run titles above the panels.
const HEADER: u32 = 30;
/// Panels per row when the figure shows a single run.
const SINGLE_RUN_COLUMNS: usize = 3;
const X_LABEL_AREA: u32 = 34;
const Y_LABEL_AREA: u32 = 52;
const CAPTION: u32 = 24;
const MARGIN: u32 = 6;

/// The export's scale: every length and font size of the 1× figure times `factor`, written at
/// 96 · `factor` dots per inch, so that a 2× or 3× figure is sharp on slides and in papers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale(pub u32);

impl Scale {
    fn px(self, v: u32) -> u32 {
        v * self.0.max(1)
    }
    pub fn dpi(self) -> u32 {
        self.px(96)
    }
}

/// Clouds of more points than this are thinned to it in the SVG (every k-th point), which
/// keeps a file of 16 000-sample plots small; the PNG draws every point.
pub const SVG_MAX_POINTS: usize = 3000;

/// Tick labels of an axis that counts: whole numbers only, none below zero.
pub fn whole_tick(value: f64) -> String {
    if value < 0.0 || value.fract().abs() > 1e-9 {
        String::new()
    } else {
        format!("{value:.0}")
    }
}

/// A tick label: at most four significant digits, no trailing zeros ("50", "0.25", "-1.5").
pub fn tick_label(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() { "0".into() } else { String::new() };
    }
    let magnitude = v.abs().log10().floor() as i32;
    if !(-4..6).contains(&magnitude) {
        return format!("{v:.1e}");
    }
    let decimals = (3 - magnitude).max(0) as usize;
    let text = format!("{v:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".into() } else { text }
}

/// Where each panel goes: (figure column, panel index) → (grid row, grid column).
struct Layout {
    rows: usize,
    columns: usize,
    places: Vec<((usize, usize), (usize, usize))>,
}

fn layout(figure: &Figure) -> Layout {
    if figure.columns.len() == 1 {
        let n = figure.columns[0].panels.len();
        let columns = SINGLE_RUN_COLUMNS.min(n.max(1));
        Layout {
            rows: n.div_ceil(columns).max(1),
            columns,
            places: (0..n).map(|i| ((0, i), (i / columns, i % columns))).collect(),
        }
    } else {
        let rows = figure.columns.iter().map(|c| c.panels.len()).max().unwrap_or(0);
        let places = figure
            .columns
            .iter()
            .enumerate()
            .flat_map(|(c, col)| (0..col.panels.len()).map(move |i| ((c, i), (i, c))))
            .collect();
        Layout {
            rows: rows.max(1),
            columns: figure.columns.len(),
            places,
        }
    }
}

/// Width and height in pixels (SVG units) of the drawn figure.
pub fn size(figure: &Figure, scale: Scale) -> (u32, u32) {
    let l = layout(figure);
    (
        scale.px(CELL.0) * l.columns as u32,
        scale.px(HEADER) + scale.px(CELL.1) * l.rows as u32,
    )
}

fn rgb(c: [u8; 3]) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

type DrawResult<DB, T = ()> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A panel's plot box in pixels of the figure: columns `x.0..x.1`, rows `y.0..y.1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelBox {
    pub x: (i32, i32),
    pub y: (i32, i32),
}

/// Draws the figure and returns each panel's plot box, in the order of `figure`'s columns and
/// their panels.
/// A shaded background the SVG holds as one embedded PNG rather than a rectangle per cell (a
/// 100 × 100 density grid was 10 000 rectangles, and a figure 3 MB): where it goes, in pixels.
struct Embedded {
    x: u32,
    y: u32,
    width: u32,
    height: u32,
    png: Vec<u8>,
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
    scale: Scale,
    svg: bool,
) -> DrawResult<DB, (Vec<PixelBox>, Vec<Embedded>)> {
    root.fill(&WHITE)?;
    let l = layout(figure);
    let (header, body) = root.split_vertically(scale.px(HEADER));
    let titles = header.split_evenly((1, figure.columns.len().max(1)));
    for (area, column) in titles.iter().zip(&figure.columns) {
        area.draw_text(
            &column.title,
            &("sans-serif", scale.px(15)).into_font().color(&BLACK),
            (scale.px(8) as i32, scale.px(8) as i32),
        )?;
    }
    let cells = body.split_evenly((l.rows, l.columns));
    let mut boxes = Vec::with_capacity(l.places.len());
    let mut embedded = Vec::new();
    for ((c, i), (r, g)) in l.places {
        let (plot_box, image) = draw_panel(
            &cells[r * l.columns + g],
            &figure.columns[c].panels[i],
            scale,
            svg,
        )?;
        boxes.push(plot_box);
        embedded.extend(image);
    }
    Ok((boxes, embedded))
}

/// The heat map over the plot box, a pixel of the image per pixel of the box, as PNG bytes.
fn heat_image(heat: &Heat, plot: DataBox, pixel_box: PixelBox) -> Option<Embedded> {
    let (width, height) = (
        (pixel_box.x.1 - pixel_box.x.0).max(0) as u32,
        (pixel_box.y.1 - pixel_box.y.0).max(0) as u32,
    );
    if width == 0 || height == 0 {
        return None;
    }
    let colors = heat.colors();
    let (cols, rows) = (heat.cols.max(1), heat.rows.max(1));
    let mut pixels = vec![255u8; (width * height * 3) as usize];
    for py in 0..height {
        let y = plot.y.1 - (py as f64 + 0.5) / height as f64 * (plot.y.1 - plot.y.0);
        let row = ((y - heat.y.0) / (heat.y.1 - heat.y.0) * rows as f64).floor();
        for px in 0..width {
            let x = plot.x.0 + (px as f64 + 0.5) / width as f64 * (plot.x.1 - plot.x.0);
            let col = ((x - heat.x.0) / (heat.x.1 - heat.x.0) * cols as f64).floor();
            if (0.0..rows as f64).contains(&row) && (0.0..cols as f64).contains(&col) {
                let c = colors[row as usize * cols + col as usize];
                let at = ((py * width + px) * 3) as usize;
                pixels[at..at + 3].copy_from_slice(&c);
            }
        }
    }
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(&pixels).ok()?;
    }
    Some(Embedded {
        x: pixel_box.x.0.max(0) as u32,
        y: pixel_box.y.0.max(0) as u32,
        width,
        height,
        png,
    })
}

/// Standard base64 (RFC 4648) with padding, for a data URL.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Widens the shorter side of the data box so that a unit spans as many pixels on x as on y.
fn equal_aspect(
    ((x0, x1), (y0, y1)): ((f64, f64), (f64, f64)),
    (w, h): (u32, u32),
    scale: Scale,
) -> ((f64, f64), (f64, f64)) {
    let pw = w.saturating_sub(scale.px(Y_LABEL_AREA + 2 * MARGIN)).max(1) as f64;
    let ph = h
        .saturating_sub(scale.px(X_LABEL_AREA + CAPTION + 2 * MARGIN))
        .max(1) as f64;
    let (sx, sy) = ((x1 - x0) / pw, (y1 - y0) / ph);
    if sx > sy {
        let grow = (sx * ph - (y1 - y0)) / 2.0;
        ((x0, x1), (y0 - grow, y1 + grow))
    } else {
        let grow = (sy * pw - (x1 - x0)) / 2.0;
        ((x0 - grow, x1 + grow), (y0, y1))
    }
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    scale: Scale,
    svg: bool,
) -> DrawResult<DB, (PixelBox, Option<Embedded>)> {
    let mut bounds = panel.view.unwrap_or_else(|| panel.bounds());
    if panel.equal_aspect && panel.view.is_none() {
        bounds = equal_aspect(bounds, area.dim_in_pixel(), scale);
    }
    let ((x0, x1), (y0, y1)) = bounds;
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", scale.px(15)))
        .margin(scale.px(MARGIN))
        .x_label_area_size(scale.px(X_LABEL_AREA))
        .y_label_area_size(scale.px(Y_LABEL_AREA))
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let whole = panel.whole_x;
    // A tick's value is a sum of steps, and rounding leaves 0 as −2.2e-16: within a
    // millionth of the axis span of 0 it is 0.
    let near_zero = |v: f64, span: f64| if v.abs() < 1e-6 * span.abs() { 0.0 } else { v };
    let x_tick = move |v: &f64| {
        if whole {
            whole_tick(*v)
        } else {
            tick_label(near_zero(*v, x1 - x0))
        }
    };
    let y_tick = move |v: &f64| tick_label(near_zero(*v, y1 - y0));
    chart
        .configure_mesh()
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_label_formatter(&x_tick)
        .y_label_formatter(&y_tick)
        .label_style(("sans-serif", scale.px(12)))
        .axis_desc_style(("sans-serif", scale.px(13)))
        .light_line_style(RGBColor(238, 238, 238))
        .draw()?;
    let (px, py) = chart.plotting_area().get_pixel_range();
    let pixel_box = PixelBox {
        x: (px.start, px.end),
        y: (py.start, py.end),
    };
    let plot = DataBox {
        x: (x0, x1),
        y: (y0, y1),
    };
    // Data units per pixel, to keep a mark's ink inside the box and not only its centre.
    let per_pixel = (
        (x1 - x0) / (px.end - px.start).max(1) as f64,
        (y1 - y0) / (py.end - py.start).max(1) as f64,
    );
    // One pixel more than the ink's reach, for the rounding of data to pixels.
    let inset = |pixels: f64| plot.inset((pixels + 1.0) * per_pixel.0, (pixels + 1.0) * per_pixel.1);
    let mut embedded = None;
    if let Some(heat) = &panel.background
        && svg
    {
        embedded = heat_image(heat, plot, pixel_box);
    } else if let Some(heat) = &panel.background {
        let (w, h) = heat.cell_size();
        let colors = heat.colors();
        chart.draw_series(colors.iter().enumerate().filter_map(|(k, c)| {
            let [x, y] = heat.cell_centre(k);
            let corners = plot.rectangle((x - w / 2.0, y - h / 2.0), (x + w / 2.0, y + h / 2.0))?;
            Some(Rectangle::new(corners, rgb(*c).filled()))
        }))?;
    }
    let mut named: Vec<&str> = Vec::new();
    for s in &panel.series {
        let color = rgb(s.color);
        let pts = s.points.iter().map(|p| (p[0], p[1]));
        let drawn = match s.mark {
            Mark::Line => {
                let width = scale.px(2);
                let inside = inset(width as f64 / 2.0);
                chart.draw_series(
                    inside
                        .polyline(pts)
                        .into_iter()
                        .map(|piece| PathElement::new(piece, color.stroke_width(width))),
                )?
            }
            Mark::Points(r) => {
                let radius = ((r * scale.0 as f32).round() as i32).max(1);
                let every = if svg {
                    s.points.len().div_ceil(SVG_MAX_POINTS).max(1)
                } else {
                    1
                };
                let inside = inset(radius as f64);
                chart.draw_series(
                    pts.step_by(every)
                        .filter(|p| inside.contains(*p))
                        .map(|p| Circle::new(p, radius, color.filled())),
                )?
            }
            Mark::Bars => chart.draw_series(pts.filter_map(|(x, y)| {
                let corners = plot.rectangle((x - 0.4, 0.0), (x + 0.4, y))?;
                Some(Rectangle::new(corners, color.filled()))
            }))?,
            Mark::Arrows => {
                let width = scale.px(1);
                let inside = inset(width as f64 / 2.0);
                let style = color.stroke_width(width);
                let pieces: Vec<_> = s
                    .points
                    .chunks_exact(2)
                    .flat_map(|p| inside.polyline(arrow_path(p[0], p[1])))
                    .collect();
                chart.draw_series(
                    pieces
                        .into_iter()
                        .map(move |piece| PathElement::new(piece, style)),
                )?
            }
        };
        // Series of one name (a run's paths) share one legend entry.
        if !named.contains(&s.name.as_str()) {
            named.push(s.name.as_str());
            let (radius, path, width) = swatch(s.mark, scale);
            let dot = scale.px(6) as i32;
            drawn.label(s.name.as_str()).legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + Circle::new(
                        (dot, 0),
                        radius,
                        color.mix(f64::from(u8::from(radius > 0))).filled(),
                    )
                    + PathElement::new(path.clone(), color.stroke_width(width))
            });
        }
    }
    let marker = rgb(super::model::MARKER_COLOR);
    let marker_box = inset(scale.px(1) as f64 / 2.0);
    for (x, what) in &panel.markers {
        chart
            .draw_series(
                marker_box
                    .polyline([(*x, y0), (*x, y1)])
                    .into_iter()
                    .map(|piece| PathElement::new(piece, marker.stroke_width(scale.px(1)))),
            )?
            .label(what.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + scale.px(12) as i32, y)], marker));
    }
    if panel.series.iter().any(|s| !s.points.is_empty()) || !panel.markers.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .legend_area_size(scale.px(20))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(190, 190, 190))
            .label_font(("sans-serif", scale.px(12)))
            .draw()?;
    }
    if let Some(heat) = &panel.background {
        draw_color_bar(&chart.plotting_area().strip_coord_spec(), heat, scale)?;
    }
    Ok((pixel_box, embedded))
}

/// A legend's sample of a mark, relative to its place: a line for lines, a dot for dots, a
/// block for bars, an arrow for arrows, twelve points wide. Dots give (radius, no path), the
/// rest (no dot, a path and its width).
fn swatch(mark: Mark, scale: Scale) -> (i32, Vec<(i32, i32)>, u32) {
    let (w, h) = (scale.px(12) as i32, scale.px(4) as i32);
    match mark {
        Mark::Line => (0, vec![(0, 0), (w, 0)], scale.px(2)),
        Mark::Points(_) => (scale.px(3) as i32, Vec::new(), 0),
        Mark::Bars => (0, vec![(0, 0), (w, 0)], 2 * h as u32),
        Mark::Arrows => (
            0,
            vec![(0, 0), (w, 0), (w - h, -h), (w, 0), (w - h, h)],
            scale.px(1),
        ),
    }
}

/// The colour bar of a shaded panel, in its plot box's lower right corner: what the shade
/// measures, and its colours from the low value at the bottom to the high one at the top.
fn draw_color_bar<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    heat: &super::heat::Heat,
    scale: Scale,
) -> DrawResult<DB> {
    let bar = heat.color_bar(32);
    let (w, h) = plot.dim_in_pixel();
    let (bw, bh) = (scale.px(10) as i32, (h as i32 * 2 / 5).max(scale.px(40) as i32));
    let pad = scale.px(6) as i32;
    let font = ("sans-serif", scale.px(11)).into_font().color(&BLACK);
    let label_width = [&bar.low, &bar.high, &bar.name]
        .iter()
        .map(|t| plot.estimate_text_size(t, &font).map_or(0, |(tw, _)| tw as i32))
        .max()
        .unwrap_or(0);
    let (right, bottom) = (w as i32 - pad, h as i32 - pad);
    let (left, top) = (right - bw, bottom - bh);
    let line = scale.px(14) as i32;
    plot.draw(&Rectangle::new(
        [
            (left - label_width - 2 * pad, top - line - pad),
            (right + pad / 2, bottom + pad / 2),
        ],
        WHITE.mix(0.85).filled(),
    ))?;
    let n = bar.colors.len() as i32;
    for (i, c) in bar.colors.iter().enumerate() {
        let i = i as i32;
        let (y1, y0) = (bottom - i * bh / n, bottom - (i + 1) * bh / n);
        plot.draw(&Rectangle::new([(left, y0), (right, y1)], rgb(*c).filled()))?;
    }
    plot.draw(&Rectangle::new(
        [(left, top), (right, bottom)],
        BLACK.stroke_width(1),
    ))?;
    let at = |text: &str, y: i32| {
        let tw = plot
            .estimate_text_size(text, &font)
            .map_or(0, |(tw, _)| tw as i32);
        (left - pad - tw, y)
    };
    plot.draw_text(&bar.high, &font, at(&bar.high, top))?;
    plot.draw_text(&bar.low, &font, at(&bar.low, bottom - line))?;
    plot.draw_text(&bar.name, &font, (right - label_width.max(bw), top - line))?;
    Ok(())
}

/// An arrow from `a` to `b` as one path: the shaft, then the head's two barbs, a quarter of
/// the shaft long, in data units (the panels with arrows keep one unit as long on both axes).
fn arrow_path(a: [f64; 2], b: [f64; 2]) -> Vec<(f64, f64)> {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let barb = |angle: f64| {
        let (s, c) = angle.sin_cos();
        (b[0] - 0.25 * (c * dx - s * dy), b[1] - 0.25 * (s * dx + c * dy))
    };
    let tip = (b[0], b[1]);
    vec![(a[0], a[1]), tip, barb(0.45), tip, barb(-0.45)]
}

/// The figure as an SVG document.
pub fn svg_text(figure: &Figure, scale: Scale) -> Result<String> {
    let mut text = String::new();
    let embedded = {
        let root = SVGBackend::with_string(&mut text, size(figure, scale)).into_drawing_area();
        let (_, embedded) =
            draw(&root, figure, scale, true).map_err(|e| anyhow!("drawing the SVG figure: {e}"))?;
        root.present()
            .map_err(|e| anyhow!("finishing the SVG figure: {e}"))?;
        embedded
    };
    // The images go just after the white page, under the grid and every mark.
    let page_end = text
        .find("<rect")
        .and_then(|start| text[start..].find("/>").map(|end| start + end + 2))
        .ok_or_else(|| anyhow!("the SVG figure has no page to draw on"))?;
    let images: String = embedded
        .iter()
        .map(|e| {
            format!(
                "\n<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,{}\"/>",
                e.x,
                e.y,
                e.width,
                e.height,
                base64(&e.png)
            )
        })
        .collect();
    text.insert_str(page_end, &images);
    Ok(text)
}

/// The bitmap backend draws text with a registered font; egui's own is always at hand.
fn ensure_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        )
        .is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(anyhow!(
            "the built-in font could not be loaded for the PNG figure"
        ))
    }
}

/// The figure drawn as a bitmap.
pub struct Bitmap {
    pub width: u32,
    pub height: u32,
    /// Row-major RGB, three bytes a pixel.
    pub pixels: Vec<u8>,
    /// Each panel's plot box, as [`draw`] returns them.
    pub plot_boxes: Vec<PixelBox>,
}

impl Bitmap {
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 3) as usize;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
    }
}

/// The figure as the PNG export draws it, before encoding.
pub fn bitmap(figure: &Figure, scale: Scale) -> Result<Bitmap> {
    ensure_font()?;
    let (w, h) = size(figure, scale);
    let mut pixels = vec![0u8; (w * h * 3) as usize];
    let plot_boxes = {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        let (boxes, _) =
            draw(&root, figure, scale, false).map_err(|e| anyhow!("drawing the PNG figure: {e}"))?;
        root.present()
            .map_err(|e| anyhow!("finishing the PNG figure: {e}"))?;
        boxes
    };
    Ok(Bitmap {
        width: w,
        height: h,
        pixels,
        plot_boxes,
    })
}

/// The figure as PNG bytes.
pub fn png_bytes(figure: &Figure, scale: Scale) -> Result<Vec<u8>> {
    let Bitmap {
        width: w,
        height: h,
        pixels,
        ..
    } = bitmap(figure, scale)?;
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let per_metre = (scale.dpi() as f64 / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_the_rfc_examples() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
    }
}
