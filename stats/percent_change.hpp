// Relative change in percent, (follow_up - baseline) / baseline * 100, as the study's
// Delta-RF and Delta-count.
#pragma once

#include <optional>
#include <vector>

namespace doseomics::stats {

// (follow_up - baseline) / baseline * 100, or std::nullopt ("undefined") when the baseline is
// zero or either value is not finite; never returns inf or NaN. The denominator is the signed
// baseline (as the paper's formula), so with a negative baseline a rise gives a negative value.
std::optional<double> percent_change(double baseline, double follow_up);

// Element-wise percent_change of two equally long series (throws std::invalid_argument on a
// length mismatch).
std::vector<std::optional<double>> percent_changes(const std::vector<double>& baseline,
                                                   const std::vector<double>& follow_up);

}  // namespace doseomics::stats
