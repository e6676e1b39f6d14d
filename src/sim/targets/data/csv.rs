//! A small reader for the numeric CSV files of the data. Parsed tables are cached by file:
//! the lab rebuilds targets on every restart and for its thumbnails, and the files do not
//! change while it runs.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use super::DataFile;
use crate::sim::error::SimError;

/// A rectangular table of finite numbers, with where each row came from.
#[derive(Debug)]
pub struct Table {
    /// The file's name in messages: its path, or `built-in data/NAME`.
    pub source: String,
    pub rows: Vec<Vec<f64>>,
    /// 1-based line number of each row, for messages about its values.
    lines: Vec<usize>,
}

impl Table {
    pub fn cols(&self) -> usize {
        self.rows.first().map_or(0, Vec::len)
    }

    /// A data error located at row `row` of this table.
    pub fn error_at(&self, row: usize, message: impl std::fmt::Display) -> SimError {
        SimError::Data(format!("{}:{}: {message}", self.source, self.lines[row]))
    }

    /// A data error about the whole file.
    pub fn error(&self, message: impl std::fmt::Display) -> SimError {
        SimError::Data(format!("{}: {message}", self.source))
    }

    /// Refuses tables whose width or length is not what a target expects.
    pub fn expect_shape(&self, rows: Option<usize>, cols: usize) -> Result<(), SimError> {
        if self.cols() != cols {
            return Err(self.error(format!("expected {cols} columns, found {}", self.cols())));
        }
        match rows {
            Some(n) if n != self.rows.len() => {
                Err(self.error(format!("expected {n} data rows, found {}", self.rows.len())))
            }
            _ => Ok(()),
        }
    }

    pub fn column(&self, j: usize) -> Vec<f64> {
        self.rows.iter().map(|r| r[j]).collect()
    }
}

static CACHE: LazyLock<Mutex<HashMap<String, Arc<Table>>>> = LazyLock::new(Default::default);

/// The table in `file`, read once per process. Failures are not cached, so a file fixed on
/// disk is picked up by the next try.
pub fn load(file: &DataFile) -> Result<Arc<Table>, SimError> {
    let source = file.label();
    if let Some(t) = CACHE.lock().unwrap_or_else(|e| e.into_inner()).get(&source) {
        return Ok(t.clone());
    }
    let table = Arc::new(parse(&file.read_text()?, &source)?);
    CACHE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(source, table.clone());
    Ok(table)
}

/// Parses `text`; a first line that is not numeric is a header and skipped. Blank lines are
/// ignored. Every row must be as wide as the first one.
fn parse(text: &str, source: &str) -> Result<Table, SimError> {
    let at = |line: usize, message: String| SimError::Data(format!("{source}:{line}: {message}"));
    let mut rows: Vec<Vec<f64>> = Vec::new();
    let mut lines = Vec::new();
    // A byte-order mark is not part of the first field.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Result<Vec<f64>, _> = line.split(',').map(|f| f.trim().parse::<f64>()).collect();
        // A header has no numeric field; a first line with some is a data row with a typo.
        let header = |line: &str| line.split(',').all(|f| f.trim().parse::<f64>().is_err());
        let values = match parsed {
            Ok(v) => v,
            Err(_) if line_no == 1 && header(line) => continue,
            Err(e) => {
                let bad = line
                    .split(',')
                    .position(|f| f.trim().parse::<f64>().is_err())
                    .unwrap_or(0);
                return Err(at(line_no, format!("column {}: {e}", bad + 1)));
            }
        };
        if let Some(j) = values.iter().position(|v| !v.is_finite()) {
            return Err(at(line_no, format!("column {} is not a finite number", j + 1)));
        }
        // The targets compute in single precision, where larger values are infinite.
        if let Some(j) = values.iter().position(|v| v.abs() > f32::MAX as f64) {
            return Err(at(
                line_no,
                format!(
                    "column {} is {}, beyond single precision (±{:.2e})",
                    j + 1,
                    values[j],
                    f32::MAX
                ),
            ));
        }
        if let Some(first) = rows.first()
            && first.len() != values.len()
        {
            return Err(at(
                line_no,
                format!(
                    "{} columns, but the first data row has {}",
                    values.len(),
                    first.len()
                ),
            ));
        }
        rows.push(values);
        lines.push(line_no);
    }
    if rows.is_empty() {
        return Err(SimError::Data(format!("{source} holds no data rows")));
    }
    Ok(Table {
        source: source.to_string(),
        rows,
        lines,
    })
}
