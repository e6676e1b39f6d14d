//! The command-line runner, end to end through the real binary.

use crate::common;
use crate::common::{bin, scratch};

use std::path::{Path, PathBuf};
use std::process::Command;

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the binary runs");
    assert!(
        out.status.success(),
        "{:?} failed: {}\n{}",
        cmd,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn density_prints_log_density_and_score_per_row() {
    let dir = scratch("density");
    let points = dir.join("points.csv");
    std::fs::write(&points, "x1,x2\n0,0\n1.5,-2\n").unwrap();
    let out = run_ok(bin().args(["density", "gmm40"]).arg(&points).arg("--score"));
    let rows: Vec<Vec<f64>> = out
        .lines()
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].len(), 3, "log density and two score entries");
    assert!((rows[0][0] - -9.628427).abs() < 1e-4, "{out}");
}

#[test]
fn density_rejects_unknown_targets_and_ragged_rows() {
    let dir = scratch("density-bad");
    let points = dir.join("points.csv");
    std::fs::write(&points, "0,0\n1,2,3\n").unwrap();
    let out = bin().args(["density", "gmm40"]).arg(&points).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("points.csv:2:"));
    let out = bin().args(["density", "nonesuch"]).arg(&points).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown target"));
}

/// Issue 28 item 6: a point far from the target never prints NaN: within the engine's reach
/// its figures are numbers, beyond it the row is refused by line and column.
#[test]
fn density_is_a_number_or_a_refusal_far_from_the_target() {
    let dir = scratch("density-far");
    let points = dir.join("far.csv");
    for (target, near, far) in [
        ("gmm40", "1e17,0\n0,0\n", "0,0\n1e30,1e30\n"),
        (
            "funnel",
            "30,1e10,0,0,0,0,0,0,0,0\n",
            "0,0,0,0,0,0,0,0,0,0\n1e30,0,0,0,0,0,0,0,0,0\n",
        ),
    ] {
        std::fs::write(&points, near).unwrap();
        let out = run_ok(bin().args(["density", target]).arg(&points).arg("--score"));
        assert!(!out.to_lowercase().contains("nan"), "{target}: {out}");
        std::fs::write(&points, far).unwrap();
        let out = bin().args(["density", target]).arg(&points).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("far.csv:2: column 1"),
            "{target}: {err}"
        );
        assert!(
            !String::from_utf8_lossy(&out.stdout)
                .to_lowercase()
                .contains("nan")
        );
    }
}

/// Issue 28 item 7: one output folder, one writer: a second run pointed at a folder another is
/// writing to is refused with the holder's process id, and the folder is free again once the
/// holder is killed (the system releases the lock with the process).
#[test]
fn a_second_run_in_a_folder_another_writes_is_refused_until_the_first_is_gone() {
    let dir = scratch("one-writer");
    let preset = tiny_preset(&dir);
    let out = dir.join("run");
    let mut first = bin()
        .args(["train"])
        .arg(&preset)
        .args(["--steps", "1000000", "--quiet", "--out"])
        .arg(&out)
        .spawn()
        .unwrap();
    let lock = out.join(".bridgelab.lock");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::read_to_string(&lock).map_or(true, |s| s.trim() != first.id().to_string()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the first run never took the folder"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let second = bin()
        .args(["train"])
        .arg(&preset)
        .args(["--steps", "2", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "another bridgelab run is writing to {} (process {})",
            out.display(),
            first.id()
        )),
        "{err}"
    );
    first.kill().unwrap();
    first.wait().unwrap();
    run_ok(
        bin()
            .args(["train"])
            .arg(&preset)
            .args(["--steps", "2", "--quiet", "--out"])
            .arg(&out),
    );
    assert!(out.join("eval.json").exists());
}

fn tiny_preset(dir: &Path) -> PathBuf {
    let path = dir.join("tiny.ron");
    std::fs::write(&path, common::quick_preset_text("RklLd", 3, 20, 5, 64)).unwrap();
    path
}

