//! A small logistic regression fitted by Newton's method: blends the learned margin with the
//! lexicon features into one calibrated probability (Platt scaling generalized to a few inputs).

use serde::{Deserialize, Serialize};

/// L2 penalty on the coefficients (not the bias): keeps the fit finite when a feature separates
/// the training data perfectly, which happens with rare topics.
const RIDGE: f64 = 0.05;
const MAX_NEWTON_STEPS: usize = 50;

/// Fitted blend: p = σ(bias + Σ coef_i · x_i).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blend {
    pub coef: Vec<f64>,
    pub bias: f64,
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Blend {
    pub fn logit(&self, x: &[f64]) -> f64 {
        self.bias + self.coef.iter().zip(x).map(|(c, v)| c * v).sum::<f64>()
    }

    pub fn probability(&self, x: &[f64]) -> f64 {
        sigmoid(self.logit(x))
    }

    /// Fits on rows `xs` with 0/1 targets `ys`.
    pub fn fit(xs: &[Vec<f64>], ys: &[bool]) -> Blend {
        let d = xs.first().map_or(0, Vec::len);
        let n = d + 1;
        // Start from the base rate so a constant target gives a sane constant model.
        let pos = ys.iter().filter(|&&y| y).count() as f64;
        let rate = ((pos + 0.5) / (ys.len() as f64 + 1.0)).clamp(1e-4, 1.0 - 1e-4);
        let mut beta = vec![0.0; n];
        beta[d] = (rate / (1.0 - rate)).ln();
        let mut loss = penalized_loss(&beta, xs, ys);
        for _ in 0..MAX_NEWTON_STEPS {
            let mut grad = vec![0.0; n];
            let mut hess = vec![vec![0.0; n]; n];
            for (x, &y) in xs.iter().zip(ys) {
                let p = sigmoid(linear(&beta, x));
                let r = p - if y { 1.0 } else { 0.0 };
                let w = (p * (1.0 - p)).max(1e-9);
                for j in 0..n {
                    let xj = if j == d { 1.0 } else { x[j] };
                    grad[j] += r * xj;
                    for k in 0..n {
                        let xk = if k == d { 1.0 } else { x[k] };
                        hess[j][k] += w * xj * xk;
                    }
                }
            }
            for j in 0..d {
                grad[j] += RIDGE * beta[j];
                hess[j][j] += RIDGE;
            }
            let Some(step) = solve(hess, grad) else { break };
            // Backtracking: a full Newton step can overshoot when classes are nearly separable.
            let mut scale = 1.0;
            let mut improved = false;
            for _ in 0..30 {
                let trial: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b - scale * s).collect();
                let trial_loss = penalized_loss(&trial, xs, ys);
                if trial_loss <= loss {
                    improved = loss - trial_loss > 1e-10;
                    beta = trial;
                    loss = trial_loss;
                    break;
                }
                scale /= 2.0;
            }
            if !improved {
                break;
            }
        }
        Blend {
            coef: beta[..d].to_vec(),
            bias: beta[d],
        }
    }
}

/// bias + Σ beta_j x_j, with the bias stored last.
fn linear(beta: &[f64], x: &[f64]) -> f64 {
    let d = beta.len() - 1;
    beta[d] + beta[..d].iter().zip(x).map(|(b, v)| b * v).sum::<f64>()
}

/// Negative log-likelihood plus the ridge penalty.
fn penalized_loss(beta: &[f64], xs: &[Vec<f64>], ys: &[bool]) -> f64 {
    let d = beta.len() - 1;
    let nll: f64 = xs
        .iter()
        .zip(ys)
        .map(|(x, &y)| {
            let z = linear(beta, x);
            // log(1 + e^z) - y z, computed stably.
            let softplus = if z > 0.0 {
                z + (-z).exp().ln_1p()
            } else {
                z.exp().ln_1p()
            };
            softplus - if y { z } else { 0.0 }
        })
        .sum();
    nll + 0.5 * RIDGE * beta[..d].iter().map(|b| b * b).sum::<f64>()
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting; `None` if singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col].clone();
        for row in col + 1..n {
            let f = a[row][col] / pivot_row[col];
            for (x, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_logistic_relation() {
        // Deterministic samples of p = σ(2x - 1).
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for i in 0..2000 {
            let x = (i % 100) as f64 / 25.0 - 2.0;
            let p = sigmoid(2.0 * x - 1.0);
            xs.push(vec![x]);
            ys.push(((i * 7919) % 1000) as f64 / 1000.0 < p);
        }
        let b = Blend::fit(&xs, &ys);
        assert!((b.coef[0] - 2.0).abs() < 0.3, "{b:?}");
        assert!((b.bias + 1.0).abs() < 0.3, "{b:?}");
    }

    #[test]
    fn separable_and_constant_targets_stay_finite() {
        let xs: Vec<Vec<f64>> = (0..20).map(|i| vec![i as f64]).collect();
        let ys: Vec<bool> = (0..20).map(|i| i >= 10).collect();
        let b = Blend::fit(&xs, &ys);
        assert!(b.coef[0].is_finite() && b.coef[0] > 0.0);
        let none = Blend::fit(&xs, &[false; 20]);
        assert!(none.probability(&[5.0]) < 0.1);
    }
}
