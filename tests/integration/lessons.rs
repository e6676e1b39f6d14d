//! Every claim a lesson's guided steps make, checked at the lesson's shipped seed and settings:
//! both runs trained to the end and evaluated as the lab evaluates a finished run.

use crate::common;

use std::path::Path;

use bridgelab::sim::Trainer;

fn finished(p: bridgelab::sim::Preset) -> bridgelab::sim::report::Evaluation {
    let mut t = Trainer::new(p, common::cpu()).unwrap();
    while !t.is_finished() {
        t.step().unwrap();
    }
    t.evaluate(None)
}

fn check_lesson(name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("presets/{name}.ron"));
    let p = bridgelab::protocol::load_preset(&path).unwrap();
    assert!(!p.guide.is_empty(), "{name} has a guide");
    let claims: Vec<_> = p.guide.iter().filter_map(|s| s.claim).collect();
    assert!(
        !claims.is_empty(),
        "{name}'s guide makes a claim the test can check"
    );
    let second = p.compared().expect("a lesson compares two runs");
    let runs = [finished(p), finished(second)];
    for claim in claims {
        match claim.check([&runs[0], &runs[1]]) {
            Ok(numbers) => eprintln!("{name}: {} holds ({numbers})", claim.describe()),
            Err(numbers) => panic!("{name}: {} does not hold ({numbers})", claim.describe()),
        }
    }
}

#[test]
fn lesson_a_mode_collapse() {
    check_lesson("lesson_a_mode_collapse");
}

#[test]
fn lesson_b_same_gradient() {
    check_lesson("lesson_b_same_gradient");
}

#[test]
fn lesson_b_gradients_part() {
    check_lesson("lesson_b_gradients_part");
}

#[test]
fn lesson_c_learned_diffusion_rklld() {
    check_lesson("lesson_c_learned_diffusion_rklld");
}

#[test]
fn lesson_c_learned_diffusion_lv() {
    check_lesson("lesson_c_learned_diffusion_lv");
}

#[test]
fn lesson_d_large_diffusion() {
    check_lesson("lesson_d_large_diffusion");
}

#[test]
fn lesson_d_small_diffusion() {
    check_lesson("lesson_d_small_diffusion");
}
