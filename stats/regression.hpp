// Simple linear regression y = intercept + slope x by ordinary least squares.
//
// The fit is a column-pivoting Householder QR of the design matrix [1, x] (Eigen), never the
// normal equations, and the standard errors come from R^-1 (cov = s^2 (R^T R)^-1), so the NIST
// Norris certified values are met to 13 or more significant digits.
#pragma once

#include <cstddef>
#include <vector>

namespace doseomics::stats {

// Least-squares line with the statistics R's summary(lm) / scipy linregress print.
struct LinearRegressionResult {
  std::size_t count = 0;                  // number of points n
  double slope = 0.0;                     // b1
  double intercept = 0.0;                 // b0
  double slope_standard_error = 0.0;      // SE(b1)
  double intercept_standard_error = 0.0;  // SE(b0)
  double residual_standard_error = 0.0;   // sqrt(RSS / (n - 2))
  double residual_sum_of_squares = 0.0;   // RSS
  double r_squared = 0.0;                 // 1 - RSS / TSS
  double correlation = 0.0;               // Pearson r = sign(b1) sqrt(R^2)
  double slope_t_statistic = 0.0;         // b1 / SE(b1)
  double degrees_of_freedom = 0.0;        // n - 2
  double slope_p_value = 0.0;             // two-sided p of H0: slope = 0 (df n - 2)
};

// Fits y on x (same length; throws std::invalid_argument otherwise). Needs n >= 2 points and a
// non-constant x for the line (else slope and intercept are NaN); standard errors, t and p
// need n >= 3 (NaN otherwise). A perfect fit gives SE 0, t = +-inf and p = 0.
LinearRegressionResult linear_regression(const std::vector<double>& x,
                                         const std::vector<double>& y);

}  // namespace doseomics::stats
