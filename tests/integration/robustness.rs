//! Bad input, divergence, checkpoints through the worker, and exports that cannot be written:
//! nothing a user does may panic or lose what was already there.

use crate::common;
use crate::common::scratch;

use std::panic::catch_unwind;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bridgelab::cli::Cli;
use bridgelab::protocol::TargetKind;
use bridgelab::protocol::{Command, Event, StepRecord, parse_preset};
use bridgelab::runtime::Worker;
use bridgelab::sim::targets::data::DataDir;
use bridgelab::sim::targets::{Target, build_target};
use bridgelab::sim::{DivergencePolicy, SimError, Trainer};
use burn::tensor::Tensor;
use clap::Parser;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

const FUZZ_CASES: usize = 10_000;

fn shipped_texts() -> Vec<String> {
    let mut texts: Vec<String> = std::fs::read_dir("presets")
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    texts.sort();
    texts
}

const VALUES: &[&str] = &[
    "0",
    "-1",
    "1e309",
    "-0.0",
    "NaN",
    "inf",
    "-inf",
    "1e-300",
    "18446744073709551616",
    "99999999999",
    "\"text\"",
    "()",
    "[]",
    "Some(1)",
    "None",
    "true",
    "1.5",
    "Gmm40",
    "Bogus",
    "(kind: Funnel)",
    "",
];
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "//",
    "/*",
    "\n",
    "version",
    "target",
    "dim",
    "batch",
    "path_steps",
    "lr",
    "sigma_init",
    "compare",
    "on_divergence",
    "Skip",
    "device",
    "Gpu",
    "\u{00e9}",
    "\u{1F600}",
    "\0",
];

/// One preset text damaged in one to three random ways.
fn mutate(base: &str, rng: &mut StdRng) -> String {
    let mut text = base.to_string();
    for _ in 0..rng.random_range(1..=3) {
        let at = |rng: &mut StdRng, text: &str| {
            let mut i = rng.random_range(0..=text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        match rng.random_range(0..6) {
            // Replace the value after a random colon.
            0 => {
                let colons: Vec<usize> = text.match_indices(':').map(|(i, _)| i).collect();
                if let Some(&c) = colons.get(rng.random_range(0..colons.len().max(1))) {
                    let end = text[c..].find([',', '\n']).map_or(text.len(), |e| c + e);
                    let v = VALUES[rng.random_range(0..VALUES.len())];
                    text.replace_range(c + 1..end, &format!(" {v}"));
                }
            }
            // Delete a span.
            1 => {
                let a = at(rng, &text);
                let b = at(rng, &text[a..]) + a;
                let b = (a + (b - a).min(40)).min(text.len());
                let mut b = b;
                while !text.is_char_boundary(b) {
                    b -= 1;
                }
                text.replace_range(a..b, "");
            }
            // Insert a token.
            2 => {
                let a = at(rng, &text);
                text.insert_str(a, TOKENS[rng.random_range(0..TOKENS.len())]);
            }
            // Drop a whole line (a missing field).
            3 => {
                let lines: Vec<&str> = text.lines().collect();
                let skip = rng.random_range(0..lines.len().max(1));
                text = lines
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, l)| *l)
                    .collect::<Vec<_>>()
                    .join("\n");
            }
            // Duplicate a line (a repeated or misplaced field).
            4 => {
                let lines: Vec<&str> = text.lines().collect();
                let k = rng.random_range(0..lines.len().max(1));
                let line = lines.get(k).copied().unwrap_or("");
                let a = at(rng, &text);
                text.insert_str(a, &format!("{line}\n"));
            }
            // Truncate.
            _ => {
                let a = at(rng, &text);
                text.truncate(a);
            }
        }
    }
    text
}

/// Random printable junk with RON punctuation.
fn junk(rng: &mut StdRng) -> String {
    (0..rng.random_range(0..200))
        .map(|_| {
            if rng.random_bool(0.3) {
                TOKENS[rng.random_range(0..TOKENS.len())].to_string()
            } else {
                char::from(rng.random_range(32u8..127)).to_string()
            }
        })
        .collect()
}

