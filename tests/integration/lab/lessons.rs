//! Lessons: the gallery opens on them, and their cards walk through their steps.

use super::*;

#[test]
fn the_lab_opens_on_its_lessons_by_title_and_one_click_runs_one() {
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

/// Issue 15 item 5: a lesson's guide is a card with Back and Next; a step starts the runs,
/// replays training or sets the time axis, and the card says whether its claim holds.
#[test]
fn a_lesson_card_walks_through_its_steps_and_each_step_does_what_it_says() {
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
