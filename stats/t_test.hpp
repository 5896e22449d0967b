// Paired-samples (dependent) Student t-test on the differences d = first - second.
#pragma once

#include <cstddef>
#include <vector>

#include "stats/hypothesis.hpp"

namespace doseomics::stats {

// Result of a paired t-test (the numbers of SPSS's "Paired Samples Test" table).
struct PairedTTestResult {
  std::size_t count = 0;            // number of pairs n
  double mean_difference = 0.0;     // mean of d = first - second
  double standard_deviation = 0.0;  // sample SD of d (n - 1)
  double standard_error = 0.0;      // SD / sqrt(n)
  double t_statistic = 0.0;         // mean difference / standard error
  double degrees_of_freedom = 0.0;  // n - 1
  double p_value = 0.0;             // against the chosen alternative
  double confidence_level = 0.95;   // level of the interval
  double confidence_lower = 0.0;    // interval for the mean difference (-inf if less)
  double confidence_upper = 0.0;    // (+inf if greater), as scipy and R report
  Alternative alternative = Alternative::two_sided;  // alternative the p and CI refer to
};

// Paired t-test of first against second (same length). Throws std::invalid_argument on a length
// mismatch or confidence_level outside (0, 1). With fewer than 2 pairs, or all differences equal
// to zero, t and p are NaN; constant non-zero differences give t = +-inf and p = 0 (scipy).
PairedTTestResult paired_t_test(const std::vector<double>& first, const std::vector<double>& second,
                                Alternative alternative = Alternative::two_sided,
                                double confidence_level = 0.95);

// Element-wise differences first[i] - second[i]; throws std::invalid_argument on a length
// mismatch.
std::vector<double> paired_differences(const std::vector<double>& first,
                                       const std::vector<double>& second);

}  // namespace doseomics::stats
