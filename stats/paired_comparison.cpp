#include "stats/paired_comparison.hpp"

#include <cmath>

namespace doseomics::stats {

PairedComparisonResult compare_paired(const std::vector<double>& first,
                                      const std::vector<double>& second, double normality_alpha,
                                      const WilcoxonOptions& wilcoxon_options) {
  PairedComparisonResult result;
  const std::vector<double> differences = paired_differences(first, second);
  result.normality_of_differences = shapiro_wilk(differences);
  WilcoxonOptions options = wilcoxon_options;
  result.t_test = paired_t_test(first, second, options.alternative);
  result.wilcoxon = wilcoxon_signed_rank(differences, options);
  const double normality_p = result.normality_of_differences.p_value;
  const bool looks_normal = !std::isnan(normality_p) && normality_p > normality_alpha;
  result.chosen_test =
      looks_normal ? PairedTestKind::paired_t : PairedTestKind::wilcoxon_signed_rank;
  result.p_value = looks_normal ? result.t_test.p_value : result.wilcoxon.p_value;
  return result;
}

}  // namespace doseomics::stats
