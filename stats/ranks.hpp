// Ranking with mid-ranks for ties, shared by the Wilcoxon signed-rank test and Spearman's rho.
#pragma once

#include <cstddef>
#include <vector>

namespace doseomics::stats {

// Ranks 1..n of the values in their original order; tied values share the mean of the ranks
// they span (scipy rankdata(method='average'), R rank(ties.method='average'), SPSS mean rank).
std::vector<double> average_ranks(const std::vector<double>& values);

// Sizes t of every group of tied values (groups of size 1 omitted), for tie corrections such as
// sum(t^3 - t).
std::vector<std::size_t> tie_group_sizes(const std::vector<double>& values);

}  // namespace doseomics::stats
