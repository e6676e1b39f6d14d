//! The lab driven through its widgets, headless (egui_kittest, no rendering).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bridgelab::app::figure::{Panel, PanelKind};
use bridgelab::app::run_store::Status;
use bridgelab::app::side_tab::SideTab;
use bridgelab::app::{Action, LabApp};
use bridgelab::protocol::{LossKind, TargetKind, Variation};
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

/// The lab on its settings tab (it opens on the lessons).
fn harness_for(mut app: LabApp, height: f32) -> Harness<'static, LabApp> {
    app.apply(Action::ShowSide(SideTab::Settings));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, height))
        .build_ui_state(|ui, app: &mut LabApp| app.ui(ui), app);
    wait(&mut h, "the first run", |a| {
        a.runs().iter().all(|v| v.run.is_some() && v.snapshot.is_some())
    });
    h
}

fn harness() -> Harness<'static, LabApp> {
    harness_for(app(), 900.0)
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bridgelab-app-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_step_button_trains_one_step_and_the_counter_shows_it() {
    let mut h = harness();
    h.get_by_label("Step").click();
    h.step();
    wait(&mut h, "step 1", |a| {
        a.run().step() == 1 && a.run().status == Status::Paused
    });
    h.step();
    h.get_by_label("step 1 / 12");
    assert_eq!(h.state().run().history.len(), 1);
}

#[test]
fn step_n_trains_the_chosen_number_of_steps() {
    let mut h = harness();
    h.state_mut().apply(Action::SetStepCount(3));
    h.step();
    h.get_by_label("Step 3").click();
    h.step();
    wait(&mut h, "three steps", |a| {
        a.run().step() == 3 && a.run().status == Status::Paused
    });
}

