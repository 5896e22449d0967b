#include "stats/t_test.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/students_t.hpp>

#include "stats/descriptive.hpp"

namespace doseomics::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

}  // namespace

std::vector<double> paired_differences(const std::vector<double>& first,
                                       const std::vector<double>& second) {
  if (first.size() != second.size()) {
    throw std::invalid_argument("paired samples must have the same length");
  }
  std::vector<double> differences(first.size());
  for (std::size_t i = 0; i < first.size(); ++i) differences[i] = first[i] - second[i];
  return differences;
}

PairedTTestResult paired_t_test(const std::vector<double>& first, const std::vector<double>& second,
                                Alternative alternative, double confidence_level) {
  if (!(confidence_level > 0.0 && confidence_level < 1.0)) {
    throw std::invalid_argument("paired_t_test: confidence_level must lie in (0, 1)");
  }
  const std::vector<double> differences = paired_differences(first, second);
  PairedTTestResult result;
  result.count = differences.size();
  result.alternative = alternative;
  result.confidence_level = confidence_level;
  result.mean_difference = mean(differences);
  result.standard_deviation = sample_standard_deviation(differences);
  result.degrees_of_freedom = static_cast<double>(result.count) - 1.0;
  result.standard_error = result.standard_deviation / std::sqrt(static_cast<double>(result.count));
  if (result.count < 2) {
    result.t_statistic = result.p_value = kNaN;
    result.confidence_lower = result.confidence_upper = kNaN;
    return result;
  }
  if (result.standard_error == 0.0) {
    // Constant differences: no sampling variability, the interval collapses onto the mean.
    result.confidence_lower = result.confidence_upper = result.mean_difference;
    if (result.mean_difference == 0.0) {
      result.t_statistic = result.p_value = kNaN;
    } else {
      result.t_statistic = std::copysign(kInfinity, result.mean_difference);
      const bool supports_alternative =
          alternative == Alternative::two_sided ||
          (alternative == Alternative::greater) == (result.mean_difference > 0.0);
      result.p_value = supports_alternative ? 0.0 : 1.0;
    }
    return result;
  }
  result.t_statistic = result.mean_difference / result.standard_error;
  const boost::math::students_t distribution(result.degrees_of_freedom);
  const double upper_tail =
      boost::math::cdf(boost::math::complement(distribution, result.t_statistic));
  const double lower_tail = boost::math::cdf(distribution, result.t_statistic);
  switch (alternative) {
    case Alternative::two_sided: {
      result.p_value = std::min(1.0, 2.0 * std::min(upper_tail, lower_tail));
      const double critical = boost::math::quantile(distribution, 0.5 + 0.5 * confidence_level);
      result.confidence_lower = result.mean_difference - critical * result.standard_error;
      result.confidence_upper = result.mean_difference + critical * result.standard_error;
      break;
    }
    case Alternative::less: {
      result.p_value = lower_tail;
      const double critical = boost::math::quantile(distribution, confidence_level);
      result.confidence_lower = -kInfinity;
      result.confidence_upper = result.mean_difference + critical * result.standard_error;
      break;
    }
    case Alternative::greater: {
      result.p_value = upper_tail;
      const double critical = boost::math::quantile(distribution, confidence_level);
      result.confidence_lower = result.mean_difference - critical * result.standard_error;
      result.confidence_upper = kInfinity;
      break;
    }
  }
  return result;
}

}  // namespace doseomics::stats
