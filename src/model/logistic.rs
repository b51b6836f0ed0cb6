//! Binary logistic regression over sparse rows, for the per-topic linear models.
//!
//! The objective and solver are linfa-logistic's: log-loss plus `alpha/2 · ‖w‖²` (intercept not
//! penalized), minimized by argmin's L-BFGS (memory 10, More–Thuente line search, gradient
//! tolerance 1e-4) from zeros. Only the products differ: linfa-logistic takes a dense matrix, and
//! its products over a few hundred rows × 8,000 mostly-zero columns were most of `amn train`'s
//! time; here they run over the non-zero cells alone.

use crate::error::{Error, Result};
use argmin::core::{CostFunction, Executor, Gradient};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use ndarray::Array1;

/// Rows in compressed sparse form: row `r` is `indices[starts[r]..starts[r + 1]]` with `values`.
#[derive(Debug, Clone, Default)]
pub struct SparseRows {
    starts: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f64>,
    n_features: usize,
}

impl SparseRows {
    pub fn new(n_features: usize) -> SparseRows {
        SparseRows {
            starts: vec![0],
            n_features,
            ..SparseRows::default()
        }
    }

    /// Appends a row of (feature, value) cells; features must be below `n_features`.
    pub fn push(&mut self, cells: impl IntoIterator<Item = (u32, f64)>) {
        for (i, v) in cells {
            debug_assert!((i as usize) < self.n_features);
            self.indices.push(i);
            self.values.push(v);
        }
        self.starts.push(self.indices.len());
    }

    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn row(&self, r: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let span = self.starts[r]..self.starts[r + 1];
        self.indices[span.clone()]
            .iter()
            .map(|&i| i as usize)
            .zip(self.values[span].iter().copied())
    }

    /// `X·w + intercept` for `w` holding the weights then the intercept.
    fn margins(&self, w: &Array1<f64>) -> Vec<f64> {
        let intercept = w[self.n_features];
        (0..self.len())
            .map(|r| intercept + self.row(r).map(|(i, v)| v * w[i]).sum::<f64>())
            .collect()
    }
}

/// A fitted model: weights (one per feature) and intercept.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub weights: Vec<f64>,
    pub intercept: f64,
}

struct Problem<'a> {
    x: &'a SparseRows,
    /// +1 for the class, -1 otherwise.
    y: &'a [f64],
    alpha: f64,
}

impl CostFunction for Problem<'_> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, w: &Array1<f64>) -> std::result::Result<f64, argmin::core::Error> {
        let n = self.x.n_features;
        let loss: f64 = self
            .x
            .margins(w)
            .iter()
            .zip(self.y)
            .map(|(z, y)| log_logistic(y * z))
            .sum();
        let penalty: f64 = w.iter().take(n).map(|v| v * v).sum();
        Ok(-loss + 0.5 * self.alpha * penalty)
    }
}

impl Gradient for Problem<'_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(&self, w: &Array1<f64>) -> std::result::Result<Array1<f64>, argmin::core::Error> {
        let n = self.x.n_features;
        let mut grad = Array1::zeros(n + 1);
        for (r, (z, y)) in self.x.margins(w).iter().zip(self.y).enumerate() {
            let d = (logistic(y * z) - 1.0) * y;
            for (i, v) in self.x.row(r) {
                grad[i] += d * v;
            }
            grad[n] += d;
        }
        for i in 0..n {
            grad[i] += self.alpha * w[i];
        }
        Ok(grad)
    }
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `ln σ(x)`, stable for large |x| (as scikit-learn and linfa-logistic compute it).
fn log_logistic(x: f64) -> f64 {
    if x > 0.0 {
        -(1.0 + (-x).exp()).ln()
    } else {
        x - (1.0 + x.exp()).ln()
    }
}

/// Fits `x` against `ys` (true: the class) with L2 penalty `alpha`, for at most
/// `max_iterations` L-BFGS steps.
pub fn fit(x: &SparseRows, ys: &[bool], alpha: f64, max_iterations: u64) -> Result<Fitted> {
    if x.len() != ys.len() || x.is_empty() {
        return Err(Error::Training(format!(
            "logistic regression: {} rows for {} targets",
            x.len(),
            ys.len()
        )));
    }
    if !(alpha.is_finite() && alpha > 0.0) || x.values.iter().any(|v| !v.is_finite()) {
        return Err(Error::Training(
            "logistic regression: non-finite inputs".into(),
        ));
    }
    let y: Vec<f64> = ys.iter().map(|&c| if c { 1.0 } else { -1.0 }).collect();
    let problem = Problem { x, y: &y, alpha };
    let failed = |e: argmin::core::Error| Error::Training(format!("logistic regression: {e}"));
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
        .with_tolerance_grad(1e-4)
        .map_err(failed)?;
    let start = Array1::zeros(x.n_features + 1);
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(start).max_iters(max_iterations))
        .run()
        .map_err(failed)?;
    let best = result
        .state
        .best_param
        .unwrap_or_else(|| Array1::zeros(x.n_features + 1));
    let n = x.n_features;
    Ok(Fitted {
        weights: best.iter().take(n).copied().collect(),
        intercept: best[n],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa::prelude::*;
    use linfa_logistic::LogisticRegression;
    use ndarray::Array2;

    /// A small deterministic problem with overlapping classes (so the optimum is finite).
    fn problem() -> (Array2<f64>, Vec<bool>) {
        let (rows, cols) = (60, 12);
        let mut x = Array2::zeros((rows, cols));
        let mut ys = Vec::new();
        let mut s = 7u64;
        for r in 0..rows {
            for c in 0..cols {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if (s >> 60) < 4 {
                    x[[r, c]] = ((s >> 40) % 100) as f64 / 100.0;
                }
            }
            ys.push(x[[r, 0]] + x[[r, 1]] > 0.6 || r % 7 == 0);
        }
        (x, ys)
    }

    #[test]
    fn matches_linfa_logistic_on_the_same_problem() {
        let (dense, ys) = problem();
        let mut sparse = SparseRows::new(dense.ncols());
        for row in dense.rows() {
            sparse.push(
                row.iter()
                    .enumerate()
                    .filter(|(_, v)| **v != 0.0)
                    .map(|(i, &v)| (i as u32, v)),
            );
        }
        let ours = fit(&sparse, &ys, 0.3, 150).unwrap();
        let theirs = LogisticRegression::default()
            .alpha(0.3)
            .max_iterations(150)
            .fit(&Dataset::new(dense, Array1::from(ys)))
            .unwrap();
        // linfa's weights favour its "positive" class, which it picks by order of the labels.
        let sign = if theirs.labels().pos.class { 1.0 } else { -1.0 };
        for (a, b) in ours.weights.iter().zip(theirs.params()) {
            assert!((a - sign * b).abs() < 1e-3, "{a} vs {}", sign * b);
        }
        assert!((ours.intercept - sign * theirs.intercept()).abs() < 1e-3);
    }

    #[test]
    fn mismatched_or_non_finite_inputs_are_errors() {
        let mut x = SparseRows::new(2);
        x.push([(0, 1.0)]);
        assert!(fit(&x, &[true, false], 0.3, 10).is_err());
        assert!(fit(&x, &[true], f64::NAN, 10).is_err());
        x.push([(1, f64::INFINITY)]);
        assert!(fit(&x, &[true, false], 0.3, 10).is_err());
    }
}
