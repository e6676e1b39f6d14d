//! Presentation mode, cards that bring their panel into view, and a header that holds still.

use super::*;

fn lesson(file: &str) -> bridgelab::protocol::Preset {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    let mut p = bridgelab::protocol::load_preset(&dir.join(file)).unwrap();
    p.train_steps = 20;
    p.eval.samples = 200;
    p
}

fn window(h: &Harness<'_, LabApp>) -> egui::Rect {
    h.ctx.content_rect()
}

/// Issue 27 item 6: at 1280×800 and 150 %, F5 hides the side panel and shows only the panels
/// the card on screen speaks of (lesson A's first: the samples and the mode count), all in
/// view; the next card brings its own; the card folds to one line; a double-click fills the
/// screen with one panel and Escape goes back step by step.
#[test]
fn presenting_shows_the_lessons_key_panels_large_and_a_double_click_fills_the_screen() {
    let mut app = app();
    app.apply(Action::SetZoom(1.5));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(|ui, app: &mut LabApp| app.ui(ui), app);
    let a = lesson("lesson_a_mode_collapse.ron");
    h.state_mut().apply(Action::LoadPreset(Box::new(a.clone())));
    wait(&mut h, "both runs", |app| {
        app.is_comparing() && app.runs().iter().all(|v| v.snapshot.is_some())
    });
    h.step();
    let normal = h.state_mut().shown_plot(0, PanelKind::Samples).unwrap().frame;
    assert!(h.query_by_label("Lessons and presets").is_some());

    h.key_press(egui::Key::F5);
    h.step();
    h.step();
    assert!(h.state().presentation().on);
    assert!(
        h.query_by_label("Lessons and presets").is_none(),
        "the side panel is hidden"
    );
    let shown_kinds = |h: &mut Harness<'_, LabApp>| {
        let mut kinds: Vec<PanelKind> = Vec::new();
        for kind in [
            PanelKind::Samples,
            PanelKind::Marginal,
            PanelKind::Loss,
            PanelKind::Elbo,
            PanelKind::Ess,
            PanelKind::Coverage,
        ] {
            if h.state_mut().shown_plot(0, kind).is_some() {
                kinds.push(kind);
            }
        }
        kinds
    };
    // Card 1 trains both runs and claims run 1 covers fewer modes.
    assert_eq!(shown_kinds(&mut h), vec![PanelKind::Samples, PanelKind::Coverage]);
    let big = h.state_mut().shown_plot(0, PanelKind::Samples).unwrap().frame;
    // 533 points of height hold the top bar, the card and two rows of plots.
    assert!(
        big.height() >= 110.0,
        "presenting, the samples are large: {big:?} (normally {normal:?})"
    );
    for kind in [PanelKind::Samples, PanelKind::Coverage] {
        for column in 0..2 {
            let frame = h.state_mut().shown_plot(column, kind).unwrap().frame;
            assert!(
                window(&h).contains_rect(frame),
                "{kind:?} of run {} in view: {frame:?}",
                column + 1
            );
        }
    }
    assert!(
        h.query_by_label_contains("  ELBO ").is_none(),
        "no numbers to read on a projector"
    );

    // The card folds to its title line, and the plots take the room.
    let text = a.guide[0].text.clone();
    h.get_by_label(&text);
    h.get_by_label("−").click();
    h.step();
    h.step();
    assert!(h.query_by_label(&text).is_none(), "a folded card hides its text");
    h.get_by_label_contains("step 1 of");
    let folded = h.state_mut().shown_plot(0, PanelKind::Samples).unwrap().frame;
    assert!(
        folded.height() > big.height() + 10.0,
        "{folded:?} against {big:?}"
    );
    for kind in [PanelKind::Samples, PanelKind::Coverage] {
        let frame = h.state_mut().shown_plot(1, kind).unwrap().frame;
        assert!(
            window(&h).contains_rect(frame),
            "folded, {kind:?} in view: {frame:?}"
        );
    }

    // A double-click fills the screen with the coverage panel; Escape brings the others back.
    assert!(h.state_mut().shown_plot(1, PanelKind::Coverage).is_some());
    let centre = h
        .state_mut()
        .shown_plot(0, PanelKind::Coverage)
        .unwrap()
        .frame
        .center();
    // Six frames of 1/60 s: well inside egui's double-click time.
    click_at(&mut h, centre, egui::PointerButton::Primary);
    click_at(&mut h, centre, egui::PointerButton::Primary);
    h.step();
    assert_eq!(h.state().presentation().full, Some(PanelKind::Coverage));
    assert!(h.state_mut().shown_plot(0, PanelKind::Samples).is_none());
    let full = h.state_mut().shown_plot(0, PanelKind::Coverage).unwrap().frame;
    assert!(
        full.height() > 2.0 * folded.height().min(big.height()) * 0.8,
        "{full:?}"
    );
    h.key_press(egui::Key::Escape);
    h.step();
    assert_eq!(h.state().presentation().full, None);
    assert!(h.state().presentation().on);
    h.key_press(egui::Key::Escape);
    h.step();
    h.step();
    assert!(!h.state().presentation().on);
    assert!(
        h.query_by_label("Lessons and presets").is_some(),
        "the side panel is back"
    );
    // Card 2 replays training and claims a higher ELBO: presenting shows those two.
    h.state_mut().apply(Action::ShowGuideStep(1));
    h.step();
    h.key_press(egui::Key::F5);
    h.step();
    h.step();
    assert_eq!(shown_kinds(&mut h), vec![PanelKind::Samples, PanelKind::Elbo]);
    h.key_press(egui::Key::F5);
    h.step();
    // The button does what the key does.
    h.get_by_label("Present").click();
    h.step();
    assert!(h.state().presentation().on);
}

