use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::sim::platform::device::make_device;
use crate::sim::platform::host;
use crate::sim::preset::{TargetKind, TargetSpec};
use crate::sim::targets::build_target;

#[derive(Args, Debug)]
pub struct DensityArgs {
    /// gmm40, mos10, funnel, double-well, many-well, gaussian, seeds, sonar, ionosphere, credit,
    /// brownian or lgcp (the last six read the data directory).
    pub target: String,
    /// CSV with one point per row (a non-numeric header line is skipped).
    pub points: PathBuf,
    /// Also print the score ∇ log ρ after the log density.
    #[arg(long)]
    pub score: bool,
    /// Benchmark constants set (0–9) for the mixtures.
    #[arg(long, default_value_t = 0)]
    pub constants_seed: u32,
}

pub fn run(args: DensityArgs) -> Result<()> {
    let Some(kind) = TargetKind::from_slug(&args.target) else {
        let names: Vec<_> = TargetKind::ALL
            .iter()
            .chain(&TargetKind::BAYESIAN)
            .map(|k| k.slug())
            .collect();
        bail!("unknown target `{}` (known: {})", args.target, names.join(", "));
    };
    let text = std::fs::read_to_string(&args.points)
        .with_context(|| format!("reading {}", args.points.display()))?;
    // (file line, values) of each point; a first line without numbers is a header.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut rows: Vec<(usize, Vec<f32>)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields = || line.split(',').map(|s| s.trim().parse::<f32>());
        match fields().collect::<Result<Vec<f32>, _>>() {
            Ok(v) => rows.push((i + 1, v)),
            Err(_) if i == 0 && fields().all(|f| f.is_err()) => continue,
            Err(e) => bail!("{}:{}: {e}", args.points.display(), i + 1),
        }
    }
    let Some(d) = rows.first().map(|(_, r)| r.len()) else {
        bail!("{} holds no points", args.points.display())
    };
    if let Some((line, r)) = rows.iter().find(|(_, r)| r.len() != d) {
        bail!(
            "{}:{line}: {} columns, the first point has {d}",
            args.points.display(),
            r.len()
        );
    }
    if let Some((line, r)) = rows.iter().find(|(_, r)| r.iter().any(|v| !v.is_finite())) {
        let j = r.iter().position(|v| !v.is_finite()).unwrap_or(0);
        bail!(
            "{}:{line}: column {} is not a finite single-precision number",
            args.points.display(),
            j + 1
        );
    }
    // The engine computes in single precision: beyond this a coordinate's square overflows and
    // every figure of the row would be NaN.
    const REACH: f32 = 1e18;
    if let Some((line, r)) = rows.iter().find(|(_, r)| r.iter().any(|v| v.abs() > REACH)) {
        let j = r.iter().position(|v| v.abs() > REACH).unwrap_or(0);
        bail!(
            "{}:{line}: column {} is {:e}, beyond ±{REACH:e}, where the single-precision engine cannot \
             evaluate a density (squares overflow)",
            args.points.display(),
            j + 1,
            r[j]
        );
    }
    let device = make_device(crate::sim::preset::ComputeDevice::Cpu);
    let target = build_target(
        &TargetSpec {
            kind,
            dim: d,
            constants_seed: args.constants_seed,
            components: Vec::new(),
        },
        &device,
    )?;
    let n = rows.len();
    let x = host::matrix(rows.into_iter().flat_map(|(_, r)| r).collect(), n, d, &device);
    let logp = host::to_vec(target.log_density(x.clone()));
    let score = args.score.then(|| host::to_vec(target.score(x)));
    // A figure that is not a number for a finite point is never printed as one.
    for i in 0..n {
        let row_score = score.as_ref().map_or(&[][..], |s| &s[i * d..(i + 1) * d]);
        if logp[i].is_nan() || row_score.iter().any(|v| v.is_nan()) {
            bail!(
                "{}: row {} is too far from the target for the single-precision engine: its {} is \
                 not a number",
                args.points.display(),
                i + 1,
                if logp[i].is_nan() { "log density" } else { "score" }
            );
        }
    }
    for i in 0..n {
        let mut line = format!("{:.6}", logp[i]);
        if let Some(s) = &score {
            for v in &s[i * d..(i + 1) * d] {
                line.push_str(&format!(",{v:.6}"));
            }
        }
        println!("{line}");
    }
    Ok(())
}
