//! Draws a [`Figure`] with plotters: SVG text for papers, PNG bytes for slides.

use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::heat;
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
pub fn size(figure: &Figure) -> (u32, u32) {
    let l = layout(figure);
    (CELL.0 * l.columns as u32, HEADER + CELL.1 * l.rows as u32)
}

fn rgb(c: [u8; 3]) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, figure: &Figure) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let l = layout(figure);
    let (header, body) = root.split_vertically(HEADER);
    let titles = header.split_evenly((1, figure.columns.len().max(1)));
    for (area, column) in titles.iter().zip(&figure.columns) {
        area.draw_text(
            &column.title,
            &("sans-serif", 15).into_font().color(&BLACK),
            (8, 8),
        )?;
    }
    let cells = body.split_evenly((l.rows, l.columns));
    for ((c, i), (r, g)) in l.places {
        draw_panel(&cells[r * l.columns + g], &figure.columns[c].panels[i])?;
    }
    Ok(())
}

/// Widens the shorter side of the data box so that a unit spans as many pixels on x as on y.
fn equal_aspect(
    ((x0, x1), (y0, y1)): ((f64, f64), (f64, f64)),
    (w, h): (u32, u32),
) -> ((f64, f64), (f64, f64)) {
    let pw = w.saturating_sub(Y_LABEL_AREA + 2 * MARGIN).max(1) as f64;
    let ph = h.saturating_sub(X_LABEL_AREA + CAPTION + 2 * MARGIN).max(1) as f64;
    let (sx, sy) = ((x1 - x0) / pw, (y1 - y0) / ph);
    if sx > sy {
        let grow = (sx * ph - (y1 - y0)) / 2.0;
        ((x0, x1), (y0 - grow, y1 + grow))
    } else {
        let grow = (sy * pw - (x1 - x0)) / 2.0;
        ((x0 - grow, x1 + grow), (y0, y1))
    }
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel) -> DrawResult<DB> {
    let mut bounds = panel.bounds();
    if panel.equal_aspect {
        bounds = equal_aspect(bounds, area.dim_in_pixel());
    }
    let ((x0, x1), (y0, y1)) = bounds;
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 15))
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .label_style(("sans-serif", 11))
        .light_line_style(RGBColor(238, 238, 238))
        .draw()?;
    if let Some(grid) = &panel.background {
        let range = heat::value_range(grid);
        let values = heat::clamped_values(grid);
        let half = (grid.hi - grid.lo) as f64 / grid.n as f64 / 2.0;
        chart.draw_series((0..grid.n * grid.n).map(|k| {
            let [x, y] = heat::cell_centre(grid, k / grid.n, k % grid.n);
            let color = rgb(heat::color_of(values[k], range));
            Rectangle::new([(x - half, y - half), (x + half, y + half)], color.filled())
        }))?;
    }
    for s in &panel.series {
        let color = rgb(s.color);
        let pts = s.points.iter().map(|p| (p[0], p[1]));
        let drawn = match s.mark {
            Mark::Line => chart.draw_series(LineSeries::new(pts, color.stroke_width(2)))?,
            Mark::Points(r) => {
                let radius = (r.round() as i32).max(1);
                chart.draw_series(pts.map(|p| Circle::new(p, radius, color.filled())))?
            }
            Mark::Bars => chart.draw_series(
                pts.map(|(x, y)| Rectangle::new([(x - 0.4, 0.0), (x + 0.4, y)], color.filled())),
            )?,
        };
        drawn
            .label(s.name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 12, y + 4)], color.filled()));
    }
    let marker = rgb(super::model::MARKER_COLOR);
    for (x, what) in &panel.markers {
        chart
            .draw_series(LineSeries::new([(*x, y0), (*x, y1)], marker.stroke_width(1)))?
            .label(what.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 12, y)], marker));
    }
    if panel.series.iter().any(|s| !s.points.is_empty()) || !panel.markers.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(190, 190, 190))
            .label_font(("sans-serif", 11))
            .draw()?;
    }
    Ok(())
}

/// The figure as an SVG document.
pub fn svg_text(figure: &Figure) -> Result<String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size(figure)).into_drawing_area();
        draw(&root, figure).map_err(|e| anyhow!("drawing the SVG figure: {e}"))?;
        root.present()
            .map_err(|e| anyhow!("finishing the SVG figure: {e}"))?;
    }
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

/// The figure as PNG bytes.
pub fn png_bytes(figure: &Figure) -> Result<Vec<u8>> {
    ensure_font()?;
    let (w, h) = size(figure);
    let mut pixels = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        draw(&root, figure).map_err(|e| anyhow!("drawing the PNG figure: {e}"))?;
        root.present()
            .map_err(|e| anyhow!("finishing the PNG figure: {e}"))?;
    }
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
    }
    Ok(bytes)
}