#[test]
fn play_trains_to_the_end_and_evaluate_reports_metrics() {
    let mut h = harness();
    h.get_by_label("Play").click();
    h.step();
    wait(&mut h, "the end of the run", |a| {
        a.run().status == Status::Finished
    });
    let view = h.state().run();
    assert_eq!(view.step(), 12);
    let reference = view
        .target
        .as_ref()
        .and_then(|t| t.reference.as_ref())
        .map(Vec::len);
    assert_eq!(
        reference,
        Some(1000 * 2),
        "exact target draws arrive for the marginal plot"
    );
    assert!(
        view.diffusion_history.len() >= 2 && view.diffusion_history.iter().all(|(_, v)| v.len() == 2),
        "σ·β is tracked per dimension"
    );
    assert!(!view.coverage.is_empty(), "covered modes are tracked over time");
    assert!(view.coverage.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(
        view.snapshot
            .as_ref()
            .and_then(|s| s.modes.as_ref())
            .map(|m| m.total),
        Some(40)
    );
    h.step();
    h.get_by_label("Evaluate").click();
    h.step();
    wait(&mut h, "an evaluation", |a| a.run().evaluation.is_some());
    h.step();
    let shown = h.query_by_label_contains("evaluated at step 12").is_some();
    assert!(shown, "the evaluation is shown");
}

#[test]
fn choosing_another_target_card_restarts_on_it() {
    let mut h = harness();
    let first = h.state().run().run;
    h.get_by_label("MoS-10").click();
    h.step();
    wait(&mut h, "a MoS-10 run", |a| {
        a.run().run != first && a.run().target.as_ref().is_some_and(|t| t.name.contains("MoS"))
    });
    assert_eq!(h.state().edit.target.kind, TargetKind::Mos10);
}

#[test]
fn reset_starts_a_new_run_from_step_zero() {
    let mut h = harness();
    h.get_by_label("Step 50").click();
    h.step();
    wait(&mut h, "some training", |a| {
        a.run().step() > 0 && a.run().status != Status::Running
    });
    let before = h.state().run().run;
    h.get_by_label("Reset").click();
    h.step();
    wait(&mut h, "the reset run", |a| a.run().run != before);
    assert_eq!(h.state().run().step(), 0);
    assert!(h.state().run().history.is_empty());
}

#[test]
fn compare_runs_two_losses_side_by_side_with_the_same_seed() {
    let mut h = harness_for(app(), 1600.0);
    h.get_by_label("Second run beside this one").click();
    h.step();
    wait(&mut h, "the second run", |a| {
        a.is_comparing() && a.runs().iter().all(|v| v.snapshot.is_some())
    });
    let views = h.state().runs();
    let (first, second) = (
        views[0].preset.as_ref().unwrap(),
        views[1].preset.as_ref().unwrap(),
    );
    assert_eq!(first.loss, LossKind::RklLd);
    assert_eq!(
        second.loss,
        LossKind::Lv,
        "the default comparison changes the loss"
    );
    assert_eq!((first.seed, &first.target), (second.seed, &second.target));

    h.get_by_label("Play").click();
    h.step();
    wait(&mut h, "both runs to finish", |a| {
        a.runs().iter().all(|v| v.status == Status::Finished)
    });
    let views = h.state().runs();
    assert_eq!(views[0].step(), 12);
    assert_eq!(views[1].step(), 12);
    assert_ne!(
        views[0].history.last().unwrap().loss,
        views[1].history.last().unwrap().loss,
        "two losses, two different runs"
    );
    h.step();
    assert!(
        h.query_by_label("run 2:").is_some(),
        "each run has its status line"
    );

    h.state_mut().apply(Action::SetCompare(None));
    h.step();
    assert!(!h.state().is_comparing());
}

#[test]
fn a_preset_with_a_comparison_opens_two_runs() {
    let mut p = common::tiny_run();
    p.compare = Some(Variation {
        loss: Some(LossKind::RklR),
        beta: Some(0.25),
        ..Variation::default()
    });
    let h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    let views = h.state().runs();
    assert_eq!(views.len(), 2);
    let second = views[1].preset.as_ref().unwrap();
    assert_eq!((second.loss, second.beta), (LossKind::RklR, 0.25));
}

#[test]
fn a_gallery_preset_restarts_the_lab_on_it_and_broken_files_are_reported() {
    let dir = scratch("gallery");
    let mut mos = common::tiny_run();
    mos.target.kind = TargetKind::Mos10;
    mos.description = "tiny MoS run".into();
    std::fs::write(dir.join("tiny_mos.ron"), bridgelab::app::gallery::as_ron(&mos)).unwrap();
    std::fs::write(dir.join("broken.ron"), "(version: 1, batch: )").unwrap();

    let built_in = app().gallery.len();
    assert!(built_in >= 10, "the shipped presets are built in");
    let app = app().with_gallery(&dir);
    assert_eq!(app.gallery.len(), built_in + 1);
    assert!(app.notice.as_deref().is_some_and(|m| m.contains("broken.ron")));
    let mut h = harness_for(app, 1600.0);
    h.get_by_label("Lessons and presets").click();
    h.step();
    h.step();
    // The gallery lists every built-in preset too: this one may be scrolled out of view.
    h.get_by_label("tiny_mos").click_accesskit();
    h.step();
    wait(&mut h, "the gallery run", |a| {
        a.run().target.as_ref().is_some_and(|t| t.name.contains("MoS"))
    });
    assert_eq!(h.state().edit, mos);
}

#[test]
fn opening_a_bad_preset_file_keeps_the_run_and_says_why() {
    let dir = scratch("bad-open");
    let path = dir.join("bad.ron");
    std::fs::write(&path, "(version: 1,").unwrap();
    let mut h = harness();
    let run = h.state().run().run;
    h.state_mut().apply(Action::OpenPreset(path));
    h.step();
    let message = h.state().notice.clone().unwrap_or_default();
    assert!(message.contains("bad.ron"), "{message}");
    assert_eq!(h.state().run().run, run);
}

#[test]
fn save_then_open_round_trips_the_settings_through_a_file() {
    let dir = scratch("save-open");
    let path = dir.join("nested").join("mine.ron");
    let mut h = harness_for(app(), 1600.0);
    h.state_mut().edit.beta = 0.75;
    h.state_mut().preset_path = path.display().to_string();
    h.step();
    h.get_by_label("Save").click();
    h.step();
    let notice = h.state().notice.clone().unwrap_or_default();
    assert!(notice.contains("saved"), "{notice}");

    h.state_mut().edit.beta = 2.0;
    // The notice line that appeared moves the panels down: lay out once more before clicking.
    h.step();
    h.get_by_label("Open").click();
    h.step();
    wait(&mut h, "the opened preset", |a| {
        a.run().preset.as_ref().is_some_and(|p| p.beta == 0.75)
    });
    assert_eq!(h.state().edit.beta, 0.75);
}

#[test]
fn save_samples_writes_npy_and_an_unwritable_directory_is_reported() {
    let dir = scratch("export");
    let mut h = harness();
    h.state_mut().export_dir = dir.join("out");
    h.get_by_label("Save samples").click();
    h.step();
    let message = h.state().notice.clone().unwrap_or_default();
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
    let message = h.state().notice.clone().unwrap_or_default();
    assert!(message.contains("could not export"), "{message}");
    assert!(file.exists(), "what was written before is kept");
}

#[test]
fn export_figure_writes_png_svg_csv_and_the_preset() {
    let dir = scratch("figure");
    let mut h = harness();
    h.state_mut().export_dir = dir.clone();
    h.get_by_label("Step 50").click();
    h.step();
    wait(&mut h, "a trained run", |a| a.run().status == Status::Finished);
    h.step();
    h.get_by_label("Export figure").click();
    h.step();
    let notice = h.state().notice.clone().unwrap_or_default();
    assert!(notice.contains("figure written"), "{notice}");
    let stem = dir.join("figure-gmm40-d2-dbs-rkl-ld-step12");
    let png = std::fs::read(stem.with_extension("png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let svg = std::fs::read_to_string(stem.with_extension("svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Samples, coordinates 1 and 2"));
    let csv = std::fs::read_to_string(stem.with_extension("csv")).unwrap();
    assert!(csv.starts_with("run,panel,series,x,y,value"));
    let samples_rows = csv
        .lines()
        .filter(|l| l.starts_with("1,samples,samples,"))
        .count();
    assert_eq!(samples_rows, 16, "one row per sample of the batch");
    let preset =
        bridgelab::protocol::load_preset(&dir.join("figure-gmm40-d2-dbs-rkl-ld-step12.preset.ron")).unwrap();
    assert_eq!(preset, h.state().edit);
}

#[test]
fn per_dimension_diffusion_restarts_with_the_new_initial_sigma() {
    let mut h = harness();
    let mut p = h.state().edit.clone();
    p.sigma_init = vec![0.5, 2.0];
    h.state_mut().apply(Action::Restart(Box::new(p)));
    wait(&mut h, "the restarted run", |a| {
        a.run()
            .snapshot
            .as_ref()
            .is_some_and(|s| s.diffusion.len() == 2 && s.diffusion[0] < s.diffusion[1])
    });
    let d = &h.state().run().snapshot.as_ref().unwrap().diffusion;
    let beta = h.state().edit.beta as f32;
    assert!(
        (d[0] - 0.5 * beta).abs() < 1e-6 && (d[1] - 2.0 * beta).abs() < 1e-6,
        "{d:?}"
    );
}

#[test]
fn a_diverging_run_stops_naming_its_step_keeps_its_history_and_resets() {
    let mut p = common::tiny_run();
    p.loss = LossKind::Lv;
    p.lr.network = 1e6;
    p.lr.sde = 1e6;
    p.grad_clip = 1e12;
    p.train_steps = 100;
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    h.get_by_label("Play").click();
    h.step();
    wait(&mut h, "the divergence", |a| a.run().status == Status::Failed);
    h.step();
    let view = h.state().run();
    let message = view.message.clone().unwrap_or_default();
    assert!(message.starts_with("stopped at step"), "{message}");
    assert!(message.contains("loss"), "the quantity is named: {message}");
    assert!(!view.history.is_empty(), "the history up to the failure is kept");
    assert!(
        h.query_by_label_contains("stopped at step").is_some(),
        "the failure is shown"
    );
    h.get_by_label("Reset").click();
    h.step();
    wait(&mut h, "the reset run", |a| a.run().status == Status::Paused);
    assert!(h.state().run().history.is_empty());
}

#[test]
fn the_chosen_coordinates_drive_the_sample_and_marginal_plots() {
    let mut p = common::tiny_run();
    p.target.kind = TargetKind::Funnel;
    p.target.dim = 10;
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    let choice = bridgelab::app::plot_choice::PlotChoice {
        x: 0,
        y: 4,
        marginal: 7,
    };
    h.state_mut().apply(Action::SetPlotChoice(choice));
    h.step();
    let figure = h.state_mut().current_figure().clone();
    let panels = &figure.columns[0].panels;
    let samples = &panels[0];
    assert_eq!(samples.title, "Samples, coordinates 1 and 5");
    assert!(
        samples.background.is_none(),
        "no density slice is drawn beyond two dimensions"
    );
    let draws = samples
        .series
        .iter()
        .find(|s| s.name == "target draws")
        .expect("exact target draws");
    assert_eq!(draws.points.len(), 1000);
    assert_eq!(panels[1].title, "Marginal density of x8");
    assert!(h.query_by_label("Samples, coordinates 1 and 5").is_some());
}

#[test]
fn a_checkpoint_saved_in_the_lab_resumes_where_it_was_and_a_bad_one_changes_nothing() {
    let dir = scratch("checkpoint");
    let path = dir.join("lab.json");
    // Tall enough that the checkpoint buttons under the preset gallery are on screen.
    let mut h = harness_for(app(), 3200.0);
    h.state_mut().apply(Action::Step(3));
    wait(&mut h, "three steps", |a| {
        a.run().step() == 3 && a.run().status == Status::Paused
    });
    h.state_mut().checkpoint_path = path.display().to_string();
    h.step();
    h.get_by_label("Save checkpoint").click();
    h.step();
    wait(&mut h, "the save", |a| a.run().saved.is_some());
    assert!(path.exists());
    h.state_mut().apply(Action::Step(2));
    wait(&mut h, "two more steps", |a| {
        a.run().step() == 5 && a.run().status == Status::Paused
    });

    let run = h.state().run().run;
    h.state_mut()
        .apply(Action::ResumeCheckpoint(dir.join("nothing-here.json")));
    h.step();
    let notice = h.state().notice.clone().unwrap_or_default();
    assert!(notice.contains("nothing-here.json"), "{notice}");
    assert_eq!(h.state().run().run, run, "a bad checkpoint leaves the run alone");

    h.get_by_label("Resume").click();
    h.step();
    wait(&mut h, "the resumed run", |a| {
        a.run().run != run && a.run().snapshot.is_some()
    });
    let view = h.state().run();
    assert_eq!(view.step(), 3);
    assert_eq!(
        view.history.last().map(|r| r.step),
        Some(3),
        "its curves come back"
    );
}

#[test]
fn a_data_directory_that_does_not_exist_is_refused_and_the_runs_go_on() {
    let mut h = harness();
    let run = h.state().run().run;
    h.state_mut()
        .apply(Action::SetDataDir(Some("/no/such/bridgelab/data".into())));
    h.step();
    let notice = h.state().notice.clone().unwrap_or_default();
    assert!(
        notice.contains("/no/such/bridgelab/data") && notice.contains("not a directory"),
        "{notice}"
    );
    assert_eq!(h.state().run().run, run);
}

#[test]
fn the_data_directory_can_be_chosen_and_given_back_to_the_built_in_copy() {
    let mut h = harness();
    let data = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    h.state_mut().apply(Action::SetDataDir(Some(data.clone())));
    h.step();
    assert_eq!(h.state().data_dir_text, data.display().to_string());
    let run = h.state().run().run;
    h.state_mut().apply(Action::SetDataDir(None));
    h.step();
    let notice = h.state().notice.clone().unwrap_or_default();
    assert!(notice.contains("built into bridgelab"), "{notice}");
    assert!(
        h.state().data_dir_text.is_empty(),
        "the field shows the built-in copy as empty"
    );
    wait(&mut h, "the run to start over on the built-in data", |a| {
        a.run().run != run && a.run().snapshot.is_some()
    });
}

#[test]
fn a_changed_target_hides_the_stale_description_and_reset_brings_the_preset_back() {
    let mut h = harness();
    let mut preset = common::tiny_run();
    preset.description = "a tiny lesson on GMM-40".into();
    h.state_mut().apply(Action::LoadPreset(Box::new(preset.clone())));
    h.step();
    h.get_by_label("a tiny lesson on GMM-40");
    // The Funnel card: the settings are no longer the preset's.
    let mut changed = h.state().edit.clone();
    changed.suit_target(TargetKind::Funnel, 10);
    h.state_mut().apply(Action::Restart(Box::new(changed)));
    h.step();
    assert!(
        h.query_by_label("a tiny lesson on GMM-40").is_none(),
        "the old description is still shown"
    );
    h.get_by_label_contains("Changed from the preset: target, β, prior std.");
    h.get_by_label("Reset to the preset's settings").click();
    h.step();
    h.step();
    assert_eq!(h.state().edit, preset);
    assert!(h.state().edit.differences_from(&h.state().origin).is_empty());
    h.get_by_label("a tiny lesson on GMM-40");
}

#[test]
fn a_run_that_fails_at_once_names_the_setting_likely_to_blame() {
    // The classroom case: the mixture's prior std 30 kept on the funnel.
    let mut p = common::tiny_run();
    p.target.kind = TargetKind::Funnel;
    p.target.dim = 10;
    p.prior_std = 30.0;
    p.beta = 1.0;
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    h.state_mut().apply(Action::Play);
    wait(&mut h, "the divergence", |a| a.run().status == Status::Failed);
    let message = h.state().run().message.clone().unwrap_or_default();
    assert!(
        message.contains("Likely cause: the initial scales, β = 1 and prior std = 30, where Funnel suits β = 0.3 and prior std = 1"),
        "{message}"
    );
}

#[test]
fn item_2_the_loss_panel_says_what_it_plots_for_each_loss() {
    let mut h = harness_for(app(), 1600.0);
    h.get_by_label("Loss (rKL-LD): mean R = −mean log w");
    assert!(h.query_by_label_contains("Loss (LV)").is_none());
    h.get_by_label("Second run beside this one").click();
    h.step();
    wait(&mut h, "the LV run", |a| {
        a.is_comparing() && a.runs().iter().all(|v| v.snapshot.is_some())
    });
    h.step();
    h.get_by_label_contains("Loss (rKL-LD): mean R");
    h.get_by_label("Loss (LV): variance of log w");
    let figure = h.state_mut().current_figure().clone();
    let axes: Vec<&str> = figure
        .columns
        .iter()
        .flat_map(|c| &c.panels)
        .filter(|p| p.kind == PanelKind::Loss)
        .map(|p| p.y_label.as_str())
        .collect();
    assert_eq!(axes, ["mean R (nats)", "Var log w (nats²)"]);
}

#[test]
fn item_10_a_run_that_falls_apart_is_flagged_while_it_goes_on() {
    // LV with learned diffusion at an SDE learning rate of 2: the ELBO climbs to about −14 and
    // then falls to millions of nats below zero, well before any value is non-finite.
    let mut p = bridgelab::protocol::load_preset(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/diverging_lv_learned_large_lr.ron"),
    )
    .unwrap();
    p.lr.sde = 2.0;
    p.log_every = 1;
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    assert!(h.state().run().decline.warning().is_none());
    h.state_mut().apply(Action::Play);
    wait(&mut h, "the warning", |a| a.run().decline.warning().is_some());
    h.step();
    h.get_by_label_contains("Warning: the ELBO fell far below its best");
    assert_ne!(
        h.state().run().status,
        Status::Finished,
        "flagged while it trains, not only at the end"
    );
}

#[test]
fn item_14_turning_compare_on_keeps_run_1_and_starts_only_run_2() {
    let mut h = harness_for(app(), 1600.0);
    h.state_mut().apply(Action::Step(5));
    wait(&mut h, "five steps", |a| {
        a.run().step() == 5 && a.run().status == Status::Paused
    });
    let run = h.state().run().run;
    h.get_by_label("Second run beside this one").click();
    h.step();
    wait(&mut h, "the second run", |a| {
        a.is_comparing() && a.runs().iter().all(|v| v.snapshot.is_some())
    });
    let views = h.state().runs();
    assert_eq!(views[0].run, run, "run 1 was restarted");
    assert_eq!(views[0].step(), 5);
    assert_eq!(views[0].history.len(), 5);
    assert_eq!(views[1].step(), 0);
}

#[test]
fn item_13_a_typed_value_out_of_range_is_clamped_and_the_field_says_so() {
    let mut h = harness_for(app(), 1600.0);
    for (field, typed, clamped, note) in [
        (
            "networks",
            "-1",
            0.0,
            "-1 is out of range (0 to 100): the least value, 0, is used",
        ),
        (
            "batch",
            "0",
            1.0,
            "0 is out of range (1 to 20000): the least value, 1, is used",
        ),
        (
            "batch",
            "100000000",
            20000.0,
            "100000000 is out of range (1 to 20000): the largest value, 20000, is used",
        ),
    ] {
        h.get_by_label(field).click();
        h.step();
        h.get_by_label(field).type_text(typed);
        h.step();
        h.key_press(egui::Key::Enter);
        h.step();
        h.step();
        let edit = &h.state().edit;
        let value = if field == "batch" {
            edit.batch as f64
        } else {
            edit.lr.network
        };
        assert_eq!(value, clamped, "{field} after typing {typed}");
        h.get_by_label(note);
    }
}

#[test]
fn item_7_a_finished_run_shows_its_final_evaluation_on_fresh_samples_as_the_cli_computes_it() {
    let mut h = harness();
    h.get_by_label("Play").click();
    h.step();
    wait(&mut h, "the final evaluation", |a| a.run().evaluation.is_some());
    let shown = h.state().run().evaluation.clone().unwrap();
    assert_eq!((shown.step, shown.samples), (12, 256));
    assert!(h.state().run().evaluating.is_none());
    h.step();
    h.get_by_label_contains("evaluated at step 12 on 256 samples: ELBO");
    // The same run trained and evaluated directly, as `bridgelab train` and `compare` do.
    let mut t = bridgelab::sim::Trainer::new(common::tiny_run(), common::cpu()).unwrap();
    while !t.is_finished() {
        t.step().unwrap();
    }
    let direct = t.evaluate(None);
    assert_eq!(shown.weights, direct.weights);
    assert_eq!(shown.modes, direct.modes);
}

fn panel(figure: &bridgelab::app::figure::Figure, column: usize, kind: PanelKind) -> Panel {
    figure.columns[column]
        .panels
        .iter()
        .find(|p| p.kind == kind)
        .cloned()
        .unwrap_or_else(|| panic!("no {kind:?} panel"))
}

#[test]
fn item_6_axes_count_from_zero_in_whole_steps_and_dimensions_keep_their_order_and_colours() {
    // A frozen σ·β of 1 on a fresh run of a 10-D target.
    let mut p = common::tiny_run();
    p.suit_target(TargetKind::Funnel, 10);
    p.diffusion = bridgelab::protocol::DiffusionMode::Frozen;
    p.beta = 1.0;
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    let figure = h.state_mut().current_figure().clone();
    let bars = panel(&figure, 0, PanelKind::Diffusion);
    assert_eq!(
        bars.y_range,
        Some((0.0, 1.0)),
        "σ·β = 1 stands on the axis from 0"
    );
    assert!(bars.whole_x);
    for kind in [
        PanelKind::Loss,
        PanelKind::Elbo,
        PanelKind::Ess,
        PanelKind::DiffusionHistory,
    ] {
        let p = panel(&figure, 0, kind);
        assert_eq!(
            p.x_range,
            Some((0.0, 10.0)),
            "{kind:?} of a fresh run spans steps 0 to 10"
        );
        assert!(p.whole_x);
    }
    let history = panel(&figure, 0, PanelKind::DiffusionHistory);
    let names: Vec<&str> = history.series.iter().map(|s| s.name.as_str()).collect();
    let expected: Vec<String> = (1..=10).map(|j| format!("dim {j}")).collect();
    assert_eq!(names, expected.iter().map(String::as_str).collect::<Vec<_>>());
    let colours: std::collections::HashSet<_> = history.series.iter().map(|s| s.color).collect();
    assert_eq!(colours.len(), 10, "ten dimensions, ten colours");
    assert_eq!(history.y_range.map(|r| r.0), Some(0.0));
    // Tick labels of counting axes: whole numbers, none negative.
    let ticks: Vec<String> = [-2.0, 0.0, 2.5, 4.0, 1500.0]
        .into_iter()
        .map(bridgelab::app::whole_tick)
        .collect();
    assert_eq!(ticks, ["", "0", "", "4", "1500"]);
}

#[test]
fn item_3_compared_runs_share_their_axes_overlay_in_one_plot_and_smooth_on_request() {
    let mut h = harness_for(app(), 1600.0);
    h.get_by_label("Second run beside this one").click();
    h.step();
    h.state_mut().apply(Action::Play);
    wait(&mut h, "both runs to finish", |a| {
        a.is_comparing() && a.runs().iter().all(|v| v.status == Status::Finished)
    });
    let figure = h.state_mut().current_figure().clone();
    for kind in [
        PanelKind::Samples,
        PanelKind::Elbo,
        PanelKind::Ess,
        PanelKind::Coverage,
    ] {
        let (a, b) = (panel(&figure, 0, kind), panel(&figure, 1, kind));
        assert_eq!((a.x_range, a.y_range), (b.x_range, b.y_range), "{kind:?}");
        let ya = a.y_range.unwrap();
        let (ea, eb) = (a.extent().unwrap().1, b.extent().unwrap().1);
        assert!(
            ya.0 <= ea.0.min(eb.0) && ya.1 >= ea.1.max(eb.1),
            "{kind:?} spans both runs"
        );
    }
    // rKL-LD's mean R and LV's variance are not one quantity: not forced onto one scale.
    assert_eq!(panel(&figure, 0, PanelKind::Loss).y_range, None);
    assert_eq!(panel(&figure, 1, PanelKind::Loss).y_range, None);

    let raw: Vec<[f64; 2]> = panel(&figure, 0, PanelKind::Elbo).series[0].points.clone();
    let mut curves = h.state().curves;
    curves.overlay = true;
    curves.smoothing = 4;
    h.state_mut().apply(Action::SetCurveView(curves));
    h.step();
    h.get_by_label("both runs in one plot");
    let figure = h.state_mut().current_figure().clone();
    assert_eq!(figure.columns.len(), 1, "one column holds both runs");
    let elbo = panel(&figure, 0, PanelKind::Elbo);
    let names: Vec<&str> = elbo.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "run 1: ELBO",
            "run 1: log Z-hat",
            "run 1: true log Z",
            "run 2: ELBO",
            "run 2: log Z-hat",
            "run 2: true log Z"
        ]
    );
    let smoothed = &elbo.series[0].points;
    let mean_of_last_four = (raw[8][1] + raw[9][1] + raw[10][1] + raw[11][1]) / 4.0;
    assert!((smoothed[11][1] - mean_of_last_four).abs() < 1e-12);
    assert_eq!(
        figure.columns[0]
            .panels
            .iter()
            .filter(|p| p.kind == PanelKind::Samples)
            .count(),
        2,
        "the sample clouds stay side by side"
    );

    curves.overlay = false;
    curves.smoothing = 1;
    curves.recent_only = true;
    h.state_mut().apply(Action::SetCurveView(curves));
    let figure = h.state_mut().current_figure().clone();
    let elbo = panel(&figure, 0, PanelKind::Elbo);
    assert!(elbo.series[0].points.iter().all(|p| p[0] >= 0.2 * 12.0));
    assert_eq!(elbo.x_range.map(|r| r.0), Some(0.2 * 12.0));
}

/// Turns the mouse wheel over the plot below the title at `title`, with `modifiers` held.
fn wheel_below(
    h: &mut Harness<'_, LabApp>,
    title: impl Fn(&Harness<'_, LabApp>) -> egui::Rect,
    modifiers: egui::Modifiers,
) {
    let at = title(h).center_bottom() + egui::vec2(0.0, 60.0);
    h.event(egui::Event::PointerMoved(at));
    h.event(egui::Event::ModifiersChanged(modifiers));
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, -120.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers,
    });
    h.step();
    h.step();
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    h.step();
}

