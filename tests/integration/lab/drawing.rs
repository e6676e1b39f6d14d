//! Drawing a target on the sample plot with clicks, drags and the wheel.

use super::*;

/// Issue 15 item 4: on the sample plot a click adds a component, a drag moves one, the wheel
/// widens one and a right-click removes one; every change starts the run over on the new
/// target from the same seed.
#[test]
fn a_target_drawn_with_clicks_drags_and_the_wheel_trains_at_once() {
    let mut h = harness();
    let seed = h.state().edit.seed;
    h.get_by_label("draw the target").click();
    h.step();
    let drawn = |n: usize| {
        move |a: &LabApp| {
            a.run()
                .target
                .as_ref()
                .is_some_and(|t| t.name == format!("Drawn mixture of {n} (d=2)"))
                && a.run().snapshot.is_some()
        }
    };
    wait(&mut h, "the starting drawing", drawn(3));
    assert!(h.state().is_drawing());
    let start = bridgelab::protocol::Component::starting_drawing();
    assert_eq!(h.state().edit.target.components, start);

    let pos = screen_point(&mut h, PanelKind::Samples, [6.0, 4.0]);
    click_at(&mut h, pos, egui::PointerButton::Primary);
    wait(&mut h, "a fourth component", drawn(4));
    let added = h.state().edit.target.components[3];
    assert!(
        (added.mean[0] - 6.0).abs() < 0.3 && (added.mean[1] - 4.0).abs() < 0.3,
        "{added:?}"
    );

    let from = screen_point(&mut h, PanelKind::Samples, start[0].mean);
    let to = screen_point(&mut h, PanelKind::Samples, [-2.0, -6.0]);
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for k in 1..=4 {
        h.hover_at(from + (to - from) * (k as f32 / 4.0));
        h.step();
    }
    h.drop_at(to);
    h.step();
    wait(&mut h, "the moved component's run", |a| {
        let c = a.edit.target.components[0];
        (c.mean[0] + 2.0).abs() < 0.3 && (c.mean[1] + 6.0).abs() < 0.3 && a.run().snapshot.is_some()
    });

    let over = screen_point(&mut h, PanelKind::Samples, start[1].mean);
    h.hover_at(over);
    h.step();
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: egui::vec2(0.0, 1.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    });
    h.step();
    h.step();
    let widened = h.state().edit.target.components[1].std;
    assert!((widened - start[1].std * 1.1).abs() < 1e-9, "width {widened}");
    // With Shift held the wheel weighs the component instead.
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::SHIFT));
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: egui::vec2(0.0, 1.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::SHIFT,
    });
    h.step();
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    h.step();
    let weighed = h.state().edit.target.components[1];
    assert!(
        (weighed.weight - start[1].weight * 1.1).abs() < 1e-9,
        "{weighed:?}"
    );
    assert_eq!(weighed.std, widened, "the width stays");

    let third = screen_point(&mut h, PanelKind::Samples, start[2].mean);
    click_at(&mut h, third, egui::PointerButton::Secondary);
    wait(&mut h, "three components again", drawn(3));
    let left = &h.state().edit.target.components;
    assert!(left.iter().all(|c| c.mean != start[2].mean), "{left:?}");
    assert_eq!(
        h.state().run().preset.as_ref().unwrap().seed,
        seed,
        "the same seed"
    );

    // The drawn target trains like any other, and is saved with the settings.
    h.get_by_label("Step").click();
    h.step();
    wait(&mut h, "a step on the drawing", |a| a.run().step() == 1);
    let dir = scratch("drawn");
    let file = dir.join("drawn.ron");
    h.state_mut().apply(Action::SavePreset(file.clone()));
    let saved = bridgelab::protocol::load_preset(&file).unwrap();
    assert_eq!(saved.target, h.state().edit.target);
}
