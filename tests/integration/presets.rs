//! Shipped presets load and round-trip; broken ones are refused with a precise message.

use std::path::Path;

use bridgelab::sim::Architecture;
use bridgelab::sim::preset::file::{load_preset, parse_preset, preset_to_ron};

#[test]
fn every_shipped_preset_loads_and_round_trips() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let preset = load_preset(&path).unwrap_or_else(|e| panic!("{e}"));
        let again = parse_preset(&preset_to_ron(&preset), "round-trip").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(preset, again, "{} does not round-trip", path.display());
        assert!(
            !preset.description.trim().is_empty(),
            "{} has no description",
            path.display()
        );
        count += 1;
    }
    assert!(count >= 10, "only {count} presets shipped");
}

fn default_text() -> String {
    preset_to_ron(&bridgelab::sim::Preset::default_interactive())
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle present")
        + 1
}

#[test]
fn a_wrong_type_names_file_line_and_field() {
    let text = default_text().replace("batch: 256", "batch: \"many\"");
    let line = line_of(&text, "batch: \"many\"");
    let e = parse_preset(&text, "broken.ron").unwrap_err();
    assert_eq!(e.line, Some(line));
    assert_eq!(e.field.as_deref(), Some("batch"));
    let shown = e.to_string();
    assert!(shown.starts_with(&format!("broken.ron:{line}")), "{shown}");
    assert!(shown.contains("batch"), "{shown}");
}

#[test]
fn an_unknown_field_is_named() {
    let text = default_text().replace("batch: 256,", "batch: 256,\n    batchsize: 3,");
    let e = parse_preset(&text, "typo.ron").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("batchsize"));
    assert_eq!(e.line, Some(line_of(&text, "batchsize")));
}

#[test]
fn out_of_range_values_name_their_field_and_line() {
    let cases = [
        ("batch: 256", "batch: 0", "batch"),
        ("path_steps: 32", "path_steps: 0", "path_steps"),
        ("beta: 1.0", "beta: -1.0", "beta"),
        ("prior_std: 30.0", "prior_std: inf", "prior_std"),
        ("dim: 2", "dim: 3", "target.dim"),
    ];
    for (from, to, field) in cases {
        let text = default_text().replace(from, to);
        assert_ne!(text, default_text(), "{from} not found in the default preset");
        let e = parse_preset(&text, "bad.ron").unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{e}");
        assert_eq!(e.line, Some(line_of(&text, to)), "{e}");
    }
}

/// Issue 28 item 5: settings under which a figure cannot mean anything are refused: no mode
/// threshold, one evaluation sample, one path a batch for the log-variance loss.
#[test]
fn settings_that_make_a_figure_meaningless_are_refused() {
    let cases = [
        (
            "mode_threshold: 0.01",
            "mode_threshold: 0.0",
            "eval.mode_threshold",
        ),
        ("samples: 1000", "samples: 1", "eval.samples"),
    ];
    for (from, to, field) in cases {
        let text = default_text().replace(from, to);
        assert_ne!(text, default_text(), "{from} not found in the default preset");
        let e = parse_preset(&text, "bad.ron").unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{e}");
    }
    let lv = default_text().replace("loss: RklLd", "loss: Lv");
    assert_ne!(lv, default_text());
    parse_preset(&lv, "lv.ron").unwrap();
    let e = parse_preset(&lv.replace("batch: 256", "batch: 1"), "lv.ron").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("batch"), "{e}");
    assert!(e.to_string().contains("variance of one value"), "{e}");
    parse_preset(&default_text().replace("batch: 256", "batch: 1"), "rkl.ron").unwrap();
}

#[test]
fn runs_too_large_for_memory_are_refused_with_an_estimate() {
    let text = default_text()
        .replace("batch: 256", "batch: 1000000")
        .replace("path_steps: 32", "path_steps: 4096");
    let e = parse_preset(&text, "huge.ron").unwrap_err();
    assert!(e.message.contains("GiB"), "{e}");
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let e = load_preset(Path::new("no/such/preset.ron")).unwrap_err();
    assert!(e.to_string().contains("no/such/preset.ron"));
}

#[test]
fn the_default_preset_file_is_the_built_in_default() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/gmm40_2d_dbs_rklld.ron");
    let file = load_preset(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file, bridgelab::sim::Preset::default_interactive());
}

