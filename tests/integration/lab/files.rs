//! Files: the gallery, opening and saving presets, sample files, figure exports, checkpoints.

use super::*;

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

/// Issue 27 item 14: a preset saved after its settings changed says what it is now, with a
/// title; one saved unchanged keeps its own words.
#[test]
fn a_saved_preset_is_titled_and_described_as_what_it_is_now() {
    let dir = scratch("save-described");
    let mut h = harness_for(app(), 900.0);
    let mut preset = common::tiny_run();
    preset.title = "Tiny".into();
    preset.description = "a tiny lesson on GMM-40".into();
    h.state_mut().apply(Action::LoadPreset(Box::new(preset.clone())));
    h.step();
    let same = dir.join("same.ron");
    h.state_mut().apply(Action::SavePreset(same.clone()));
    let kept = bridgelab::protocol::load_preset(&same).unwrap();
    assert_eq!(
        (kept.title.as_str(), kept.description.as_str()),
        ("Tiny", "a tiny lesson on GMM-40")
    );

    let mut changed = h.state().edit.clone();
    changed.suit_target(TargetKind::Funnel, 10);
    changed.loss = LossKind::Lv;
    h.state_mut().apply(Action::Restart(Box::new(changed)));
    let now = dir.join("now.ron");
    h.state_mut().apply(Action::SavePreset(now.clone()));
    let saved = bridgelab::protocol::load_preset(&now).unwrap();
    assert_eq!(saved.title, "Funnel (d = 10), DBS with LV");
    assert!(!saved.description.contains("GMM-40"), "{}", saved.description);
    assert!(
        saved.description.contains("from “Tiny”")
            && saved.description.contains("target")
            && saved.description.contains("loss"),
        "{}",
        saved.description
    );
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
    let edit = h.state().edit.clone();
    // An untitled preset is written with its settings as its title.
    assert_eq!(preset.title, edit.summary());
    assert_eq!(
        preset,
        bridgelab::protocol::Preset {
            title: edit.summary(),
            ..edit
        }
    );
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
fn exports_at_a_chosen_scale_each_panel_alone_with_clean_ticks_and_a_thinned_svg() {
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

    // Issue 27 item 19: ticks summed from steps round 0 to −1.1e-16 on such axes; it reads 0.
    for (lo, hi) in [(-1.1, 0.7), (-0.3, 0.9), (-0.7, 0.1), (-2.2, 1.3)] {
        let line: Vec<[f64; 2]> = (0..=10).map(|i| [lo + (hi - lo) * i as f64 / 10.0; 2]).collect();
        let mut panel = Panel::new(PanelKind::Loss, "around 0", "x", "y");
        panel
            .series
            .push(Series::new("line", Mark::Line, [0, 0, 0], line));
        let figure = Figure {
            columns: vec![bridgelab::app::figure::Column {
                run: None,
                title: "around 0".into(),
                panels: vec![panel],
            }],
        };
        bridgelab::app::figure::export(
            &figure,
            &common::tiny_run(),
            &out,
            "zero",
            ExportOptions::default(),
        )
        .unwrap();
        let svg = std::fs::read_to_string(out.join("zero.svg")).unwrap();
        let texts: Vec<&str> = svg
            .split("</text>")
            .filter_map(|t| t.rsplit('>').next())
            .map(str::trim)
            .collect();
        assert!(
            !texts.iter().any(|t| t.contains("e-")),
            "scientific ticks on [{lo}, {hi}]: {texts:?}"
        );
        assert!(texts.contains(&"0"), "a tick reads 0 on [{lo}, {hi}]: {texts:?}");
    }
}

/// Issue 27 item 12: a compared pair saved, reset and resumed comes back whole: both runs,
/// and every panel over training (loss, ELBO, ESS, σ·β now and over training, mode coverage)
/// with the data it had.
#[test]
fn a_compared_pair_resumes_both_runs_with_every_panel_as_it_was() {
    let dir = scratch("resume-both");
    let path = dir.join("pair.json");
    let mut p = common::tiny_run();
    p.compare = Some(Variation {
        loss: Some(LossKind::Lv),
        ..Variation::default()
    });
    let mut h = harness_for(LabApp::new(p, Arc::new(|| {})).unwrap(), 900.0);
    h.state_mut().apply(Action::SetSnapshotEvery(1));
    h.state_mut().apply(Action::Step(6));
    wait(&mut h, "six steps of both", |a| {
        a.runs()
            .iter()
            .all(|v| v.step() == 6 && v.status == Status::Paused && v.coverage.len() > 1)
    });
    h.step();
    let kinds = [
        PanelKind::Loss,
        PanelKind::Elbo,
        PanelKind::Ess,
        PanelKind::Diffusion,
        PanelKind::DiffusionHistory,
        PanelKind::Coverage,
    ];
    let data = |h: &mut Harness<'_, LabApp>| {
        let figure = h.state_mut().current_figure().clone();
        let mut all = Vec::new();
        for column in 0..2 {
            for kind in kinds {
                let series: Vec<(String, Vec<[f64; 2]>)> = panel(&figure, column, kind)
                    .series
                    .into_iter()
                    .map(|s| (s.name, s.points))
                    .collect();
                all.push((column, kind, series));
            }
        }
        all
    };
    let before = data(&mut h);
    h.state_mut().apply(Action::SaveCheckpoint(path.clone()));
    wait(&mut h, "both saved", |a| {
        a.runs().iter().all(|v| v.saved.is_some())
    });
    h.state_mut().apply(Action::Reset);
    wait(&mut h, "a fresh pair", |a| {
        a.runs().iter().all(|v| v.step() == 0 && v.snapshot.is_some())
    });
    h.state_mut().apply(Action::ResumeCheckpoint(path.clone()));
    wait(&mut h, "both resumed", |a| {
        a.is_comparing() && a.runs().iter().all(|v| v.step() == 6 && v.snapshot.is_some())
    });
    h.step();
    let after = data(&mut h);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a, "run {} {:?} after resume", b.0 + 1, b.1);
    }
    for (column, _, series) in &after {
        assert!(
            series.iter().any(|(_, pts)| !pts.is_empty()),
            "run {} has data",
            column + 1
        );
    }
}
