//! The exported figure as a reader of a paper sees it: every mark inside its panel's plot box.

use super::*;
use bridgelab::app::figure::{Column, Figure, Mark, Scale, Series, bitmap};

/// A pixel of a mark's colour: far from white, grey and black, whatever the anti-aliasing did.
fn is_ink(p: [u8; 3], ink: [u8; 3]) -> bool {
    let [r, g, b] = p.map(i32::from);
    let spread = r.max(g).max(b) - r.min(g).min(b);
    let hue = |c: [u8; 3]| {
        let [r, g, b] = c.map(i32::from);
        (r - g, g - b)
    };
    let (a, b2) = (hue(p), hue(ink));
    spread > 80 && (a.0 - b2.0).abs() < 90 && (a.1 - b2.1).abs() < 90
}

#[test]
fn an_exported_panel_draws_nothing_outside_its_plot_box() {
    const LINE: [u8; 3] = [230, 20, 20];
    const DOTS: [u8; 3] = [20, 200, 20];
    const BARS: [u8; 3] = [20, 20, 230];
    // A loss curve with spikes a million times the shown range, dots, bars and arrows beyond
    // every edge, and a marker outside, in a panel held at a small box (as a zoomed plot is).
    let mut panel = Panel::new(PanelKind::Loss, "Loss with spikes", "training step", "loss");
    let spiky: Vec<[f64; 2]> = (0..400)
        .map(|i| {
            let y = match i % 50 {
                10 => 1e6,
                30 => -1e6,
                _ => 0.5 + 0.3 * (i as f64 / 20.0).sin(),
            };
            [i as f64 / 4.0 - 20.0, y]
        })
        .collect();
    panel.series.push(Series::new("loss", Mark::Line, LINE, spiky));
    let dots: Vec<[f64; 2]> = (-40..40)
        .flat_map(|i| (-40..40).map(move |j| [i as f64 * 0.5, j as f64 * 0.1]))
        .collect();
    panel
        .series
        .push(Series::new("dots", Mark::Points(3.0), DOTS, dots));
    let bars: Vec<[f64; 2]> = (-5..30)
        .map(|i| [i as f64, if i % 2 == 0 { 50.0 } else { -50.0 }])
        .collect();
    panel.series.push(Series::new("bars", Mark::Bars, BARS, bars));
    panel.markers.push((-100.0, "outside".into()));
    panel.view = Some(((0.0, 20.0), (0.0, 1.0)));
    let mut arrows = Panel::new(PanelKind::Drift, "Arrows", "x", "y");
    arrows.series.push(Series::arrows(
        "drift",
        LINE,
        (-10..10)
            .map(|i| ([i as f64 * 0.1, 0.0], [i as f64 * 10.0, 40.0]))
            .collect(),
    ));
    arrows.view = Some(((-1.0, 1.0), (-1.0, 1.0)));
    let figure = Figure {
        columns: vec![Column {
            run: None,
            title: "clipping".into(),
            panels: vec![panel, arrows],
        }],
    };
    for scale in [1, 2] {
        let image = bitmap(&figure, Scale(scale)).unwrap();
        assert_eq!(image.plot_boxes.len(), 2);
        let mut inside = [0usize; 3];
        for y in 0..image.height {
            for x in 0..image.width {
                let p = image.pixel(x, y);
                for (k, ink) in [LINE, DOTS, BARS].into_iter().enumerate() {
                    if !is_ink(p, ink) {
                        continue;
                    }
                    let (xi, yi) = (x as i32, y as i32);
                    let held = image
                        .plot_boxes
                        .iter()
                        .any(|b| (b.x.0..b.x.1).contains(&xi) && (b.y.0..b.y.1).contains(&yi));
                    assert!(
                        held,
                        "at ×{scale}, a pixel {p:?} of {ink:?} at ({x}, {y}) lies outside every plot box {:?}",
                        image.plot_boxes
                    );
                    inside[k] += 1;
                }
            }
        }
        // The marks were drawn, only cut: each colour fills much of its box.
        assert!(
            inside.iter().all(|&n| n > 200),
            "ink inside the boxes: {inside:?}"
        );
    }
}