#[test]
fn every_shipped_preset_is_built_into_the_lab() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let built_in: Vec<String> = bridgelab::app::gallery::built_in()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(built_in, on_disk);
}

#[test]
fn the_paper_evaluation_uses_its_sample_counts_and_the_instance_of_the_seed() {
    use bridgelab::sim::metrics::SinkhornProtocol;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    let mut gmm = load_preset(&dir.join("paper_gmm40_d50_cmcd_rklld_learned.ron")).unwrap();
    gmm.seed = 4;
    gmm.apply_protocol(SinkhornProtocol::Paper).unwrap();
    assert_eq!(gmm.target.constants_seed, 4, "seed i runs on mixture instance i");
    assert_eq!((gmm.eval.samples, gmm.eval.max_points), (16_000, 16_000));
    assert_eq!(gmm.eval.sinkhorn_protocol, SinkhornProtocol::Paper);
    gmm.seed = 10;
    assert!(
        gmm.apply_protocol(SinkhornProtocol::Paper)
            .unwrap_err()
            .contains("0–9")
    );
    let mut credit = load_preset(&dir.join("paper_credit_d25_cmcd_rklld_learned.ron")).unwrap();
    let instance = credit.target.constants_seed;
    credit.seed = 7;
    credit.apply_protocol(SinkhornProtocol::Paper).unwrap();
    assert_eq!(
        credit.target.constants_seed, instance,
        "posteriors have one instance"
    );
    assert_eq!(credit.eval.samples, 2000);
}

