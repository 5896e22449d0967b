// Descriptive statistics: mean, sample variance / SD (n - 1), median, quantiles and quartiles.
//
// Numerics: the mean is a compensated sum refined by one correction pass (mean += mean of the
// residuals), and the variance is the corrected two-pass formula
//   s^2 = (sum (x - m)^2 - (sum (x - m))^2 / n) / (n - 1)
// with compensated sums, so data with many constant leading digits (NIST NumAcc3/NumAcc4) lose
// nothing beyond the rounding of the inputs themselves.
// Undefined results (mean of nothing, SD of one value) are NaN; they never throw.
#pragma once

#include <cstddef>
#include <vector>

namespace doseomics::stats {

// Arithmetic mean (compensated, with a correction pass); NaN for an empty input.
double mean(const std::vector<double>& values);

// Sample variance with denominator n - 1 (corrected two-pass); NaN when fewer than 2 values.
double sample_variance(const std::vector<double>& values);

// Sample standard deviation, the square root of sample_variance (SPSS "Std. Deviation").
double sample_standard_deviation(const std::vector<double>& values);

// How a quantile between two order statistics is interpolated.
enum class QuantileDefinition {
  // Hyndman-Fan type 7, h = (n - 1) p: R's and numpy's default, Excel QUARTILE.INC.
  linear,
  // Hyndman-Fan type 6, h = (n + 1) p: SPSS "weighted average" (HAVERAGE, the EXAMINE
  // default), Minitab; clamps to the minimum / maximum outside [1, n].
  weighted_average,
};

// The p-quantile (0 <= p <= 1) of the values; NaN for an empty input. Throws
// std::invalid_argument when p is outside [0, 1].
double quantile(const std::vector<double>& values, double probability,
                QuantileDefinition definition = QuantileDefinition::linear);

// Median (identical under both quantile definitions); NaN for an empty input.
double median(const std::vector<double>& values);

// First quartile, median and third quartile.
struct Quartiles {
  double first = 0.0;   // 25th percentile
  double median = 0.0;  // 50th percentile
  double third = 0.0;   // 75th percentile
  // Interquartile range, third - first.
  double interquartile_range() const { return third - first; }
};

// Quartiles under the chosen definition; all NaN for an empty input.
Quartiles quartiles(const std::vector<double>& values,
                    QuantileDefinition definition = QuantileDefinition::linear);

// One-call summary of a sample.
struct DescriptiveSummary {
  std::size_t count = 0;            // number of values
  double mean = 0.0;                // arithmetic mean
  double standard_deviation = 0.0;  // sample SD (n - 1)
  double minimum = 0.0;             // smallest value
  Quartiles quartiles;              // 25th, 50th, 75th percentiles
  double maximum = 0.0;             // largest value
};

// Count, mean, SD, minimum, quartiles and maximum; NaN fields where undefined.
DescriptiveSummary describe(const std::vector<double>& values,
                            QuantileDefinition definition = QuantileDefinition::linear);

}  // namespace doseomics::stats
