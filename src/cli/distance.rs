//! `bridgelab distance`: the lab's Sinkhorn divergence and MMD² between any two sample files,
//! so that another sampler's samples can be scored with exactly the metric the lab reports.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use clap::Args;

use crate::sim::metrics::{MMD_POINTS, SinkhornProtocol, mmd, sinkhorn};
use crate::sim::platform::device::make_device;

#[derive(Args, Debug)]
pub struct DistanceArgs {
    /// Samples as a 2-D .npy array (n × d, float32 or float64), e.g. a run's samples.npy.
    pub x: PathBuf,
    /// The other set, with the same d.
    pub y: PathBuf,
    /// ε of the converged protocol (absolute, squared-distance units; default 1e-3).
    #[arg(long)]
    pub eps: Option<f64>,
    /// `converged` (ours, at --eps), `paper` (the rKL-LD paper's code: ε = 0.05 · std of the
    /// cost matrix, OTT's solver capped at 2000 iterations) or `beyond-elbos` (the same with
    /// ε = 0.05 · mean of the cost matrix, as ott-jax 0.4.6). X takes the part of the model's
    /// samples, whose potential OTT updates first.
    #[arg(long, value_enum, default_value_t = super::ProtocolArg::Converged)]
    pub protocol: super::ProtocolArg,
    /// The published protocols' variant for the paper's MW54 many-well target (our Double
    /// well): Euclidean cost, not debiased, ε = 1e-3.
    #[arg(long, alias = "many-well")]
    pub mw54: bool,
    /// Use at most this many rows of each file (default: all, up to the smaller count).
    #[arg(long)]
    pub max_points: Option<usize>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Reads a 2-D float .npy file as row-major f32 with its column count.
pub fn read_npy(path: &Path) -> Result<(Vec<f32>, usize)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let npy =
        npyz::NpyFile::new(&bytes[..]).with_context(|| format!("{}: not a .npy file", path.display()))?;
    let shape = npy.shape().to_vec();
    ensure!(
        shape.len() == 2 && shape[0] > 0 && shape[1] > 0,
        "{}: expected a non-empty 2-D array (n × d), found shape {shape:?}",
        path.display()
    );
    ensure!(
        npy.order() == npyz::Order::C,
        "{}: Fortran-ordered arrays are not supported; save it with numpy's default order",
        path.display()
    );
    let d = shape[1] as usize;
    let values = match npy.dtype() {
        npyz::DType::Plain(t) if t.type_char() == npyz::TypeChar::Float && t.size_field() == 4 => {
            npy.into_vec::<f32>()?
        }
        npyz::DType::Plain(t) if t.type_char() == npyz::TypeChar::Float && t.size_field() == 8 => {
            npy.into_vec::<f64>()?.into_iter().map(|v| v as f32).collect()
        }
        other => bail!(
            "{}: expected float32 or float64, found {}",
            path.display(),
            other.descr()
        ),
    };
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        bail!("{}: row {} holds a non-finite value", path.display(), i / d + 1);
    }
    Ok((values, d))
}

pub fn run(args: DistanceArgs) -> Result<()> {
    let (a, d) = read_npy(&args.x)?;
    let (b, db) = read_npy(&args.y)?;
    ensure!(
        d == db,
        "{} has {d} columns and {} has {db}",
        args.x.display(),
        args.y.display()
    );
    let mut n = (a.len() / d).min(b.len() / d);
    if let Some(max) = args.max_points {
        ensure!(max > 0, "--max-points must be at least 1");
        n = n.min(max);
    }
    let (a, b) = (&a[..n * d], &b[..n * d]);
    let protocol = SinkhornProtocol::from(args.protocol);
    ensure!(
        args.eps.is_none() || protocol == SinkhornProtocol::Converged,
        "--eps applies to the converged protocol; the {} protocol sets its own ε",
        protocol.name()
    );
    ensure!(
        !args.mw54 || protocol.is_published(),
        "--mw54 selects the published protocols' many-well variant; add --protocol paper"
    );
    let eps = args.eps.unwrap_or(1e-3);
    let report = sinkhorn(a, b, d, protocol, eps, args.mw54).map_err(anyhow::Error::msg)?;
    let k = n.min(MMD_POINTS);
    let device = make_device(crate::sim::preset::ComputeDevice::Cpu);
    let mmd2 = mmd(&a[..k * d], &b[..k * d], d, &device);
    if args.json {
        let out = serde_json::json!({
            "points": n,
            "dim": d,
            "sinkhorn": report,
            "mmd2": mmd2,
            "mmd_points": k,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!("Sinkhorn  {:.6}  ({})", report.value, report.describe());
        println!("MMD^2     {mmd2:.6}  ({k} points, 10 RBF kernels h = 3.125·2^i)");
    }
    if !report.converged {
        eprintln!(
            "bridgelab: warning: the Sinkhorn iterations stopped at their cap before meeting the tolerance{}",
            if protocol.is_published() {
                " (as OTT does, the value reached is reported)"
            } else {
                ""
            }
        );
    }
    Ok(())
}
