#include "stats/ranks.hpp"

#include <algorithm>
#include <numeric>

namespace doseomics::stats {
namespace {

std::vector<std::size_t> ascending_order(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  return order;
}

}  // namespace

std::vector<double> average_ranks(const std::vector<double>& values) {
  const std::vector<std::size_t> order = ascending_order(values);
  std::vector<double> ranks(values.size(), 0.0);
  std::size_t start = 0;
  while (start < order.size()) {
    std::size_t end = start + 1;
    while (end < order.size() && values[order[end]] == values[order[start]]) ++end;
    // Positions start..end-1 (zero-based) hold ranks start+1..end; their mean is:
    const double shared_rank = 0.5 * static_cast<double>(start + 1 + end);
    for (std::size_t k = start; k < end; ++k) ranks[order[k]] = shared_rank;
    start = end;
  }
  return ranks;
}

std::vector<std::size_t> tie_group_sizes(const std::vector<double>& values) {
  std::vector<double> sorted(values);
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::size_t> sizes;
  std::size_t start = 0;
  while (start < sorted.size()) {
    std::size_t end = start + 1;
    while (end < sorted.size() && sorted[end] == sorted[start]) ++end;
    if (end - start > 1) sizes.push_back(end - start);
    start = end;
  }
  return sizes;
}

}  // namespace doseomics::stats
