//! Small labelled editors shared by the panels.

/// A labelled number editor; true when the value changed. A typed value outside `range` is
/// clamped, as every editor does, and the row says so until the next edit.
pub fn number<T: egui::emath::Numeric>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    range: std::ops::RangeInclusive<T>,
    speed: f64,
) -> bool {
    let (lo, hi) = (range.start().to_f64(), range.end().to_f64());
    let typed = std::cell::Cell::new(None);
    ui.horizontal(|ui| {
        let l = ui.label(label);
        let response = ui
            .add(
                egui::DragValue::new(value)
                    .range(range)
                    .speed(speed)
                    .custom_parser(|text| {
                        let parsed = parse_number(text);
                        typed.set(parsed);
                        parsed
                    }),
            )
            .labelled_by(l.id);
        // Labels of number fields are unique in the lab, and stable where widget ids are not.
        let note_id = egui::Id::unique(("out-of-range note", label));
        if let Some(t) = typed.get() {
            let note = (t < lo || t > hi).then(|| clamp_note(t, lo, hi, value.to_f64()));
            ui.data_mut(|d| match note {
                Some(n) => {
                    d.insert_temp(note_id, n);
                }
                None => {
                    d.remove_temp::<String>(note_id);
                }
            });
        } else if response.dragged() {
            ui.data_mut(|d| d.remove_temp::<String>(note_id));
        }
        if let Some(note) = ui.data(|d| d.get_temp::<String>(note_id)) {
            ui.colored_label(ui.visuals().warn_fg_color, note);
        }
        response.changed()
    })
    .inner
}

/// egui's own reading of a typed number: spaces ignored, the minus sign − read as -.
fn parse_number(text: &str) -> Option<f64> {
    let text: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    text.parse().ok()
}

fn clamp_note(typed: f64, lo: f64, hi: f64, used: f64) -> String {
    let bound = if typed < lo { "least" } else { "largest" };
    format!("{typed} is out of range ({lo} to {hi}): the {bound} value, {used}, is used")
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
