#include "stats/percent_change.hpp"

#include <cmath>
#include <stdexcept>

namespace doseomics::stats {

std::optional<double> percent_change(double baseline, double follow_up) {
  if (baseline == 0.0 || !std::isfinite(baseline) || !std::isfinite(follow_up)) {
    return std::nullopt;
  }
  const double change = (follow_up - baseline) / baseline * 100.0;
  // A subnormal baseline can still overflow the quotient.
  if (!std::isfinite(change)) return std::nullopt;
  return change;
}

std::vector<std::optional<double>> percent_changes(const std::vector<double>& baseline,
                                                   const std::vector<double>& follow_up) {
  if (baseline.size() != follow_up.size()) {
    throw std::invalid_argument("percent_changes: series lengths differ");
  }
  std::vector<std::optional<double>> changes;
  changes.reserve(baseline.size());
  for (std::size_t i = 0; i < baseline.size(); ++i) {
    changes.push_back(percent_change(baseline[i], follow_up[i]));
  }
  return changes;
}

}  // namespace doseomics::stats
