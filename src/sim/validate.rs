//! Reading presets from RON and checking their values, with errors that name the file, the
//! line and the field.

use std::fmt;
use std::io::Read;
use std::path::Path;

use super::config::{BridgeKind, PRESET_VERSION, Preset, TargetKind, Variation};

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

/// A value that is out of range, with the dotted path of its field.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidField {
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for InvalidField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}`: {}", self.field, self.message)
    }
}

fn bad(field: &'static str, message: impl Into<String>) -> InvalidField {
    InvalidField {
        field,
        message: message.into(),
    }
}

fn positive(field: &'static str, v: f64) -> Result<(), InvalidField> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(bad(field, format!("must be a finite number above 0, got {v}")))
    }
}

fn non_negative(field: &'static str, v: f64) -> Result<(), InvalidField> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(bad(
            field,
            format!("must be a finite number of at least 0, got {v}"),
        ))
    }
}

/// Rough parameter count of a preset's networks: per network, the hidden layers' H × H
/// matrices and the state's d × H ones.
fn estimated_parameters(p: &Preset) -> u128 {
    let (d, h) = (p.target.dim as u128, p.hidden as u128);
    let nets = if p.bridge == BridgeKind::Dbs { 2 } else { 1 };
    nets * (5 * h * h + 3 * d * h + 64 * h)
}

fn networks(p: &Preset) -> u128 {
    if p.bridge == BridgeKind::Dbs { 2 } else { 1 }
}

/// Rough peak bytes of training: every parameter in about ten f32 copies (values, gradients,
/// the optimiser's two moments, the copy kept to undo a bad step, the backward pass's
/// transposes), and the batched pass's dozen `N·B·max(d, H)` activations per network. Measured
/// peaks (with the final evaluation): DBS width 4096 batch 8, 6.6 GB of 6.7 estimated; width
/// 1024 batch 64, 0.65 GB of 0.63.
pub fn estimated_step_bytes(p: &Preset) -> u128 {
    let width = p.target.dim.max(p.hidden) as u128;
    let activations = (p.steps as u128 + 1) * p.batch as u128 * width * 4 * 12 * networks(p);
    activations + estimated_parameters(p) * 4 * 10
}

/// Rough peak bytes of an evaluation on `samples` fresh paths: the noise, the path, its scores
/// and their per-step terms (about seven `(N + 1)·m·d` tensors), one step's activations per
/// network, the Sinkhorn problem on at most `eval.max_points` points (its two cost matrices
/// where they are stored), MMD's kernel matrices on at most 4000, the parameters and the
/// program itself. Measured peaks were 0.6 to 0.95 of it (GMM-40 d = 2: DBS N = 32, width 32
/// and 1024, 10⁴ to 10⁶ samples; CMCD N = 8, width 16, 10⁷ samples).
pub fn estimated_eval_bytes(p: &Preset, samples: usize) -> u128 {
    let m = samples as u128;
    let (n1, d, h) = (p.steps as u128 + 1, p.target.dim as u128, p.hidden as u128);
    let paths = n1 * m * d * 4 * 7;
    let step = m * d.max(h) * 4 * networks(p);
    let k = m.min(p.eval.max_points as u128);
    let stored = if k * k <= 1 << 24 {
        2 * k * k * 8
    } else {
        2 * 4096 * k * 8
    };
    let sinkhorn = stored + 4 * k * d * 8;
    let j = m.min(crate::sim::metrics::MMD_POINTS as u128);
    let mmd = 4 * j * j * 4;
    paths + step + sinkhorn + mmd + estimated_parameters(p) * 4 * 2 + (100 << 20)
}

/// Refuses an evaluation on `samples` fresh paths that would not fit, with the estimate.
pub fn check_eval_size(p: &Preset, samples: usize) -> Result<(), String> {
    let need = estimated_eval_bytes(p, samples);
    if need > MEMORY_LIMIT_BYTES {
        return Err(format!(
            "an evaluation on {samples} samples would need about {:.1} GiB; the limit is {} GiB",
            need as f64 / (1u64 << 30) as f64,
            MEMORY_LIMIT_BYTES >> 30
        ));
    }
    Ok(())
}

/// Refuse runs larger than this; the machines we target have 24 GiB.
pub const MEMORY_LIMIT_BYTES: u128 = 16 << 30;

/// The most components a drawn target may have.
pub const MAX_COMPONENTS: usize = 40;
/// Component widths of a drawn target: narrower ones need steps far below the lab's, wider
/// ones leave the canvas.
pub const COMPONENT_STD: (f64, f64) = (0.1, 10.0);
/// Component centres stay inside this box.
pub const COMPONENT_REACH: f64 = 100.0;

/// A drawn target has 1 to [`MAX_COMPONENTS`] components with finite centres inside
/// ±[`COMPONENT_REACH`], widths in [`COMPONENT_STD`] and positive weights; other targets none.
fn validate_components(p: &Preset) -> Result<(), InvalidField> {
    let c = &p.target.components;
    if p.target.kind != TargetKind::Custom {
        return if c.is_empty() {
            Ok(())
        } else {
            Err(bad(
                "target.components",
                format!(
                    "only a drawn target (Custom) has components; {} has none",
                    p.target.kind.label()
                ),
            ))
        };
    }
    if c.is_empty() || c.len() > MAX_COMPONENTS {
        return Err(bad(
            "target.components",
            format!(
                "a drawn target needs 1 to {MAX_COMPONENTS} components, got {}",
                c.len()
            ),
        ));
    }
    for (i, k) in c.iter().enumerate() {
        let wrong = |what: String| bad("target.components", format!("component {}: {what}", i + 1));
        if let Some(m) = k
            .mean
            .iter()
            .find(|m| !(m.is_finite() && m.abs() <= COMPONENT_REACH))
        {
            return Err(wrong(format!(
                "mean must be finite and within ±{COMPONENT_REACH}, got {m}"
            )));
        }
        let (lo, hi) = COMPONENT_STD;
        if !(k.std.is_finite() && (lo..=hi).contains(&k.std)) {
            return Err(wrong(format!("std must be between {lo} and {hi}, got {}", k.std)));
        }
        if !(k.weight.is_finite() && k.weight > 0.0 && k.weight <= 1e6) {
            return Err(wrong(format!(
                "weight must be above 0 and at most 1000000, got {}",
                k.weight
            )));
        }
    }
    Ok(())
}

/// Checks every value of a parsed preset.
pub fn validate(p: &Preset) -> Result<(), InvalidField> {
    if p.version != PRESET_VERSION {
        return Err(bad(
            "version",
            format!(
                "this build reads version {PRESET_VERSION}, the preset is version {}",
                p.version
            ),
        ));
    }
    let d = p.target.dim;
    let dim_ok = match p.target.kind {
        TargetKind::Gmm40 | TargetKind::Mos10 => d == 2 || d == 50,
        TargetKind::Funnel => d >= 2,
        TargetKind::ManyWell => d >= 2 && d.is_multiple_of(2),
        TargetKind::DoubleWell | TargetKind::Gaussian => d >= 1,
        k @ (TargetKind::Seeds
        | TargetKind::Sonar
        | TargetKind::Ionosphere
        | TargetKind::Credit
        | TargetKind::Brownian
        | TargetKind::Lgcp) => k.dimensions().contains(&d),
        TargetKind::Custom => d == 2,
    };
    if !dim_ok {
        return Err(bad(
            "target.dim",
            format!("{} does not support dimension {d}", p.target.kind.label()),
        ));
    }
    if d > 4096 {
        return Err(bad(
            "target.dim",
            format!("{d} is larger than the 4096 this lab supports"),
        ));
    }
    if p.target.constants_seed > 9 {
        return Err(bad("target.constants_seed", "must be between 0 and 9"));
    }
    validate_components(p)?;
    if p.steps == 0 || p.steps > 4096 {
        return Err(bad(
            "steps",
            format!("must be between 1 and 4096, got {}", p.steps),
        ));
    }
    if p.batch == 0 || p.batch > 1_000_000 {
        return Err(bad(
            "batch",
            format!("must be between 1 and 1000000, got {}", p.batch),
        ));
    }
    if p.hidden == 0 || p.hidden > 4096 {
        return Err(bad(
            "hidden",
            format!("must be between 1 and 4096, got {}", p.hidden),
        ));
    }
    positive("beta", p.beta)?;
    positive("prior_std", p.prior_std)?;
    if !p.sigma_init.is_empty() && p.sigma_init.len() != d {
        return Err(bad(
            "sigma_init",
            format!(
                "needs one multiplier per dimension ({d}) or none, got {}",
                p.sigma_init.len()
            ),
        ));
    }
    if let Some(v) = p.sigma_init.iter().find(|v| !(v.is_finite() && **v > 0.0)) {
        return Err(bad(
            "sigma_init",
            format!("multipliers must be finite numbers above 0, got {v}"),
        ));
    }
    non_negative("lr.network", p.lr.network)?;
    non_negative("lr.interpolation", p.lr.interpolation)?;
    non_negative("lr.sde", p.lr.sde)?;
    positive("grad_clip", p.grad_clip)?;
    if p.log_every == 0 {
        return Err(bad("log_every", "must be at least 1"));
    }
    if p.eval.samples == 0 || p.eval.samples > 1_000_000 {
        return Err(bad(
            "eval.samples",
            format!("must be between 1 and 1000000, got {}", p.eval.samples),
        ));
    }
    positive("eval.sinkhorn_eps", p.eval.sinkhorn_eps)?;
    if p.eval.max_points == 0 || p.eval.max_points > 20_000 {
        return Err(bad("eval.max_points", "must be between 1 and 20000"));
    }
    if !(p.eval.mode_threshold.is_finite() && (0.0..=1.0).contains(&p.eval.mode_threshold)) {
        return Err(bad("eval.mode_threshold", "must be between 0 and 1"));
    }
    if let Some(v) = &p.compare {
        validate_variation(v)?;
    }
    for step in &p.guide {
        if step.text.trim().is_empty() || step.answer.trim().is_empty() {
            return Err(bad("guide", "every step needs a text and an answer"));
        }
        if let Some(claim) = step.claim {
            claim.validate().map_err(|m| bad("guide", m))?;
        }
        if let Some(act) = step.act {
            act.validate(d).map_err(|m| bad("guide", m))?;
        }
    }
    for q in std::iter::once(p.clone()).chain(p.compared()) {
        check_eval_size(&q, q.eval.samples).map_err(|m| bad("eval.samples", m))?;
    }
    let need = estimated_step_bytes(p).max(p.compared().map_or(0, |q| estimated_step_bytes(&q)));
    if need > MEMORY_LIMIT_BYTES {
        return Err(bad(
            "batch",
            format!(
                "a training step would need about {:.1} GiB (steps × batch × width); the limit is {} GiB",
                need as f64 / (1u64 << 30) as f64,
                MEMORY_LIMIT_BYTES >> 30
            ),
        ));
    }
    Ok(())
}

fn validate_variation(v: &Variation) -> Result<(), InvalidField> {
    if let Some(beta) = v.beta {
        positive("compare.beta", beta)?;
    }
    if let Some(std) = v.prior_std {
        positive("compare.prior_std", std)?;
    }
    if let Some(lr) = v.lr {
        non_negative("compare.lr.network", lr.network)?;
        non_negative("compare.lr.interpolation", lr.interpolation)?;
        non_negative("compare.lr.sde", lr.sde)?;
    }
    Ok(())
}

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
