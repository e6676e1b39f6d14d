//! The training thread, driven only through protocol commands.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bridgelab::protocol::{Command, EvaluationStage, Event, RunId};
use bridgelab::runtime::Worker;
use bridgelab::sim::preset::LossKind;

fn preset() -> bridgelab::sim::Preset {
    common::tiny_run()
}

fn spawn(p: bridgelab::sim::Preset) -> (Worker, Arc<AtomicUsize>) {
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = wakes.clone();
    let w = Worker::spawn(
        p,
        Arc::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        }),
    )
    .unwrap();
    (w, wakes)
}

/// Collects events until one satisfies `stop`, failing after a generous timeout.
fn until(w: &Worker, stop: impl Fn(&Event) -> bool) -> Vec<Event> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Some(e) = w.next_event(Duration::from_millis(200)) {
            let done = stop(&e);
            seen.push(e);
            if done {
                return seen;
            }
        }
    }
    panic!("timed out; events so far: {seen:#?}");
}

fn started_run(events: &[Event]) -> RunId {
    events
        .iter()
        .find_map(|e| matches!(e, Event::Started { .. }).then(|| e.run()))
        .expect("a Started event")
}

#[test]
fn stepping_reports_every_step_then_pauses_with_a_snapshot() {
    let (w, wakes) = spawn(preset());
    let run = started_run(&until(&w, |e| matches!(e, Event::Started { .. })));
    assert!(w.send(Command::Step(5)));
    let events = until(&w, |e| matches!(e, Event::Paused { .. }));
    let steps: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            Event::Stepped { record, .. } => Some(record.step),
            _ => None,
        })
        .collect();
    assert_eq!(steps, vec![1, 2, 3, 4, 5]);
    assert!(events.iter().all(|e| e.run() == run));
    let snap = w.take_snapshot().expect("a snapshot after pausing");
    assert_eq!((snap.run, snap.snapshot.step), (run, 5));
    assert!(w.take_snapshot().is_none(), "a snapshot is handed out once");
    assert!(
        wakes.load(Ordering::Relaxed) > 0,
        "the reader is woken on new data"
    );
}

#[test]
fn reset_starts_a_new_run_and_a_bad_restart_leaves_the_run_untouched() {
    let (w, _) = spawn(preset());
    let first = started_run(&until(&w, |e| matches!(e, Event::Started { .. })));
    w.send(Command::Step(2));
    until(&w, |e| matches!(e, Event::Paused { .. }));

    w.send(Command::Reset);
    let second = started_run(&until(&w, |e| matches!(e, Event::Started { .. })));
    assert!(second > first);
    w.send(Command::Step(1));
    let events = until(&w, |e| matches!(e, Event::Paused { .. }));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Stepped { run, record } if *run == second && record.step == 1))
    );

    let mut bad = preset();
    bad.batch = 0;
    w.send(Command::Restart(Box::new(bad)));
    let events = until(&w, |e| matches!(e, Event::Rejected { .. }));
    match events.last() {
        Some(Event::Rejected { run, message }) => {
            assert_eq!(*run, second);
            assert!(message.contains("batch"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    w.send(Command::Step(1));
    let events = until(&w, |e| matches!(e, Event::Paused { .. }));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Stepped { run, record } if *run == second && record.step == 2))
    );
}

#[test]
fn play_runs_to_the_end_of_the_preset() {
    let (w, _) = spawn(preset());
    until(&w, |e| matches!(e, Event::Started { .. }));
    w.send(Command::SetSnapshotEvery(3));
    w.send(Command::Play);
    let events = until(&w, |e| matches!(e, Event::Finished { .. }));
    assert!(matches!(events.last(), Some(Event::Finished { step: 12, .. })));
    assert_eq!(w.take_snapshot().unwrap().snapshot.step, 12);
    // A finished run evaluates itself, announcing each stage.
    let events = until(&w, |e| matches!(e, Event::Evaluated { .. }));
    let stages: Vec<EvaluationStage> = events
        .iter()
        .filter_map(|e| match e {
            Event::Evaluating {
                samples: 256, stage, ..
            } => Some(*stage),
            _ => None,
        })
        .collect();
    assert_eq!(stages, EvaluationStage::ALL);
    assert!(matches!(events.last(), Some(Event::Evaluated { evaluation, .. }) if evaluation.step == 12));
    w.send(Command::Evaluate);
    let events = until(&w, |e| matches!(e, Event::Evaluated { .. }));
    assert!(matches!(events.last(), Some(Event::Evaluated { evaluation, .. }) if evaluation.step == 12));
}

#[test]
fn a_diverging_run_fails_with_its_step_and_can_be_reset() {
    let mut p = preset();
    p.loss = LossKind::Lv;
    p.lr.network = 1e6;
    p.lr.sde = 1e6;
    p.grad_clip = 1e12;
    p.train_steps = 100;
    let (w, _) = spawn(p);
    until(&w, |e| matches!(e, Event::Started { .. }));
    w.send(Command::Play);
    let events = until(&w, |e| matches!(e, Event::Failed { .. } | Event::Finished { .. }));
    match events.last() {
        Some(Event::Failed { step, message, .. }) => {
            assert!(message.contains(&format!("step {step}")), "{message}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    w.send(Command::Reset);
    until(&w, |e| matches!(e, Event::Started { .. }));
}

#[test]
fn learning_rates_change_live_and_bad_ones_are_rejected() {
    let (w, _) = spawn(preset());
    until(&w, |e| matches!(e, Event::Started { .. }));
    let mut lr = preset().lr;
    lr.network = f64::NAN;
    w.send(Command::SetLearningRates(lr));
    until(&w, |e| matches!(e, Event::Rejected { .. }));
    lr.network = 0.5;
    w.send(Command::SetLearningRates(lr));
    w.send(Command::Step(1));
    let events = until(&w, |e| matches!(e, Event::Paused { .. }));
    let record = events.iter().find_map(|e| match e {
        Event::Stepped { record, .. } => Some(record.clone()),
        _ => None,
    });
    // Step 1 of 12 under the cosine schedule: the full base rate.
    assert!((record.unwrap().lr - 0.5).abs() < 1e-9);
}

/// An untrained GMM-40 run whose evaluation's Sinkhorn (2000 points at ε = 1e-4) would take
/// minutes to converge.
fn slow_to_evaluate() -> bridgelab::sim::Preset {
    let mut p = preset();
    p.eval.samples = 2000;
    p.eval.max_points = 2000;
    p.eval.sinkhorn_eps = 1e-4;
    p.eval.sinkhorn_protocol = bridgelab::sim::metrics::SinkhornProtocol::Converged;
    p
}

/// Issue 27 item 16: Reset during an evaluation cancels it: the old run reports no evaluation
/// (without the cancel, its Sinkhorn would run to the lab's 20 s budget and report one), and the
/// new run starts.
#[test]
fn reset_cancels_an_evaluation_under_way() {
    let (w, _) = spawn(slow_to_evaluate());
    let first = match until(&w, |e| matches!(e, Event::Started { .. })).pop() {
        Some(Event::Started { run, .. }) => run,
        other => panic!("{other:?}"),
    };
    w.send(Command::Evaluate);
    until(&w, |e| {
        matches!(
            e,
            Event::Evaluating {
                stage: EvaluationStage::Sinkhorn,
                ..
            }
        )
    });
    w.send(Command::Reset);
    let events = until(&w, |e| matches!(e, Event::Started { .. }));
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Evaluated { run, .. } if *run == first)),
        "the cancelled evaluation of run {first:?} reported"
    );
    assert!(matches!(events.last(), Some(Event::Started { run, .. }) if *run != first));
}
