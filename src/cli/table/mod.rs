//! `bridgelab table`: trains several presets over several seeds, each run in its own process
//! (so one crash or divergence costs only that run), as many at a time as there are cores,
//! and writes the comparison as Markdown and CSV.

mod summary;

use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::interrupt::{Stopped, Watch};
use crate::presets::load as load_preset;
use crate::sim::metrics::SinkhornProtocol;
use crate::sim::report::Evaluation;
use summary::{Outcome, PresetRuns, RunResult};

#[derive(Args, Debug)]
pub struct TableArgs {
    /// The presets (.ron) to compare.
    #[arg(required = true)]
    pub presets: Vec<PathBuf>,
    /// Seeds per preset: 0, 1, ..., K−1 (at most 1000).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=MAX_SEEDS))]
    pub seeds: u64,
    /// Training steps of every run (overrides the presets' train_steps).
    #[arg(long)]
    pub steps: Option<usize>,
    /// Runs at a time (default: one per core; at most 256).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// End a run that has trained for longer than this many seconds (it saves its checkpoint
    /// first) and count it as failed.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Directory for the table and every run's outputs.
    #[arg(long, default_value = "table")]
    pub out: PathBuf,
    /// Evaluation protocol of every run: `converged` (each preset's own) or `paper` (the
    /// rKL-LD paper's Sinkhorn rule and sample counts, and mixture instance = seed).
    #[arg(long, value_enum)]
    pub protocol: Option<super::ProtocolArg>,
}

const MAX_SEEDS: u64 = 1000;

struct Job {
    preset: usize,
    path: PathBuf,
    seed: u64,
    out: PathBuf,
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or("preset".into(), |s| s.to_string_lossy().into_owned())
}

