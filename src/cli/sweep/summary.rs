//! Turning finished runs into the paper's kind of table: one row per preset, mean ± standard
//! error over seeds per metric, the best row of each target marked, failed runs counted.

use serde::Serialize;

use crate::sim::metrics::PaperReport;
use crate::sim::report::Evaluation;

/// Which figures a table reports for a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reporting {
    /// Ours: the final evaluation on fresh samples; ± is the standard error (ddof 1).
    #[default]
    Final,
    /// The rKL-LD paper's: per-epoch training means (best epoch for the posteriors, last
    /// epoch otherwise) for ELBO and log Ẑ, the final evaluation's Sinkhorn and ESS; ± is its
    /// ddof-0 standard deviation over √n.
    Paper,
}

impl Reporting {
    pub fn describe(self) -> &'static str {
        match self {
            Reporting::Final => {
                "final evaluation on fresh samples (ours); ± is the standard error over seeds"
            }
            Reporting::Paper => {
                "the paper's: ELBO and log Ẑ from the per-epoch means of the training batches (best ELBO and \
                 worst log Ẑ over all epochs for the posteriors, the last epoch otherwise), Sinkhorn and ESS from \
                 the final evaluation; ± is the standard deviation (ddof 0) over √seeds"
            }
        }
    }
}

/// How one (preset, seed) run ended.
#[derive(Clone, Debug)]
pub enum Outcome {
    Evaluated(Box<Evaluation>),
    /// The run stopped on non-finite values (the message says where).
    Diverged(String),
    /// Anything else: a bad preset, a missing data file, a crash.
    Failed(String),
}

#[derive(Clone, Debug)]
pub struct RunResult {
    pub seed: u64,
    pub seconds: f64,
    pub outcome: Outcome,
    /// The run under the paper's reporting, where the table asks for it.
    pub paper: Option<Result<PaperReport, String>>,
    /// Logged steps with non-finite values (the run went on past them).
    pub non_finite_steps: usize,
}

/// One preset's runs.
#[derive(Clone, Debug)]
pub struct PresetRuns {
    pub name: String,
    /// Rows with the same group (the target) are compared with each other.
    pub group: String,
    /// Which benchmark instance of the target each seed used.
    pub instances: String,
    pub runs: Vec<RunResult>,
}

/// "name seed k: message" for every run that diverged or failed.
pub fn problems(presets: &[PresetRuns]) -> Vec<String> {
    presets
        .iter()
        .flat_map(|p| {
            p.runs.iter().filter_map(move |r| match &r.outcome {
                Outcome::Diverged(m) | Outcome::Failed(m) => Some(format!("{} seed {}: {m}", p.name, r.seed)),
                Outcome::Evaluated(_) => None,
            })
        })
        .collect()
}

/// Mean and standard error of the mean; the error is absent with fewer than two values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub se: Option<f64>,
    pub n: usize,
}

impl Estimate {
    /// The mean of the finite `values` and its error: the standard error (variance over
    /// n − 1) or, under the paper's reporting, its std (over n) divided by √n.
    pub fn of(values: &[f64], reporting: Reporting) -> Option<Self> {
        let values: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let n = values.len();
        if n == 0 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let ddof = match reporting {
            Reporting::Final => 1,
            Reporting::Paper => 0,
        };
        let se = (n > 1).then(|| {
            let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - ddof) as f64;
            (var / n as f64).sqrt()
        });
        Some(Self { mean, se, n })
    }

    fn text(&self) -> String {
        match self.se {
            Some(se) => format!("{} ± {}", sig(self.mean), sig(se)),
            None => sig(self.mean),
        }
    }
}

/// Four significant digits, without switching to exponents for ordinary magnitudes.
fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    if v.abs() >= 1e6 || v.abs() < 1e-4 {
        format!("{v:.3e}")
    } else {
        format!("{v:.digits$}")
    }
}

