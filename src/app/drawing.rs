//! Drawing a 2-D target: the edits a click, a drag, the wheel or a slider make to its
//! components, each kept inside what a preset allows.

use crate::protocol::{COMPONENT_REACH, COMPONENT_STD, Component, MAX_COMPONENTS};

/// The wheel changes a component's width by this factor per notch.
pub const WIDTH_STEP: f64 = 1.1;
/// Weights a component's handle can take.
pub const WEIGHT_RANGE: (f64, f64) = (0.05, 20.0);

/// One change to a drawn target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DrawingEdit {
    /// A new component of width 1 and weight 1 at this point.
    Add([f64; 2]),
    /// Component `index` to this centre.
    Move {
        index: usize,
        to: [f64; 2],
    },
    /// Component `index`'s width times `factor`.
    Widen {
        index: usize,
        factor: f64,
    },
    SetWidth {
        index: usize,
        std: f64,
    },
    SetWeight {
        index: usize,
        weight: f64,
    },
    Remove(usize),
}

/// Applies `edit` to `components`, clamping centres, widths and weights into their ranges;
/// refuses what would leave no component or more than [`MAX_COMPONENTS`], or names none.
pub fn apply(components: &mut Vec<Component>, edit: DrawingEdit) -> Result<(), String> {
    let reach = |p: [f64; 2]| p.map(|v| v.clamp(-COMPONENT_REACH, COMPONENT_REACH));
    let width = |s: f64| s.clamp(COMPONENT_STD.0, COMPONENT_STD.1);
    let index = match edit {
        DrawingEdit::Add(_) => None,
        DrawingEdit::Move { index, .. }
        | DrawingEdit::Widen { index, .. }
        | DrawingEdit::SetWidth { index, .. }
        | DrawingEdit::SetWeight { index, .. }
        | DrawingEdit::Remove(index) => Some(index),
    };
    if let Some(i) = index
        && i >= components.len()
    {
        return Err(format!("the drawing has no component {}", i + 1));
    }
    let finite = match edit {
        DrawingEdit::Add(p) | DrawingEdit::Move { to: p, .. } => p.iter().all(|v| v.is_finite()),
        DrawingEdit::Widen { factor: v, .. }
        | DrawingEdit::SetWidth { std: v, .. }
        | DrawingEdit::SetWeight { weight: v, .. } => v.is_finite() && v > 0.0,
        DrawingEdit::Remove(_) => true,
    };
    if !finite {
        return Err("a drawing edit needs finite values (and positive widths and weights)".into());
    }
    match edit {
        DrawingEdit::Add(p) => {
            if components.len() >= MAX_COMPONENTS {
                return Err(format!("a drawn target has at most {MAX_COMPONENTS} components"));
            }
            let [x, y] = reach(p);
            components.push(Component::at(x, y));
        }
        DrawingEdit::Move { index, to } => components[index].mean = reach(to),
        DrawingEdit::Widen { index, factor } => {
            components[index].std = width(components[index].std * factor);
        }
        DrawingEdit::SetWidth { index, std } => components[index].std = width(std),
        DrawingEdit::SetWeight { index, weight } => {
            components[index].weight = weight.clamp(WEIGHT_RANGE.0, WEIGHT_RANGE.1);
        }
        DrawingEdit::Remove(index) => {
            if components.len() == 1 {
                return Err("a drawn target keeps at least one component".into());
            }
            components.remove(index);
        }
    }
    Ok(())
}

/// The component whose centre lies within `radius` (in plot units, by axis) of `point`, the
/// nearest one where several do.
pub fn component_at(components: &[Component], point: [f64; 2], radius: [f64; 2]) -> Option<usize> {
    components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let dx = (c.mean[0] - point[0]) / radius[0];
            let dy = (c.mean[1] - point[1]) / radius[1];
            (i, dx * dx + dy * dy)
        })
        .filter(|(_, d)| *d <= 1.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_stay_in_range_and_the_last_component_stays() {
        let mut c = vec![Component::at(0.0, 0.0)];
        apply(&mut c, DrawingEdit::Add([1e9, -3.0])).unwrap();
        assert_eq!(c[1].mean, [COMPONENT_REACH, -3.0]);
        apply(
            &mut c,
            DrawingEdit::Widen {
                index: 1,
                factor: 1e6,
            },
        )
        .unwrap();
        assert_eq!(c[1].std, COMPONENT_STD.1);
        apply(
            &mut c,
            DrawingEdit::SetWeight {
                index: 0,
                weight: 1e-9,
            },
        )
        .unwrap();
        assert_eq!(c[0].weight, WEIGHT_RANGE.0);
        assert!(
            apply(
                &mut c,
                DrawingEdit::Move {
                    index: 5,
                    to: [0.0, 0.0]
                }
            )
            .is_err()
        );
        assert!(
            apply(
                &mut c,
                DrawingEdit::SetWidth {
                    index: 0,
                    std: f64::NAN
                }
            )
            .is_err()
        );
        apply(&mut c, DrawingEdit::Remove(1)).unwrap();
        assert!(apply(&mut c, DrawingEdit::Remove(0)).is_err());
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn a_press_picks_the_nearest_centre_within_reach() {
        let c = vec![Component::at(0.0, 0.0), Component::at(1.0, 0.0)];
        assert_eq!(component_at(&c, [0.8, 0.1], [0.5, 0.5]), Some(1));
        assert_eq!(component_at(&c, [3.0, 3.0], [0.5, 0.5]), None);
    }
}
