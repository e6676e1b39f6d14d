//! Two runs side by side: turning compare on, shared axes, overlay and smoothing.

use super::*;

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
fn turning_compare_on_keeps_run_1_and_starts_only_run_2() {
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
fn compared_runs_share_their_axes_overlay_in_one_plot_and_smooth_on_request() {
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
            "true log Z",
            "run 2: ELBO",
            "run 2: log Z-hat",
        ]
    );
    // One meaning per colour: run 1 blue, run 2 purple, the target orange and drawn once.
    let [one, two] = bridgelab::app::figure::RUN_INKS;
    let colours: Vec<_> = elbo.series.iter().map(|s| s.color).collect();
    assert_eq!(
        colours,
        [
            one.main,
            one.light,
            bridgelab::app::figure::TARGET_COLOR,
            two.main,
            two.light
        ]
    );
    let marginal = panel(&figure, 0, PanelKind::Marginal);
    let colours: Vec<_> = marginal
        .series
        .iter()
        .map(|s| (s.name.as_str(), s.color))
        .collect();
    assert_eq!(colours.len(), 3, "{colours:?}");
    assert_eq!(colours[0].1, bridgelab::app::figure::TARGET_COLOR, "{colours:?}");
    assert!(colours[0].0.starts_with("target"), "{colours:?}");
    assert_eq!((colours[1].1, colours[2].1), (one.main, two.main), "{colours:?}");
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

/// Issue 27 item 4: the drift arrows of two compared runs are drawn on one scale, so equal
/// arrows mean equal drifts in both columns.
#[test]
fn compared_drift_fields_share_one_arrow_scale() {
    let mut h = harness_for(app(), 1600.0);
    h.get_by_label("Second run beside this one").click();
    h.step();
    h.state_mut().apply(Action::Step(5));
    wait(&mut h, "both runs at step 5", |a| {
        a.is_comparing()
            && a.runs()
                .iter()
                .all(|v| v.step() == 5 && v.status == Status::Paused)
    });
    h.get_by_label("both processes over the steps").click();
    h.step();
    h.get_by_label("drifts").click();
    h.step();
    wait(&mut h, "both drift fields", |a| {
        a.runs().iter().all(|v| {
            v.snapshot
                .as_ref()
                .and_then(|s| s.paths.as_ref())
                .is_some_and(|p| p.drift.is_some())
        })
    });
    let figure = h.state_mut().current_figure().clone();
    let names = |c: usize| -> Vec<String> {
        panel(&figure, c, PanelKind::Drift)
            .series
            .iter()
            .filter(|s| s.mark == bridgelab::app::figure::Mark::Arrows)
            .map(|s| s.name.clone())
            .collect()
    };
    let (a, b) = (names(0), names(1));
    assert_eq!(a.len(), 2);
    let scale = |n: &str| n.split('×').nth(1).map(str::to_string);
    assert_eq!(
        a.iter().map(|n| scale(n)).collect::<Vec<_>>(),
        b.iter().map(|n| scale(n)).collect::<Vec<_>>(),
        "one scale: {a:?} against {b:?}"
    );
    assert_ne!(
        panel(&figure, 0, PanelKind::Drift).series[0].color,
        panel(&figure, 1, PanelKind::Drift).series[0].color,
        "each run's generative arrows in its own colour"
    );
}