/// The table's metrics and which direction is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Elbo,
    LogZ,
    Ess,
    Sinkhorn,
}

impl Metric {
    pub const ALL: [Metric; 4] = [Metric::Elbo, Metric::LogZ, Metric::Ess, Metric::Sinkhorn];

    fn title(self) -> &'static str {
        match self {
            Metric::Elbo => "ELBO ↑",
            Metric::LogZ => "log Ẑ ↑",
            Metric::Ess => "ESS ↑",
            Metric::Sinkhorn => "Sinkhorn ↓",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Metric::Elbo => "elbo",
            Metric::LogZ => "log_z_hat",
            Metric::Ess => "ess",
            Metric::Sinkhorn => "sinkhorn",
        }
    }

    fn value(self, e: &Evaluation, paper: Option<&PaperReport>) -> Option<f64> {
        match (self, paper) {
            (Metric::Elbo, Some(p)) => Some(p.elbo),
            (Metric::LogZ, Some(p)) => Some(p.log_z),
            (Metric::Elbo, None) => Some(e.weights.elbo),
            (Metric::LogZ, None) => Some(e.weights.log_z_hat),
            (Metric::Ess, _) => Some(e.weights.ess),
            (Metric::Sinkhorn, _) => e.sinkhorn.as_ref().map(|s| s.value),
        }
    }

    fn better(self, a: f64, b: f64) -> bool {
        match self {
            Metric::Sinkhorn => a < b,
            _ => a > b,
        }
    }
}

/// A preset's line of the table.
#[derive(Clone, Debug)]
pub struct Row {
    pub name: String,
    pub group: String,
    pub estimates: Vec<Option<Estimate>>,
    /// Which metric columns hold the best mean of this row's group.
    pub best: Vec<bool>,
    pub evaluated: usize,
    pub diverged: usize,
    pub failed: Vec<String>,
    pub seeds: usize,
    pub mean_seconds: f64,
    pub instances: String,
    /// How the Sinkhorn figures of the row were computed.
    pub sinkhorn: String,
    /// Runs that went on past steps with non-finite values: the paper marks such rows †.
    pub non_finite_runs: usize,
    /// Why a run has no figure under the paper's reporting.
    pub unreported: Vec<String>,
}

/// One line for the Sinkhorn reports of a row: protocol, the range of ε, cost, debiasing,
/// points and how many converged.
fn sinkhorn_note(evals: &[&Evaluation]) -> String {
    let reports: Vec<_> = evals.iter().filter_map(|e| e.sinkhorn.as_ref()).collect();
    let Some(first) = reports.first() else {
        return "no Sinkhorn figure".into();
    };
    let (lo, hi) = reports
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
            (lo.min(r.eps), hi.max(r.eps))
        });
    let eps = if (hi - lo).abs() <= 1e-12 * hi.abs() {
        format!("ε = {}", fmt_eps(lo))
    } else {
        format!("ε = {}–{}", fmt_eps(lo), fmt_eps(hi))
    };
    let converged = reports.iter().filter(|r| r.converged).count();
    let mut note = format!(
        "{} protocol, {eps}, {} cost, {}, {} points, {converged}/{} converged",
        first.protocol.name(),
        first.cost.name(),
        if first.debiased {
            "debiased"
        } else {
            "not debiased"
        },
        first.samples,
        reports.len()
    );
    let floors: Vec<f64> = evals
        .iter()
        .filter_map(|e| e.noise_floor.as_ref()?.sinkhorn.as_ref().map(|s| s.value))
        .collect();
    let mmd_floors: Vec<f64> = evals
        .iter()
        .filter_map(|e| Some(e.noise_floor.as_ref()?.mmd2))
        .collect();
    if let (Some(floor), Some(mmd)) = (
        Estimate::of(&floors, Reporting::Final),
        Estimate::of(&mmd_floors, Reporting::Final),
    ) {
        note.push_str(&format!(
            "; two exact draws of that size (the noise floor): Sinkhorn {}, MMD² {}",
            floor.text(),
            mmd.text()
        ));
    }
    note
}

