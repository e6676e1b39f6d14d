//! The data of a figure as one long CSV table: a row per plotted point.

use std::fmt::Write;

use super::model::Figure;

/// Columns `run,panel,series,x,y,value`: `value` holds the value of background cells (named
/// by the heat map: "log density", …) and is empty for plotted points; a live change is a row
/// `marker: …` with x alone. An arrow is two rows, its origin and its tip.
pub fn csv(figure: &Figure) -> String {
    let mut out = String::from("run,panel,series,x,y,value\n");
    for (run, column) in figure.columns.iter().enumerate() {
        for panel in &column.panels {
            let slug = panel.kind.slug();
            if let Some(heat) = &panel.background {
                let name = quoted(&heat.name);
                for (k, v) in heat.values.iter().enumerate() {
                    let [x, y] = heat.cell_centre(k);
                    let _ = writeln!(out, "{},{slug},{name},{x},{y},{v}", run + 1);
                }
            }
            for (x, what) in &panel.markers {
                let _ = writeln!(
                    out,
                    "{},{slug},{},{x},,",
                    run + 1,
                    quoted(&format!("marker: {what}"))
                );
            }
            for s in &panel.series {
                let name = quoted(&s.name);
                for p in &s.points {
                    let _ = writeln!(out, "{},{slug},{name},{},{},", run + 1, p[0], p[1]);
                }
            }
        }
    }
    out
}

fn quoted(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::figure::model::{Column, Mark, Panel, PanelKind, Series};

    #[test]
    fn every_point_is_a_row_under_its_run_panel_and_series() {
        let mut panel = Panel::new(PanelKind::Loss, "Loss", "step", "");
        panel.series.push(Series::new(
            "a, b",
            Mark::Line,
            [0, 0, 0],
            vec![[1.0, 2.0], [3.0, f64::NAN], [4.0, 5.0]],
        ));
        let figure = Figure {
            columns: vec![Column {
                run: None,
                title: "run".into(),
                panels: vec![panel],
            }],
        };
        let text = csv(&figure);
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(
            rows,
            [
                "run,panel,series,x,y,value",
                "1,loss,\"a, b\",1,2,",
                "1,loss,\"a, b\",4,5,"
            ]
        );
    }
}