/// Issue 27 item 4: a shaded panel carries a colour bar with the palette's two ends.
#[test]
fn an_exported_shaded_panel_has_a_colour_bar() {
    use bridgelab::app::figure::heat::{HEAT_PALETTE, Heat};
    let mut panel = Panel::new(PanelKind::Drift, "Shaded", "x", "y");
    // A map of one value, in the middle of its range: neither end of the palette is in it.
    let mut heat = Heat::linear("mismatch", (8, 8), (0.0, 1.0), (0.0, 1.0), vec![0.5; 64]);
    heat.range = (0.0, 1.0);
    panel.background = Some(heat);
    let figure = Figure {
        columns: vec![Column {
            run: None,
            title: "shaded".into(),
            panels: vec![panel],
        }],
    };
    let image = bitmap(&figure, Scale(2)).unwrap();
    let b = image.plot_boxes[0];
    let (mut low, mut high) = (None, None);
    for y in b.y.0..b.y.1 {
        for x in b.x.0..b.x.1 {
            let p = image.pixel(x as u32, y as u32);
            if p == HEAT_PALETTE[0] {
                low = Some((x, y));
            }
            if p == HEAT_PALETTE[2] && high.is_none() {
                high = Some((x, y));
            }
        }
    }
    let (low, high) = (low.expect("the low end"), high.expect("the high end"));
    assert!(high.1 < low.1, "high above low: {high:?} {low:?}");
    assert!(
        low.0 > (b.x.0 + b.x.1) / 2 && low.1 > (b.y.0 + b.y.1) / 2,
        "in the lower right corner: {low:?} in {b:?}"
    );
}

/// Issue 27 item 20: the SVG holds a shaded background as one embedded PNG, not a rectangle
/// per cell: a 100 × 100 map adds one image and no more rectangles than its colour bar's.
#[test]
fn an_svg_holds_a_shaded_background_as_one_image() {
    use bridgelab::app::figure::heat::Heat;
    use bridgelab::app::figure::svg_text;
    let values: Vec<f32> = (0..100 * 100)
        .map(|k| (k % 100) as f32 + (k / 100) as f32)
        .collect();
    let shaded = |background: bool| {
        let mut panel = Panel::new(PanelKind::Samples, "Shaded", "x", "y");
        if background {
            panel.background = Some(Heat::linear(
                "log density",
                (100, 100),
                (0.0, 1.0),
                (0.0, 1.0),
                values.clone(),
            ));
        }
        panel.x_range = Some((0.0, 1.0));
        panel.y_range = Some((0.0, 1.0));
        Figure {
            columns: vec![Column {
                run: None,
                title: "shaded".into(),
                panels: vec![panel],
            }],
        }
    };
    let with = svg_text(&shaded(true), Scale(2)).unwrap();
    let without = svg_text(&shaded(false), Scale(2)).unwrap();
    assert_eq!(with.matches("<image").count(), 1);
    let rects = |s: &str| s.matches("<rect").count();
    assert!(
        rects(&with) <= rects(&without) + 40,
        "{} rectangles with the map against {} without (the colour bar's cells aside)",
        rects(&with),
        rects(&without)
    );
    assert!(with.len() < 400_000, "{} bytes", with.len());
    assert!(
        with.contains("data:image/png;base64,iVBORw0KGgo"),
        "a PNG data URL"
    );
}

/// Issue 27 item 20: a comparison's files say what the second run changes, and each panel's
/// file which run it is.
#[test]
fn a_compared_export_names_what_differs_and_each_panels_run() {
    let mut p = common::tiny_run();
    p.diffusion = bridgelab::protocol::DiffusionMode::Frozen;
    p.compare = Some(Variation {
        diffusion: Some(bridgelab::protocol::DiffusionMode::Learned),
        ..Variation::default()
    });
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    let dir = scratch("compared-names");
    h.state_mut().export_dir = dir.clone();
    h.state_mut()
        .apply(Action::SetExportOptions(bridgelab::app::figure::ExportOptions {
            scale: 1,
            panels_alone: true,
        }));
    h.state_mut().apply(Action::ExportFigure);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let stem = "figure-gmm40-d2-dbs-rkl-ld-vs-learned-sigma-step0";
    for name in [
        format!("{stem}.svg"),
        format!("{stem}-run1-samples.png"),
        format!("{stem}-run2-samples.png"),
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
}