fn fmt_eps(e: f64) -> String {
    if e >= 1.0 {
        format!("{e:.1}")
    } else {
        format!("{e:.3e}")
    }
}

pub fn rows(presets: &[PresetRuns], reporting: Reporting) -> Vec<Row> {
    let mut rows: Vec<Row> = presets
        .iter()
        .map(|p| {
            let evaluated: Vec<(&Evaluation, &RunResult)> = p
                .runs
                .iter()
                .filter_map(|r| match &r.outcome {
                    Outcome::Evaluated(e) => Some((&**e, r)),
                    _ => None,
                })
                .collect();
            let evals: Vec<&Evaluation> = evaluated.iter().map(|(e, _)| *e).collect();
            let mut unreported = Vec::new();
            let reports: Vec<Option<&PaperReport>> = evaluated
                .iter()
                .map(|(_, r)| match (&r.paper, reporting) {
                    (Some(Ok(report)), Reporting::Paper) => Some(report),
                    (Some(Err(why)), Reporting::Paper) => {
                        unreported.push(format!("seed {}: {why}", r.seed));
                        None
                    }
                    _ => None,
                })
                .collect();
            let estimates = Metric::ALL
                .iter()
                .map(|m| {
                    let values: Vec<f64> = evals
                        .iter()
                        .zip(&reports)
                        .filter(|(_, paper)| {
                            reporting == Reporting::Final
                                || paper.is_some()
                                || !matches!(m, Metric::Elbo | Metric::LogZ)
                        })
                        .filter_map(|(e, paper)| m.value(e, *paper))
                        .collect();
                    Estimate::of(&values, reporting)
                })
                .collect();
            let failed = p
                .runs
                .iter()
                .filter_map(|r| match &r.outcome {
                    Outcome::Failed(why) => Some(format!("seed {}: {why}", r.seed)),
                    _ => None,
                })
                .collect();
            Row {
                name: p.name.clone(),
                group: p.group.clone(),
                estimates,
                best: vec![false; Metric::ALL.len()],
                evaluated: evals.len(),
                diverged: p
                    .runs
                    .iter()
                    .filter(|r| matches!(r.outcome, Outcome::Diverged(_)))
                    .count(),
                failed,
                seeds: p.runs.len(),
                mean_seconds: p.runs.iter().map(|r| r.seconds).sum::<f64>() / p.runs.len().max(1) as f64,
                instances: p.instances.clone(),
                sinkhorn: sinkhorn_note(&evals),
                non_finite_runs: evaluated.iter().filter(|(_, r)| r.non_finite_steps > 0).count(),
                unreported,
            }
        })
        .collect();
    for (m, metric) in Metric::ALL.iter().enumerate() {
        for i in 0..rows.len() {
            let Some(mine) = rows[i].estimates[m] else {
                continue;
            };
            let beaten = rows.iter().enumerate().any(|(j, other)| {
                j != i
                    && other.group == rows[i].group
                    && other.estimates[m].is_some_and(|o| metric.better(o.mean, mine.mean))
            });
            let contested = rows.iter().filter(|o| o.group == rows[i].group).count() > 1;
            rows[i].best[m] = contested && !beaten;
        }
    }
    rows
}

fn status(r: &Row) -> String {
    let mut parts = vec![format!("{}/{}", r.evaluated, r.seeds)];
    if r.diverged > 0 {
        parts.push(format!("{} diverged", r.diverged));
    }
    if !r.failed.is_empty() {
        parts.push(format!("{} failed", r.failed.len()));
    }
    parts.join(", ")
}

/// The row's name, with the paper's † where a run went on past non-finite steps.
fn marked_name(r: &Row) -> String {
    if r.non_finite_runs > 0 {
        format!("{} †", r.name)
    } else {
        r.name.clone()
    }
}