/// The paper's table, row by row (Issue 25, item 1): each row's preset carries the settings of
/// the section of `Configs/Sweeps/BestRunsSweeps/*.md` (sebaleh87/dds_optim) that produced it:
/// name, learned σ (else frozen: their prior_only mode), β (their β_max + 0.001), learning
/// rates (network, SDE, interpolation), prior std (their sigma_init), batch, evaluation
/// samples, the network (PISgradnet for DBS and for CMCD on the mixtures, Vanilla otherwise)
/// and the number of seeds the paper averages (its `--model_seeds`).
type PaperRow = (
    &'static str,
    bool,
    f64,
    f64,
    f64,
    f64,
    f64,
    usize,
    usize,
    Architecture,
    u64,
);
#[rustfmt::skip]
const PAPER_ROWS: [PaperRow; 58] = [
    ("paper_seeds_d26_cmcd_lv_frozen", false, 0.101, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_seeds_d26_cmcd_lv_learned", true, 0.101, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_seeds_d26_cmcd_rklld_frozen", false, 0.101, 0.005, 0.005, 0.001, 1.0, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_seeds_d26_cmcd_rklld_learned", true, 0.101, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_seeds_d26_dbs_lv_frozen", false, 0.101, 0.001, 0.001, 0.0, 0.2, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_seeds_d26_dbs_rklld_learned", true, 0.101, 0.001, 0.001, 0.0, 0.2, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_seeds_d26_cmcd_rklr_frozen", false, 0.101, 0.002, 0.002, 0.001, 1.0, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_seeds_d26_dbs_rklr_frozen", false, 0.101, 0.001, 0.001, 0.0, 1.0, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_sonar_d61_cmcd_lv_frozen", false, 0.101, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_sonar_d61_cmcd_lv_learned", true, 0.101, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_sonar_d61_cmcd_rklld_frozen", false, 0.101, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_sonar_d61_cmcd_rklld_learned", true, 0.101, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_sonar_d61_dbs_lv_frozen", false, 0.101, 0.0005, 0.0005, 0.0, 0.2, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_sonar_d61_dbs_rklld_learned", true, 0.101, 0.001, 0.001, 0.0, 0.2, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_sonar_d61_cmcd_rklr_frozen", false, 0.101, 0.005, 0.005, 0.001, 1.0, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_sonar_d61_dbs_rklr_frozen", false, 0.101, 0.001, 0.001, 0.0, 1.0, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_credit_d25_cmcd_lv_frozen", false, 0.011, 0.002, 0.002, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_credit_d25_cmcd_lv_learned", true, 0.011, 0.002, 0.002, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_credit_d25_cmcd_rklld_frozen", false, 0.011, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_credit_d25_cmcd_rklld_learned", true, 0.011, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_credit_d25_dbs_lv_frozen", false, 0.011, 0.0001, 0.0001, 0.0, 0.2, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_credit_d25_dbs_rklld_learned", true, 0.011, 0.001, 0.001, 0.0, 0.2, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_credit_d25_cmcd_rklr_frozen", false, 0.011, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_credit_d25_dbs_rklr_frozen", false, 0.051, 0.001, 0.001, 0.0, 1.0, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_brownian_d32_cmcd_lv_frozen", false, 0.051, 0.002, 0.002, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_brownian_d32_cmcd_lv_learned", true, 0.051, 0.001, 0.001, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_brownian_d32_cmcd_rklld_frozen", false, 0.051, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_brownian_d32_cmcd_rklld_learned", true, 0.101, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_brownian_d32_dbs_lv_frozen", false, 0.051, 0.0001, 0.0001, 0.0, 0.2, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_brownian_d32_dbs_rklld_learned", true, 0.051, 0.001, 0.001, 0.0, 0.2, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_brownian_d32_cmcd_rklr_frozen", false, 0.051, 0.005, 0.005, 0.001, 0.5, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_brownian_d32_dbs_rklr_frozen", false, 0.051, 0.001, 0.001, 0.0, 0.2, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_lgcp_d1600_cmcd_lv_frozen", false, 0.101, 0.005, 0.005, 0.001, 1.0, 300, 2000, Architecture::Vanilla, 3),
    ("paper_lgcp_d1600_cmcd_lv_learned", true, 0.101, 0.005, 0.005, 0.001, 1.0, 300, 2000, Architecture::Vanilla, 3),
    ("paper_lgcp_d1600_cmcd_rklld_frozen", false, 0.301, 0.005, 0.005, 0.001, 1.0, 300, 2000, Architecture::Vanilla, 3),
    ("paper_lgcp_d1600_cmcd_rklld_learned", true, 0.301, 0.005, 0.005, 0.001, 1.0, 300, 2000, Architecture::Vanilla, 3),
    ("paper_lgcp_d1600_dbs_lv_frozen", false, 0.301, 0.001, 0.001, 0.0, 1.0, 300, 2000, Architecture::PisGradNet, 3),
    ("paper_lgcp_d1600_dbs_rklld_learned", true, 0.301, 0.0001, 0.0001, 0.0, 1.0, 300, 2000, Architecture::PisGradNet, 3),
    ("paper_lgcp_d1600_cmcd_rklr_frozen", false, 0.301, 0.005, 0.005, 0.001, 1.0, 300, 2000, Architecture::Vanilla, 3),
    ("paper_lgcp_d1600_dbs_rklr_frozen", false, 0.101, 0.0005, 0.0005, 0.0, 1.0, 300, 2000, Architecture::PisGradNet, 3),
    ("paper_funnel_d10_cmcd_lv_frozen", false, 0.301, 0.002, 0.002, 0.001, 1.0, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_funnel_d10_cmcd_rklld_learned", true, 0.301, 0.005, 0.005, 0.001, 1.0, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_funnel_d10_dbs_lv_frozen", false, 0.101, 0.0001, 0.0001, 0.0, 1.0, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_funnel_d10_dbs_rklld_learned", true, 0.301, 0.0005, 0.0005, 0.0, 1.0, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_funnel_d10_cmcd_rklr_frozen", false, 0.301, 0.001, 0.001, 0.001, 1.0, 2000, 2000, Architecture::Vanilla, 3),
    ("paper_funnel_d10_dbs_rklr_frozen", false, 0.301, 0.0005, 0.0005, 0.0, 1.0, 2000, 2000, Architecture::PisGradNet, 3),
    ("paper_gmm40_d50_cmcd_lv_frozen", false, 1.501, 5e-05, 5e-05, 0.01, 80.0, 2000, 16000, Architecture::PisGradNet, 7),
    ("paper_gmm40_d50_cmcd_rklld_learned", true, 1.001, 1e-05, 1e-05, 0.001, 80.0, 2000, 16000, Architecture::PisGradNet, 7),
    ("paper_gmm40_d50_dbs_lv_frozen", false, 1.501, 1e-05, 1e-05, 0.0, 80.0, 2000, 16000, Architecture::PisGradNet, 7),
    ("paper_gmm40_d50_dbs_rklld_learned", true, 1.501, 1e-05, 1e-05, 0.0, 80.0, 2000, 16000, Architecture::PisGradNet, 7),
    ("paper_gmm40_d50_cmcd_rklr_frozen", false, 1.001, 1e-05, 1e-05, 0.01, 80.0, 2000, 16000, Architecture::PisGradNet, 3),
    ("paper_gmm40_d50_dbs_rklr_frozen", false, 1.501, 1e-05, 1e-05, 0.0, 80.0, 2000, 16000, Architecture::PisGradNet, 3),
    ("paper_mos10_d50_cmcd_lv_frozen", false, 1.501, 5e-05, 5e-05, 0.01, 15.0, 2000, 16000, Architecture::PisGradNet, 7),
    ("paper_mos10_d50_cmcd_rklld_learned", true, 1.001, 1e-05, 1e-05, 0.01, 15.0, 2000, 16000, Architecture::PisGradNet, 7),
    ("paper_mos10_d50_dbs_lv_frozen", false, 1.501, 0.0001, 0.0001, 0.0, 15.0, 2000, 16000, Architecture::PisGradNet, 7),
    ("paper_mos10_d50_dbs_rklld_learned", true, 1.001, 5e-06, 5e-06, 0.0, 15.0, 2000, 16000, Architecture::PisGradNet, 7),
    ("paper_mos10_d50_cmcd_rklr_frozen", false, 1.001, 0.0001, 0.0001, 0.01, 15.0, 2000, 16000, Architecture::PisGradNet, 3),
    ("paper_mos10_d50_dbs_rklr_frozen", false, 1.501, 1e-05, 1e-05, 0.0, 15.0, 2000, 16000, Architecture::PisGradNet, 3),
];

