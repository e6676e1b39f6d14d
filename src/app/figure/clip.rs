//! Cuts what a panel draws to its plot box, in data units, before plotters sees it: plotters
//! draws a line to wherever its points lie, so a spike of the loss would cross the titles and
//! the neighbouring panels of an exported figure.

/// A box in data units: `x.0 ≤ x ≤ x.1`, `y.0 ≤ y ≤ y.1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DataBox {
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl DataBox {
    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        (self.x.0..=self.x.1).contains(&x) && (self.y.0..=self.y.1).contains(&y)
    }

    /// The box moved in by `dx` and `dy` on each side (a mark's half width, so that its ink
    /// stays inside too); it keeps at least its centre.
    pub fn inset(&self, dx: f64, dy: f64) -> DataBox {
        let shrink = |(lo, hi): (f64, f64), d: f64| {
            let d = d.max(0.0).min((hi - lo) / 2.0);
            (lo + d, hi - d)
        };
        DataBox {
            x: shrink(self.x, dx),
            y: shrink(self.y, dy),
        }
    }

    /// The part of the rectangle with corners `a` and `b` inside the box, if any.
    pub fn rectangle(&self, a: (f64, f64), b: (f64, f64)) -> Option<[(f64, f64); 2]> {
        let x = (a.0.min(b.0).max(self.x.0), a.0.max(b.0).min(self.x.1));
        let y = (a.1.min(b.1).max(self.y.0), a.1.max(b.1).min(self.y.1));
        (x.0 <= x.1 && y.0 <= y.1).then_some([(x.0, y.0), (x.1, y.1)])
    }

    /// The segment from `a` to `b` cut to the box (Liang–Barsky), or `None` where it misses it.
    pub fn segment(&self, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.0 - self.x.0),
            (dx, self.x.1 - a.0),
            (-dy, a.1 - self.y.0),
            (dy, self.y.1 - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
                if t0 > t1 {
                    return None;
                }
            }
        }
        // An end that is not cut is returned as given: `a + 1·(b − a)` need not round to `b`,
        // and the polyline tells a cut end from a kept one by equality.
        let at = |t: f64| match t {
            0.0 => a,
            1.0 => b,
            _ => (a.0 + t * dx, a.1 + t * dy),
        };
        Some((at(t0), at(t1)))
    }

    /// A polyline cut to the box: the runs of it that lie inside, each a polyline of its own.
    pub fn polyline(&self, points: impl IntoIterator<Item = (f64, f64)>) -> Vec<Vec<(f64, f64)>> {
        let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut current: Vec<(f64, f64)> = Vec::new();
        let mut previous: Option<(f64, f64)> = None;
        for p in points {
            match previous {
                None => {
                    if self.contains(p) {
                        current.push(p);
                    }
                }
                Some(a) => match self.segment(a, p) {
                    Some((from, to)) => {
                        if current.last() != Some(&from) {
                            if current.len() > 1 {
                                pieces.push(std::mem::take(&mut current));
                            }
                            current.clear();
                            current.push(from);
                        }
                        current.push(to);
                        if to != p {
                            pieces.push(std::mem::take(&mut current));
                        }
                    }
                    None => {
                        if current.len() > 1 {
                            pieces.push(std::mem::take(&mut current));
                        }
                        current.clear();
                    }
                },
            }
            previous = Some(p);
        }
        if current.len() > 1 {
            pieces.push(current);
        }
        pieces
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: DataBox = DataBox {
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    };

    #[test]
    fn a_segment_through_the_box_is_cut_at_its_edges() {
        let (a, b) = UNIT.segment((-1.0, 0.5), (2.0, 0.5)).unwrap();
        assert_eq!((a, b), ((0.0, 0.5), (1.0, 0.5)));
        assert!(UNIT.segment((-1.0, 2.0), (2.0, 2.0)).is_none());
        assert!(UNIT.segment((2.0, 0.0), (3.0, 1.0)).is_none());
    }

    #[test]
    fn a_spike_leaves_two_pieces_that_end_on_the_edge() {
        let line = [(0.1, 0.5), (0.3, 0.5), (0.4, 100.0), (0.5, 0.5), (0.9, 0.5)];
        let pieces = UNIT.polyline(line);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        for piece in &pieces {
            for p in piece {
                assert!(UNIT.contains(*p), "{p:?}");
            }
        }
        assert_eq!(pieces[0].last().unwrap().1, 1.0);
        assert_eq!(pieces[1].first().unwrap().1, 1.0);
        assert_eq!(pieces[1].last(), Some(&(0.9, 0.5)));
    }

    #[test]
    fn a_line_inside_stays_one_piece_and_rectangles_are_cut() {
        let line = [(0.1, 0.1), (0.5, 0.9), (0.9, 0.1)];
        assert_eq!(UNIT.polyline(line), vec![line.to_vec()]);
        assert_eq!(
            UNIT.rectangle((0.5, -3.0), (4.0, 0.5)),
            Some([(0.5, 0.0), (1.0, 0.5)])
        );
        assert_eq!(UNIT.rectangle((2.0, 0.0), (3.0, 1.0)), None);
        let inner = UNIT.inset(0.1, 0.2);
        assert!((inner.x.0 - 0.1).abs() < 1e-12 && (inner.y.1 - 0.8).abs() < 1e-12);
    }
}
