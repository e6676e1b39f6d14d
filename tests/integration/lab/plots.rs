//! The plots: what each says, its axes, the wheel, following the data, live changes, mode coverage.

use super::*;

#[test]
fn the_loss_panel_says_what_it_plots_for_each_loss() {
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
fn axes_count_from_zero_in_whole_steps_and_dimensions_keep_their_order_and_colours() {
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
fn the_wheel_scrolls_the_page_alt_wheel_pans_and_a_new_run_refits() {
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
fn the_sample_plot_follows_the_samples_unless_locked() {
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
fn a_live_change_is_marked_on_the_curves_and_kept_in_the_export() {
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
fn an_untrained_wide_cloud_covers_almost_no_mode_and_the_rule_is_shown() {
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

/// Issue 27, item 1: the marginal plot draws the target's exact marginal where it is known
/// (the 5-D double well peaks at 1.114; a kernel estimate of 1000 draws once drew 0.363) and
/// says so; for a posterior it draws a kernel estimate of its reference draws and states the
/// bandwidth; the samples' curve states its bandwidth too.
#[test]
fn the_marginal_plot_draws_the_exact_target_marginal_and_states_every_bandwidth() {
    let mut well = common::tiny_run();
    well.target = bridgelab::protocol::TargetSpec::new(TargetKind::DoubleWell, 5);
    let mut h = harness_for(LabApp::new(well, Arc::new(|| {})).unwrap(), 900.0);
    let figure = h.state_mut().current_figure().clone();
    let marginal = panel(&figure, 0, PanelKind::Marginal);
    let target = marginal
        .series
        .iter()
        .find(|s| s.name.starts_with("target"))
        .unwrap();
    assert_eq!(target.name, "target (exact)");
    let peak = target.points.iter().map(|p| p[1]).fold(0.0, f64::max);
    assert!((peak - 1.114).abs() < 0.01, "the drawn peak {peak}");
    let samples = marginal
        .series
        .iter()
        .find(|s| s.name.starts_with("samples"))
        .unwrap();
    assert!(samples.name.contains("h = "), "{}", samples.name);

    let mut seeds = bridgelab::protocol::load_preset(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/presets/short_seeds_d26_cmcd_rklld.ron"
    )))
    .unwrap();
    seeds.batch = 16;
    let mut h = harness_for(LabApp::new(seeds, Arc::new(|| {})).unwrap(), 900.0);
    let figure = h.state_mut().current_figure().clone();
    let marginal = panel(&figure, 0, PanelKind::Marginal);
    let target = marginal
        .series
        .iter()
        .find(|s| s.name.starts_with("target"))
        .unwrap();
    assert!(
        target
            .name
            .starts_with("target (KDE of 10000 reference draws, h = "),
        "{}",
        target.name
    );
}
