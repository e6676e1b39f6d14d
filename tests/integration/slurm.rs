//! A sweep on a real Slurm: submitted as a job array, one task requeued while it trains, and
//! the collected table equal, number for number, to the same plan run here. Skipped with a
//! message where no Slurm is running; `.ci/run` starts one (`.ci/slurm-up`) and requires it.

use crate::common;
use crate::common::bin;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn slurm_is_up() -> bool {
    let up = Command::new("sinfo")
        .args(["-h", "-o", "%T"])
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("idle"));
    if !up {
        assert!(
            std::env::var_os("BRIDGELAB_REQUIRE_SLURM").is_none(),
            "BRIDGELAB_REQUIRE_SLURM is set but no idle Slurm node answers `sinfo`"
        );
        eprintln!("skipped: no Slurm is running here (start one with .ci/slurm-up)");
    }
    up
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Two short GMM-40 presets, differing in their loss.
fn presets(dir: &Path) -> Vec<PathBuf> {
    ["RklLd", "Lv"]
        .iter()
        .map(|loss| {
            let path = dir.join(format!("short_{}.ron", loss.to_lowercase()));
            let text = common::quick_preset_text(loss, 0, 3000, 10, 256);
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

fn last_logged_step(run: &Path) -> usize {
    std::fs::read_to_string(run.join("metrics.csv"))
        .unwrap_or_default()
        .lines()
        .last()
        .and_then(|l| l.split(',').next()?.parse().ok())
        .unwrap_or(0)
}

/// table.csv without the wall-time column, which alone differs between machines and runs.
fn numbers(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("table.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let skip = header.iter().position(|h| *h == "mean_seconds").unwrap();
    text.lines()
        .map(|l| {
            l.split(',')
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, f)| f)
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

#[test]
fn a_sweep_on_slurm_survives_a_requeue_and_collects_the_table_of_the_local_run() {
    if !slurm_is_up() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("bridgelab-slurm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let presets = presets(&dir);
    let plan = |out: &Path| {
        run_ok(
            bin()
                .args(["sweep", "plan"])
                .args(&presets)
                .args(["--seeds", "2", "--out"])
                .arg(out),
        )
    };
    let (on_slurm, here) = (dir.join("slurm"), dir.join("local"));
    plan(&on_slurm);
    let submitted = run_ok(bin().args(["sweep", "slurm"]).arg(&on_slurm).args([
        "--cpus-per-task",
        "1",
        "--mem",
        "1G",
        "--time",
        "00:20:00",
        "--submit",
    ]));
    let job = submitted
        .split("as job ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("no job id in {submitted}"))
        .to_string();
    eprintln!("submitted job {job}");
    // Requeue task 0 once it has trained a while.
    let task0 = on_slurm.join("runs/short_rklld-seed0");
    let started = Instant::now();
    while last_logged_step(&task0) < 200 {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "task 0 did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    run_ok(Command::new("scontrol").args(["requeue", &format!("{job}_0")]));
    let requeued_at = last_logged_step(&task0);
    eprintln!("requeued {job}_0 at logged step {requeued_at}");
    let started = Instant::now();
    loop {
        let queue = run_ok(Command::new("squeue").args(["-h", "-j", &job]));
        if queue.trim().is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "the array did not finish: {queue}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let status = run_ok(bin().args(["sweep", "status"]).arg(&on_slurm));
    eprintln!("{status}");
    assert!(status.contains("4 tasks: 4 done"), "{status}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(task0.join("status.json")).unwrap()).unwrap();
    let attempts = record["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "task 0 ran twice: {record}");
    let resumed = attempts[1]["resumed_from"].as_u64().unwrap() as usize;
    assert!(
        resumed >= requeued_at,
        "resumed from step {resumed}, not from scratch"
    );
    eprintln!("the requeued task resumed from step {resumed}");
    run_ok(bin().args(["sweep", "collect"]).arg(&on_slurm));

    plan(&here);
    run_ok(bin().args(["sweep", "run"]).arg(&here));
    assert_eq!(
        numbers(&on_slurm),
        numbers(&here),
        "the same table, number for number"
    );
}