#[test]
fn ten_thousand_damaged_presets_are_refused_with_a_message_and_never_panic() {
    let bases = shipped_texts();
    let mut rng = StdRng::seed_from_u64(7);
    let (mut refused, mut accepted) = (0, 0);
    for case in 0..FUZZ_CASES {
        let text = if case % 10 == 0 {
            junk(&mut rng)
        } else {
            mutate(&bases[case % bases.len()], &mut rng)
        };
        let result = catch_unwind(|| parse_preset(&text, "fuzz.ron"));
        match result {
            Err(_) => panic!("the loader panicked on case {case}:\n{text}"),
            Ok(Ok(p)) => {
                accepted += 1;
                assert!(bridgelab::sim::preset::validate::validate(&p).is_ok());
            }
            Ok(Err(e)) => {
                refused += 1;
                assert!(!e.message.trim().is_empty(), "case {case}: an empty message");
                assert!(e.to_string().starts_with("fuzz.ron"), "case {case}: {e}");
            }
        }
    }
    println!("{refused} damaged presets refused, {accepted} still valid");
    assert_eq!(refused + accepted, FUZZ_CASES);
    assert!(
        refused > FUZZ_CASES / 2,
        "most damage is caught: {refused} refused"
    );
}

#[test]
fn ten_thousand_random_argument_lists_parse_or_fail_with_a_message() {
    let words = [
        "train",
        "compare",
        "bench",
        "eval",
        "density",
        "presets",
        "soak",
        "--steps",
        "--seed",
        "--device",
        "--out",
        "--resume",
        "--json",
        "--config",
        "--loss",
        "--bridge",
        "--warmup",
        "--checkpoint-every",
        "--screenshot",
        "--after-steps",
        "-q",
        "--help",
        "cpu",
        "gpu",
        "tpu",
        "0",
        "-1",
        "1e9",
        "abc",
        "",
        "presets/gmm40_2d_dbs_lv.ron",
        "missing.ron",
        "--",
        "-",
        "--steps=3",
        "\u{00e9}",
    ];
    let mut rng = StdRng::seed_from_u64(11);
    let mut parsed = 0;
    for case in 0..FUZZ_CASES {
        let mut args = vec!["bridgelab".to_string()];
        for _ in 0..rng.random_range(0..7) {
            args.push(words[rng.random_range(0..words.len())].to_string());
        }
        match catch_unwind(|| Cli::try_parse_from(&args)) {
            Err(_) => panic!("the argument parser panicked on case {case}: {args:?}"),
            Ok(Ok(_)) => parsed += 1,
            Ok(Err(e)) => assert!(!e.to_string().trim().is_empty(), "{args:?}"),
        }
    }
    println!("{parsed} argument lists parsed, {} refused", FUZZ_CASES - parsed);
    assert!(parsed > 0 && parsed < FUZZ_CASES);
}

fn diverging() -> bridgelab::sim::Preset {
    bridgelab::protocol::load_preset(Path::new("presets/diverging_lv_learned_large_lr.ron")).unwrap()
}

#[test]
fn the_shipped_diverging_preset_stops_at_the_step_that_fails_and_keeps_its_history() {
    let p = diverging();
    assert_eq!(p.on_divergence, DivergencePolicy::Stop);
    let mut t = Trainer::new(p, common::cpu()).unwrap();
    let error = loop {
        match t.step() {
            Ok(_) => assert!(!t.is_finished(), "the preset should diverge"),
            Err(e) => break e,
        }
    };
    let SimError::Diverged { step, quantity } = error else {
        panic!("expected a divergence, got {error}");
    };
    assert_eq!(
        step,
        t.step_count() + 1,
        "the failing step is not counted; it is named from 1"
    );
    assert!(!quantity.is_empty());
    assert!(t.history().iter().all(|r| r.step < step && r.loss.is_finite()));
    let last = t.history().last().unwrap();
    assert!(
        last.step + t.preset().log_every >= step,
        "history reaches the step before"
    );
    assert!(
        bridgelab::sim::training::non_finite::non_finite_parameter(t.params()).is_none(),
        "the parameters are the last finite ones"
    );
}

#[test]
fn with_the_skip_policy_non_finite_steps_are_dropped_and_the_run_goes_on() {
    let mut p = diverging();
    p.on_divergence = DivergencePolicy::Skip;
    let mut t = Trainer::new(p, common::cpu()).unwrap();
    let mut skipped = Vec::new();
    while t.step_count() < 60 {
        let record = t.step().expect("skipping never ends the run");
        if let Some(q) = record.skipped {
            skipped.push((record.step, q));
        }
    }
    assert!(!skipped.is_empty(), "the run hits non-finite steps");
    assert_eq!(t.skipped_steps(), skipped.len());
    assert_eq!(t.snapshot().skipped_steps, skipped.len());
    let logged: Vec<&StepRecord> = t.history().iter().filter(|r| r.skipped.is_some()).collect();
    assert_eq!(
        logged.len(),
        skipped.len(),
        "every skipped step is in the history"
    );
    assert!(bridgelab::sim::training::non_finite::non_finite_parameter(t.params()).is_none());
}

