//! Both processes over the steps: the step slider, paths, replay, the strip and the drifts.

use super::*;

#[test]
fn the_time_axis_shows_both_processes_at_the_chosen_step_and_plays_to_the_end() {
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
    let paths: Vec<_> = samples
        .series
        .iter()
        .filter(|s| s.name == "generative paths")
        .collect();
    assert_eq!(paths.len(), bridgelab::app::choices::time_view::PATHS_DRAWN);
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

/// Issue 27 item 3: the paths are one legend entry in one colour, the two point sets have
/// theirs, in the export as on screen.
#[test]
fn an_export_with_paths_on_names_the_paths_once_and_both_point_sets() {
    use bridgelab::app::figure::{ExportOptions, RunInk};
    let mut h = harness();
    h.get_by_label("both processes over the steps").click();
    h.step();
    h.get_by_label("paths").click();
    h.step();
    wait(&mut h, "the paths", |a| {
        a.run().snapshot.as_ref().is_some_and(|s| s.paths.is_some())
    });
    let figure = h.state_mut().current_figure().clone();
    let samples = panel(&figure, 0, PanelKind::Samples);
    let paths: Vec<_> = samples
        .series
        .iter()
        .filter(|s| s.name == "generative paths")
        .collect();
    assert!(paths.len() > 1);
    assert!(
        paths.iter().all(|s| s.color == RunInk::of(0).light),
        "every path in the run's light shade"
    );
    let dir = scratch("paths-export");
    h.state_mut().export_dir = dir.clone();
    h.state_mut().apply(Action::SetExportOptions(ExportOptions {
        scale: 2,
        panels_alone: true,
    }));
    h.state_mut().apply(Action::ExportFigure);
    let svg = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("-samples.svg"))
        .expect("the sample panel alone");
    let text = std::fs::read_to_string(svg).unwrap();
    // The SVG writes each text on a line of its own.
    let entries = |name: &str| text.lines().filter(|l| *l == name).count();
    assert_eq!(entries("generative paths"), 1, "one legend entry");
    for name in ["generative x_0", "inference x_0", "modes"] {
        assert_eq!(entries(name), 1, "{name} in the legend");
    }
}

#[test]
fn replay_shows_the_samples_of_an_earlier_training_step() {
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

/// Issue 15 items 2 and 3: the density of a coordinate over the steps and the drifts of both
/// kernels follow the step slider, and a click on a panel over the steps moves the slider.
#[test]
fn drifts_and_a_coordinate_over_the_steps_follow_the_slider_and_a_click_moves_it() {
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
    let per_side = bridgelab::app::choices::time_view::ARROWS_PER_SIDE;
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
