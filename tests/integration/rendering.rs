//! The lab rendered to images, headless, with wgpu (Mesa's software Vulkan on CI): snapshot
//! tests of fixed states, and the README's screenshots of trained runs.
//!
//! Without any wgpu adapter these tests say so and pass, unless `BRIDGELAB_REQUIRE_RENDERING`
//! is set, as `.ci/run` does: there, not rendering is a failure.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bridgelab::app::{Action, LabApp};
use bridgelab::protocol::{Preset, load_preset};
use bridgelab::runtime::run_store::Status;
use egui_kittest::{Harness, SnapshotOptions};

const SIZE: egui::Vec2 = egui::vec2(1400.0, 900.0);

/// True when wgpu can render here; otherwise explains why the test does nothing, or fails
/// when rendering is required.
fn can_render() -> bool {
    let probe = std::panic::catch_unwind(|| {
        let mut h = Harness::builder()
            .wgpu()
            .with_size(egui::vec2(64.0, 64.0))
            .build_ui(|ui| {
                ui.label("probe");
            });
        h.render().map(|_| ())
    });
    let why = match probe {
        Ok(Ok(())) => return true,
        Ok(Err(e)) => e,
        Err(_) => "no wgpu adapter".to_string(),
    };
    assert!(
        std::env::var_os("BRIDGELAB_REQUIRE_RENDERING").is_none(),
        "rendering is required here but failed: {why}"
    );
    eprintln!("skipping: cannot render here ({why}); install Mesa's Vulkan drivers to run this test");
    false
}

fn harness(app: LabApp) -> Harness<'static, LabApp> {
    Harness::builder()
        .wgpu()
        .with_size(SIZE)
        .build_ui_state(|ui, app: &mut LabApp| app.ui(ui), app)
}

/// Steps the UI until `done` holds, then a few frames more so plots settle their bounds.
fn settle(h: &mut Harness<'_, LabApp>, what: &str, done: impl Fn(&LabApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    for _ in 0..4 {
        h.step();
    }
}

fn quiet(h: &LabApp) -> bool {
    h.thumbnails_ready()
        && h.runs()
            .iter()
            .all(|v| v.snapshot.is_some() && v.status != Status::Running && v.status != Status::Starting)
}

fn snapshot_options() -> SnapshotOptions {
    // Anti-aliased text and dots may differ in a few pixels between Mesa builds.
    SnapshotOptions::new().max_failed_pixels(200)
}