/// Issue 25, item 3: the paper's code zeroes non-finite gradient entries and never stops; so
/// does the policy of that name. The optimiser's moments still move the parameters on a step
/// whose gradient was zeroed, and the parameters stay finite.
#[test]
fn with_the_paper_policy_non_finite_gradients_are_zeroed_and_the_run_goes_on() {
    let mut p = diverging();
    p.on_divergence = DivergencePolicy::ZeroNonFinite;
    let mut t = Trainer::new(p, common::cpu()).unwrap();
    let mut marked = Vec::new();
    let mut moved_on_a_marked_step = false;
    while t.step_count() < 60 {
        let before = t.params().to_host();
        let record = t.step().expect("the paper's policy never ends the run");
        if let Some(q) = record.skipped {
            marked.push((record.step, q));
            moved_on_a_marked_step |= t.params().to_host() != before;
        }
    }
    assert!(!marked.is_empty(), "the run hits non-finite steps");
    assert!(
        moved_on_a_marked_step,
        "a zeroed gradient still updates through the moments"
    );
    assert_eq!(t.skipped_steps(), marked.len());
    assert!(t.is_finished() || t.step_count() == 60);
    assert!(bridgelab::sim::training::non_finite::non_finite_parameter(t.params()).is_none());
}

fn until(w: &Worker, what: &str, stop: impl Fn(&Event) -> bool) -> Vec<Event> {
    let mut seen = Vec::new();
    loop {
        let e = w
            .next_event(Duration::from_secs(120))
            .unwrap_or_else(|| panic!("timed out waiting for {what}; saw {seen:?}"));
        let done = stop(&e);
        seen.push(e);
        if done {
            return seen;
        }
    }
}

fn losses(events: &[Event]) -> Vec<(usize, u64)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Stepped { record, .. } => Some((record.step, record.loss.to_bits())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_checkpoint_saved_by_the_worker_resumes_to_the_same_next_steps() {
    let dir = scratch("resume");
    let path = dir.join("run.json");
    let mut preset = common::tiny_run();
    preset.train_steps = 10;
    let w = Worker::spawn(preset, Arc::new(|| {})).unwrap();
    until(&w, "the start", |e| matches!(e, Event::Started { .. }));
    w.send(Command::Step(4));
    until(&w, "four steps", |e| matches!(e, Event::Paused { .. }));
    w.send(Command::SaveCheckpoint(path.clone()));
    until(&w, "the save", |e| matches!(e, Event::Saved { step: 4, .. }));
    w.send(Command::Step(3));
    let straight = losses(&until(&w, "three more", |e| matches!(e, Event::Paused { .. })));

    w.send(Command::Resume(dir.join("missing.json")));
    let refused = until(&w, "a refusal", |e| matches!(e, Event::Rejected { .. }));
    assert!(format!("{refused:?}").contains("missing.json"));

    w.send(Command::Resume(path));
    let started = until(&w, "the resumed run", |e| matches!(e, Event::Started { .. }));
    let Some(Event::Started { history, .. }) = started.last() else {
        unreachable!()
    };
    assert_eq!(
        history.last().map(|r| r.step),
        Some(4),
        "the saved history comes back"
    );
    w.send(Command::Step(3));
    let resumed = losses(&until(&w, "three resumed", |e| matches!(e, Event::Paused { .. })));
    assert_eq!(straight.len(), 3);
    assert_eq!(straight, resumed, "resuming gives bitwise the same steps");
}

#[test]
fn a_torn_or_foreign_checkpoint_is_refused_with_its_name() {
    let dir = scratch("torn");
    let path = dir.join("torn.json");
    std::fs::write(&path, b"{\"format\": 1, \"preset\": ").unwrap();
    let e = bridgelab::sim::training::checkpoint::load(&path, common::cpu())
        .err()
        .unwrap();
    assert!(e.to_string().contains("torn.json"), "{e}");
}

#[test]
fn exports_to_a_directory_that_cannot_exist_fail_clearly_and_keep_earlier_files() {
    let dir = scratch("exports");
    let blocker = dir.join("not-a-dir");
    std::fs::write(&blocker, b"keep me").unwrap();
    let samples = [1.0f32, 2.0, 3.0, 4.0];
    let e = bridgelab::export::write_samples_npy(&blocker.join("s.npy"), &samples, 2).unwrap_err();
    let msg = format!("{e:#}");
    assert!(msg.contains("s.npy") && msg.contains("does not exist"), "{msg}");
    assert_eq!(std::fs::read(&blocker).unwrap(), b"keep me");

    // An earlier export survives a failed overwrite: writes go to a temporary file first.
    let good = dir.join("metrics.csv");
    bridgelab::export::write_metrics_csv(&good, &[]).unwrap();
    let before = std::fs::read(&good).unwrap();
    let ro = dir.join("read-only");
    std::fs::create_dir_all(&ro).unwrap();
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&ro, perms).unwrap();
    // Root may write anywhere; the check applies where permissions are enforced.
    let enforced = std::fs::write(ro.join("probe"), b"").is_err();
    if enforced {
        let e = bridgelab::export::write_metrics_csv(&ro.join("metrics.csv"), &[]).unwrap_err();
        assert!(format!("{e:#}").contains("read-only"), "{e:#}");
    }
    assert_eq!(std::fs::read(&good).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp-")
        })
        .collect();
    assert!(leftovers.is_empty(), "no temporary files are left behind");
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&ro, perms).unwrap();
}

