// Pearson and Spearman correlation with two-sided p-value and Fisher-z confidence interval.
#pragma once

#include <cstddef>
#include <vector>

namespace doseomics::stats {

// Which correlation coefficient.
enum class CorrelationMethod {
  pearson,   // product-moment r
  spearman,  // Pearson r of the mid-ranks (ties averaged)
};

// A correlation coefficient with its test and interval.
struct CorrelationResult {
  std::size_t count = 0;           // number of pairs n
  double coefficient = 0.0;        // r (or rho), clamped to [-1, 1]; NaN if a variable is constant
  double t_statistic = 0.0;        // r sqrt((n - 2) / (1 - r^2)), df n - 2
  double degrees_of_freedom = 0;   // n - 2
  double p_value = 0.0;            // two-sided, Student t on n - 2 df; NaN when n < 3
  double confidence_level = 0.95;  // level of the interval
  double confidence_lower = 0.0;   // tanh(atanh r - z_{1-alpha/2} / sqrt(n - 3)); NaN if n < 4
  double confidence_upper = 0.0;   // tanh(atanh r + z_{1-alpha/2} / sqrt(n - 3))
};

// Correlation of x and y (same length; throws std::invalid_argument otherwise or when
// confidence_level is outside (0, 1)). The p-value is the t-test of H0: rho = 0, which for
// Pearson equals R cor.test / scipy pearsonr / SPSS, and for Spearman is SPSS's and scipy
// spearmanr's t approximation (R's cor.test uses an exact p for small untied samples instead).
// The interval is Fisher's z (R cor.test, scipy pearsonr().confidence_interval()); for
// Spearman it is the same transform applied to rho, an approximation.
CorrelationResult correlation(const std::vector<double>& x, const std::vector<double>& y,
                              CorrelationMethod method = CorrelationMethod::pearson,
                              double confidence_level = 0.95);

// Pearson r with p and Fisher-z interval.
CorrelationResult pearson_correlation(const std::vector<double>& x, const std::vector<double>& y,
                                      double confidence_level = 0.95);

// Spearman rho (mid-ranks for ties) with t-approximation p and Fisher-z interval.
CorrelationResult spearman_correlation(const std::vector<double>& x, const std::vector<double>& y,
                                       double confidence_level = 0.95);

}  // namespace doseomics::stats