/// The title of run 1's marginal plot (run 2's has the same text).
fn first_marginal_title<'h>(h: &'h Harness<'_, LabApp>) -> egui_kittest::Node<'h> {
    h.get_all_by_label("Marginal density of x1")
        .min_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .expect("a marginal plot")
}

#[test]
fn item_4_the_wheel_scrolls_the_page_alt_wheel_pans_and_a_new_run_refits() {
    let mut h = harness_for(app(), 1000.0);
    h.state_mut().apply(Action::SetCompare(Some(Variation {
        loss: Some(LossKind::Lv),
        ..Variation::default()
    })));
    h.step();
    wait(&mut h, "the second run", |a| {
        a.is_comparing() && a.runs().iter().all(|v| v.snapshot.is_some())
    });
    let mut curves = h.state().curves;
    curves.follow_data = false;
    h.state_mut().apply(Action::SetCurveView(curves));
    h.step();
    h.step();
    let run = h.state().run().run;
    // The marginal plot of run 1: column 0, panel 1.
    let id = bridgelab::app::plot_id(0, 1, run);
    let bounds = |h: &Harness<'_, LabApp>| {
        egui_plot::PlotMemory::load(&h.ctx, id)
            .map(|m| (m.bounds().min(), m.bounds().max()))
            .expect("the plot has drawn")
    };
    let before = bounds(&h);
    let title = first_marginal_title(&h).rect().top();
    let first_marginal = |h: &Harness<'_, LabApp>| first_marginal_title(h).rect();
    wheel_below(&mut h, first_marginal, egui::Modifiers::NONE);
    assert_eq!(bounds(&h), before, "the plot did not move");
    let moved = first_marginal_title(&h).rect().top();
    assert!(moved < title, "the page scrolled ({title} → {moved})");
    wheel_below(&mut h, first_marginal, egui::Modifiers::ALT);
    assert_ne!(bounds(&h), before, "Alt + wheel pans the plot");
    // A new run is a new plot, fitted to its own data.
    h.state_mut().apply(Action::Reset);
    wait(&mut h, "the new run", |a| {
        a.run().run != run && a.run().snapshot.is_some()
    });
    h.step();
    h.step();
    let fresh = egui_plot::PlotMemory::load(&h.ctx, bridgelab::app::plot_id(0, 1, h.state().run().run))
        .map(|m| (m.bounds().min(), m.bounds().max()));
    assert_eq!(
        fresh,
        Some(before),
        "the new run's plot starts fitted, not panned"
    );
}