#[test]
fn train_writes_every_output_and_eval_reads_the_checkpoint() {
    let dir = scratch("train");
    let preset = tiny_preset(&dir);
    let out = dir.join("run");
    run_ok(
        bin()
            .arg("train")
            .arg(&preset)
            .args(["--steps", "10", "--out"])
            .arg(&out)
            .arg("--quiet"),
    );

    let csv = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "step,loss,elbo,log_z_hat,ess,eubo,lr,wall_seconds,epoch_elbo,epoch_log_z_hat,skipped"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let steps: Vec<usize> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(steps, vec![1, 5, 10]);
    // Step 10 ends the first epoch of the paper's reporting: its means are on that row alone.
    assert!(rows[0][8].is_empty() && rows[1][8].is_empty());
    let epoch_elbo: f64 = rows[2][8].parse().unwrap();
    assert!(epoch_elbo.is_finite() && rows[2][9].parse::<f64>().unwrap().is_finite());

    let eval: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("eval.json")).unwrap()).unwrap();
    assert_eq!(eval["step"], 10);
    assert!(eval["weights"]["elbo"].as_f64().unwrap().is_finite());
    assert_eq!(eval["modes"]["total"], 40);

    let npy = std::fs::read(out.join("samples.npy")).unwrap();
    assert_eq!(&npy[..6], b"\x93NUMPY");
    let header = String::from_utf8_lossy(&npy[10..128]);
    assert!(
        header.contains("'descr': '<f4'") && header.contains("'shape': (64, 2"),
        "{header}"
    );

    let resolved = bridgelab::sim::preset::file::load_preset(&out.join("preset.ron")).unwrap();
    assert_eq!(resolved.train_steps, 10);

    let json = run_ok(
        bin()
            .arg("eval")
            .arg(out.join("checkpoint.json"))
            .args(["--samples", "50", "--json"]),
    );
    let again: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(again["step"], 10);
    assert_eq!(again["samples"], 50);
}

#[test]
fn a_malformed_preset_fails_with_file_line_and_field() {
    let dir = scratch("malformed");
    let path = dir.join("broken.ron");
    let text = std::fs::read_to_string(tiny_preset(&dir))
        .unwrap()
        .replace("batch: 32", "batch: -4");
    let line = text.lines().position(|l| l.contains("batch: -4")).unwrap() + 1;
    std::fs::write(&path, text).unwrap();
    let out = bin().arg("train").arg(&path).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("broken.ron:{line}:")), "{err}");
    assert!(err.contains("batch"), "{err}");
}

