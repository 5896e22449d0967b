#include "stats/anova.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "stats/accurate_sum.hpp"

namespace doseomics::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Compensated mean of values - shift, refined by one correction pass.
double shifted_mean(const std::vector<double>& values, double shift) {
  CompensatedSum sum;
  for (double value : values) sum.add(value - shift);
  const double count = static_cast<double>(values.size());
  const double estimate = sum.total() / count;
  CompensatedSum residuals;
  for (double value : values) residuals.add((value - shift) - estimate);
  return estimate + residuals.total() / count;
}

}  // namespace

OneWayAnovaResult one_way_anova(const std::vector<std::vector<double>>& groups) {
  if (groups.size() < 2) throw std::invalid_argument("one_way_anova: needs at least two groups");
  for (const auto& group : groups) {
    if (group.empty()) throw std::invalid_argument("one_way_anova: every group needs a value");
  }
  // Any observation is a good shift: it removes the leading digits the data share.
  const double shift = groups.front().front();

  OneWayAnovaResult result;
  std::vector<double> shifted_group_means;
  CompensatedSum grand_sum;
  for (const auto& group : groups) {
    result.group_sizes.push_back(group.size());
    result.total_count += group.size();
    shifted_group_means.push_back(shifted_mean(group, shift));
    for (double value : group) grand_sum.add(value - shift);
  }
  const double total_count = static_cast<double>(result.total_count);
  double shifted_grand_mean = grand_sum.total() / total_count;
  {
    CompensatedSum residuals;
    for (const auto& group : groups) {
      for (double value : group) residuals.add((value - shift) - shifted_grand_mean);
    }
    shifted_grand_mean += residuals.total() / total_count;
  }

  CompensatedSum between;
  CompensatedSum within;
  CompensatedSum total;
  CompensatedSum total_residual;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const double group_mean = shifted_group_means[g];
    const double offset = group_mean - shifted_grand_mean;
    between.add(static_cast<double>(groups[g].size()) * offset * offset);
    CompensatedSum squares;
    CompensatedSum residual;
    for (double value : groups[g]) {
      const double deviation = (value - shift) - group_mean;
      squares.add(deviation * deviation);
      residual.add(deviation);
      const double total_deviation = (value - shift) - shifted_grand_mean;
      total.add(total_deviation * total_deviation);
      total_residual.add(total_deviation);
    }
    const double group_residual = residual.total();
    within.add(squares.total() -
               group_residual * group_residual / static_cast<double>(groups[g].size()));
    result.group_means.push_back(group_mean + shift);
  }
  const double grand_residual = total_residual.total();
  result.between_sum_of_squares = between.total();
  result.within_sum_of_squares = std::max(within.total(), 0.0);
  result.total_sum_of_squares =
      std::max(total.total() - grand_residual * grand_residual / total_count, 0.0);

  const double group_count = static_cast<double>(groups.size());
  result.between_degrees_of_freedom = group_count - 1.0;
  result.within_degrees_of_freedom = total_count - group_count;
  result.between_mean_square = result.between_sum_of_squares / result.between_degrees_of_freedom;
  if (result.within_degrees_of_freedom <= 0.0) {
    result.within_sum_of_squares = kNaN;
    result.within_mean_square = kNaN;
    result.f_statistic = kNaN;
    result.p_value = kNaN;
    return result;
  }
  result.within_mean_square = result.within_sum_of_squares / result.within_degrees_of_freedom;
  if (result.within_mean_square == 0.0) {
    const bool means_differ = result.between_sum_of_squares > 0.0;
    result.f_statistic = means_differ ? std::numeric_limits<double>::infinity() : kNaN;
    result.p_value = means_differ ? 0.0 : kNaN;
    return result;
  }
  result.f_statistic = result.between_mean_square / result.within_mean_square;
  const boost::math::fisher_f distribution(result.between_degrees_of_freedom,
                                           result.within_degrees_of_freedom);
  result.p_value = boost::math::cdf(boost::math::complement(distribution, result.f_statistic));
  return result;
}

FisherLsdResult fisher_lsd(const OneWayAnovaResult& anova, double confidence_level) {
  if (!(confidence_level > 0.0 && confidence_level < 1.0)) {
    throw std::invalid_argument("fisher_lsd: confidence_level must lie in (0, 1)");
  }
  FisherLsdResult result;
  result.error_mean_square = anova.within_mean_square;
  result.error_degrees_of_freedom = anova.within_degrees_of_freedom;
  result.confidence_level = confidence_level;
  const std::size_t k = anova.group_means.size();
  const double pair_count = static_cast<double>(k * (k - 1) / 2);
  const bool defined =
      result.error_degrees_of_freedom > 0.0 && std::isfinite(result.error_mean_square);
  double critical_t = kNaN;
  if (defined) {
    const boost::math::students_t distribution(result.error_degrees_of_freedom);
    critical_t = boost::math::quantile(distribution, 0.5 + 0.5 * confidence_level);
  }
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = i + 1; j < k; ++j) {
      PairwiseComparison pair;
      pair.group_i = i;
      pair.group_j = j;
      pair.mean_difference = anova.group_means[i] - anova.group_means[j];
      pair.standard_error =
          std::sqrt(result.error_mean_square * (1.0 / static_cast<double>(anova.group_sizes[i]) +
                                                1.0 / static_cast<double>(anova.group_sizes[j])));
      if (defined && pair.standard_error > 0.0) {
        pair.t_statistic = pair.mean_difference / pair.standard_error;
        const boost::math::students_t distribution(result.error_degrees_of_freedom);
        pair.p_value = 2.0 * boost::math::cdf(boost::math::complement(distribution,
                                                                      std::fabs(pair.t_statistic)));
        pair.p_value = std::min(pair.p_value, 1.0);
      } else {
        pair.t_statistic = kNaN;
        pair.p_value = kNaN;
      }
      pair.bonferroni_p_value = std::min(1.0, pair_count * pair.p_value);
      if (std::isnan(pair.p_value)) pair.bonferroni_p_value = kNaN;
      pair.confidence_lower = pair.mean_difference - critical_t * pair.standard_error;
      pair.confidence_upper = pair.mean_difference + critical_t * pair.standard_error;
      result.pairs.push_back(pair);
    }
  }
  return result;
}

}  // namespace doseomics::stats
