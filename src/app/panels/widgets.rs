//! Small labelled editors shared by the panels.

/// A labelled number editor; true when the value changed.
pub fn number<T: egui::emath::Numeric>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    range: std::ops::RangeInclusive<T>,
    speed: f64,
) -> bool {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(egui::DragValue::new(value).range(range).speed(speed))
            .labelled_by(l.id)
            .changed()
    })
    .inner
}

/// A labelled row of exclusive choices; true when the choice changed.
pub fn choice<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    options: &[T],
    name: impl Fn(T) -> String,
) -> bool {
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        ui.label(label);
        for &o in options {
            changed |= ui.selectable_value(value, o, name(o)).changed();
        }
    });
    changed
}