#[test]
fn paper_row_presets_carry_the_settings_of_the_sections_that_produced_them() {
    use bridgelab::sim::metrics::SinkhornProtocol;
    use bridgelab::sim::preset::DivergencePolicy;
    use bridgelab::sim::{BridgeKind, DiffusionMode};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    for (name, learned, beta, network, sde, interpolation, prior_std, batch, samples, architecture, seeds) in
        PAPER_ROWS
    {
        let p = load_preset(&dir.join(format!("{name}.ron"))).unwrap();
        let diffusion = if learned {
            DiffusionMode::Learned
        } else {
            DiffusionMode::Frozen
        };
        assert_eq!(p.diffusion, diffusion, "{name}");
        assert!(
            name.ends_with(if learned { "_learned" } else { "_frozen" }),
            "{name}: the name says how σ is trained"
        );
        let bridge = if name.contains("_dbs_") {
            BridgeKind::Dbs
        } else {
            BridgeKind::Cmcd
        };
        assert_eq!(p.bridge, bridge, "{name}");
        assert!((p.beta - beta).abs() < 1e-9, "{name}: β {} vs {beta}", p.beta);
        assert_eq!(
            (p.lr.network, p.lr.sde, p.lr.interpolation),
            (network, sde, interpolation),
            "{name}"
        );
        assert_eq!(
            (p.batch, p.path_steps, p.hidden, p.train_steps),
            (batch, 128, 64, 40_000),
            "{name}"
        );
        assert_eq!(p.prior_std, prior_std, "{name}");
        assert_eq!(
            (p.eval.samples, p.eval.sinkhorn_protocol),
            (samples, SinkhornProtocol::Paper),
            "{name}"
        );
        assert_eq!(p.architecture, architecture, "{name}");
        assert!(
            p.paper_code.last_step_prior_weight && p.paper_code.full_stop_gradient,
            "{name}: the paper's code behaviours are on"
        );
        assert_eq!(p.paper_code.frozen_sigma_in_clip, !learned, "{name}");
        assert_eq!(p.on_divergence, DivergencePolicy::ZeroNonFinite, "{name}");
        assert_eq!(
            p.log_every, 10,
            "{name}: every epoch is logged for the paper's reporting"
        );
        assert!(
            p.description.contains(&format!("averages {seeds} seeds")),
            "{name}: the description says how many seeds the paper averages"
        );
    }
    // Every `paper_` preset is a row of the table, and the table names no missing file.
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.starts_with("paper_"))
        .collect();
    on_disk.sort();
    let mut rows: Vec<String> = PAPER_ROWS.iter().map(|r| r.0.to_string()).collect();
    rows.sort();
    assert_eq!(on_disk, rows);
}

