//! The settings tab: targets, initial σ, coordinates, data directories, typed values, the preset's description.

use super::*;

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
fn the_chosen_coordinates_drive_the_sample_and_marginal_plots() {
    let mut p = common::tiny_run();
    p.target.kind = TargetKind::Funnel;
    p.target.dim = 10;
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    let choice = bridgelab::app::choices::plot_choice::PlotChoice {
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

/// Issue 27 item 13: coordinates chosen on a 10-D funnel do not outlive it: the Gaussian card
/// (2-D) shows coordinates 1 and 2, not 2 against itself.
#[test]
fn coordinates_beyond_a_smaller_target_go_back_to_distinct_defaults() {
    let mut p = common::tiny_run();
    p.target.kind = TargetKind::Funnel;
    p.target.dim = 10;
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    let choice = bridgelab::app::choices::plot_choice::PlotChoice {
        x: 4,
        y: 1,
        marginal: 6,
    };
    h.state_mut().apply(Action::SetPlotChoice(choice));
    h.step();
    h.get_by_label("Samples, coordinates 5 and 2");
    let first = h.state().run().run;
    h.get_by_label("Gaussian").click();
    h.step();
    wait(&mut h, "a Gaussian run", |a| {
        a.run().run != first && a.run().target.as_ref().is_some_and(|t| t.dim == 2)
    });
    h.step();
    h.step();
    let plot = h.state().plot;
    assert!(
        plot.x != plot.y && plot.x < 2 && plot.y < 2 && plot.marginal < 2,
        "{plot:?}"
    );
    h.get_by_label("Samples, coordinates 1 and 2");
    h.get_by_label("Marginal density of x1");
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
    let _data_dir = common::data_dir_lock();
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
fn a_typed_value_out_of_range_is_clamped_and_the_field_says_so() {
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

/// Issue 27 item 15: typing text that is no number says so and keeps the value; a note goes
/// once a new preset changes the field's value.
#[test]
fn a_typed_word_is_refused_aloud_and_notes_go_with_a_new_preset() {
    let mut h = harness_for(app(), 1600.0);
    let batch = h.state().edit.batch;
    h.get_by_label("batch").click();
    h.step();
    h.get_by_label("batch").type_text("abc");
    h.step();
    h.key_press(egui::Key::Enter);
    h.step();
    h.step();
    assert_eq!(h.state().edit.batch, batch);
    h.get_by_label(&format!("“abc” is not a number: {batch} is kept"));
    h.get_by_label("batch").click();
    h.step();
    h.get_by_label("batch").type_text("0");
    h.step();
    h.key_press(egui::Key::Enter);
    h.step();
    h.step();
    let note = "0 is out of range (1 to 20000): the least value, 1, is used";
    h.get_by_label(note);
    let mut other = common::tiny_run();
    other.batch = 64;
    h.state_mut().apply(Action::LoadPreset(Box::new(other)));
    h.step();
    h.step();
    assert!(h.query_by_label(note).is_none(), "the note went with the preset");
}