pub fn markdown(rows: &[Row], reporting: Reporting) -> String {
    let mut out = format!("Reporting: {}.\n\n", reporting.describe());
    out.push_str("| preset | target |");
    for m in Metric::ALL {
        out.push_str(&format!(" {} |", m.title()));
    }
    out.push_str(" runs | s/run |\n|---|---|");
    out.push_str(&"---:|".repeat(Metric::ALL.len() + 2));
    out.push('\n');
    for r in rows {
        out.push_str(&format!("| {} | {} |", marked_name(r), r.group));
        for (e, best) in r.estimates.iter().zip(&r.best) {
            let cell = e.map_or("–".into(), |e| e.text());
            if *best {
                out.push_str(&format!(" **{cell}** |"));
            } else {
                out.push_str(&format!(" {cell} |"));
            }
        }
        out.push_str(&format!(" {} | {:.1} |\n", status(r), r.mean_seconds));
    }
    let failures: Vec<String> = rows
        .iter()
        .flat_map(|r| r.failed.iter().map(move |f| format!("- {}, {f}", r.name)))
        .collect();
    out.push_str("\nMean ± error over the seeds that finished; bold: best of its target. ");
    out.push_str("Diverged runs are counted in the runs column and left out of the means.");
    if rows.iter().any(|r| r.non_finite_runs > 0) {
        out.push_str(
            " †: a run of this row had steps with non-finite values and went on (their gradients zeroed \
             under the paper's policy, their updates dropped under Skip); the paper marks such rows so.",
        );
    }
    out.push_str("\n\n");
    for r in rows {
        out.push_str(&format!(
            "- {}: {}; Sinkhorn: {}\n",
            r.name, r.instances, r.sinkhorn
        ));
    }
    if !failures.is_empty() {
        out.push_str("\nFailed runs:\n");
        out.push_str(&failures.join("\n"));
        out.push('\n');
    }
    let unreported: Vec<String> = rows
        .iter()
        .flat_map(|r| r.unreported.iter().map(move |f| format!("- {}, {f}", r.name)))
        .collect();
    if !unreported.is_empty() {
        out.push_str("\nRuns without the paper's ELBO and log Ẑ (left out of those columns):\n");
        out.push_str(&unreported.join("\n"));
        out.push('\n');
    }
    out
}