/// Issue 14, item 6: a FIFO, a device and an oversized file are refused at once with a
/// message, instead of blocking or reading until memory runs out.
#[test]
fn only_regular_files_of_a_presets_size_are_read() {
    let dir = std::env::temp_dir().join(format!("bridgelab-presets-{}-odd", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("fifo.ron");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo is part of coreutils");
    let e = load_preset(&fifo).unwrap_err().to_string();
    assert!(e.contains("fifo.ron") && e.contains("not a regular file"), "{e}");
    let e = load_preset(Path::new("/dev/zero")).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    let link = dir.join("zero.ron");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let e = load_preset(&link).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    let big = dir.join("big.ron");
    std::fs::write(&big, vec![b' '; 2 << 20]).unwrap();
    let e = load_preset(&big).unwrap_err().to_string();
    assert!(e.contains("a preset is at most 1048576 bytes"), "{e}");
}

/// Issue 15 item 4: a drawn target is saved in presets and validated like every other field.
#[test]
fn a_drawn_target_round_trips_and_its_components_are_validated() {
    use bridgelab::sim::preset::{Component, TargetKind};
    let mut p = bridgelab::sim::Preset::default_interactive();
    p.suit_target(TargetKind::Custom, 2);
    assert_eq!(p.target.components, Component::starting_drawing());
    let text = preset_to_ron(&p);
    assert!(
        text.contains("kind: Custom") && text.contains("components:"),
        "{text}"
    );
    assert_eq!(parse_preset(&text, "drawn.ron").unwrap(), p);

    let cases = [
        ("std: 0.7", "std: 0.0", "component 2: std must be between"),
        (
            "weight: 1.5",
            "weight: -1.0",
            "component 3: weight must be above 0",
        ),
        (
            "mean: (-5.0, -3.0)",
            "mean: (-5.0, inf)",
            "component 1: mean must be finite",
        ),
    ];
    for (from, to, message) in cases {
        let broken = text.replace(from, to);
        assert_ne!(broken, text, "{from} not found in {text}");
        let e = parse_preset(&broken, "drawn.ron").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("target.components"), "{e}");
        assert!(e.message.contains(message), "{e}");
    }
    let empty = parse_preset(&p_text_without_components(&text), "drawn.ron").unwrap_err();
    assert!(empty.message.contains("1 to 40 components"), "{empty}");

    let mut gmm = bridgelab::sim::Preset::default_interactive();
    gmm.target.components = Component::starting_drawing();
    let e = parse_preset(&preset_to_ron(&gmm), "gmm.ron").unwrap_err();
    assert!(e.message.contains("only a drawn target"), "{e}");
}

/// The preset text with its `components: [...]` list emptied.
fn p_text_without_components(text: &str) -> String {
    let start = text.find("components: [").expect("a component list") + "components: [".len();
    let end = start + text[start..].find("\n        ],").expect("the list's end");
    format!("{}{}", &text[..start], &text[end..])
}

/// Issue 26, item 3: version 2 named the bridge's N `path_steps`; a version-1 preset, which
/// calls it `steps`, still loads, as version 2, and is written back in the new names.
#[test]
fn version_one_presets_load_with_their_steps_as_path_steps() {
    let current = preset_to_ron(&bridgelab::sim::Preset::default_interactive());
    assert!(
        current.contains("version: 2") && current.contains("path_steps: 32"),
        "{current}"
    );
    let old = current
        .replace("version: 2", "version: 1")
        .replace("path_steps: 32", "steps: 32");
    let read = parse_preset(&old, "old.ron").unwrap();
    assert_eq!(read.version, 2);
    assert_eq!(read, bridgelab::sim::Preset::default_interactive());
    assert_eq!(preset_to_ron(&read), current);
    let future = current.replace("version: 2", "version: 3");
    let e = parse_preset(&future, "new.ron").unwrap_err();
    assert!(e.message.contains("versions 1 to 2"), "{e}");
}