/// A name per preset: its file stem, with "-2", "-3", … on later presets of the same stem
/// (another directory, or the same file twice), so that no two share a row or a run directory.
fn unique_names(paths: &[PathBuf]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    paths
        .iter()
        .map(|p| {
            let s = stem(p);
            let n = seen.entry(s.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { s } else { format!("{s}-{n}") }
        })
        .collect()
}

pub fn run(args: TableArgs) -> Result<()> {
    if args.steps == Some(0) {
        bail!("--steps must be at least 1");
    }
    // Every preset is read before anything trains, so a typo fails at once.
    let names = unique_names(&args.presets);
    let mut presets = Vec::new();
    let paper = args.protocol == Some(super::ProtocolArg::Paper);
    for path in &args.presets {
        let p = load_preset(path)?;
        let instances = if !p.target.kind.is_mixture() {
            "one instance".to_string()
        } else if paper {
            if args.seeds > 10 {
                bail!(
                    "the paper protocol runs seed i on mixture instance i, and there are 10 instances (0–9)"
                );
            }
            let list: Vec<String> = (0..args.seeds).map(|s| s.to_string()).collect();
            format!("instances {} (seed i on instance i)", list.join(", "))
        } else {
            format!("instance {} for every seed", p.target.constants_seed)
        };
        presets.push(PresetRuns {
            name: names[presets.len()].clone(),
            group: format!("{} d={}", p.target.kind.label(), p.target.dim),
            instances,
            runs: Vec::new(),
        });
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = args.jobs.map_or(cores, usize::from).max(1);
    let threads_per_run = (cores / jobs).max(1);
    let queue: VecDeque<Job> = args
        .presets
        .iter()
        .enumerate()
        .flat_map(|(i, path)| (0..args.seeds).map(move |seed| (i, path, seed)))
        .map(|(i, path, seed)| Job {
            preset: i,
            path: path.clone(),
            seed,
            out: args.out.join("runs").join(format!("{}-seed{seed}", names[i])),
        })
        .collect();
    let total = queue.len();
    let queue = Mutex::new(queue);
    let results = Mutex::new(Vec::new());
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} runs  elapsed {elapsed}  eta {eta}  {msg}")
            .expect("a valid progress template"),
    );
    bar.tick();
    let started = Instant::now();
    let watch = Watch::start();
    let limits = Limits {
        timeout: args.timeout.map(Duration::from_secs),
        watch: &watch,
    };
    std::thread::scope(|s| {
        for _ in 0..jobs.min(total) {
            s.spawn(|| {
                loop {
                    if watch.received().is_some() {
                        break;
                    }
                    let Some(job) = queue.lock().expect("queue").pop_front() else {
                        break;
                    };
                    let result = run_child(&job, args.steps, args.protocol, threads_per_run, &limits);
                    if let Outcome::Diverged(m) | Outcome::Failed(m) = &result.outcome {
                        bar.println(format!("{} seed {}: {m}", names[job.preset], job.seed));
                    }
                    results.lock().expect("results").push((job.preset, result));
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();
    for (i, r) in results.into_inner().expect("results") {
        presets[i].runs.push(r);
    }
    for p in &mut presets {
        p.runs.sort_by_key(|r| r.seed);
    }
    let rows = summary::rows(&presets);
    let md = summary::markdown(&rows);
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    crate::export::write_atomically(&args.out.join("table.md"), md.as_bytes())?;
    crate::export::write_atomically(&args.out.join("table.csv"), summary::csv(&rows).as_bytes())?;
    if let Some(by) = watch.received() {
        let left = queue.into_inner().expect("queue").len();
        return Err(Stopped {
            by,
            message: format!(
                "stopped by {}: the table of the runs so far is in {}; {left} runs did not start, and \
                 stopped runs saved their checkpoints in their directories",
                by.name(),
                args.out.display()
            ),
        }
        .into());
    }
    println!("{md}");
    println!(
        "{total} runs ({jobs} at a time) in {:.1} s; table.md, table.csv and every run's outputs are in {}",
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

/// What ends a child run early: the table's time limit per run, or a stop signal to the table.
struct Limits<'a> {
    timeout: Option<Duration>,
    watch: &'a Watch,
}

/// Trains one (preset, seed) with `bridgelab train` in a child process and reads its result.
fn run_child(
    job: &Job,
    steps: Option<usize>,
    protocol: Option<super::ProtocolArg>,
    threads: usize,
    limits: &Limits,
) -> RunResult {
    let started = Instant::now();
    let outcome = child_outcome(job, steps, protocol, threads, limits)
        .unwrap_or_else(|e| Outcome::Failed(format!("{e:#}")));
    RunResult {
        seed: job.seed,
        seconds: started.elapsed().as_secs_f64(),
        outcome,
    }
}

/// A child asked to stop gets this long to save its checkpoint before it is killed.
const GRACE: Duration = Duration::from_secs(30);

/// The last non-empty line of a child's error output, without the program's name.
fn last_line(stderr: &str) -> String {
    let line = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message")
        .trim();
    line.strip_prefix("bridgelab: ").unwrap_or(line).to_string()
}

fn child_outcome(
    job: &Job,
    steps: Option<usize>,
    protocol: Option<super::ProtocolArg>,
    threads: usize,
    limits: &Limits,
) -> Result<Outcome> {
    let exe = std::env::current_exe().context("cannot find this program to run a child")?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("train")
        .arg(&job.path)
        .args(["--seed", &job.seed.to_string(), "--quiet", "--out"])
        .arg(&job.out)
        .env("BRIDGELAB_CORES", threads.to_string())
        .env("RAYON_NUM_THREADS", threads.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(n) = steps {
        cmd.args(["--steps", &n.to_string()]);
    }
    if let Some(p) = protocol {
        cmd.args(["--protocol", SinkhornProtocol::from(p).name()]);
    }
    super::pass_data_dir(&mut cmd);
    end_with_parent(&mut cmd);
    let mut child = cmd.spawn().context("running a child")?;
    let stderr = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    });
    let started = Instant::now();
    let mut asked_to_stop: Option<(Instant, String)> = None;
    let status = loop {
        if let Some(status) = child.try_wait().context("waiting for a child")? {
            break status;
        }
        let why = if let Some(by) = limits.watch.received() {
            Some(format!("stopped by {}", by.name()))
        } else {
            limits
                .timeout
                .filter(|t| started.elapsed() > *t)
                .map(|t| format!("timed out after {} s", t.as_secs()))
        };
        match (&asked_to_stop, why) {
            (None, Some(why)) => {
                signal_child(&child, false);
                asked_to_stop = Some((Instant::now(), why));
            }
            (Some((since, _)), _) if since.elapsed() > GRACE => signal_child(&child, true),
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let err = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    if let Some((_, why)) = asked_to_stop {
        return Ok(Outcome::Failed(format!(
            "{why}; its checkpoint is in {}",
            job.out.display()
        )));
    }
    if !status.success() {
        let line = last_line(&err);
        return Ok(if line.contains("diverged") {
            Outcome::Diverged(line)
        } else {
            Outcome::Failed(line)
        });
    }
    let path = job.out.join("eval.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let e: Evaluation = serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    Ok(Outcome::Evaluated(Box::new(e)))
}

/// Asks a child to stop (SIGTERM: it saves and ends) or, with `kill`, ends it outright.
fn signal_child(child: &std::process::Child, kill: bool) {
    #[cfg(unix)]
    {
        let signal = if kill { libc::SIGKILL } else { libc::SIGTERM };
        // SAFETY: sends a signal to our own child, which has not been reaped yet.
        unsafe {
            libc::kill(child.id() as libc::pid_t, signal);
        }
    }
    #[cfg(not(unix))]
    let _ = (child, kill);
}

/// Children get SIGTERM when the table's process ends, however it ends (even by kill -9), so
/// that no run trains on for nobody. They run in their own process group: a Ctrl-C at the
/// terminal reaches the table alone, which asks each child to stop once.
fn end_with_parent(cmd: &mut std::process::Command) {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl is async-signal-safe and touches only the child being started.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cmd;
}
