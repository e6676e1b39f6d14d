use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::DeviceArg;
use crate::sim::platform::device::make_device;
use crate::sim::preset::ComputeDevice;
use crate::sim::report::Evaluation;
use crate::sim::training::checkpoint;

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// A checkpoint.json written by `bridgelab train`.
    pub checkpoint: PathBuf,
    /// Fresh samples to draw (default: the preset's evaluation size).
    #[arg(long)]
    pub samples: Option<usize>,
    #[arg(long, value_enum)]
    pub device: Option<DeviceArg>,
    /// Print the evaluation as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: EvalArgs) -> Result<()> {
    let device = args.device.map_or(ComputeDevice::Cpu, Into::into);
    let trainer = checkpoint::load(&args.checkpoint, make_device(device))?;
    if let Some(n) = args.samples {
        anyhow::ensure!(n > 0, "--samples must be at least 1");
        crate::sim::preset::memory::check_eval_size(trainer.preset(), n).map_err(anyhow::Error::msg)?;
    }
    let e = super::evaluate_showing_progress(&trainer, args.samples, false);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&e)?);
    } else {
        print_evaluation(&e);
    }
    Ok(())
}

pub fn print_evaluation(e: &Evaluation) {
    let w = &e.weights;
    println!("evaluation at step {} on {} fresh samples", e.step, e.samples);
    println!("  ELBO      {:.4}", w.elbo);
    println!("  log Z^    {:.4}", w.log_z_hat);
    println!("  EUBO      {:.4}", w.eubo);
    println!("  ESS       {:.4}", w.ess);
    if let Some(z) = e.log_z {
        println!("  log Z     {z:.4} (true)");
    }
    let floor = e.noise_floor.as_ref();
    if let Some(s) = &e.sinkhorn {
        println!("  Sinkhorn  {:.4} ({})", s.value, s.describe());
        if let Some(f) = floor.and_then(|f| f.sinkhorn.as_ref()) {
            println!(
                "            {:.4} between two exact draws of the same size (the noise floor)",
                f.value
            );
        }
    }
    if let Some(why) = &e.sinkhorn_error {
        println!("  Sinkhorn  not computed: {why}");
    }
    if let Some(m) = e.mmd2 {
        println!("  MMD^2     {m:.5} ({} points)", e.mmd_points);
        if let Some(f) = floor {
            println!(
                "            {:.5} between two exact draws of the same size",
                f.mmd2
            );
        }
    }
    if let Some(d) = e.delta_std {
        println!("  delta std {d:.4}");
    }
    if let Some(m) = &e.modes {
        println!(
            "  modes     {} of {} covered ({}), EMC {:.3}",
            m.covered,
            m.total,
            m.rule(),
            m.emc
        );
    }
}