#[test]
fn item_11_the_sample_plot_follows_the_samples_unless_locked() {
    // A posterior's samples move far from where they start.
    let mut p = common::tiny_run();
    p.suit_target(TargetKind::Seeds, 26);
    p.batch = 64;
    p.train_steps = 30;
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    let bounds = |h: &Harness<'_, LabApp>| {
        let id = bridgelab::app::plot_id(0, 0, h.state().run().run);
        egui_plot::PlotMemory::load(&h.ctx, id)
            .map(|m| (m.bounds().min(), m.bounds().max()))
            .expect("the sample plot has drawn")
    };
    let holds_the_samples = |h: &Harness<'_, LabApp>| {
        let (lo, hi) = bounds(h);
        let s = h.state().run().snapshot.clone().unwrap();
        s.samples.chunks(s.dim).all(|r| {
            let (x, y) = (r[0] as f64, r[1] as f64);
            lo[0] <= x && x <= hi[0] && lo[1] <= y && y <= hi[1]
        })
    };
    h.state_mut().apply(Action::Play);
    wait(&mut h, "the end", |a| a.run().status == Status::Finished);
    h.step();
    // A pan, as a student's stray Alt + wheel, does not leave the samples out of view.
    let title = |h: &Harness<'_, LabApp>| h.get_by_label_contains("Samples, coordinates").rect();
    wheel_below(&mut h, title, egui::Modifiers::ALT);
    h.step();
    assert!(holds_the_samples(&h), "every sample is in view");
    // Locked, the axes stay where they are while the run starts over.
    let mut curves = h.state().curves;
    curves.follow_data = false;
    h.state_mut().apply(Action::SetCurveView(curves));
    h.step();
    let held = bounds(&h);
    wheel_below(&mut h, title, egui::Modifiers::ALT);
    assert_ne!(bounds(&h), held, "locked, a pan stays");
}