fn preset(name: &str) -> Preset {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets").join(name);
    load_preset(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn distinct_colors(image: &image::RgbaImage) -> usize {
    let mut seen: Vec<[u8; 4]> = image.pixels().map(|p| p.0).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

fn screenshot_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("screenshots")
        .join(name)
}

#[test]
fn a_fresh_run_looks_as_it_did() {
    if !can_render() {
        return;
    }
    let mut h = harness(LabApp::new(common::tiny_run(), Arc::new(|| {})).unwrap());
    settle(&mut h, "the first batch and the thumbnails", quiet);
    h.snapshot_options("fresh_run", &snapshot_options());
}

#[test]
fn a_fresh_comparison_looks_as_it_did() {
    if !can_render() {
        return;
    }
    let mut app = LabApp::new(common::tiny_run(), Arc::new(|| {})).unwrap();
    app.apply(Action::SetCompare(Some(bridgelab::protocol::Variation {
        loss: Some(bridgelab::protocol::LossKind::RklR),
        ..Default::default()
    })));
    let mut h = harness(app);
    settle(&mut h, "both first batches", |a| quiet(a) && a.is_comparing());
    h.snapshot_options("fresh_comparison", &snapshot_options());
}

/// Trains `preset` in the lab for `steps` steps, renders it, checks that it drew the plots and
/// writes the picture for the README.
fn trained_screenshot(app: LabApp, steps: usize, name: &str) {
    let mut h = harness(app);
    settle(&mut h, "the first batch", quiet);
    h.state_mut().apply(Action::Step(steps));
    settle(&mut h, "the training steps", |a| {
        quiet(a)
            && a.runs()
                .iter()
                .all(|v| v.step() >= steps.min(v.preset.as_ref().map_or(0, |p| p.train_steps)))
    });
    let image = h.render().expect("the lab renders");
    assert_eq!(image.dimensions(), (SIZE.x as u32, SIZE.y as u32));
    let colors = distinct_colors(&image);
    assert!(colors > 1000, "only {colors} colours: the plots were not drawn");
    let path = screenshot_path(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image.save(&path).unwrap();
}

#[test]
fn the_readme_screenshot_of_a_trained_run() {
    if !can_render() {
        return;
    }
    let app = LabApp::new(Preset::default_interactive(), Arc::new(|| {})).unwrap();
    trained_screenshot(app, 300, "lab.png");
}

#[test]
fn the_readme_screenshot_of_the_mode_collapse_lesson() {
    if !can_render() {
        return;
    }
    let lesson = preset("lesson_a_mode_collapse.ron");
    let app = LabApp::new(lesson, Arc::new(|| {})).unwrap();
    trained_screenshot(app, 400, "compare.png");
}

#[test]
fn the_readme_screenshot_of_both_processes_mid_way() {
    if !can_render() {
        return;
    }
    let app = LabApp::new(Preset::default_interactive(), Arc::new(|| {})).unwrap();
    let mut h = harness(app);
    settle(&mut h, "the first batch", quiet);
    h.state_mut().apply(Action::Step(300));
    settle(&mut h, "the training steps", |a| {
        quiet(a) && a.run().step() >= 300
    });
    let n = h.state().run().preset.as_ref().unwrap().path_steps / 2;
    h.state_mut().apply(Action::SetTimeView(
        bridgelab::app::choices::time_view::TimeView::everything_at(n),
    ));
    settle(&mut h, "the paths, the strip and the drifts", |a| {
        let paths = a.run().snapshot.as_ref().and_then(|s| s.paths.as_ref());
        paths.is_some_and(|p| p.strip.is_some() && p.drift.is_some())
    });
    let image = h.render().expect("the lab renders");
    assert!(distinct_colors(&image) > 1000, "the plots were not drawn");
    let path = screenshot_path("time.png");
    image.save(&path).unwrap();
}

/// Issue 27 item 6: lesson A presented (F5) on a 1280 × 800 projector at 150 %: the side panel
/// hidden, the card's panels (both runs' samples and mode counts) filling the screen.
#[test]
fn the_readme_screenshot_of_lesson_a_presented_at_1280_by_800_and_150_percent() {
    if !can_render() {
        return;
    }
    let mut app = LabApp::new(Preset::default_interactive(), Arc::new(|| {})).unwrap();
    app.apply(Action::SetZoom(1.5));
    app.apply(Action::LoadPreset(Box::new(preset("lesson_a_mode_collapse.ron"))));
    app.apply(Action::Pause);
    // A 1280 × 800 screen: at zoom 1.5 the lab has about 853 × 533 points to lay out.
    let mut h = Harness::builder()
        .wgpu()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut LabApp| app.ui(ui), app);
    settle(&mut h, "the first batches", |a| quiet(a) && a.is_comparing());
    h.state_mut().apply(Action::Step(300));
    settle(&mut h, "the training steps", |a| {
        quiet(a) && a.runs().iter().all(|v| v.step() >= 300)
    });
    h.key_press(egui::Key::F5);
    h.step();
    h.step();
    assert!(h.state().presentation().on);
    let image = h.render().expect("the lab renders");
    assert_eq!(image.dimensions(), (1280, 800));
    assert!(distinct_colors(&image) > 1000, "the plots were not drawn");
    image.save(screenshot_path("projector.png")).unwrap();
}

/// Issue 15 item 4: a target drawn on the sample plot, trained on.
#[test]
fn the_readme_screenshot_of_a_drawn_target() {
    if !can_render() {
        return;
    }
    let mut app = LabApp::new(Preset::default_interactive(), Arc::new(|| {})).unwrap();
    app.apply(Action::SetDrawing(true));
    app.apply(Action::EditDrawing(bridgelab::app::drawing::DrawingEdit::Add([
        6.0, 4.0,
    ])));
    trained_screenshot(app, 300, "drawn.png");
}

/// Issue 15 item 5: a lesson's card over its two runs, at its third step (both processes with
/// their paths).
#[test]
fn the_readme_screenshot_of_a_lesson_card() {
    if !can_render() {
        return;
    }
    let mut app = LabApp::new(Preset::default_interactive(), Arc::new(|| {})).unwrap();
    app.apply(Action::LoadPreset(Box::new(preset("lesson_a_mode_collapse.ron"))));
    app.apply(Action::Pause);
    let mut h = harness(app);
    settle(&mut h, "the first batches", |a| quiet(a) && a.is_comparing());
    h.state_mut().apply(Action::Step(400));
    settle(&mut h, "the training steps", |a| {
        quiet(a) && a.runs().iter().all(|v| v.step() >= 400)
    });
    h.state_mut().apply(Action::ShowGuideStep(2));
    settle(&mut h, "the paths of both runs", |a| {
        a.runs()
            .iter()
            .all(|v| v.snapshot.as_ref().is_some_and(|s| s.paths.is_some()))
    });
    let image = h.render().expect("the lab renders");
    assert!(distinct_colors(&image) > 1000, "the plots were not drawn");
    image.save(screenshot_path("lesson.png")).unwrap();
}