/// The lab's default target, made to panic inside `log_density` once armed: a stand-in for
/// an engine bug.
struct Booby {
    inner: Arc<dyn Target>,
    armed: Arc<AtomicBool>,
}

impl Target for Booby {
    fn name(&self) -> String {
        self.inner.name()
    }
    fn dim(&self) -> usize {
        self.inner.dim()
    }
    fn log_density(&self, x: Tensor<2>) -> Tensor<1> {
        assert!(!self.armed.load(Ordering::SeqCst), "an injected engine bug");
        self.inner.log_density(x)
    }
    fn score(&self, x: Tensor<2>) -> Tensor<2> {
        self.inner.score(x)
    }
    fn plot_range(&self) -> (f32, f32) {
        self.inner.plot_range()
    }
}

#[test]
fn a_panic_in_the_trainer_thread_fails_the_run_and_a_reset_starts_a_new_one() {
    let armed = Arc::new(AtomicBool::new(false));
    let trap = armed.clone();
    let build: bridgelab::runtime::Build = Arc::new(move |p| {
        let inner = build_target(&p.target, &common::cpu())?;
        let target = Arc::new(Booby {
            inner,
            armed: trap.clone(),
        });
        Ok(Trainer::with_target(p.clone(), target, common::cpu()))
    });
    let w = Worker::spawn_with(common::tiny_run(), Arc::new(|| {}), build).unwrap();
    let first = until(&w, "the start", |e| matches!(e, Event::Started { .. }));
    armed.store(true, Ordering::SeqCst);
    w.send(Command::Step(2));
    let failed = until(&w, "the failure", |e| matches!(e, Event::Failed { .. }));
    let Some(Event::Failed { message, run, .. }) = failed.last() else {
        unreachable!()
    };
    assert!(
        message.contains("panicked") && message.contains("injected"),
        "{message}"
    );
    assert_eq!(Some(*run), first.last().map(Event::run));
    w.send(Command::Step(1));
    armed.store(false, Ordering::SeqCst);
    w.send(Command::Reset);
    let restarted = until(&w, "a new run", |e| matches!(e, Event::Started { .. }));
    assert!(restarted.last().unwrap().run() > *run);
    w.send(Command::Step(1));
    until(&w, "a step of the new run", |e| {
        matches!(e, Event::Stepped { .. })
    });
}

#[test]
fn a_run_whose_data_file_is_missing_is_refused_and_the_current_run_goes_on() {
    let empty = scratch("no-data");
    let build: bridgelab::runtime::Build = Arc::new(move |p| {
        let device = common::cpu();
        let target = match bridgelab::sim::targets::bayes::build(p.target.kind, &DataDir::at(&empty), &device)
        {
            Some(built) => built?,
            None => build_target(&p.target, &device)?,
        };
        Ok(Trainer::with_target(p.clone(), target, device))
    });
    let w = Worker::spawn_with(common::tiny_run(), Arc::new(|| {}), build).unwrap();
    let started = until(&w, "the start", |e| matches!(e, Event::Started { .. }));
    let run = started.last().unwrap().run();
    let mut sonar = common::tiny_run();
    sonar.target.kind = TargetKind::Sonar;
    sonar.target.dim = 61;
    w.send(Command::Restart(Box::new(sonar)));
    let refused = until(&w, "the refusal", |e| matches!(e, Event::Rejected { .. }));
    let Some(Event::Rejected { message, run: same }) = refused.last() else {
        unreachable!()
    };
    assert!(message.contains("sonar.csv"), "{message}");
    assert_eq!(*same, run);
    w.send(Command::Step(1));
    let stepped = until(&w, "a step of the old run", |e| {
        matches!(e, Event::Stepped { .. })
    });
    assert_eq!(stepped.last().unwrap().run(), run);
}