#[test]
fn item_8_the_lab_opens_on_its_lessons_by_title_and_one_click_runs_one() {
    let app = LabApp::new(common::tiny_run(), Arc::new(|| {})).unwrap();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut LabApp| app.ui(ui), app);
    h.step();
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0));
    let titles = [
        "A. Mode collapse: rKL-R against LV",
        "B1. The same gradient: rKL-LD and LV with a fixed inference process",
        "B2. Learned diffusion: where rKL-LD and LV part",
        "C1. Learned diffusion helps rKL-LD",
        "C2. Learned diffusion can destabilise LV",
        "D1. An initial diffusion that is too large",
        "D2. An initial diffusion that is too small",
    ];
    for title in titles {
        let rect = h.get_by_label(title).rect();
        assert!(
            window.contains_rect(rect),
            "{title} is in view at start ({rect:?})"
        );
    }
    assert!(
        h.query_by_label("batch").is_none(),
        "no settings before the lessons"
    );
    assert!(
        h.query_by_label("lesson_a_mode_collapse").is_none(),
        "titles, not file names"
    );
    h.get_by_label(titles[0]).click();
    h.step();
    wait(&mut h, "the lesson's two runs", |a| {
        a.is_comparing() && a.runs().iter().all(|v| v.snapshot.is_some())
    });
    let lesson = bridgelab::protocol::load_preset(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/lesson_a_mode_collapse.ron"),
    )
    .unwrap();
    assert_eq!(h.state().edit, lesson);
    h.step();
    h.get_by_label(&lesson.description);
    h.get_by_label("Settings").click();
    h.step();
    h.step();
    h.get_by_label("batch");
}

