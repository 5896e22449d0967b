#include "stats/correlation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "stats/accurate_sum.hpp"
#include "stats/descriptive.hpp"
#include "stats/ranks.hpp"

namespace doseomics::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double pearson_coefficient(const std::vector<double>& x, const std::vector<double>& y) {
  const double mean_x = mean(x);
  const double mean_y = mean(y);
  CompensatedSum sxx;
  CompensatedSum syy;
  CompensatedSum sxy;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mean_x;
    const double dy = y[i] - mean_y;
    sxx.add(dx * dx);
    syy.add(dy * dy);
    sxy.add(dx * dy);
  }
  const double denominator = std::sqrt(sxx.total() * syy.total());
  if (!(denominator > 0.0)) return kNaN;
  return std::clamp(sxy.total() / denominator, -1.0, 1.0);
}

}  // namespace

CorrelationResult correlation(const std::vector<double>& x, const std::vector<double>& y,
                              CorrelationMethod method, double confidence_level) {
  if (x.size() != y.size()) throw std::invalid_argument("correlation: x and y lengths differ");
  if (!(confidence_level > 0.0 && confidence_level < 1.0)) {
    throw std::invalid_argument("correlation: confidence_level must lie in (0, 1)");
  }
  CorrelationResult result;
  result.count = x.size();
  result.confidence_level = confidence_level;
  result.coefficient = method == CorrelationMethod::pearson
                           ? pearson_coefficient(x, y)
                           : pearson_coefficient(average_ranks(x), average_ranks(y));
  const double n = static_cast<double>(result.count);
  const double r = result.coefficient;
  result.degrees_of_freedom = n - 2.0;
  result.t_statistic = result.p_value = kNaN;
  result.confidence_lower = result.confidence_upper = kNaN;
  if (std::isnan(r)) return result;
  if (result.count >= 3) {
    if (std::fabs(r) == 1.0) {
      result.t_statistic = std::copysign(std::numeric_limits<double>::infinity(), r);
      result.p_value = 0.0;
    } else {
      result.t_statistic = r * std::sqrt(result.degrees_of_freedom / ((1.0 - r) * (1.0 + r)));
      const boost::math::students_t distribution(result.degrees_of_freedom);
      result.p_value = std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(
                                               distribution, std::fabs(result.t_statistic))));
    }
  }
  if (result.count >= 4) {
    const double critical =
        boost::math::quantile(boost::math::normal(), 0.5 + 0.5 * confidence_level);
    const double z = std::atanh(r);
    const double half_width = critical / std::sqrt(n - 3.0);
    result.confidence_lower = std::tanh(z - half_width);
    result.confidence_upper = std::tanh(z + half_width);
  }
  return result;
}

CorrelationResult pearson_correlation(const std::vector<double>& x, const std::vector<double>& y,
                                      double confidence_level) {
  return correlation(x, y, CorrelationMethod::pearson, confidence_level);
}

CorrelationResult spearman_correlation(const std::vector<double>& x, const std::vector<double>& y,
                                       double confidence_level) {
  return correlation(x, y, CorrelationMethod::spearman, confidence_level);
}

}  // namespace doseomics::stats
