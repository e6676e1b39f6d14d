use crate::app::Action;
use crate::app::choices::curve_view::CurveView;
use crate::app::ui::widgets::number;

/// How the curves are drawn: smoothing, the last 80 % of steps, both runs in one plot, and
/// axes that follow the data or stay put.
pub fn curve_view(ui: &mut egui::Ui, current: CurveView, comparing: bool, actions: &mut Vec<Action>) {
    let mut v = current;
    ui.horizontal_wrapped(|ui| {
        number(ui, "smooth over steps", &mut v.smoothing, 1..=500, 0.2);
        ui.checkbox(&mut v.recent_only, "last 80 %")
            .on_hover_text("Leave out the first fifth of training, whose values set the scale");
        if comparing {
            ui.checkbox(&mut v.overlay, "both runs in one plot");
        }
        ui.checkbox(&mut v.follow_data, "axes follow the data")
            .on_hover_text(
                "Off: the axes stay where they are. The wheel scrolls the page; Alt + wheel pans a \
             plot, Ctrl + wheel zooms it, a double-click fits it to its data again",
            );
    });
    if v != current {
        actions.push(Action::SetCurveView(v));
    }
}