#[test]
fn item_15_a_live_change_is_marked_on_the_curves_and_kept_in_the_export() {
    let mut h = harness();
    h.state_mut().apply(Action::Step(3));
    wait(&mut h, "three steps", |a| {
        a.run().step() == 3 && a.run().status == Status::Paused
    });
    let mut lr = h.state().edit.lr;
    lr.network = 0.001;
    h.state_mut().apply(Action::SetLearningRates(lr));
    h.state_mut().apply(Action::Step(2));
    wait(&mut h, "two more steps", |a| {
        a.run().step() == 5 && a.run().status == Status::Paused
    });
    let figure = h.state_mut().current_figure().clone();
    let what = "step 3: learning rates: networks from 0.01 to 0.001";
    for kind in [
        PanelKind::Loss,
        PanelKind::Elbo,
        PanelKind::Ess,
        PanelKind::Coverage,
    ] {
        assert_eq!(
            panel(&figure, 0, kind).markers,
            [(3.0, what.to_string())],
            "{kind:?}"
        );
    }
    h.step();
    assert!(
        h.query_all_by_label(what).count() >= 4,
        "each curve's legend names the change"
    );
    let dir = scratch("live-change");
    h.state_mut().export_dir = dir.clone();
    h.state_mut().apply(Action::ExportFigure);
    let csv = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .expect("a CSV");
    assert!(
        csv.contains(&format!("1,elbo,marker: {what},3,,")),
        "the marker is in the CSV"
    );
    let preset = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".preset.ron"))
        .map(|p| bridgelab::protocol::load_preset(&p).unwrap())
        .expect("the preset");
    assert_eq!(
        preset.lr.network, 0.001,
        "the settings as they are at export time"
    );
}

#[test]
fn item_9_an_untrained_wide_cloud_covers_almost_no_mode_and_the_rule_is_shown() {
    // GMM-40 in 2-D from a prior of std 30: the old rule (1 % of samples nearest a mode)
    // counted 28 to 32 of 40 modes before any training.
    let p = bridgelab::protocol::load_preset(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/gmm40_2d_dbs_rklld.ron"),
    )
    .unwrap();
    assert_eq!(p.prior_std, 30.0);
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    let modes = h
        .state()
        .run()
        .snapshot
        .as_ref()
        .and_then(|s| s.modes.clone())
        .unwrap();
    assert!(modes.covered <= 2, "{} of 40 covered at step 0", modes.covered);
    h.step();
    h.get_by_label(&format!(
        "Covered modes: {} of 40 (≥ 1 % in 99 % region)",
        modes.covered
    ));
}

#[test]
fn item_12_exports_at_a_chosen_scale_each_panel_alone_with_clean_ticks_and_a_thinned_svg() {
    use bridgelab::app::figure::{ExportOptions, Figure, Mark, SVG_MAX_POINTS, Series, tick_label};
    let mut h = harness();
    h.state_mut().apply(Action::Step(3));
    wait(&mut h, "three steps", |a| {
        a.run().step() == 3 && a.run().status == Status::Paused
    });
    let dir = scratch("export-options");
    h.state_mut().export_dir = dir.clone();
    h.state_mut().apply(Action::SetExportOptions(ExportOptions {
        scale: 3,
        panels_alone: true,
    }));
    h.state_mut().apply(Action::ExportFigure);
    let notice = h.state().notice.clone().unwrap_or_default();
    assert!(notice.starts_with("figure written to"), "{notice}");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let stem = "figure-gmm40-d2-dbs-rkl-ld-step3";
    for slug in [
        "samples",
        "marginal",
        "loss",
        "elbo",
        "ess",
        "diffusion",
        "coverage",
    ] {
        for ext in ["png", "svg"] {
            let name = format!("{stem}-{slug}.{ext}");
            assert!(names.contains(&name), "{name} in {names:?}");
        }
    }
    // A PNG's size and resolution: three times the 1× cell of 460 × 330 px, at 288 dpi.
    let png = std::fs::read(dir.join(format!("{stem}-elbo.png"))).unwrap();
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (3 * 460, 3 * 30 + 3 * 330));
    let phys = png.windows(4).position(|w| w == b"pHYs").expect("a pHYs chunk");
    let per_metre = u32::from_be_bytes(png[phys + 4..phys + 8].try_into().unwrap());
    assert_eq!(per_metre, (288.0f64 / 0.0254).round() as u32);
    // Ticks read as numbers, not "200.0".
    assert_eq!(
        [200.0, 0.25, -1.5, 0.0, 12_000.0].map(tick_label),
        ["200", "0.25", "-1.5", "0", "12000"]
    );
    // 16 000 points are thinned to a few thousand in the SVG.
    let cloud: Vec<[f64; 2]> = (0..16_000).map(|i| [i as f64, (i % 7) as f64]).collect();
    let mut panel = Panel::new(PanelKind::Samples, "cloud", "x", "y");
    panel
        .series
        .push(Series::new("samples", Mark::Points(1.5), [0, 0, 0], cloud));
    let figure = Figure {
        columns: vec![bridgelab::app::figure::Column {
            run: None,
            title: "cloud".into(),
            panels: vec![panel],
        }],
    };
    let out = scratch("thinned");
    bridgelab::app::figure::export(
        &figure,
        &common::tiny_run(),
        &out,
        "cloud",
        ExportOptions::default(),
    )
    .unwrap();
    let svg = std::fs::read_to_string(out.join("cloud.svg")).unwrap();
    let circles = svg.matches("<circle").count();
    assert!(
        (SVG_MAX_POINTS / 2..=SVG_MAX_POINTS).contains(&circles),
        "{circles} circles"
    );
}