#[test]
fn compare_trains_both_runs_and_reports_them_side_by_side() {
    let dir = scratch("compare");
    let plain = tiny_preset(&dir);
    let text = std::fs::read_to_string(&plain)
        .unwrap()
        .trim_end()
        .trim_end_matches(')')
        .to_string()
        + "    compare: Some((loss: Some(Lv), beta: Some(0.5))),\n)\n";
    let path = dir.join("compare.ron");
    std::fs::write(&path, text).unwrap();

    let json = run_ok(
        bin()
            .arg("compare")
            .arg(&path)
            .args(["--steps", "10", "--every", "5", "--json"]),
    );
    let c: serde_json::Value = serde_json::from_str(&json).unwrap();
    let runs = c["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert!(
        runs[0]["title"]
            .as_str()
            .unwrap()
            .contains("rKL-LD · diffusion learned · β 1")
    );
    assert!(
        runs[1]["title"]
            .as_str()
            .unwrap()
            .contains("LV · diffusion learned · β 0.5")
    );
    for r in runs {
        let steps: Vec<u64> = r["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["step"].as_u64().unwrap())
            .collect();
        assert_eq!(steps, [5, 10]);
        assert_eq!(r["evaluation"]["step"], 10);
    }
    assert!(c["largest_elbo_gap"].as_f64().unwrap() > 0.0);

    let text = run_ok(
        bin()
            .arg("compare")
            .arg(&path)
            .args(["--steps", "4", "--every", "2"]),
    );
    assert!(
        text.contains("final evaluation") && text.contains("modes"),
        "{text}"
    );

    let out = bin().arg("compare").arg(&plain).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `compare` section"));
}

#[test]
fn bench_times_a_case_and_splits_its_step() {
    let json = run_ok(bin().args([
        "bench",
        "--config",
        "interactive",
        "--bridge",
        "cmcd",
        "--loss",
        "lv",
        "--steps",
        "1",
        "--device",
        "cpu",
        "--json",
    ]));
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(
        (r["config"].as_str(), r["bridge"].as_str(), r["loss"].as_str()),
        (Some("interactive"), Some("CMCD"), Some("LV"))
    );
    let total = r["seconds_per_step"].as_f64().unwrap();
    let parts: f64 = ["simulate", "loss_backward", "optimizer"]
        .iter()
        .map(|k| r[k].as_f64().unwrap())
        .sum();
    assert!(
        total > 0.0 && (parts - total).abs() < 1e-9,
        "the phases add up to the step: {r}"
    );
    assert!(r["gflops"].as_f64().unwrap() > 0.0);
    assert!(
        r["peak_rss_mib"].as_f64().unwrap() > 1.0,
        "the case's own peak memory: {r}"
    );
    // Issue 17 item 3: the machine's measured FP32 peak and the batched pass's rate beside it.
    let peak = r["peak_gflops"].as_f64().unwrap();
    let batched = r["batched_gflops"].as_f64().unwrap();
    assert!(
        peak > r["gflops"].as_f64().unwrap() && batched > 0.0 && batched < peak,
        "{r}"
    );
    let table = run_ok(bin().args([
        "bench",
        "--config",
        "interactive",
        "--bridge",
        "dbs",
        "--loss",
        "rkl-r",
        "--steps",
        "1",
        "--device",
        "cpu",
    ]));
    assert!(
        table.contains("machine FP32 peak:") && table.contains("of peak"),
        "{table}"
    );
}

#[test]
fn table_runs_presets_over_seeds_and_marks_the_best_of_each_target() {
    let dir = scratch("table");
    let a = tiny_preset(&dir);
    let b = dir.join("tiny_lv.ron");
    std::fs::write(
        &b,
        std::fs::read_to_string(&a)
            .unwrap()
            .replace("loss: RklLd", "loss: Lv"),
    )
    .unwrap();
    let out = dir.join("table");
    let printed = run_ok(
        bin()
            .arg("table")
            .arg(&a)
            .arg(&b)
            .args(["--seeds", "2", "--steps", "3", "--jobs", "2", "--out"])
            .arg(&out),
    );
    let md = std::fs::read_to_string(out.join("table.md")).unwrap();
    assert!(
        printed.contains(md.lines().nth(2).unwrap()),
        "the table is printed too"
    );
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| tiny")).collect();
    assert_eq!(rows.len(), 2, "{md}");
    assert!(
        rows.iter().all(|r| r.contains(" ± ") && r.contains("| 2/2 |")),
        "{md}"
    );
    assert!(md.contains("**"), "the best of the target is marked: {md}");
    let csv = std::fs::read_to_string(out.join("table.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.starts_with("preset,target,elbo_mean,elbo_se,elbo_best"));
    for seed in 0..2 {
        assert!(out.join(format!("runs/tiny-seed{seed}/eval.json")).exists());
    }
    assert!(
        md.contains("- tiny: instance 0 for every seed; Sinkhorn: converged protocol, ε = 1.000e-2, squared Euclidean cost, debiased, 64 points, 2/2 converged"),
        "each row says how its Sinkhorn was computed and which instances ran: {md}"
    );
}

/// Writes `values` (n × d, row-major) as a float32 .npy file.
fn write_npy(path: &Path, values: &[f32], d: usize) {
    bridgelab::export::write_samples_npy(path, values, d).unwrap();
}

#[test]
fn distance_scores_two_sample_files_with_the_labs_metric() {
    let dir = scratch("distance");
    let x: Vec<f32> = (0..200)
        .map(|i| (i % 10) as f32 * 0.7 + (i / 10) as f32 * 0.01)
        .collect();
    let shifted: Vec<f32> = x
        .iter()
        .enumerate()
        .map(|(k, v)| v + if k % 2 == 0 { 3.0 } else { -4.0 })
        .collect();
    let (a, b) = (dir.join("a.npy"), dir.join("b.npy"));
    write_npy(&a, &x, 2);
    write_npy(&b, &shifted, 2);
    let out = run_ok(bin().arg("distance").arg(&a).arg(&b).arg("--json"));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // A translation by t costs exactly ‖t‖² = 25.
    let s = v["sinkhorn"]["value"].as_f64().unwrap();
    assert!((s - 25.0).abs() < 1e-2, "{out}");
    assert_eq!(v["sinkhorn"]["protocol"], "Converged");
    assert_eq!(v["sinkhorn"]["converged"], true);
    assert_eq!(v["mmd_points"], 100);
    let text = run_ok(
        bin()
            .arg("distance")
            .arg(&a)
            .arg(&b)
            .args(["--protocol", "paper"]),
    );
    assert!(
        text.contains("paper protocol: ε = ") && text.contains("100 points"),
        "{text}"
    );
    // Mismatched widths and conflicting options are refused with a reason.
    let c = dir.join("c.npy");
    write_npy(&c, &x, 4);
    let out = bin().arg("distance").arg(&a).arg(&c).output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("has 2 columns"),
        "{out:?}"
    );
    let out = bin()
        .arg("distance")
        .arg(&a)
        .arg(&b)
        .args(["--protocol", "paper", "--eps", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("sets its own ε"),
        "{out:?}"
    );
}

#[test]
fn a_missing_data_file_is_named_and_the_exit_code_says_failure() {
    let dir = scratch("no-data");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = bin()
        .args([
            "train",
            "presets/short_sonar_d61_cmcd_lv.ron",
            "--steps",
            "1",
            "--data-dir",
        ])
        .arg(&empty)
        .arg("--out")
        .arg(dir.join("run"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sonar.csv") && err.contains("--data-dir"), "{err}");

    let out = bin()
        .args(["density", "gmm40", "x.csv", "--data-dir"])
        .arg(dir.join("not-there"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not-there"));
}

#[test]
fn the_data_directory_comes_from_the_environment_too() {
    let dir = scratch("env-data");
    let points = dir.join("zero.csv");
    std::fs::write(&points, vec!["0"; 26].join(",") + "\n").unwrap();
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let text = run_ok(
        bin()
            .current_dir(&dir)
            .env("BRIDGELAB_DATA", &data)
            .args(["density", "seeds"])
            .arg(&points),
    );
    let value: f64 = text.trim().parse().unwrap();
    assert!((value - -124.671090).abs() < 1e-3, "{text}");
}

#[test]
fn bench_times_any_preset_with_its_own_bridge_and_loss() {
    let dir = scratch("bench-preset");
    let preset = tiny_preset(&dir);
    let json = run_ok(
        bin()
            .args(["bench", "--steps", "1", "--device", "cpu", "--json", "--preset"])
            .arg(&preset),
    );
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let r = &rows.as_array().unwrap()[0];
    assert_eq!(
        (r["config"].as_str(), r["bridge"].as_str(), r["loss"].as_str()),
        (Some("tiny"), Some("CMCD"), Some("rKL-LD"))
    );
    assert!(r["seconds_per_step"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_run_stopped_and_resumed_from_the_command_line_matches_an_uninterrupted_one() {
    let dir = scratch("resume");
    let preset = tiny_preset(&dir);
    let (straight, first, resumed) = (dir.join("straight"), dir.join("first"), dir.join("resumed"));
    run_ok(
        bin()
            .arg("train")
            .arg(&preset)
            .arg("-q")
            .arg("--out")
            .arg(&straight),
    );
    run_ok(
        bin()
            .arg("train")
            .arg(&preset)
            .args(["-q", "--until", "10", "--out"])
            .arg(&first),
    );
    let partial = std::fs::read_to_string(first.join("metrics.csv")).unwrap();
    assert_eq!(partial.lines().last().unwrap().split(',').next(), Some("10"));
    run_ok(
        bin()
            .arg("train")
            .arg(&preset)
            .arg("-q")
            .arg("--resume")
            .arg(first.join("checkpoint.json"))
            .arg("--out")
            .arg(&resumed),
    );
    // Same steps, losses and weights; only the wall-clock column may differ.
    let columns = |dir: &Path| -> Vec<String> {
        std::fs::read_to_string(dir.join("metrics.csv"))
            .unwrap()
            .lines()
            .map(|l| l.split(',').take(7).collect::<Vec<_>>().join(","))
            .collect()
    };
    assert_eq!(columns(&straight), columns(&resumed));
    assert_eq!(columns(&straight).len(), 1 + 5, "steps 1, 5, 10, 15, 20");
}

#[test]
fn a_bare_directory_needs_no_data_and_no_preset_files() {
    let dir = scratch("bare");
    for (preset, steps) in [
        ("presets/gmm40_2d_dbs_rklld.ron", "3"),
        ("short_sonar_d61_cmcd_rklld", "1"),
    ] {
        let out = dir.join(preset.replace('/', "-"));
        run_ok(
            bin()
                .current_dir(&dir)
                .env_remove("BRIDGELAB_DATA")
                .args(["train", preset, "--steps", steps, "--quiet", "--out"])
                .arg(&out),
        );
        let eval: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("eval.json")).unwrap()).unwrap();
        assert!(
            eval["weights"]["elbo"].as_f64().is_some_and(f64::is_finite),
            "{preset}: {eval}"
        );
    }
    let listing = run_ok(bin().current_dir(&dir).arg("presets"));
    assert_eq!(
        listing.lines().filter(|l| l.contains(".ron")).count(),
        bridgelab::presets::BUILT_IN.len(),
        "{listing}"
    );
    assert!(listing.contains("lesson_a_mode_collapse.ron"), "{listing}");
}

#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    use std::process::Stdio;
    let mut child = bin()
        .arg("presets")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the listing starts: every write meets a closed pipe, as
    // under `bridgelab presets | true`.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "stderr: {stderr}");
    assert_ne!(out.status.code(), Some(101), "a panic exits with 101");
}

/// Issue 14, item 1: a run under `on_divergence: Skip` whose skipped steps have a NaN loss
/// writes files that read back: `eval` and `--resume` take its checkpoint, `table` its
/// eval.json.
#[test]
fn the_files_of_a_run_with_skipped_steps_read_back() {
    let dir = scratch("skipped");
    let preset = dir.join("skipping.ron");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/diverging_lv_learned_large_lr.ron"),
    )
    .unwrap()
    .replace("sde: 50.0", "sde: 1000000.0")
    .replace("train_steps: 200", "train_steps: 20")
    .replace("log_every: 10", "log_every: 1")
    .replace("    device: Cpu,", "    device: Cpu,\n    on_divergence: Skip,");
    std::fs::write(&preset, text).unwrap();
    let out = dir.join("run");
    run_ok(
        bin()
            .arg("train")
            .arg(&preset)
            .arg("--quiet")
            .arg("--out")
            .arg(&out),
    );
    let metrics = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l.contains(",NaN,") && l.ends_with("the loss")),
        "the check needs a skipped step with a NaN loss: {metrics}"
    );
    let checkpoint = std::fs::read_to_string(out.join("checkpoint.json")).unwrap();
    assert!(
        checkpoint.contains(r#""loss":"NaN""#),
        "non-finite values are written explicitly"
    );
    run_ok(bin().arg("eval").arg(out.join("checkpoint.json")));
    run_ok(
        bin()
            .arg("train")
            .arg(&preset)
            .args(["--quiet", "--steps", "25", "--resume"])
            .arg(out.join("checkpoint.json"))
            .arg("--out")
            .arg(dir.join("resumed")),
    );
    let table = dir.join("table");
    run_ok(
        bin()
            .arg("table")
            .arg(&preset)
            .args(["--seeds", "1", "--jobs", "1", "--out"])
            .arg(&table),
    );
    let md = std::fs::read_to_string(table.join("table.md")).unwrap();
    assert!(!md.contains("failed"), "{md}");
    assert!(md.contains("| 1/1 |"), "{md}");
}

/// Issue 14, items 14 and 15: `presets` fails when a preset does not load (the reason on
/// stderr) and shows a description's control characters escaped; `compare` fails when a run
/// stopped.
#[test]
fn presets_and_compare_exit_with_failure_when_something_failed() {
    let dir = scratch("exit-codes");
    let good = tiny_preset(&dir);
    let text = std::fs::read_to_string(&good).unwrap();
    let description = text
        .lines()
        .find(|l| l.trim_start().starts_with("description:"))
        .unwrap()
        .to_string();
    std::fs::write(
        &good,
        text.replace(&description, "    description: \"red \\u{1b}[31mtext\","),
    )
    .unwrap();
    std::fs::write(dir.join("broken.ron"), "(version: 1, batch: )").unwrap();
    let out = bin().arg("presets").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        stderr.contains("broken.ron") && stderr.contains("1 of 2 presets could not be loaded"),
        "{stderr}"
    );
    assert!(!stdout.contains("broken.ron"), "{stdout}");
    assert!(
        stdout.contains("red \\u{1b}[31mtext") && !stdout.contains('\u{1b}'),
        "{stdout}"
    );

    let diverging = dir.join("diverging_compare.ron");
    std::fs::write(
        &diverging,
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/diverging_lv_learned_large_lr.ron"),
        )
        .unwrap()
        .replace(
            "    device: Cpu,",
            "    device: Cpu,\n    compare: Some((loss: Some(RklLd))),",
        ),
    )
    .unwrap();
    let out = bin().arg("compare").arg(&diverging).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("run 1 stopped"), "{stderr}");
}

/// Issue 14, item 4: presets of the same file name (here one file given twice) get rows and
/// run directories of their own.
#[test]
fn table_gives_presets_of_the_same_name_their_own_rows_and_runs() {
    let dir = scratch("same-name");
    let a = tiny_preset(&dir);
    let out = dir.join("table");
    run_ok(
        bin()
            .arg("table")
            .arg(&a)
            .arg(&a)
            .args(["--seeds", "1", "--steps", "2", "--jobs", "2", "--out"])
            .arg(&out),
    );
    let md = std::fs::read_to_string(out.join("table.md")).unwrap();
    assert!(md.contains("| tiny |") && md.contains("| tiny-2 |"), "{md}");
    for name in ["tiny-seed0", "tiny-2-seed0"] {
        assert!(out.join("runs").join(name).join("eval.json").exists(), "{name}");
    }
}

/// Issue 25, item 4: under the paper protocol a sweep runs seed i on mixture instance i, as
/// `train --protocol paper --seed i` does; the instance was once resolved at plan time only.
#[test]
fn a_paper_protocol_sweep_trains_seed_i_on_mixture_instance_i() {
    use bridgelab::cli::sweep::{manifest, task};
    use bridgelab::sim::Trainer;
    use bridgelab::sim::metrics::SinkhornProtocol;

    let dir = scratch("paper-instances");
    let preset = tiny_preset(&dir);
    let sweep = dir.join("sweep");
    let request = manifest::Request {
        presets: std::slice::from_ref(&preset),
        seeds: 2,
        steps: Some(2),
        protocol: Some(SinkhornProtocol::Paper),
    };
    let (_, tasks) = manifest::plan(&request, &sweep).unwrap();
    assert_eq!(tasks.len(), 2);
    let mut at_origin = Vec::new();
    for (seed, t) in tasks.iter().enumerate() {
        let p = task::preset_of(&sweep, t).unwrap();
        assert_eq!(p.seed, seed as u64);
        assert_eq!(
            p.target.constants_seed, seed as u32,
            "seed {seed} trains instance {seed}"
        );
        let mut trainer = Trainer::new(p, common::cpu()).unwrap();
        trainer.step().unwrap();
        let origin = bridgelab::sim::platform::host::matrix(vec![0.0, 0.0], 1, 2, &common::cpu());
        at_origin.push(bridgelab::sim::platform::host::to_vec(trainer.target().log_density(origin))[0]);
    }
    // The instances' log densities at the origin, as `bridgelab density` gives them.
    for (seed, value) in at_origin.iter().enumerate() {
        let points = dir.join("origin.csv");
        std::fs::write(&points, "0,0\n").unwrap();
        let out = run_ok(
            bin()
                .args(["density", "gmm40", "--constants-seed", &seed.to_string()])
                .arg(&points),
        );
        let expected: f32 = out.trim().parse().unwrap();
        assert!(
            (value - expected).abs() < 1e-4,
            "seed {seed}: {value} against {expected}"
        );
    }
    assert_ne!(at_origin[0], at_origin[1], "two instances, two targets");
}

/// Issue 25, item 2: the same runs under both reportings. The paper's takes each run's
/// per-epoch training means from metrics.csv (the last epoch for a mixture) and says so in the
/// table's first line; ours takes the final evaluation. A log that misses epochs is named.
#[test]
fn a_table_reports_the_final_evaluation_or_the_papers_epochs_and_says_which() {
    let dir = scratch("reporting");
    let preset = dir.join("epochs.ron");
    std::fs::write(&preset, common::quick_preset_text("RklLd", 0, 20, 10, 64)).unwrap();
    let out = dir.join("table");
    let final_md = run_ok(
        bin()
            .arg("table")
            .arg(&preset)
            .args(["--seeds", "2", "--jobs", "2", "--out"])
            .arg(&out),
    );
    assert!(final_md.starts_with("Reporting: final evaluation"), "{final_md}");
    run_ok(
        bin()
            .args(["sweep", "collect"])
            .arg(&out)
            .args(["--report", "paper"]),
    );
    let paper_md = std::fs::read_to_string(out.join("table.md")).unwrap();
    assert!(paper_md.starts_with("Reporting: the paper's"), "{paper_md}");
    // The paper's ELBO of the row is the mean of each run's last epoch.
    let last_epoch = |seed: u64| -> f64 {
        let csv = std::fs::read_to_string(out.join(format!("runs/epochs-seed{seed}/metrics.csv"))).unwrap();
        let row = csv.lines().last().unwrap().split(',').collect::<Vec<_>>();
        assert_eq!(row[0], "20");
        row[8].parse().unwrap()
    };
    let mean = (last_epoch(0) + last_epoch(1)) / 2.0;
    let csv = std::fs::read_to_string(out.join("table.csv")).unwrap();
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let elbo: f64 = row[2].parse().unwrap();
    assert!((elbo - mean).abs() < 1e-9 * mean.abs(), "{elbo} vs {mean}");
    assert!(csv.lines().nth(1).unwrap().ends_with(",paper"), "{csv}");
    // A log of every 5th step is fine; one of every 20th misses epochs and is named.
    let sparse = dir.join("sparse.ron");
    std::fs::write(&sparse, common::quick_preset_text("RklLd", 0, 20, 20, 64)).unwrap();
    let run = dir.join("sparse-run");
    let printed = run_ok(
        bin()
            .arg("train")
            .arg(&sparse)
            .args(["--report", "paper", "--out"])
            .arg(&run),
    );
    assert!(
        printed.contains(
            "not available: the paper's reporting reads every epoch's means, and the log holds 1 of 2"
        ),
        "{printed}"
    );
    // Every evaluation carries the noise floor: two exact draws of the same size.
    let eval: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("eval.json")).unwrap()).unwrap();
    let floor = &eval["noise_floor"];
    assert!(floor["mmd2"].as_f64().unwrap() >= 0.0, "{eval}");
    assert_eq!(floor["sinkhorn"]["samples"], 64);
    assert!(
        printed.contains("between two exact draws of the same size"),
        "{printed}"
    );
}
