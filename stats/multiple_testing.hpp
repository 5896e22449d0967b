// Multiple-comparison adjustments of p-values.
#pragma once

#include <vector>

namespace doseomics::stats {

// Benjamini-Hochberg (1995) false-discovery-rate adjusted p-values ("q-values"), in input
// order: q_(i) = min over j >= i of min(1, m p_(j) / j) for the ascending p_(j). Equals R
// p.adjust(method = "BH") and scipy.stats.false_discovery_control. NaN p-values are kept as NaN
// and excluded from m (R's na.rm behaviour). Throws std::invalid_argument for p outside [0, 1].
std::vector<double> benjamini_hochberg(const std::vector<double>& p_values);

// Bonferroni adjusted p-values min(1, m p), NaN kept and excluded from m (R p.adjust
// "bonferroni"). Throws std::invalid_argument for p outside [0, 1].
std::vector<double> bonferroni(const std::vector<double>& p_values);

}  // namespace doseomics::stats
