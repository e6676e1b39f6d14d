//! Small labelled editors shared by the panels.

/// A labelled number editor; true when the value changed. A typed value outside `range` is
/// clamped, as every editor does, and text that is no number is refused; the row says so until
/// the next edit, or until the value is changed by other means (a new preset), and wraps rather
/// than widen the panel.
pub fn number<T: egui::emath::Numeric>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    range: std::ops::RangeInclusive<T>,
    speed: f64,
) -> bool {
    let (lo, hi) = (range.start().to_f64(), range.end().to_f64());
    let typed = std::cell::Cell::new(None);
    let refused = std::cell::RefCell::new(None);
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(label);
        let response = ui
            .add(
                egui::DragValue::new(value)
                    .range(range)
                    .speed(speed)
                    .custom_parser(|text| {
                        let parsed = parse_number(text);
                        typed.set(parsed);
                        if parsed.is_none() && !text.trim().is_empty() {
                            *refused.borrow_mut() = Some(text.trim().to_string());
                        }
                        parsed
                    }),
            )
            .labelled_by(l.id);
        // Labels of number fields are unique in the lab, and stable where widget ids are not.
        let note_id = egui::Id::unique(("out-of-range note", label));
        // A note remembers the value it speaks of; once the field holds another, it is stale.
        let now = value.to_f64();
        let note = if let Some(t) = typed.get() {
            Some((t < lo || t > hi).then(|| clamp_note(t, lo, hi, now)))
        } else if let Some(text) = refused.borrow().as_ref() {
            Some(Some(format!("“{text}” is not a number: {now} is kept")))
        } else if response.dragged() {
            Some(None)
        } else {
            None
        };
        if let Some(note) = note {
            ui.data_mut(|d| match note {
                Some(n) => {
                    d.insert_temp(note_id, (n, now));
                }
                None => {
                    d.remove_temp::<(String, f64)>(note_id);
                }
            });
        }
        match ui.data(|d| d.get_temp::<(String, f64)>(note_id)) {
            Some((note, at)) if at == now => {
                ui.colored_label(ui.visuals().warn_fg_color, note);
            }
            Some(_) => {
                ui.data_mut(|d| d.remove_temp::<(String, f64)>(note_id));
            }
            None => {}
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