pub fn csv(rows: &[Row], reporting: Reporting) -> String {
    let mut out = String::from("preset,target");
    for m in Metric::ALL {
        out.push_str(&format!(",{0}_mean,{0}_se,{0}_best", m.slug()));
    }
    out.push_str(",seeds,evaluated,diverged,failed,non_finite_runs,mean_seconds,instances,sinkhorn_protocol,reporting\n");
    let reporting = match reporting {
        Reporting::Final => "final",
        Reporting::Paper => "paper",
    };
    for r in rows {
        out.push_str(&format!("{},{}", r.name, r.group.replace(',', ";")));
        for (e, best) in r.estimates.iter().zip(&r.best) {
            let mean = e.map_or(String::new(), |e| e.mean.to_string());
            let se = e.and_then(|e| e.se).map_or(String::new(), |s| s.to_string());
            out.push_str(&format!(",{mean},{se},{best}"));
        }
        out.push_str(&format!(
            ",{},{},{},{},{},{:.3},{},{},{reporting}\n",
            r.seeds,
            r.evaluated,
            r.diverged,
            r.failed.len(),
            r.non_finite_runs,
            r.mean_seconds,
            r.instances.replace(',', ";"),
            r.sinkhorn.replace(',', ";")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::metrics::WeightStats;

    fn evaluated(seed: u64, elbo: f64) -> RunResult {
        let e = Evaluation {
            step: 1,
            samples: 10,
            weights: WeightStats {
                elbo,
                log_z_hat: elbo + 1.0,
                eubo: 0.0,
                ess: 0.5,
            },
            log_z: None,
            sinkhorn: None,
            sinkhorn_error: None,
            mmd2: None,
            mmd_points: 0,
            delta_std: None,
            modes: None,
            noise_floor: None,
        };
        RunResult {
            seed,
            seconds: 1.0,
            outcome: Outcome::Evaluated(Box::new(e)),
            paper: None,
            non_finite_steps: 0,
        }
    }

    #[test]
    fn means_standard_errors_best_marks_and_divergence_are_reported() {
        let a = PresetRuns {
            name: "a".into(),
            group: "Seeds".into(),
            instances: "instance 0".into(),
            runs: vec![evaluated(0, -10.0), evaluated(1, -12.0)],
        };
        let b = PresetRuns {
            name: "b".into(),
            group: "Seeds".into(),
            instances: "instance 0".into(),
            runs: vec![
                evaluated(0, -20.0),
                RunResult {
                    seed: 1,
                    seconds: 1.0,
                    outcome: Outcome::Diverged("step 3".into()),
                    paper: None,
                    non_finite_steps: 0,
                },
            ],
        };
        let rows = rows(&[a, b], Reporting::Final);
        let elbo = rows[0].estimates[0].unwrap();
        assert_eq!(elbo.mean, -11.0);
        assert!((elbo.se.unwrap() - 1.0).abs() < 1e-12);
        assert!(rows[0].best[0] && !rows[1].best[0]);
        assert_eq!(rows[1].estimates[0].unwrap().se, None);
        assert_eq!(rows[1].diverged, 1);
        let md = markdown(&rows, Reporting::Final);
        assert!(md.contains("**-11.00 ± 1.000**"), "{md}");
        assert!(md.contains("1/2, 1 diverged"), "{md}");
        assert!(
            csv(&rows, Reporting::Final)
                .lines()
                .nth(1)
                .unwrap()
                .starts_with("a,Seeds,-11,1,true")
        );
    }

    #[test]
    fn the_papers_reporting_takes_its_epochs_its_error_and_marks_non_finite_runs() {
        use crate::sim::metrics::EpochRule;
        let paper = |elbo: f64| PaperReport {
            rule: EpochRule::BestEpoch,
            elbo,
            log_z: elbo + 0.5,
            elbo_epoch: 3,
            epochs: 4,
            non_finite_epochs: 0,
        };
        let mut runs = vec![evaluated(0, -50.0), evaluated(1, -50.0), evaluated(2, -50.0)];
        runs[0].paper = Some(Ok(paper(-10.0)));
        runs[1].paper = Some(Ok(paper(-12.0)));
        runs[1].non_finite_steps = 2;
        runs[2].paper = Some(Err("the log holds 3 of 4 epochs".into()));
        let p = PresetRuns {
            name: "a".into(),
            group: "Seeds".into(),
            instances: "instance 0".into(),
            runs,
        };
        let paper_rows = rows(std::slice::from_ref(&p), Reporting::Paper);
        let elbo = paper_rows[0].estimates[0].unwrap();
        // The epochs' ELBOs, not the final evaluation's; ddof 0: std 1, over √2.
        assert_eq!((elbo.mean, elbo.n), (-11.0, 2));
        assert!((elbo.se.unwrap() - 1.0 / 2f64.sqrt()).abs() < 1e-12);
        assert_eq!(
            paper_rows[0].estimates[2].unwrap().n,
            3,
            "ESS from every evaluation"
        );
        let md = markdown(&paper_rows, Reporting::Paper);
        assert!(md.starts_with("Reporting: the paper's"), "{md}");
        assert!(md.contains("| a † |") && md.contains("| 3/3 |"), "{md}");
        assert!(md.contains("seed 2: the log holds 3 of 4 epochs"), "{md}");
        let ours = rows(&[p], Reporting::Final);
        assert_eq!(ours[0].estimates[0].unwrap().mean, -50.0);
        assert!(markdown(&ours, Reporting::Final).starts_with("Reporting: final evaluation"));
    }
}