/// Issue 27 item 7: D2's third card shows the drifts, the last panel of a comparison; the plot
/// area scrolls until the drift panel is in view.
#[test]
fn a_card_brings_the_panel_it_speaks_of_into_view() {
    let mut h = harness_for(app(), 800.0);
    let d2 = lesson("lesson_d_small_diffusion.ron");
    let card = d2
        .guide
        .iter()
        .position(|s| matches!(s.act, Some(bridgelab::protocol::GuideAct::ShowDrifts { .. })))
        .expect("D2 has a card that shows the drifts");
    h.state_mut().apply(Action::LoadPreset(Box::new(d2)));
    wait(&mut h, "both runs", |app| {
        app.is_comparing() && app.runs().iter().all(|v| v.snapshot.is_some())
    });
    h.state_mut().apply(Action::ShowGuideStep(card));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        h.step();
        let shown = h.state_mut().shown_plot(0, PanelKind::Drift).map(|s| s.frame);
        // Its top in view and nine tenths of it (the page ends just below it).
        if let Some(frame) = shown
            && window(&h).contains(frame.left_top())
            && window(&h).intersect(frame).height() >= 0.9 * frame.height()
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the drift panel never came into view: {shown:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Issue 27 item 8: the rows below the header stay where they are while a notice, an
/// evaluation's progress bar and its result come and go, and a notice leaves by itself.
#[test]
fn the_header_holds_still_as_messages_and_evaluations_come_and_go() {
    let mut h = harness();
    let row = |h: &Harness<'_, LabApp>| h.get_by_label("samples: horizontal coordinate").rect().top();
    h.step();
    let at = row(&h);
    h.state_mut().notice = Some("figure written to a place with a long name".into());
    h.step();
    h.step();
    assert_eq!(row(&h), at, "a notice moves nothing");
    h.state_mut().apply(Action::Evaluate);
    let mut tops = vec![];
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().run().evaluation.is_none() {
        h.step();
        tops.push(row(&h));
        assert!(Instant::now() < deadline, "no evaluation");
        std::thread::sleep(Duration::from_millis(10));
    }
    h.step();
    tops.push(row(&h));
    assert!(
        tops.iter().all(|t| *t == at),
        "the rows moved: {at} then {tops:?}"
    );
    wait(&mut h, "the notice to expire", |app| app.notice.is_none());
    h.step();
    assert_eq!(row(&h), at);
}
