#include "stats/multiple_testing.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <stdexcept>

namespace doseomics::stats {
namespace {

// Indices of the non-NaN p-values, after checking every p lies in [0, 1].
std::vector<std::size_t> valid_indices(const std::vector<double>& p_values) {
  std::vector<std::size_t> indices;
  for (std::size_t i = 0; i < p_values.size(); ++i) {
    if (std::isnan(p_values[i])) continue;
    if (p_values[i] < 0.0 || p_values[i] > 1.0) {
      throw std::invalid_argument("p-values must lie in [0, 1]");
    }
    indices.push_back(i);
  }
  return indices;
}

}  // namespace

std::vector<double> benjamini_hochberg(const std::vector<double>& p_values) {
  std::vector<std::size_t> order = valid_indices(p_values);
  std::vector<double> adjusted(p_values);  // NaN stay NaN
  const double m = static_cast<double>(order.size());
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  double running_minimum = 1.0;
  for (std::size_t rank = order.size(); rank-- > 0;) {
    const double candidate = p_values[order[rank]] * m / static_cast<double>(rank + 1);
    running_minimum = std::min(running_minimum, candidate);
    adjusted[order[rank]] = running_minimum;
  }
  return adjusted;
}

std::vector<double> bonferroni(const std::vector<double>& p_values) {
  const std::vector<std::size_t> indices = valid_indices(p_values);
  std::vector<double> adjusted(p_values);
  const double m = static_cast<double>(indices.size());
  for (std::size_t i : indices) adjusted[i] = std::min(1.0, m * p_values[i]);
  return adjusted;
}

}  // namespace doseomics::stats
