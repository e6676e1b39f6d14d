//! The lab driven through its widgets, headless (egui_kittest, no rendering).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bridgelab::app::LabApp;
use bridgelab::app::view::Status;
use bridgelab::sim::config::TargetKind;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn app() -> LabApp {
    LabApp::new(common::tiny_run(), Arc::new(|| {})).unwrap()
}

/// Steps the UI until `done` holds for the app, failing after a generous timeout.
fn wait(h: &mut Harness<'_, LabApp>, what: &str, done: impl Fn(&LabApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
}

fn harness() -> Harness<'static, LabApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut LabApp| app.ui(ui), app());
    wait(&mut h, "the first run", |a| {
        a.view.run.is_some() && a.view.snapshot.is_some()
    });
    h
}

#[test]
fn the_step_button_trains_one_step_and_the_counter_shows_it() {
    let mut h = harness();
    h.get_by_label("Step").click();
    h.step();
    wait(&mut h, "step 1", |a| {
        a.view.step() == 1 && a.view.status == Status::Paused
    });
    h.step();
    h.get_by_label("step 1 / 12");
    assert_eq!(h.state().view.history.len(), 1);
}

#[test]
fn play_trains_to_the_end_and_evaluate_reports_metrics() {
    let mut h = harness();
    h.get_by_label("Play").click();
    h.step();
    wait(&mut h, "the end of the run", |a| {
        a.view.status == Status::Finished
    });
    assert_eq!(h.state().view.step(), 12);
    let reference = h
        .state()
        .view
        .target
        .as_ref()
        .and_then(|t| t.reference.as_ref())
        .map(Vec::len);
    assert_eq!(
        reference,
        Some(1000 * 2),
        "exact target draws arrive for the marginal plot"
    );
    let diffusion = &h.state().view.diffusion_history;
    assert!(
        diffusion.len() >= 2 && diffusion.iter().all(|(_, v)| v.len() == 2),
        "σ·β is tracked per dimension"
    );
    let coverage = &h.state().view.coverage;
    assert!(!coverage.is_empty(), "covered modes are tracked over time");
    assert!(coverage.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(
        h.state()
            .view
            .snapshot
            .as_ref()
            .and_then(|s| s.modes.as_ref())
            .map(|m| m.total),
        Some(40)
    );
    h.step();
    h.get_by_label("Evaluate").click();
    h.step();
    wait(&mut h, "an evaluation", |a| a.view.evaluation.is_some());
}

#[test]
fn choosing_another_target_restarts_on_it() {
    let mut h = harness();
    let first = h.state().view.run;
    h.get_by_label("MoS-10").click();
    h.step();
    wait(&mut h, "a MoS-10 run", |a| {
        a.view.run != first && a.view.target.as_ref().is_some_and(|t| t.name.contains("MoS"))
    });
    assert_eq!(h.state().edit.target.kind, TargetKind::Mos10);
}

#[test]
fn reset_starts_a_new_run_from_step_zero() {
    let mut h = harness();
    h.get_by_label("Step 50").click();
    h.step();
    wait(&mut h, "some training", |a| {
        a.view.step() > 0 && a.view.status != Status::Running
    });
    let before = h.state().view.run;
    h.get_by_label("Reset").click();
    h.step();
    wait(&mut h, "the reset run", |a| a.view.run != before);
    assert_eq!(h.state().view.step(), 0);
    assert!(h.state().view.history.is_empty());
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bridgelab-app-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_gallery_preset_restarts_the_lab_on_it_and_broken_files_are_reported() {
    let dir = scratch("gallery");
    let mut mos = common::tiny_run();
    mos.target.kind = TargetKind::Mos10;
    mos.description = "tiny MoS run".into();
    std::fs::write(dir.join("tiny_mos.ron"), bridgelab::app::gallery::as_ron(&mos)).unwrap();
    std::fs::write(dir.join("broken.ron"), "(version: 1, batch: )").unwrap();

    let app = LabApp::new(common::tiny_run(), Arc::new(|| {}))
        .unwrap()
        .with_gallery(&dir);
    assert_eq!(app.gallery.len(), 1);
    assert!(
        app.view
            .message
            .as_deref()
            .is_some_and(|m| m.contains("broken.ron"))
    );
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 1600.0))
        .build_ui_state(|ui, app: &mut LabApp| app.ui(ui), app);
    wait(&mut h, "the first run", |a| a.view.run.is_some());
    h.get_by_label("tiny_mos").click();
    h.step();
    wait(&mut h, "the gallery run", |a| {
        a.view.target.as_ref().is_some_and(|t| t.name.contains("MoS"))
    });
    assert_eq!(h.state().edit, mos);
}

#[test]
fn opening_a_bad_preset_file_keeps_the_run_and_says_why() {
    let dir = scratch("bad-open");
    let path = dir.join("bad.ron");
    std::fs::write(&path, "(version: 1,").unwrap();
    let mut h = harness();
    let run = h.state().view.run;
    h.state_mut().open_preset(&path);
    h.step();
    let message = h.state().view.message.clone().unwrap_or_default();
    assert!(message.contains("bad.ron"), "{message}");
    assert_eq!(h.state().view.run, run);
}

#[test]
fn save_samples_writes_npy_and_an_unwritable_directory_is_reported() {
    let dir = scratch("export");
    let mut h = harness();
    h.state_mut().export_dir = dir.join("out");
    h.get_by_label("Save samples").click();
    h.step();
    let message = h.state().view.message.clone().unwrap_or_default();
    assert!(message.contains("samples written to"), "{message}");
    let file = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(&std::fs::read(&file).unwrap()[..6], b"\x93NUMPY");

    // A directory below a plain file cannot be created.
    std::fs::write(dir.join("plain"), "x").unwrap();
    h.state_mut().export_dir = dir.join("plain").join("out");
    h.get_by_label("Save samples").click();
    h.step();
    let message = h.state().view.message.clone().unwrap_or_default();
    assert!(message.contains("could not export"), "{message}");
    assert!(file.exists(), "what was written before is kept");
}
