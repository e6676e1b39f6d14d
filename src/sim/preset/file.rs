//! Reading presets from RON files and writing them back, with errors that name the file, the
//! line and the field.

use std::fmt;
use std::io::Read;
use std::path::Path;

use super::validate::validate;
use crate::sim::preset::Preset;

/// A preset that could not be read or is not a valid run.
#[derive(Debug, Clone, PartialEq)]
pub struct PresetError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for PresetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for PresetError {}

/// The name of the field whose value starts nearest before `offset` in RON text, if any.
fn field_before(text: &str, offset: usize) -> Option<String> {
    let head = &text[..offset.min(text.len())];
    let bytes = head.as_bytes();
    let mut i = head.len();
    while i > 0 {
        i -= 1;
        if bytes[i] == b':' {
            let mut j = i;
            while j > 0 && bytes[j - 1].is_ascii_whitespace() {
                j -= 1;
            }
            let end = j;
            while j > 0 && (bytes[j - 1].is_ascii_alphanumeric() || bytes[j - 1] == b'_') {
                j -= 1;
            }
            if j < end {
                return Some(head[j..end].to_string());
            }
        }
    }
    None
}

fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    text.len()
}

/// The line where `field` (a dotted path such as `compare.beta`) is written: each part is
/// searched from the line of the part before it, so nested fields find their own line.
fn line_of_field(text: &str, field: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    for key in field.split('.') {
        let found = lines[from..].iter().position(|l| {
            let t = l.trim_start();
            t.starts_with(key) && t[key.len()..].trim_start().starts_with(':')
        })?;
        from += found;
    }
    Some(from + 1)
}

/// Parses and validates preset text; `file` names it in errors.
pub fn parse_preset(text: &str, file: &str) -> Result<Preset, PresetError> {
    let preset: Preset = ron::from_str(text).map_err(|e| {
        let (line, col) = (e.span.start.line, e.span.start.col);
        let field = match &e.code {
            ron::Error::NoSuchStructField { found, .. } => Some(found.clone()),
            ron::Error::MissingStructField { field, .. } => Some(field.to_string()),
            ron::Error::DuplicateStructField { field, .. } => Some(field.to_string()),
            _ => field_before(text, offset_of(text, line, col)),
        };
        PresetError {
            file: file.into(),
            line: Some(line),
            column: Some(col),
            field,
            message: e.code.to_string(),
        }
    })?;
    validate(&preset).map_err(|e| PresetError {
        file: file.into(),
        line: line_of_field(text, e.field),
        column: None,
        field: Some(e.field.into()),
        message: e.message,
    })?;
    let mut preset = preset;
    preset.upgrade();
    Ok(preset)
}

/// Reads a preset file.
pub fn load_preset(path: &Path) -> Result<Preset, PresetError> {
    let file = path.display().to_string();
    let refuse = |message: String| PresetError {
        file: file.clone(),
        line: None,
        column: None,
        field: None,
        message,
    };
    // A FIFO would block the read and /dev/zero never end it: only regular files of a
    // preset's size are read.
    let meta = std::fs::metadata(path).map_err(|e| refuse(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(refuse("not a regular file".into()));
    }
    if meta.len() > MAX_PRESET_BYTES {
        return Err(refuse(format!(
            "{} bytes; a preset is at most {MAX_PRESET_BYTES} bytes",
            meta.len()
        )));
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_PRESET_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| refuse(format!("cannot read: {e}")))?;
    if text.len() as u64 > MAX_PRESET_BYTES {
        return Err(refuse(format!("more than {MAX_PRESET_BYTES} bytes")));
    }
    parse_preset(&text, &file)
}

/// The largest preset file read (the shipped ones are about 2 KB).
pub const MAX_PRESET_BYTES: u64 = 1 << 20;

/// The preset as RON text, in the layout of the shipped presets.
pub fn preset_to_ron(p: &Preset) -> String {
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(3)
        .indentor("    ".to_string());
    ron::ser::to_string_pretty(p, config).expect("a preset always serialises")
}
