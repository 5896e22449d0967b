#include "stats/descriptive.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "stats/accurate_sum.hpp"

namespace doseomics::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double quantile_of_sorted(const std::vector<double>& sorted, double probability,
                          QuantileDefinition definition) {
  const std::size_t n = sorted.size();
  if (n == 0) return kNaN;
  if (n == 1) return sorted.front();
  // Zero-based fractional position of the quantile among the order statistics.
  double position = 0.0;
  if (definition == QuantileDefinition::linear) {
    position = probability * static_cast<double>(n - 1);
  } else {
    position = probability * static_cast<double>(n + 1) - 1.0;
    position = std::clamp(position, 0.0, static_cast<double>(n - 1));
  }
  const double lower_index = std::floor(position);
  const auto lower = static_cast<std::size_t>(lower_index);
  if (lower + 1 >= n) return sorted[n - 1];
  const double fraction = position - lower_index;
  if (fraction == 0.0) return sorted[lower];
  return sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower]);
}

}  // namespace

double mean(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  const double count = static_cast<double>(values.size());
  const double first_estimate = compensated_sum(values) / count;
  CompensatedSum residuals;
  for (double value : values) residuals.add(value - first_estimate);
  return first_estimate + residuals.total() / count;
}

double sample_variance(const std::vector<double>& values) {
  if (values.size() < 2) return kNaN;
  const double center = mean(values);
  CompensatedSum squares;
  CompensatedSum deviations;
  for (double value : values) {
    const double deviation = value - center;
    squares.add(deviation * deviation);
    deviations.add(deviation);
  }
  const double count = static_cast<double>(values.size());
  const double residual = deviations.total();
  const double sum_of_squares = squares.total() - residual * residual / count;
  return std::max(sum_of_squares, 0.0) / (count - 1.0);
}

double sample_standard_deviation(const std::vector<double>& values) {
  return std::sqrt(sample_variance(values));
}

double quantile(const std::vector<double>& values, double probability,
                QuantileDefinition definition) {
  if (!(probability >= 0.0 && probability <= 1.0)) {
    throw std::invalid_argument("quantile: probability must lie in [0, 1]");
  }
  std::vector<double> sorted(values);
  std::sort(sorted.begin(), sorted.end());
  return quantile_of_sorted(sorted, probability, definition);
}

double median(const std::vector<double>& values) {
  return quantile(values, 0.5, QuantileDefinition::linear);
}

Quartiles quartiles(const std::vector<double>& values, QuantileDefinition definition) {
  std::vector<double> sorted(values);
  std::sort(sorted.begin(), sorted.end());
  Quartiles result;
  result.first = quantile_of_sorted(sorted, 0.25, definition);
  result.median = quantile_of_sorted(sorted, 0.5, definition);
  result.third = quantile_of_sorted(sorted, 0.75, definition);
  return result;
}

DescriptiveSummary describe(const std::vector<double>& values, QuantileDefinition definition) {
  DescriptiveSummary summary;
  summary.count = values.size();
  summary.mean = mean(values);
  summary.standard_deviation = sample_standard_deviation(values);
  summary.quartiles = quartiles(values, definition);
  if (values.empty()) {
    summary.minimum = kNaN;
    summary.maximum = kNaN;
  } else {
    const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
    summary.minimum = *lowest;
    summary.maximum = *highest;
  }
  return summary;
}

}  // namespace doseomics::stats