#[test]
fn issue_15_the_time_axis_shows_both_processes_at_the_chosen_step_and_plays_to_the_end() {
    let mut h = harness();
    let steps = h.state().run().preset.as_ref().unwrap().path_steps;
    h.get_by_label("both processes over the steps").click();
    h.step();
    h.step();
    wait(&mut h, "the paths", |a| {
        a.run().snapshot.as_ref().is_some_and(|s| s.paths.is_some())
    });
    let figure = h.state_mut().current_figure().clone();
    let samples = panel(&figure, 0, PanelKind::Samples);
    assert_eq!(
        samples.title,
        format!("Both processes at step 0 of {steps}, coordinates 1 and 2")
    );
    let names: Vec<&str> = samples.series.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.contains(&"generative x_0") && names.contains(&"inference x_0"),
        "{names:?}"
    );
    // At step 0 the generative states are the prior's draws: their spread is the prior's.
    let x0 = &samples
        .series
        .iter()
        .find(|s| s.name == "generative x_0")
        .unwrap()
        .points;
    let std = (x0.iter().map(|p| p[0] * p[0]).sum::<f64>() / x0.len() as f64).sqrt();
    let prior = h.state().run().preset.as_ref().unwrap().prior_std;
    assert!(
        (std / prior - 1.0).abs() < 0.15,
        "spread {std} against prior std {prior}"
    );

    h.get_by_label("paths").click();
    h.step();
    h.get_by_label("Play steps").click();
    h.step();
    wait(&mut h, "the last step", |a| {
        let t = a.time_view();
        t.step == steps && !t.playing
    });
    let figure = h.state_mut().current_figure().clone();
    let samples = panel(&figure, 0, PanelKind::Samples);
    assert!(
        samples
            .title
            .starts_with(&format!("Both processes at step {steps} of {steps}"))
    );
    let paths: Vec<_> = samples.series.iter().filter(|s| s.name == "paths").collect();
    assert_eq!(paths.len(), bridgelab::app::time_view::PATHS_DRAWN);
    assert!(
        paths.iter().all(|p| p.points.len() == steps + 1),
        "each path runs from step 0 to N"
    );
    // At step N the generative states are the paths' ends, and the inference process is where
    // it started: exact draws, close to the modes.
    let end = &samples
        .series
        .iter()
        .find(|s| s.name == format!("generative x_{steps}"))
        .unwrap()
        .points;
    for (path, point) in paths.iter().zip(end) {
        assert_eq!(path.points.last().unwrap(), point);
    }
    h.get_by_label("both processes over the steps").click();
    h.step();
    h.step();
    let figure = h.state_mut().current_figure().clone();
    assert!(panel(&figure, 0, PanelKind::Samples).title.starts_with("Samples"));
}

#[test]
fn issue_15_ctrl_plus_and_minus_zoom_the_whole_lab_and_the_zoom_is_remembered() {
    let dir = scratch("zoom");
    let file = dir.join("display.ron");
    let mut h = harness_for(app().with_display_file(file.clone()), 900.0);
    assert_eq!(h.state().display().zoom, 1.0, "no file yet: the normal size");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Plus);
    h.step();
    h.step();
    let zoom = h.state().display().zoom;
    assert!((zoom - 1.1).abs() < 1e-6, "{zoom}");
    assert!(
        (h.ctx.zoom_factor() - 1.1).abs() < 1e-6,
        "the interface is drawn larger"
    );
    assert!(std::fs::read_to_string(&file).unwrap().contains("1.1"));
    // A new session starts at the remembered size.
    let again = harness_for(app().with_display_file(file.clone()), 900.0);
    assert!((again.state().display().zoom - 1.1).abs() < 1e-6);
    drop(again);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Minus);
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Minus);
    h.step();
    assert!((h.state().display().zoom - 1.1 / 1.1 / 1.1).abs() < 1e-6);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num0);
    h.step();
    assert_eq!(h.state().display().zoom, 1.0);
    h.state_mut().apply(Action::SetZoom(100.0));
    assert_eq!(
        h.state().display().zoom,
        bridgelab::app::display::MAX_ZOOM,
        "clamped"
    );
}

#[test]
fn issue_15_replay_shows_the_samples_of_an_earlier_training_step() {
    let mut h = harness();
    h.state_mut().apply(Action::SetSnapshotEvery(1));
    // One step at a time: snapshots are latest-wins, and a frame sees only the newest.
    for k in 1..=12 {
        h.state_mut().apply(Action::Step(1));
        wait(&mut h, "the next step", |a| a.run().step() == k);
    }
    let frames: Vec<usize> = h.state().run().replay.iter().map(|(s, _)| *s).collect();
    assert!(frames.contains(&3) && frames.contains(&12), "{frames:?}");
    h.get_by_label("replay training").click();
    h.step();
    h.step();
    assert_eq!(
        h.state().time_view().replay,
        Some(12),
        "replay starts at the latest step"
    );
    let mut time = h.state().time_view();
    time.replay = Some(3);
    h.state_mut().apply(Action::SetTimeView(time));
    h.step();
    let figure = h.state_mut().current_figure().clone();
    let samples = panel(&figure, 0, PanelKind::Samples);
    assert_eq!(
        samples.title,
        "Samples at training step 3 (replay; now 12), coordinates 1 and 2"
    );
    let shown = &samples
        .series
        .iter()
        .find(|s| s.name == "samples")
        .unwrap()
        .points;
    let frame = &h.state().run().replay_at(3).unwrap().1;
    assert_eq!(shown.len(), frame.len() / 2);
    assert_eq!(shown[0], [frame[0] as f64, frame[1] as f64]);
    let latest = &h.state().run().snapshot.as_ref().unwrap().samples;
    assert_ne!(frame, latest, "step 3's samples are not the latest ones");
}

/// A press and release of `button` at `pos`, a frame apart.
fn click_at(h: &mut Harness<'_, LabApp>, pos: egui::Pos2, button: egui::PointerButton) {
    h.hover_at(pos);
    h.step();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
    }
}

/// Where the data point `p` of the first column's panel of `kind` is on screen.
fn screen_point(h: &mut Harness<'_, LabApp>, kind: PanelKind, p: [f64; 2]) -> egui::Pos2 {
    h.step();
    h.state_mut()
        .shown_plot(0, kind)
        .unwrap_or_else(|| panic!("no {kind:?} plot on screen"))
        .position_of(p)
}

/// Issue 15 items 2 and 3: the density of a coordinate over the steps and the drifts of both
/// kernels follow the step slider, and a click on a panel over the steps moves the slider.
#[test]
fn issue_15_drifts_and_a_coordinate_over_the_steps_follow_the_slider_and_a_click_moves_it() {
    let mut h = harness();
    let steps = h.state().run().preset.as_ref().unwrap().path_steps;
    h.get_by_label("both processes over the steps").click();
    h.step();
    h.get_by_label("coordinate over steps").click();
    h.step();
    h.get_by_label("drifts").click();
    h.step();
    wait(&mut h, "the strip and the drifts", |a| {
        let paths = a.run().snapshot.as_ref().and_then(|s| s.paths.as_ref());
        paths.is_some_and(|p| p.strip.is_some() && p.drift.is_some())
    });
    let figure = h.state_mut().current_figure().clone();
    let strip = panel(&figure, 0, PanelKind::Strip);
    let heat = strip.background.as_ref().expect("a heat strip");
    assert_eq!(
        (heat.cols, heat.rows),
        (steps + 1, bridgelab::sim::bridge::time_axis::STRIP_BINS)
    );
    assert_eq!(strip.markers[0].0, 0.0, "step 0 is marked");
    let drifts = panel(&figure, 0, PanelKind::Drift);
    assert!(
        drifts.title.starts_with("Drifts between steps 0 and 1"),
        "{}",
        drifts.title
    );
    let arrows: Vec<_> = drifts
        .series
        .iter()
        .filter(|s| s.mark == bridgelab::app::figure::Mark::Arrows)
        .collect();
    assert_eq!(arrows.len(), 2, "generative and inference arrows");
    let per_side = bridgelab::app::time_view::ARROWS_PER_SIDE;
    assert!(arrows.iter().all(|s| s.points.len() == 2 * per_side * per_side));
    let shade = drifts.background.as_ref().expect("the mismatch shade");
    assert_eq!(shade.cols, bridgelab::sim::bridge::time_axis::DRIFT_GRID);

    // A click at step 5 of the per-step log-weight plot shows step 5 everywhere.
    let weights = panel(&figure, 0, PanelKind::StepWeights);
    let ((_, _), (y0, y1)) = weights.bounds();
    let pos = screen_point(&mut h, PanelKind::StepWeights, [5.0, (y0 + y1) / 2.0]);
    click_at(&mut h, pos, egui::PointerButton::Primary);
    assert_eq!(h.state().time_view().step, 5);
    let figure = h.state_mut().current_figure().clone();
    assert!(
        panel(&figure, 0, PanelKind::Drift)
            .title
            .starts_with("Drifts between steps 5 and 6")
    );
    assert_eq!(panel(&figure, 0, PanelKind::Strip).markers[0].0, 5.0);
    assert!(
        panel(&figure, 0, PanelKind::Samples)
            .title
            .starts_with(&format!("Both processes at step 5 of {steps}"))
    );
}

