//! Bayesian logistic regression: Sonar (d = 61), Ionosphere (d = 35) and German credit
//! (d = 25). They share the likelihood and differ in preprocessing, label coding and prior.

use burn::tensor::activation::{log_sigmoid, sigmoid};
use burn::tensor::{Device, Tensor, TensorData};
use rand::rngs::StdRng;

use super::{LOG_2PI, ReferenceDraws};
use crate::sim::error::SimError;
use crate::sim::targets::Target;
use crate::sim::targets::data::DataDir;
use crate::sim::targets::data::csv::{self, Table};

/// How the feature columns are rescaled before the column of ones is prepended.
#[derive(Clone, Copy)]
enum Scaling {
    /// Centre and divide by the population standard deviation.
    Standardise,
    /// Divide by the population standard deviation only (the credit benchmark's choice).
    DivideByStd,
}

pub struct LogisticRegression {
    name: &'static str,
    dim: usize,
    /// Design matrix `[N, d]`, first column ones.
    x: Tensor<2>,
    /// Its transpose `[d, N]`, stored so that the logits of a batch are one product.
    xt: Tensor<2>,
    /// Responses in {0, 1} as `[1, N]`, coded so that P(y = 1) = sigmoid(x·w).
    y: Tensor<2>,
    /// Xᵀy as `[d, 1]`: the Σ y·logit term of the likelihood is then one small product.
    xty: Tensor<2>,
    /// N(0, I) prior on the weights; German credit has none.
    gaussian_prior: bool,
    /// Long-run reference draws of the posterior: they stand in for exact samples.
    reference: ReferenceDraws,
}

impl LogisticRegression {
    /// UCI Sonar: y = (label + 1) / 2, standardised features, N(0, I) prior.
    pub fn sonar(dir: &DataDir, device: &Device) -> Result<Self, SimError> {
        let table = csv::load(&dir.file("sonar.csv")?)?;
        Self::from_table(
            "Sonar",
            &table,
            61,
            Scaling::Standardise,
            pm_one_label,
            true,
            (dir, "sonar_gt_samples.csv"),
            device,
        )
    }

    /// UCI Ionosphere, treated exactly as Sonar.
    pub fn ionosphere(dir: &DataDir, device: &Device) -> Result<Self, SimError> {
        let table = csv::load(&dir.file("ionosphere.csv")?)?;
        Self::from_table(
            "Ionosphere",
            &table,
            35,
            Scaling::Standardise,
            pm_one_label,
            true,
            (dir, "ionosphere_gt_samples.csv"),
            device,
        )
    }

    /// Statlog German credit: features divided by their std, y = label − 1 with
    /// P(y = 1) = sigmoid(−x·w), and no prior term.
    pub fn credit(dir: &DataDir, device: &Device) -> Result<Self, SimError> {
        let table = csv::load(&dir.file("german_credit.csv")?)?;
        // With the sign flipped in the link, y = 1 under sigmoid(−x·w) is y' = 1 − y under
        // sigmoid(x·w): code the response as 1 − (label − 1) = 2 − label.
        let label = |v: f64| {
            if v == 1.0 {
                Some(1.0)
            } else if v == 2.0 {
                Some(0.0)
            } else {
                None
            }
        };
        Self::from_table(
            "German credit",
            &table,
            25,
            Scaling::DivideByStd,
            label,
            false,
            (dir, "german_credit_gt_samples.csv"),
            device,
        )
    }

    /// Rows are the features followed by the label; `dim` counts the intercept. The reference
    /// draws are read from `draws` (a directory and a file name) once the table is checked.
    #[allow(clippy::too_many_arguments)]
    fn from_table(
        name: &'static str,
        table: &Table,
        dim: usize,
        scaling: Scaling,
        label: fn(f64) -> Option<f64>,
        gaussian_prior: bool,
        draws: (&DataDir, &str),
        device: &Device,
    ) -> Result<Self, SimError> {
        table.expect_shape(None, dim)?;
        let n = table.rows.len();
        let features = dim - 1;
        let mut y = Vec::with_capacity(n);
        for (i, row) in table.rows.iter().enumerate() {
            let v = row[features];
            y.push(label(v).ok_or_else(|| table.error_at(i, format!("{v} is not a valid label")))? as f32);
        }
        let mut x = vec![1.0f32; n * dim];
        for j in 0..features {
            let col = table.column(j);
            let mean = col.iter().sum::<f64>() / n as f64;
            let sd = (col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
            // A constant column carries no information; leaving it unscaled avoids 0/0.
            let sd = if sd > 0.0 { sd } else { 1.0 };
            let shift = match scaling {
                Scaling::Standardise => mean,
                Scaling::DivideByStd => 0.0,
            };
            for (i, v) in col.iter().enumerate() {
                x[i * dim + 1 + j] = ((v - shift) / sd) as f32;
            }
        }
        let mut xty = vec![0.0f64; dim];
        for (i, yi) in y.iter().enumerate() {
            for (j, acc) in xty.iter_mut().enumerate() {
                *acc += *yi as f64 * x[i * dim + j] as f64;
            }
        }
        let xty: Vec<f32> = xty.into_iter().map(|v| v as f32).collect();
        let xt: Vec<f32> = (0..dim * n).map(|k| x[(k % n) * dim + k / n]).collect();
        let reference = ReferenceDraws::load(draws.0, draws.1, dim)?;
        Ok(Self {
            name,
            dim,
            x: Tensor::from_data(TensorData::new(x, [n, dim]), device),
            xt: Tensor::from_data(TensorData::new(xt, [dim, n]), device),
            y: Tensor::from_data(TensorData::new(y, [1, n]), device),
            xty: Tensor::from_data(TensorData::new(xty, [dim, 1]), device),
            gaussian_prior,
            reference,
        })
    }
}

/// ±1 labels to {0, 1}.
fn pm_one_label(v: f64) -> Option<f64> {
    (v == 1.0 || v == -1.0).then_some((v + 1.0) / 2.0)
}

impl Target for LogisticRegression {
    fn name(&self) -> String {
        format!("{} (d={})", self.name, self.dim)
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn log_density(&self, w: Tensor<2>) -> Tensor<1> {
        let [b, _] = w.dims();
        let logits = w.clone().matmul(self.xt.clone());
        // Σ_n y z − softplus(z) = Σ_n y z + log σ(−z): stable for logits of either sign.
        let lik = w.clone().matmul(self.xty.clone()) + log_sigmoid(-logits).sum_dim(1);
        let out = if self.gaussian_prior {
            lik - w.square().sum_dim(1) * 0.5 - 0.5 * self.dim as f64 * LOG_2PI
        } else {
            lik
        };
        out.reshape([b])
    }
    fn score(&self, w: Tensor<2>) -> Tensor<2> {
        let residual = self.y.clone() - sigmoid(w.clone().matmul(self.xt.clone()));
        let grad = residual.matmul(self.x.clone());
        if self.gaussian_prior { grad - w } else { grad }
    }
    fn plot_range(&self) -> (f32, f32) {
        (-3.0, 3.0)
    }
    /// `n` of the reference draws, distinct while there are enough of them.
    fn exact_samples(&self, n: usize, rng: &mut StdRng) -> Option<Vec<f32>> {
        Some(self.reference.sample(n, rng))
    }
}
