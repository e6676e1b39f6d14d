//! The top bar: play, step, step N, reset, evaluate, zoom; divergence and falling apart.

use super::*;

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

/// Issue 27 item 10: "Train to" stops both runs at the chosen step; slow motion trains no
/// faster than its pace, shows every step, and full speed comes back.
#[test]
fn train_to_a_step_stops_there_and_slow_motion_keeps_its_pace() {
    let mut p = common::tiny_run();
    p.train_steps = 1000;
    p.compare = Some(Variation {
        loss: Some(LossKind::Lv),
        ..Variation::default()
    });
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    h.state_mut().apply(Action::SetTrainTo(7));
    h.step();
    h.get_by_label("Train to").click();
    h.step();
    wait(&mut h, "both runs at step 7", |a| {
        a.runs()
            .iter()
            .all(|v| v.step() == 7 && v.status == Status::Paused)
    });

    h.state_mut().apply(Action::SetPace(Some(2)));
    h.step();
    assert_eq!(h.state().pace, Some(2));
    let started = Instant::now();
    h.get_by_label("Play").click();
    h.step();
    let mut seen = Vec::new();
    while started.elapsed() < Duration::from_millis(2600) {
        h.step();
        let s = h.state().run().snapshot.as_ref().map_or(0, |s| s.step);
        if seen.last() != Some(&s) {
            seen.push(s);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let trained = h.state().run().step() - 7;
    // Two steps a second for 2.6 s: at most six, the first at once.
    assert!((1..=6).contains(&trained), "{trained} steps at 2 per second");
    assert!(
        seen.windows(2).all(|w| w[1] == w[0] + 1),
        "every step shown: {seen:?}"
    );
    h.state_mut().apply(Action::SetPace(None));
    wait(&mut h, "full speed again", |a| a.run().step() > 40);
    h.state_mut().apply(Action::Pause);
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
fn a_run_that_falls_apart_is_flagged_while_it_goes_on() {
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
fn a_finished_run_shows_its_final_evaluation_on_fresh_samples_as_the_cli_computes_it() {
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

#[test]
fn ctrl_plus_and_minus_zoom_the_whole_lab_and_the_zoom_is_remembered() {
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
        bridgelab::app::choices::display::MAX_ZOOM,
        "clamped"
    );
}