/// Issue 15 item 4: on the sample plot a click adds a component, a drag moves one, the wheel
/// widens one and a right-click removes one; every change starts the run over on the new
/// target from the same seed.
#[test]
fn issue_15_a_target_drawn_with_clicks_drags_and_the_wheel_trains_at_once() {
    let mut h = harness();
    let seed = h.state().edit.seed;
    h.get_by_label("draw the target").click();
    h.step();
    let drawn = |n: usize| {
        move |a: &LabApp| {
            a.run()
                .target
                .as_ref()
                .is_some_and(|t| t.name == format!("Drawn mixture of {n} (d=2)"))
                && a.run().snapshot.is_some()
        }
    };
    wait(&mut h, "the starting drawing", drawn(3));
    assert!(h.state().is_drawing());
    let start = bridgelab::protocol::Component::starting_drawing();
    assert_eq!(h.state().edit.target.components, start);

    let pos = screen_point(&mut h, PanelKind::Samples, [6.0, 4.0]);
    click_at(&mut h, pos, egui::PointerButton::Primary);
    wait(&mut h, "a fourth component", drawn(4));
    let added = h.state().edit.target.components[3];
    assert!(
        (added.mean[0] - 6.0).abs() < 0.3 && (added.mean[1] - 4.0).abs() < 0.3,
        "{added:?}"
    );

    let from = screen_point(&mut h, PanelKind::Samples, start[0].mean);
    let to = screen_point(&mut h, PanelKind::Samples, [-2.0, -6.0]);
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for k in 1..=4 {
        h.hover_at(from + (to - from) * (k as f32 / 4.0));
        h.step();
    }
    h.drop_at(to);
    h.step();
    wait(&mut h, "the moved component's run", |a| {
        let c = a.edit.target.components[0];
        (c.mean[0] + 2.0).abs() < 0.3 && (c.mean[1] + 6.0).abs() < 0.3 && a.run().snapshot.is_some()
    });

    let over = screen_point(&mut h, PanelKind::Samples, start[1].mean);
    h.hover_at(over);
    h.step();
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: egui::vec2(0.0, 1.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    });
    h.step();
    h.step();
    let widened = h.state().edit.target.components[1].std;
    assert!((widened - start[1].std * 1.1).abs() < 1e-9, "width {widened}");
    // With Shift held the wheel weighs the component instead.
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::SHIFT));
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: egui::vec2(0.0, 1.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::SHIFT,
    });
    h.step();
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    h.step();
    let weighed = h.state().edit.target.components[1];
    assert!(
        (weighed.weight - start[1].weight * 1.1).abs() < 1e-9,
        "{weighed:?}"
    );
    assert_eq!(weighed.std, widened, "the width stays");

    let third = screen_point(&mut h, PanelKind::Samples, start[2].mean);
    click_at(&mut h, third, egui::PointerButton::Secondary);
    wait(&mut h, "three components again", drawn(3));
    let left = &h.state().edit.target.components;
    assert!(left.iter().all(|c| c.mean != start[2].mean), "{left:?}");
    assert_eq!(
        h.state().run().preset.as_ref().unwrap().seed,
        seed,
        "the same seed"
    );

    // The drawn target trains like any other, and is saved with the settings.
    h.get_by_label("Step").click();
    h.step();
    wait(&mut h, "a step on the drawing", |a| a.run().step() == 1);
    let dir = scratch("drawn");
    let file = dir.join("drawn.ron");
    h.state_mut().apply(Action::SavePreset(file.clone()));
    let saved = bridgelab::protocol::load_preset(&file).unwrap();
    assert_eq!(saved.target, h.state().edit.target);
}

/// Issue 15 item 5: a lesson's guide is a card with Back and Next; a step starts the runs,
/// replays training or sets the time axis, and the card says whether its claim holds.
#[test]
fn issue_15_a_lesson_card_walks_through_its_steps_and_each_step_does_what_it_says() {
    let mut h = harness();
    let lesson = bridgelab::protocol::load_preset(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/lesson_a_mode_collapse.ron"),
    )
    .unwrap();
    let steps = lesson.guide.len();
    let mut short = lesson.clone();
    short.train_steps = 20;
    short.eval.samples = 200;
    h.state_mut().apply(Action::LoadPreset(Box::new(short)));
    h.step();
    h.get_by_label_contains(&format!("step 1 of {steps}"));
    wait(&mut h, "both runs training (the first step plays)", |a| {
        a.is_comparing() && a.runs().iter().all(|v| v.step() > 0)
    });
    h.get_by_label_contains("Claim: run 1 covers fewer modes than run 2");
    wait(&mut h, "both runs finished and evaluated", |a| {
        a.runs()
            .iter()
            .all(|v| v.status == Status::Finished && v.evaluation.as_ref().is_some_and(|e| e.step == 20))
    });
    h.step();
    let verdict = h.query_by_label_contains("These runs: it ").is_some();
    assert!(verdict, "the card checks its claim on the finished runs");

    h.get_by_label("Next").click();
    h.step();
    h.step();
    h.get_by_label_contains(&format!("step 2 of {steps}"));
    // The slider of replay stops at the steps trained (20 in this shortened lesson).
    assert_eq!(
        h.state().time_view().replay,
        Some(20),
        "step 2 replays training step 200"
    );
    h.get_by_label("Next").click();
    h.step();
    h.step();
    let time = h.state().time_view();
    assert!(time.on && time.paths && time.step == 32, "{time:?}");
    let next = h.get_by_label("Next");
    assert!(
        egui_kittest::kittest::NodeT::accesskit_node(&next).is_disabled(),
        "the last step has no next"
    );
    h.get_by_label("Back").click();
    h.step();
    h.step();
    assert_eq!(h.state().guide().1, 1);
}
