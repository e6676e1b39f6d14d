//! Checking the values of a parsed preset, with errors that name the field.

use std::fmt;

use super::memory::{MEMORY_LIMIT_BYTES, check_eval_size, estimated_step_bytes};
use crate::sim::preset::{LossKind, PRESET_VERSION, Preset, TargetKind, Variation};

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
    if !(1..=PRESET_VERSION).contains(&p.version) {
        return Err(bad(
            "version",
            format!(
                "this build reads versions 1 to {PRESET_VERSION}, the preset is version {}",
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
    if p.path_steps == 0 || p.path_steps > 4096 {
        return Err(bad(
            "path_steps",
            format!("must be between 1 and 4096, got {}", p.path_steps),
        ));
    }
    if p.batch == 0 || p.batch > 1_000_000 {
        return Err(bad(
            "batch",
            format!("must be between 1 and 1000000, got {}", p.batch),
        ));
    }
    if p.loss == LossKind::Lv && p.batch < 2 {
        return Err(bad(
            "batch",
            "the log-variance loss needs at least 2 paths a batch: the variance of one value is 0 at every step, so nothing would be learned",
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
    if p.eval.samples < 2 || p.eval.samples > 1_000_000 {
        return Err(bad(
            "eval.samples",
            format!(
                "must be between 2 and 1000000 (the ESS and the spread of one sample mean nothing), got {}",
                p.eval.samples
            ),
        ));
    }
    positive("eval.sinkhorn_eps", p.eval.sinkhorn_eps)?;
    if p.eval.max_points == 0 || p.eval.max_points > 20_000 {
        return Err(bad("eval.max_points", "must be between 1 and 20000"));
    }
    if !(p.eval.mode_threshold.is_finite() && p.eval.mode_threshold > 0.0 && p.eval.mode_threshold <= 1.0) {
        return Err(bad(
            "eval.mode_threshold",
            "must be above 0 and at most 1 (at 0 a mode with no sample would count as covered)",
        ));
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
