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

/// Issue 27 item 5: a lesson opens on a clean view whatever the last one left open: lesson A
/// with its first answer shown and training replayed, then B1 from the gallery, starts with its
/// answer closed, no replay, the slider at the end and no message from before.
#[test]
fn a_lesson_opened_after_another_starts_with_its_answer_closed_and_no_replay() {
    let mut h = harness();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    let mut a = bridgelab::protocol::load_preset(&dir.join("lesson_a_mode_collapse.ron")).unwrap();
    a.train_steps = 20;
    a.eval.samples = 200;
    h.state_mut().apply(Action::LoadPreset(Box::new(a.clone())));
    h.step();
    assert!(
        h.query_by_label(&a.guide[0].answer).is_none(),
        "the answer waits for a click"
    );
    h.get_by_label("Show the answer").click();
    h.step();
    h.step();
    h.get_by_label(&a.guide[0].answer);
    h.get_by_label("Next").click();
    h.step();
    h.step();
    assert!(
        h.state().time_view().replay.is_some(),
        "A's card 2 replays training"
    );
    h.state_mut().notice = Some("figure written to somewhere".into());
    h.step();

    let b1 = bridgelab::protocol::load_preset(&dir.join("lesson_b_same_gradient.ron")).unwrap();
    h.state_mut().apply(Action::ShowSide(SideTab::Lessons));
    h.step();
    h.get_by_label(&b1.title).click();
    h.step();
    h.step();
    assert_eq!(h.state().origin.title, b1.title);
    assert_eq!(h.state().guide().1, 0, "B1 opens on its first card");
    assert!(!h.state().answer_open());
    assert!(
        h.query_by_label(&b1.guide[0].answer).is_none(),
        "B1's first answer is closed"
    );
    h.get_by_label("Show the answer");
    let time = h.state().time_view();
    assert_eq!(time.replay, None, "no replay carried over from A");
    assert!(!time.on, "{time:?}");
    assert_eq!(time.step, b1.path_steps, "the slider stands at the end");
    assert!(h.state().notice.is_none(), "no message from lesson A");
    wait(&mut h, "B1's samples arrive", |app| {
        app.runs().iter().all(|v| v.snapshot.is_some())
    });
}

/// Issue 27 item 9: C1's and C2's second cards draw both runs' curves in one plot over the
/// last 80 % of training, smoothed, where a gap of two nats fills the axis.
#[test]
fn the_learned_diffusion_lessons_draw_their_gap_where_it_can_be_seen() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    for file in [
        "lesson_c_learned_diffusion_rklld.ron",
        "lesson_c_learned_diffusion_lv.ron",
    ] {
        let mut h = harness();
        let mut lesson = bridgelab::protocol::load_preset(&dir.join(file)).unwrap();
        lesson.train_steps = 20;
        h.state_mut().apply(Action::LoadPreset(Box::new(lesson)));
        h.step();
        assert_eq!(
            h.state().curves,
            CurveView::default(),
            "{file}: card 1 draws as usual"
        );
        h.state_mut().apply(Action::ShowGuideStep(1));
        h.step();
        let curves = h.state().curves;
        assert!(
            curves.recent_only && curves.overlay && curves.smoothing == 10,
            "{file}: {curves:?}"
        );
        h.get_by_label_contains("draws the curves with both runs in one plot, the last 80 % of training");
    }
}
